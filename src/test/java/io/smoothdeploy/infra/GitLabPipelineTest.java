package io.smoothdeploy.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The GitLab CI example ({@code infra/pipelines/gitlab-deploy.yml}) follows the design of the other two templates
 * ({@link PipelineChecks#gitlabProblems}): no key, the pipeline never completes or resets, the API settings only
 * where the CLI runs, GitLab's ID token only in the job that signs in with it, WAIT_FOR, the Approver's next steps
 * printed, the orchestrator pinned; its start records the commit and the pipeline; every script is valid bash.
 * Each check is shown to fail on the text with one change.
 */
class GitLabPipelineTest {

    private static String read() throws IOException {
        return Files.readString(InfraConsistencyTest.INFRA.resolve(PipelineChecks.GITLAB));
    }

    private static String changed(String text, String from, String to) {
        assertTrue(text.contains(from), "the example no longer contains " + from.strip() + ": update this test");
        return text.replace(from, to);
    }

    @Test
    void theExampleFollowsTheDeployerOnlyDesign() throws IOException {
        String example = read();
        // A scan that found no jobs would prove nothing.
        assertEquals(List.of("deploy-cli", "package", "deploy", "approver-next-steps"),
                List.copyOf(PipelineChecks.gitlabJobs(example).keySet()));

        assertEquals(Set.of(), PipelineChecks.gitlabProblems(example));
    }

    @Test
    void theStartRecordsTheCommitAndThePipelineAndReattachesOnARetry() throws IOException {
        String deploy = PipelineChecks.gitlabJobs(read()).get("deploy");
        assertTrue(deploy.contains("--commit-id \"$CI_COMMIT_SHA\""));
        assertTrue(deploy.contains("--pipeline-run-url \"$CI_PIPELINE_URL\""));
        assertTrue(deploy.contains("--idempotency-key \"gl-$CI_PIPELINE_ID-$DEPLOY_ENVIRONMENT\""),
                "the pipeline id stays the same when a job is retried");
        assertTrue(deploy.contains("deploy() { java -jar smooth-deploy-cli.jar \"$@\"; }"),
                "the CLI jar, not a Maven build, runs the commands");
    }

    @Test
    void aFunctionKeyIsReported() throws IOException {
        String example = changed(read(), "      deploy() { java -jar smooth-deploy-cli.jar \"$@\"; }\n",
                "      deploy() { java -jar smooth-deploy-cli.jar \"$@\" --key \"$SMOOTHDEPLOY_KEY\"; }\n");

        assertEquals(Set.of("the example uses SMOOTHDEPLOY_KEY", "the example uses --key"),
                PipelineChecks.gitlabProblems(example));
    }

    @Test
    void aCompleteOrResetRunByThePipelineIsReportedButNotOneItPrints() throws IOException {
        String example = changed(read(), "        deploy wait --id \"$ID\" --until terminal --timeout 90m --poll 10s\n",
                "        deploy wait --id \"$ID\" --until terminal --timeout 90m --poll 10s\n"
                        + "      else\n        deploy complete --id \"$ID\" || deploy reset --id \"$ID\"\n");

        assertEquals(Set.of("job deploy runs deploy complete"), PipelineChecks.gitlabProblems(example));
    }

    @Test
    void theAudienceInTheGlobalVariablesOrInAJobWithoutTheCliIsReported() throws IOException {
        String global = changed(read(), "  SMOKE_PATHS: /\n", "  SMOKE_PATHS: /\n"
                + "  SMOOTHDEPLOY_AUDIENCE: api://00000000-0000-0000-0000-000000000000\n");
        String packageJob = changed(read(), "      test -f \"$PACKAGE_PATH\" ||",
                "      echo \"$SMOOTHDEPLOY_AUDIENCE\"\n      test -f \"$PACKAGE_PATH\" ||");

        assertEquals(Set.of("the global variables hold the CLI's API settings"), PipelineChecks.gitlabProblems(global));
        assertEquals(Set.of("job package gets the CLI's API settings but calls no CLI command"),
                PipelineChecks.gitlabProblems(packageJob));
    }

    @Test
    void aCliJobThatDoesNotCheckTheAudienceIsReported() throws IOException {
        String example = changed(read(), "      : \"${SMOOTHDEPLOY_AUDIENCE:?set the CI/CD variable SMOOTHDEPLOY_AUDIENCE"
                + ", the Application ID URI of the API}\"\n", "");

        assertEquals(Set.of("job deploy calls the CLI without checking SMOOTHDEPLOY_API and SMOOTHDEPLOY_AUDIENCE"),
                PipelineChecks.gitlabProblems(example));
    }

    @Test
    void anIdTokenOrASignInOutsideTheDeployJobIsReported() throws IOException {
        String idToken = changed(read(), "package:\n  stage: build\n", "package:\n  stage: build\n  id_tokens:\n"
                + "    AZURE_ID_TOKEN:\n      aud: api://AzureADTokenExchange\n");
        String signIn = changed(read(), "      test -f \"$PACKAGE_PATH\" ||",
                "      az login --identity\n      test -f \"$PACKAGE_PATH\" ||");

        assertEquals(Set.of("job package asks for an ID token but does not sign in with it",
                "job package runs the build command and holds an ID token"), PipelineChecks.gitlabProblems(idToken));
        assertEquals(Set.of("job package signs in without an ID token (not OIDC)"),
                PipelineChecks.gitlabProblems(signIn));
    }

    @Test
    void noWaitForOrNoTerminalWaitIsReported() throws IOException {
        String variable = changed(read(), "  WAIT_FOR: AwaitingVerification ", "  WAIT_FOR: terminal ");
        String noWait = changed(read(), "        deploy wait --id \"$ID\" --until terminal --timeout 90m --poll 10s\n",
                "        echo \"not waiting\"\n");

        assertEquals(Set.of("no WAIT_FOR variable defaulting to AwaitingVerification"),
                PipelineChecks.gitlabProblems(variable));
        assertEquals(Set.of("no wait --until terminal when WAIT_FOR is terminal"), PipelineChecks.gitlabProblems(noWait));
    }

    @Test
    void noApproverNextStepsIsReported() throws IOException {
        String example = changed(read(), "      echo \"  deploy reset --id $DEPLOYMENT_ID", "      echo \"  reset --id $DEPLOYMENT_ID");

        assertEquals(Set.of("no job prints what an Approver runs next"), PipelineChecks.gitlabProblems(example));
    }

    @Test
    void anOrchestratorOnABranchIsReported() throws IOException {
        String branch = changed(read(), "  SMOOTHDEPLOY_REF: v1.0.0 ", "  SMOOTHDEPLOY_REF: main ");
        String unchecked = changed(read(), "        if git ls-remote --exit-code --heads \"$SMOOTHDEPLOY_REPO\""
                + " \"$SMOOTHDEPLOY_REF\" > /dev/null; then\n", "        if false; then\n");

        assertEquals(Set.of("SMOOTHDEPLOY_REF is not a tag or a commit"), PipelineChecks.gitlabProblems(branch));
        assertEquals(Set.of("the orchestrator is not cloned at SMOOTHDEPLOY_REF with a branch refused"),
                PipelineChecks.gitlabProblems(unchecked));
    }

    @Test
    void everyScriptIsValidBash() throws Exception {
        List<String> scripts = scripts(read());
        assertEquals(4, scripts.size(), "deploy-cli, package, deploy, approver-next-steps");
        for (String script : scripts) {
            assertEquals("", bashSyntaxErrors(script), script);
        }
    }

    @Test
    void theScriptCheckFindsASyntaxError() throws Exception {
        String broken = changed(read(), "case \"$CODE\" in 2??|3??) ;;", "case \"$CODE\" in 2??|3??) ;");

        assertTrue(scripts(broken).stream().anyMatch(script -> !bashSyntaxErrors(script).isEmpty()),
                "bash -n refuses a broken script, so the check above can fail");
    }

    /** What {@code bash -n} says of the script: empty when it parses. */
    private static String bashSyntaxErrors(String script) {
        try {
            Process bash = new ProcessBuilder("bash", "-n", "-c", script).redirectErrorStream(true).start();
            String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
            return bash.exitValue() == 0 ? "" : "exit " + bash.exitValue() + ": " + output;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The literal blocks ({@code - |}) of every job's script, without their indentation. */
    private static List<String> scripts(String text) {
        List<String> scripts = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals("    - |")) {
                continue;
            }
            StringBuilder script = new StringBuilder();
            for (i = i + 1; i < lines.size() && (lines.get(i).startsWith("      ") || lines.get(i).isBlank()); i++) {
                script.append(lines.get(i).isBlank() ? "" : lines.get(i).substring(6)).append('\n');
            }
            i--;
            scripts.add(script.toString());
        }
        return scripts;
    }
}
