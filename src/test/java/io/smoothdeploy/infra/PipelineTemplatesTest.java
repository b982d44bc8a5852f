package io.smoothdeploy.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pipeline templates keep the credential to the deploy steps, sign in with OIDC and give the CLI the
 * app's audience, and check the orchestrator out at a pinned ref ({@link PipelineChecks}); and each check
 * fails on the template text with one change.
 */
class PipelineTemplatesTest {

    private static String read(String file) throws IOException {
        return Files.readString(InfraConsistencyTest.INFRA.resolve(file));
    }

    private static String changed(String text, String from, String to) {
        assertTrue(text.contains(from), "the template no longer contains " + from.strip() + ": update this test");
        return text.replace(from, to);
    }

    @Test
    void theGithubWorkflowKeepsTheCredentialToTheDeploySteps() throws IOException {
        String workflow = read(PipelineChecks.GITHUB);
        // A scan that found no CLI step or no job would prove nothing.
        assertEquals(4, PipelineChecks.cliSteps(workflow).size(), "CLI steps found");
        assertEquals(2, PipelineChecks.jobs(workflow).size(), "jobs found");

        assertEquals(Set.of(), PipelineChecks.githubCredentialProblems(workflow));
        assertEquals(Set.of(), PipelineChecks.githubRefProblems(workflow));
    }

    @Test
    void theAzureDevOpsTemplateSignsInPerStepAndPinsTheOrchestrator() throws IOException {
        String template = read(PipelineChecks.AZURE_DEVOPS);
        assertEquals(4, PipelineChecks.cliSteps(template).size(), "CLI steps found");

        assertEquals(Set.of(), PipelineChecks.azureDevOpsProblems(template));
    }

    @Test
    void aKeyInTheWorkflowLevelEnvIsReported() throws IOException {
        String workflow = changed(read(PipelineChecks.GITHUB), "  SMOKE_PATHS: '/'\n",
                "  SMOKE_PATHS: '/'\n  SMOOTHDEPLOY_KEY: ${{ secrets.SMOOTHDEPLOY_KEY }}\n");

        assertEquals(Set.of("workflow-level env holds SMOOTHDEPLOY_KEY", "workflow-level env holds secrets.",
                "the workflow uses a secret or the function key"), PipelineChecks.githubCredentialProblems(workflow));
    }

    @Test
    void theAudienceMovedToTheWorkflowLevelIsReported() throws IOException {
        String workflow = changed(read(PipelineChecks.GITHUB), "  SMOKE_PATHS: '/'\n",
                "  SMOKE_PATHS: '/'\n  SMOOTHDEPLOY_AUDIENCE: ${{ vars.SMOOTHDEPLOY_AUDIENCE }}\n");

        assertEquals(Set.of("workflow-level env holds SMOOTHDEPLOY_AUDIENCE"), PipelineChecks.githubCredentialProblems(workflow));
    }

    @Test
    void aCliStepWithoutTheAudienceIsReported() throws IOException {
        String workflow = changed(read(PipelineChecks.GITHUB), "      - name: Wait until it awaits verification\n"
                        + "        env:\n          SMOOTHDEPLOY_API: ${{ vars.SMOOTHDEPLOY_API }}\n"
                        + "          SMOOTHDEPLOY_AUDIENCE: ${{ vars.SMOOTHDEPLOY_AUDIENCE }}\n",
                "      - name: Wait until it awaits verification\n        env:\n");

        assertEquals(Set.of("CLI step 'Wait until it awaits verification' has no step-level SMOOTHDEPLOY_API and "
                + "SMOOTHDEPLOY_AUDIENCE"), PipelineChecks.githubCredentialProblems(workflow));
    }

    @Test
    void aCliStepWithoutTheWorkloadIdentitysIdsIsReported() throws IOException {
        String workflow = changed(read(PipelineChecks.GITHUB), "        if: ${{ inputs.wait-for == 'terminal' }}\n        env:\n"
                + "          SMOOTHDEPLOY_API: ${{ vars.SMOOTHDEPLOY_API }}\n"
                + "          SMOOTHDEPLOY_AUDIENCE: ${{ vars.SMOOTHDEPLOY_AUDIENCE }}\n"
                + "          AZURE_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}\n",
                "        if: ${{ inputs.wait-for == 'terminal' }}\n        env:\n"
                + "          SMOOTHDEPLOY_API: ${{ vars.SMOOTHDEPLOY_API }}\n"
                + "          SMOOTHDEPLOY_AUDIENCE: ${{ vars.SMOOTHDEPLOY_AUDIENCE }}\n");

        assertEquals(Set.of("CLI step 'Wait for the environment's verification policy to finish it' has no"
                + " AZURE_CLIENT_ID and AZURE_TENANT_ID (its token would not renew past the az session's hour)"),
                PipelineChecks.githubCredentialProblems(workflow));
    }

