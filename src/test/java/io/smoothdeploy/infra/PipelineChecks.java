package io.smoothdeploy.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks on the pipeline templates in infra/pipelines/, read as text (no YAML parser): where the credential
 * is, how the pipeline signs in, and at which ref the orchestrator (whose CLI runs with the pipeline's Azure
 * session) is checked out. Each returns what is at fault, empty when all is well, so a test can prove it
 * fails on a copy with one change.
 */
final class PipelineChecks {

    static final String GITHUB = "pipelines/github-deploy.yml";
    static final String AZURE_DEVOPS = "pipelines/azure-pipelines-template.yml";

    /** What only a deploy step may carry: the old function key, the API settings, any secret. */
    static final List<String> CREDENTIAL_MARKERS = List.of("SMOOTHDEPLOY_KEY", "SMOOTHDEPLOY_AUDIENCE",
            "SMOOTHDEPLOY_API", "secrets.");

    /** A pinned ref: a tag (v1.2.3, refs/tags/…) or a full commit id. A branch name matches neither. */
    static final Pattern PINNED_REF = Pattern.compile("^(?:refs/tags/\\S+|v\\d+(?:\\.\\d+)*(?:[-+][\\w.]+)?|[0-9a-f]{40})$");

    private static final Pattern ITEM = Pattern.compile("^(\\s*)- \\S");
    private static final Pattern CLI_CALL = Pattern.compile("deploy\\(\\)\\s*\\{");

    private PipelineChecks() {
    }

