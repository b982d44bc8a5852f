package io.smoothdeploy.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    static final String GITLAB = "pipelines/gitlab-deploy.yml";

    /** The top-level keys of a .gitlab-ci.yml that are not jobs. */
    private static final Set<String> GITLAB_KEYWORDS = Set.of("stages", "variables", "default", "include", "workflow");
    /** A CLI command that an Approver runs, never the pipeline. */
    private static final Pattern APPROVER_COMMAND = Pattern.compile("\\bdeploy\\s+(complete|reset)\\b");
    /** A CLI command the pipeline runs. */
    private static final Pattern CLI_COMMAND = Pattern.compile("\\bdeploy\\s+(start|status|wait|log)\\b");
    /** A reference to one of the CLI's API settings ({@code $X} or {@code ${X}}). */
    private static final Pattern API_SETTING = Pattern.compile("\\$\\{?SMOOTHDEPLOY_(API|AUDIENCE)\\b");

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
     * the audience in its own env, and the workload identity's client and tenant ids, with which the CLI renews
     * its token from GitHub's ID tokens.
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
            if (!step.contains("AZURE_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}")
                    || !step.contains("AZURE_TENANT_ID: ${{ vars.AZURE_TENANT_ID }}")) {
                problems.add("CLI step '" + displayName(step) + "' has no AZURE_CLIENT_ID and AZURE_TENANT_ID (its"
                        + " token would not renew past the az session's hour)");
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

    /**
     * GitLab CI: the jobs (top-level keys that are not keywords), each as its text, comments removed. A job that
     * {@code extends:} a hidden one gets that one's text as well.
     */
    static Map<String, String> gitlabJobs(String yaml) {
        Map<String, String> blocks = new LinkedHashMap<>();
        String current = null;
        StringBuilder body = new StringBuilder();
        for (String line : yaml.replaceAll("(?m)^\\s*#.*\\n", "").replaceAll("(?m)\\s+#.*$", "").split("\n")) {
            Matcher key = Pattern.compile("^([.\\w-]+):").matcher(line);
            if (key.find()) {
                if (current != null) {
                    blocks.put(current, body.toString());
                }
                current = key.group(1);
                body.setLength(0);
            }
            body.append(line).append('\n');
        }
        if (current != null) {
            blocks.put(current, body.toString());
        }
        Map<String, String> jobs = new LinkedHashMap<>();
        blocks.forEach((name, text) -> {
            if (GITLAB_KEYWORDS.contains(name) || name.startsWith(".")) {
                return;
            }
            Matcher extended = Pattern.compile("(?m)^ {2}extends: (\\S+)").matcher(text);
            jobs.put(name, extended.find() ? text + blocks.getOrDefault(extended.group(1), "") : text);
        });
        return jobs;
    }

    /** What a job's scripts run: each line with its quoted text ('…', "…") removed, so an echo runs nothing. */
    static String commandsRun(String job) {
        StringBuilder run = new StringBuilder();
        for (String line : job.split("\n")) {
            run.append(line.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"").replaceAll("'[^']*'", "''")).append('\n');
        }
        return run.toString();
    }

    /**
     * GitLab CI, the same design as the other two: no function key anywhere; the pipeline never runs
     * {@code deploy complete} or {@code deploy reset}; the CLI's API settings in no global variable and used
     * only by jobs that call the CLI, and each of those checks both; an ID token only in the job that signs in
     * with it, and {@code az login} nowhere else; the build command in no job with an ID token; a
     * {@code WAIT_FOR} variable (AwaitingVerification by default) that only a terminal wait reads; a job that
     * prints what an Approver runs next; the orchestrator at a pinned {@code SMOOTHDEPLOY_REF}, a branch refused.
     */
    static Set<String> gitlabProblems(String yaml) {
        Set<String> problems = new TreeSet<>();
        String code = yaml.replaceAll("(?m)#.*$", "");
        for (String marker : List.of("SMOOTHDEPLOY_KEY", "x-functions-key", "--key")) {
            if (code.contains(marker)) {
                problems.add("the example uses " + marker);
            }
        }
        String variables = String.join("\n", topLevelBlock(code, "variables"));
        if (API_SETTING.matcher(variables.replace("SMOOTHDEPLOY_", "$SMOOTHDEPLOY_")).find()) {
            problems.add("the global variables hold the CLI's API settings");
        }
        Matcher waitFor = Pattern.compile("(?m)^ {2}WAIT_FOR: (\\S+)").matcher(variables);
        if (!waitFor.find() || !waitFor.group(1).equals("AwaitingVerification")) {
            problems.add("no WAIT_FOR variable defaulting to AwaitingVerification");
        }
        Matcher ref = Pattern.compile("(?m)^ {2}SMOOTHDEPLOY_REF: (\\S+)").matcher(variables);
        if (!ref.find() || !PINNED_REF.matcher(ref.group(1).replace("'", "")).matches()) {
            problems.add("SMOOTHDEPLOY_REF is not a tag or a commit");
        }
        Map<String, String> jobs = gitlabJobs(yaml);
        boolean approverNotes = false;
        boolean branchRefused = false;
        boolean terminalWait = false;
        for (Map.Entry<String, String> job : jobs.entrySet()) {
            String name = job.getKey();
            String text = job.getValue();
            String run = commandsRun(text);
            boolean callsCli = CLI_COMMAND.matcher(run).find();
            boolean idToken = text.contains("id_tokens:");
            Matcher approver = APPROVER_COMMAND.matcher(run);
            if (approver.find()) {
                problems.add("job " + name + " runs deploy " + approver.group(1));
            }
            if (API_SETTING.matcher(text).find() && !callsCli) {
                problems.add("job " + name + " gets the CLI's API settings but calls no CLI command");
            }
            if (callsCli && !(text.contains("${SMOOTHDEPLOY_API:?") && text.contains("${SMOOTHDEPLOY_AUDIENCE:?"))) {
                problems.add("job " + name + " calls the CLI without checking SMOOTHDEPLOY_API and SMOOTHDEPLOY_AUDIENCE");
            }
            if (callsCli && !text.contains("environment:")) {
                problems.add("job " + name + " calls the CLI outside an environment (its scoped variables)");
            }
            boolean signsIn = run.contains("az login");
            if (idToken && !(signsIn && run.contains("--federated-token"))) {
                problems.add("job " + name + " asks for an ID token but does not sign in with it");
            }
            if (signsIn && !idToken) {
                problems.add("job " + name + " signs in without an ID token (not OIDC)");
            }
            if (idToken && text.contains("$BUILD_COMMAND")) {
                problems.add("job " + name + " runs the build command and holds an ID token");
            }
            if (text.contains("\"$WAIT_FOR\" = \"terminal\"") && text.contains("deploy wait --id \"$ID\" --until terminal")) {
                terminalWait = true;
            }
            if (text.contains("git ls-remote --exit-code --heads \"$SMOOTHDEPLOY_REPO\" \"$SMOOTHDEPLOY_REF\"")
                    && text.contains("--branch \"$SMOOTHDEPLOY_REF\"")) {
                branchRefused = true;
            }
            if (!idToken && !callsCli && text.contains("when: always") && text.contains("echo \"  deploy complete --id")
                    && text.contains("echo \"  deploy reset --id")) {
                approverNotes = true;
            }
        }
        if (!terminalWait) {
            problems.add("no wait --until terminal when WAIT_FOR is terminal");
        }
        if (!branchRefused) {
            problems.add("the orchestrator is not cloned at SMOOTHDEPLOY_REF with a branch refused");
        }
        if (!approverNotes) {
            problems.add("no job prints what an Approver runs next");
        }
        return problems;
    }
}