    @Test
    void anOidcTokenForTheBuildJobIsReported() throws IOException {
        String workflow = changed(read(PipelineChecks.GITHUB), "    timeout-minutes: 60\n    permissions:\n      contents: read\n",
                "    timeout-minutes: 60\n    permissions:\n      id-token: write\n      contents: read\n");

        assertEquals(Set.of("job build: can ask for an OIDC token but does not sign in",
                        "job build: runs the build command and can ask for an OIDC token"),
                PipelineChecks.githubCredentialProblems(workflow));
    }

    @Test
    void aClientSecretLoginIsReported() throws IOException {
        String workflow = changed(read(PipelineChecks.GITHUB), "          client-id: ${{ vars.AZURE_CLIENT_ID }}\n",
                "          creds: ${{ vars.AZURE_CREDENTIALS }}\n");

        assertEquals(Set.of("azure/login does not sign in with a federated credential (client-id, no secret)"),
                PipelineChecks.githubCredentialProblems(workflow));
    }

    @Test
    void anOrchestratorOnABranchIsReported() throws IOException {
        String workflow = changed(read(PipelineChecks.GITHUB), "      orchestrator-ref: {required: false, default: v1.0.0, type: string}",
                "      orchestrator-ref: {required: false, default: main, type: string}");
        workflow = changed(workflow, "          ref: ${{ inputs.orchestrator-ref }}\n", "");

        assertEquals(Set.of("orchestrator-ref defaults to 'main', not a tag or a commit",
                "the orchestrator's checkout is not at inputs.orchestrator-ref"), PipelineChecks.githubRefProblems(workflow));
    }

    @Test
    void aDispatchDefaultThatIsABranchIsReported() throws IOException {
        String workflow = changed(read(PipelineChecks.GITHUB), "        default: v1.0.0\n", "        default: release/1.x\n");

        assertEquals(Set.of("orchestrator-ref defaults to 'release/1.x', not a tag or a commit"),
                PipelineChecks.githubRefProblems(workflow));
    }

    @Test
    void aFunctionKeyOrAPlainBashCliStepInAzureDevOpsIsReported() throws IOException {
        String template = changed(read(PipelineChecks.AZURE_DEVOPS),
                "  - task: AzureCLI@2\n    displayName: Wait until it awaits verification\n"
                        + "    inputs:\n      azureSubscription: ${{ parameters.deployerServiceConnection }}\n"
                        + "      scriptType: bash\n      scriptLocation: inlineScript\n      inlineScript: |\n"
                        + "        deploy() { java -jar \"$(SmoothDeployCli)\" \"$@\"; }\n"
                        + "        deploy wait --id \"$ID\" --until AwaitingVerification --timeout \"$TIMEOUT\" --poll 10s\n"
                        + "    env:\n",
                "  - bash: |\n      deploy() { java -jar \"$(SmoothDeployCli)\" \"$@\"; }\n"
                        + "      deploy wait --id \"$ID\" --until AwaitingVerification --timeout \"$TIMEOUT\" --poll 10s\n"
                        + "    displayName: Wait until it awaits verification\n    env:\n"
                        + "      SMOOTHDEPLOY_KEY: $(SmoothDeployKey)\n");

        assertEquals(Set.of("the template uses SMOOTHDEPLOY_KEY",
                        "CLI step 'Wait until it awaits verification' is not an AzureCLI@2 task on deployerServiceConnection"),
                PipelineChecks.azureDevOpsProblems(template));
    }

    @Test
    void anAzureDevOpsOrchestratorOnABranchIsReported() throws IOException {
        String template = changed(read(PipelineChecks.AZURE_DEVOPS), "    default: refs/tags/v1.0.0\n", "    default: refs/heads/main\n");

        assertEquals(Set.of("orchestratorRef defaults to 'refs/heads/main', not a tag or a commit"),
                PipelineChecks.azureDevOpsProblems(template));
    }
}