    /** The lines of the top-level block {@code key:} (column 0) up to the next top-level key. */
    static List<String> topLevelBlock(String yaml, String key) {
        List<String> block = new ArrayList<>();
        boolean in = false;
        for (String line : yaml.split("\n")) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#")) {
                in = line.startsWith(key + ":");
                continue;
            }
            if (in) {
                block.add(line);
            }
        }
        return block;
    }

    /** Every list item ("- …") at any depth, as its text up to the next line at its indent or less. */
    static List<String> items(String yaml) {
        String[] lines = yaml.split("\n");
        List<String> items = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = ITEM.matcher(lines[i]);
            if (!m.find() || lines[i].stripLeading().startsWith("#")) {
                continue;
            }
            int indent = m.group(1).length();
            StringBuilder item = new StringBuilder(lines[i]).append('\n');
            for (int j = i + 1; j < lines.length; j++) {
                String line = lines[j];
                int lineIndent = line.length() - line.stripLeading().length();
                if (!line.isBlank() && lineIndent <= indent) {
                    break;
                }
                item.append(line).append('\n');
            }
            items.add(item.toString());
        }
        return items;
    }

    /** The steps (items) that call the deploy CLI: they define the {@code deploy()} shell function. */
    static List<String> cliSteps(String yaml) {
        return items(yaml).stream().filter(item -> CLI_CALL.matcher(item).find())
                .filter(item -> items(item.substring(item.indexOf('\n') + 1)).stream().noneMatch(inner -> CLI_CALL.matcher(inner).find()))
                .toList();
    }

    private static String firstLine(String item) {
        return item.substring(0, item.indexOf('\n')).strip();
    }

    private static String displayName(String item) {
        Matcher m = Pattern.compile("(?m)^\\s*(?:- )?(?:name|displayName):\\s*(.+)$").matcher(item);
        return m.find() ? m.group(1).strip() : firstLine(item);
    }

    /**
     * GitHub Actions: problems with where the credential is and how the workflow signs in. The workflow-level
     * env holds no credential marker; no secret is used at all; only a job that signs in has
     * {@code id-token: write}, and the workflow-level permissions do not; azure/login uses a federated
     * credential (client-id, no creds or client secret); every step that calls the CLI carries the API and
     * the audience in its own env.
     */
    static Set<String> githubCredentialProblems(String yaml) {
        Set<String> problems = new TreeSet<>();
        for (String line : topLevelBlock(yaml, "env")) {
            String code = line.replaceAll("#.*", "");
            CREDENTIAL_MARKERS.stream().filter(code::contains)
                    .forEach(marker -> problems.add("workflow-level env holds " + marker));
        }
        String code = yaml.replaceAll("(?m)#.*$", "");
        if (code.contains("secrets.") || code.contains("SMOOTHDEPLOY_KEY")) {
            problems.add("the workflow uses a secret or the function key");
        }
        if (String.join("\n", topLevelBlock(yaml, "permissions")).contains("id-token")) {
            problems.add("workflow-level permissions grant id-token");
        }
        for (String job : jobs(code)) {
            boolean idToken = job.contains("id-token: write");
            boolean signsIn = job.contains("azure/login@");
            String name = firstLine(job);
            if (idToken && !signsIn) {
                problems.add("job " + name + " can ask for an OIDC token but does not sign in");
            }
            if (signsIn && !idToken) {
                problems.add("job " + name + " signs in without id-token: write (not OIDC)");
            }
            if (idToken && job.contains("inputs.build-command")) {
                problems.add("job " + name + " runs the build command and can ask for an OIDC token");
            }
        }
        for (String step : items(code)) {
            if (step.contains("azure/login@")) {
                if (!step.contains("client-id:") || step.contains("creds:") || step.contains("client-secret")) {
                    problems.add("azure/login does not sign in with a federated credential (client-id, no secret)");
                }
            }
        }
        for (String step : cliSteps(code)) {
            if (!step.contains("SMOOTHDEPLOY_AUDIENCE:") || !step.contains("SMOOTHDEPLOY_API:")) {
                problems.add("CLI step '" + displayName(step) + "' has no step-level SMOOTHDEPLOY_API and SMOOTHDEPLOY_AUDIENCE");
            }
        }
        return problems;
    }

    /** The jobs of a workflow: the blocks under {@code jobs:} at two spaces' indent. */
    static List<String> jobs(String yaml) {
        List<String> jobs = new ArrayList<>();
        StringBuilder current = null;
        for (String line : topLevelBlock(yaml, "jobs")) {
            if (line.matches("^ {2}[\\w-]+:\\s*$")) {
                if (current != null) {
                    jobs.add(current.toString());
                }
                current = new StringBuilder(line.strip()).append('\n');
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            jobs.add(current.toString());
        }
        return jobs;
    }

    /**
     * GitHub Actions: the orchestrator's checkout (the checkout with {@code repository:}) is at
     * {@code inputs.orchestrator-ref}, and every default of that input is a pinned ref.
     */
    static Set<String> githubRefProblems(String yaml) {
        Set<String> problems = new TreeSet<>();
        String code = yaml.replaceAll("(?m)#.*$", "");
        List<String> checkouts = items(code).stream()
                .filter(step -> step.contains("actions/checkout@") && step.contains("repository:")).toList();
        if (checkouts.isEmpty()) {
            problems.add("no checkout of the orchestrator's repository");
        }
        for (String checkout : checkouts) {
            if (!checkout.contains("ref: ${{ inputs.orchestrator-ref }}")) {
                problems.add("the orchestrator's checkout is not at inputs.orchestrator-ref");
            }
        }
        List<String> defaults = new ArrayList<>();
        Matcher block = Pattern.compile("(?m)^ {6}orchestrator-ref:\\s*\\n((?: {8}.*\\n)+)").matcher(code);
        while (block.find()) {
            Matcher d = Pattern.compile("(?m)^\\s*default:\\s*(\\S+)").matcher(block.group(1));
            defaults.add(d.find() ? d.group(1) : "");
        }
        Matcher inline = Pattern.compile("(?m)^ {6}orchestrator-ref:\\s*\\{([^}]*)}").matcher(code);
        while (inline.find()) {
            Matcher d = Pattern.compile("default:\\s*([^,\\s]+)").matcher(inline.group(1));
            defaults.add(d.find() ? d.group(1) : "");
        }
        if (defaults.size() != 2) {
            problems.add("orchestrator-ref is not an input of both workflow_dispatch and workflow_call: " + defaults);
        }
        for (String value : defaults) {
            if (!PINNED_REF.matcher(value.replace("'", "")).matches()) {
                problems.add("orchestrator-ref defaults to '" + value + "', not a tag or a commit");
            }
        }
        return problems;
    }

    /**
     * Azure DevOps: no function key anywhere; every step that calls the CLI is an AzureCLI@2 task on the
     * deployer's (workload identity federation) service connection with the API and audience in its env; the
     * orchestrator is checked out at {@code parameters.orchestratorRef}, whose default is a pinned ref.
     */
    static Set<String> azureDevOpsProblems(String yaml) {
        Set<String> problems = new TreeSet<>();
        String code = yaml.replaceAll("(?m)#.*$", "");
        for (String marker : List.of("SMOOTHDEPLOY_KEY", "functionKey", "x-functions-key")) {
            if (code.contains(marker)) {
                problems.add("the template uses " + marker);
            }
        }
        List<String> cli = cliSteps(code);
        if (cli.isEmpty()) {
            problems.add("no step calls the deploy CLI");
        }
        for (String step : cli) {
            String name = displayName(step);
            if (!firstLine(step).equals("- task: AzureCLI@2")
                    || !step.contains("azureSubscription: ${{ parameters.deployerServiceConnection }}")) {
                problems.add("CLI step '" + name + "' is not an AzureCLI@2 task on deployerServiceConnection");
            }
            if (!step.contains("SMOOTHDEPLOY_AUDIENCE: ${{ parameters.audience }}") || !step.contains("SMOOTHDEPLOY_API:")) {
                problems.add("CLI step '" + name + "' has no SMOOTHDEPLOY_API and SMOOTHDEPLOY_AUDIENCE in its env");
            }
        }
        if (!Pattern.compile("(?m)^\\s*- checkout: git://.*@\\$\\{\\{ parameters\\.orchestratorRef }}\\s*$").matcher(code).find()) {
            problems.add("the orchestrator is not checked out at parameters.orchestratorRef");
        }
        Matcher ref = Pattern.compile("(?m)^ {2}- name: orchestratorRef\\s*\\n((?: {4}.*\\n)+)").matcher(code);
        if (!ref.find()) {
            problems.add("no orchestratorRef parameter");
        } else {
            Matcher d = Pattern.compile("(?m)^\\s*default:\\s*(\\S+)").matcher(ref.group(1));
            String value = d.find() ? d.group(1) : "";
            if (!PINNED_REF.matcher(value).matches()) {
                problems.add("orchestratorRef defaults to '" + value + "', not a tag or a commit");
            }
        }
        return problems;
    }
}
