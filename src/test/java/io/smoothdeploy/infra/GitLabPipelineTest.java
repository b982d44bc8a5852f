package io.smoothdeploy.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The GitLab CI example ({@code infra/pipelines/gitlab-deploy.yml}) keeps the promises the other two templates
 * keep: credentials only in the jobs that deploy, the orchestrator pinned, commit and pipeline URL passed to the
 * start, accepting data loss only when asked, never a reset of a release held on the data-loss guard, and every
 * script is valid bash. (No YAML parser is on the test classpath: jobs are read as the file's top-level keys.)
 */
class GitLabPipelineTest {

    private static final Path TEMPLATE = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("infra/pipelines/gitlab-deploy.yml");
    private static final Pattern TOP_LEVEL_KEY = Pattern.compile("^([.A-Za-z0-9_-]+):");

    private final Map<String, String> jobs = topLevelKeys(read());

    @Test
    void credentialsReachOnlyTheJobsThatDeploy() {
        List<String> credentials = List.of("SMOOTHDEPLOY_KEY", "AZURE_ID_TOKEN", "az login", "id_tokens");
        for (String job : List.of("deploy-cli", "package")) {
            for (String credential : credentials) {
                assertFalse(jobs.get(job).contains(credential), job + " must not see " + credential);
            }
        }
        assertTrue(jobs.get(".with-credentials").contains("environment:\n    name: $DEPLOY_ENVIRONMENT"),
                "environment-scoped variables (the key) reach only jobs with an environment");
        for (String job : List.of("deploy", "reset-on-failure")) {
            assertTrue(jobs.get(job).contains("extends: .with-credentials"), job);
        }
        assertTrue(jobs.get("deploy").contains("id_tokens:"), "the Azure sign-in uses GitLab's ID token");
    }

    @Test
    void theOrchestratorIsPinnedToATagOrCommit() {
        Matcher ref = Pattern.compile("(?m)^  SMOOTHDEPLOY_REF: (\\S+)").matcher(jobs.get("variables"));
        assertTrue(ref.find(), jobs.get("variables"));
        assertFalse(List.of("main", "master", "develop", "HEAD").contains(ref.group(1)), ref.group(1));
        assertTrue(jobs.get("deploy-cli").contains("--branch \"$SMOOTHDEPLOY_REF\""));
    }

    @Test
    void theStartRecordsTheCommitAndThePipelineAndReattachesOnARetry() {
        String deploy = jobs.get("deploy");
        assertTrue(deploy.contains("--commit-id \"$CI_COMMIT_SHA\""));
        assertTrue(deploy.contains("--pipeline-run-url \"$CI_PIPELINE_URL\""));
        assertTrue(deploy.contains("--idempotency-key \"gl-$CI_PIPELINE_ID-$DEPLOY_ENVIRONMENT\""),
                "the pipeline id stays the same when a job is retried");
        assertTrue(deploy.contains("java -jar smooth-deploy-cli.jar") || jobs.get(".with-credentials")
                .contains("java -jar smooth-deploy-cli.jar"), "the CLI jar, not a Maven build, runs the commands");
    }

    @Test
    void dataLossIsAcceptedOnlyWhenAskedAndAHeldReleaseIsNeverReset() {
        String deploy = jobs.get("deploy");
        String guard = "if [ \"$ACCEPT_DATA_LOSS\" = \"true\" ]; then ACCEPT=(--accept-data-loss";
        assertTrue(deploy.contains(guard), deploy);
        assertEquals(1, count(read(), "--accept-data-loss"), "accepted in one guarded place only");
        assertTrue(jobs.get("variables").contains("ACCEPT_DATA_LOSS: 'false'"), "off by default");
        assertTrue(deploy.contains("if [ \"$CODE\" = 5 ]; then\n          echo \"HELD=true\" >> deploy.env"), deploy);
        String reset = jobs.get("reset-on-failure");
        assertTrue(reset.contains("when: on_failure"));
        assertTrue(reset.indexOf("\"${HELD:-}\" = \"true\"") < reset.indexOf("deploy reset"),
                "the held check comes before the reset");
    }

    @Test
    void everyScriptIsValidBash() throws Exception {
        List<String> scripts = scripts(read());
        assertEquals(4, scripts.size(), "deploy-cli, package, deploy, reset-on-failure");
        String prelude = "deploy() { java -jar smooth-deploy-cli.jar \"$@\"; }\n";
        for (String script : scripts) {
            Process bash = new ProcessBuilder("bash", "-n", "-c", prelude + script).redirectErrorStream(true).start();
            String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, bash.exitValue(), output + "\n" + script);
        }
    }

    @Test
    void theScriptReaderFindsASyntaxError() throws Exception {
        String broken = read().replace("case \"$CODE\" in 2??|3??) ;;", "case \"$CODE\" in 2??|3??) ;");
        List<String> scripts = scripts(broken);
        boolean refused = false;
        for (String script : scripts) {
            Process bash = new ProcessBuilder("bash", "-n", "-c", script).redirectErrorStream(true).start();
            bash.getInputStream().readAllBytes();
            bash.waitFor(30, TimeUnit.SECONDS);
            refused |= bash.exitValue() != 0;
        }
        assertTrue(refused, "bash -n refuses a broken script, so the check above can fail");
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

    private static Map<String, String> topLevelKeys(String text) {
        Map<String, String> keys = new LinkedHashMap<>();
        String current = null;
        StringBuilder body = new StringBuilder();
        for (String line : text.lines().toList()) {
            Matcher key = TOP_LEVEL_KEY.matcher(line);
            if (key.find()) {
                if (current != null) {
                    keys.put(current, body.toString());
                }
                current = key.group(1);
                body.setLength(0);
            }
            body.append(line).append('\n');
        }
        if (current != null) {
            keys.put(current, body.toString());
        }
        return keys;
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static String read() {
        try {
            return Files.readString(TEMPLATE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
