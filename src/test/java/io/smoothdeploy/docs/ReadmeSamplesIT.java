package io.smoothdeploy.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command sample in README.md runs as written, against a local host this test starts with the README's own
 * command ({@code mvn -q compile exec:java@local}, on a free port).
 *
 * <p>Each shell block of the README is either marked {@code <!-- readme-sample: NAME -->} and run here, or listed in
 * {@link #SKIPPED} with the reason; a new shell block that is neither fails {@link #everyShellSampleIsRunOrSkippedWithAReason}.
 * The curl samples run in bash with the machine's {@code curl} (each curl is given a {@code -w} that reports its HTTP
 * status on standard error, so the statuses are asserted without changing what the sample prints). Only
 * placeholders are substituted: the port of {@code $B}, {@code <id>}, the SHA-256 the host prints, the function
 * app's URL and key, and the variables a pipeline would set ({@code $PACKAGE_SAS_URL}, {@code $BUILD_ID},
 * {@code $GIT_SHA}); the idempotency key {@code build-123} becomes a new build's key for each further run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadmeSamplesIT {

    /** Shell blocks that are not run here, by their first command line, with the reason. */
    static final Map<String, String> SKIPPED = Map.of(
            "mvn verify", "the build that runs this test",
            "mvn -q compile exec:java@demo", "the demo measures zero downtime under load, using the machine's cores "
                    + "for minutes; it checks itself (its exit code) and is run by hand",
            "mvn -q test-compile exec:java@faults                        # seeds 1..8, about 10 minutes",
            "the fault suite takes about 10 minutes; FaultSuiteTest runs a bounded part of it in mvn verify",
            "ENV=prod", "deploys to Azure: needs a subscription and the Azure CLI",
            "az role assignment create --assignee-object-id <MANAGED_IDENTITY principal id> --assignee-principal-type ServicePrincipal \\",
            "assigns Azure roles: needs a subscription and the Azure CLI",
            "az keyvault secret set --vault-name $VAULT --name smoothdeploy-webhook --value \"$(openssl rand -hex 32)\"",
            "writes a Key Vault secret: needs a subscription and the Azure CLI",
            "mvn -q compile exec:java@local -Dexec.args=\"--user alice --roles Deployer,Approver\"",
            "starts the local host as another user, which runs until stopped; LocalUserTest and RolesTest try the "
                    + "user options and every role on every route",
            "deploy delete-environment --name staging                   # DELETE /environments/staging",
            "the history commands, in the README's words; HistoryCommandsTest runs each against the local host",
            "deploy --help; deploy wait --help          # the commands and exit codes; one command's options",
            "the CLI's help and completion: CliJarIT runs every command's --help and the completion script");
    /** Lines of run blocks that are left out, with the reason. */
    static final Map<String, String> SKIPPED_LINES = Map.of(
            "mvn -B -q -DskipTests package", "the build that runs this test has just written the CLI jar",
            "az login", "signs in to Azure; here a stand-in az on PATH hands the CLI its token");

    private static final Pattern HTTP_STATUS = Pattern.compile("<<HTTP (\\d{3})>>");
    private static final String WRITE_STATUS = "curl -s -w '%{stderr}<<HTTP %{http_code}>>\\n'";
    private static final Duration DEPLOYMENT_TIMEOUT = Duration.ofMinutes(5);

    private final Path project = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
    private final HttpClient http = HttpClient.newHttpClient();
    private Map<String, ReadmeBlocks.Block> samples;
    private List<ReadmeBlocks.Block> blocks;
    private Process localHost;
    private final StringBuffer hostOutput = new StringBuffer();
    private String api;
    private String sha256;
    private Path packages;
    private String deploymentId;
    /** The deployment a sample's {@code <id>} names. */
    private String currentId;

    @BeforeAll
    void startTheLocalHostAsTheReadmeSays() throws Exception {
        blocks = ReadmeBlocks.parse(Files.readString(project.resolve("README.md")));
        samples = new LinkedHashMap<>();
        blocks.stream().filter(b -> b.name() != null).forEach(b -> samples.put(b.name(), b));
        String command = sample("local-host").firstCommandLine();
        List<String> argv = new ArrayList<>(List.of(command.split(" ")));
        argv.add("-Dport=" + freePort());
        localHost = new ProcessBuilder(argv).directory(project.toFile()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(localHost.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    hostOutput.append(line).append('\n');
                }
            } catch (IOException ended) {
                // the host stopped
            }
        }, "local-host-output");
        reader.setDaemon(true);
        reader.start();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        while (!hostOutput.toString().contains("Ctrl-C stops.")) {
            if (!localHost.isAlive() || Instant.now().isAfter(deadline)) {
                fail("the local host did not start with `" + String.join(" ", argv) + "`:\n" + hostOutput);
            }
            Thread.sleep(200);
        }
        String banner = hostOutput.toString();
        api = group(banner, "API:\\s+(http://127\\.0\\.0\\.1:\\d+/api)");
        sha256 = group(banner, "cms-2\\.0\\.0\\.zip:\\s+SHA-256 ([0-9a-f]{64})");
        packages = Path.of(group(banner, "Packages:\\s+(\\S+) \\("));
    }

    @AfterAll
    void stopTheLocalHost() throws InterruptedException {
        if (localHost != null) {
            List<ProcessHandle> children = localHost.descendants().toList();
            localHost.destroy();
            if (!localHost.waitFor(30, TimeUnit.SECONDS)) {
                localHost.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroy);
        }
    }

    @Test
    @Order(0)
    void everyShellSampleIsRunOrSkippedWithAReason() {
        Set<String> unaccounted = new TreeSet<>();
        Set<String> firstLines = new TreeSet<>();
        for (ReadmeBlocks.Block block : blocks) {
            if (!block.isCommand()) {
                continue;
            }
            firstLines.add(block.firstCommandLine());
            if (block.name() == null && !SKIPPED.containsKey(block.firstCommandLine())) {
                unaccounted.add("line " + block.line() + ": " + block.firstCommandLine());
            }
        }
        assertEquals(Set.of(), unaccounted, "mark each README shell block <!-- readme-sample: NAME --> and run it "
                + "here, or list it in SKIPPED with the reason");
        assertEquals(Set.of(), SKIPPED.keySet().stream().filter(k -> !firstLines.contains(k))
                .collect(Collectors.toSet()), "SKIPPED names blocks the README no longer has");
        assertEquals(Set.of("local-host", "curl-deployment", "curl-accept-data-loss", "curl-environment-round-trip",
                "cli-from-source", "cli-pipeline"), samples.keySet());
        assertTrue(api.startsWith("http://127.0.0.1:") && sha256.length() == 64, api + " " + sha256);
    }

    @Test
    @Order(1)
    void theCurlDeploymentRunsAndGoesLive(@TempDir Path dir) throws Exception {
        List<String> steps = ReadmeBlocks.steps(sample("curl-deployment").text());
        assertEquals(6, steps.size(), "variables, steps 1 to 3, go live, roll back: " + steps);
        String variables = steps.get(0);

        Run register = bash(dir, variables + steps.get(1), Map.of());
        assertStatuses(register, 201);
        Run start = bash(dir, variables + steps.get(2), Map.of());
        assertStatuses(start, 202);
        assertTrue(start.stdout().contains("Location: " + api + "/deployments/"), start.stdout());
        deploymentId = group(start.stdout(), "\"id\":\"([a-z0-9-]+)\"");
        currentId = deploymentId;
        assertStatuses(bash(dir, variables + steps.get(3), Map.of()), 200, 200);
        awaitStatus(deploymentId, "AwaitingVerification");
        assertStatuses(bash(dir, variables + steps.get(4), Map.of()), 202);
        awaitStatus(deploymentId, "Succeeded");
    }

    @Test
    @Order(2)
    void theEnvironmentGoesBackWithPut(@TempDir Path dir) throws Exception {
        String variables = ReadmeBlocks.steps(sample("curl-deployment").text()).get(0);
        JsonNode before = get("/environments/sample");

        assertStatuses(bash(dir, variables + sample("curl-environment-round-trip").text(), Map.of()), 200, 200);

        assertTrue(Files.readString(dir.resolve("env.json")).contains("\"webApps\""));
        assertEquals(before, get("/environments/sample"), "the round trip changed nothing");
    }

    @Test
    @Order(3)
    void theCurlRollBackRuns(@TempDir Path dir) throws Exception {
        List<String> steps = ReadmeBlocks.steps(sample("curl-deployment").text());
        String id = startAndAwaitVerification(dir, steps, "build-124");

        assertStatuses(bash(dir, steps.get(0) + steps.get(5), Map.of()), 202);

        awaitStatus(id, "Reset");
    }

    @Test
    @Order(4)
    void theCurlCompleteAcceptingDataLossRuns(@TempDir Path dir) throws Exception {
        List<String> steps = ReadmeBlocks.steps(sample("curl-deployment").text());
        String id = startAndAwaitVerification(dir, steps, "build-125");

        assertStatuses(bash(dir, steps.get(0) + sample("curl-accept-data-loss").text(), Map.of()), 202);

        awaitStatus(id, "Succeeded");
    }

    @Test
    @Order(5)
    void theCliRunsFromTheSourceTree() throws Exception {
        String command = sample("cli-from-source").text().strip().replace("<id>", deploymentId);

        Run run = bash(project, command, Map.of("SMOOTHDEPLOY_API", api));

        assertEquals(0, run.code(), run.toString());
        assertEquals(deploymentId, Json.mapper().readTree(run.stdout()).path("id").asText(), run.stdout());
    }

    @Test
    @Order(6)
    void theCliPipelineSampleGoesLive(@TempDir Path dir) throws Exception {
        // Arrange: the CLI jar where the sample runs it, and the package it uploaded. The sample's environment,
        // prod, is the local host's "sample" environment the curl sample registered: its sites belong to that one
        // environment (a second registration of them is refused), so the name is the one thing changed.
        Files.createDirectories(dir.resolve("target"));
        Files.copy(project.resolve("target/smooth-deploy-cli.jar"), dir.resolve("target/smooth-deploy-cli.jar"));
        Files.copy(packages.resolve("cms-2.0.0.zip"), dir.resolve("cms.zip"));
        String script = sample("cli-pipeline").text();
        for (String line : SKIPPED_LINES.keySet()) {
            assertTrue(script.contains(line), "the sample still has: " + line);
            script = script.lines().filter(l -> !l.startsWith(line)).collect(Collectors.joining("\n", "", "\n"));
        }
        assertTrue(script.contains("--environment prod"), "the sample starts on prod");
        script = script.replace("--environment prod", "--environment sample")
                .replace("https://<function app>.azurewebsites.net/api", api)
                .replace("<API client id>", "00000000-0000-0000-0000-00000000a11d");
        // The sample's audience makes the CLI ask the Azure CLI for a token (AzureCliCredential runs
        // az account get-access-token --output json --resource <audience>): a stand-in az answers as az does; the
        // local host takes the token and checks none.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path az = bin.resolve("az");
        Files.writeString(az, "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/calls\"\n"
                + "printf '{\"accessToken\": \"eyJ0eXAi.readme-sample-token\", \"expires_on\": %s, \"tokenType\":"
                + " \"Bearer\"}\\n' \"$(( $(date +%s) + 3600 ))\"\n");
        Files.setPosixFilePermissions(az, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> pipeline = Map.of("PACKAGE_SAS_URL",
                "https://packages.example.com/cms-2.0.0.zip?sv=2024&sig=PIPELINESECRET",
                "BUILD_ID", "20261202.1", "GIT_SHA", "3f2a9c1", "PATH", bin + ":" + System.getenv("PATH"));

        // Act
        Run run = bash(dir, script, pipeline);

        // Assert
        assertEquals(0, run.code(), run.toString());
        assertTrue(!run.stdout().contains("PIPELINESECRET") && !run.stderr().contains("PIPELINESECRET"), run.toString());
        assertTrue(!run.stdout().contains("readme-sample-token") && !run.stderr().contains("readme-sample-token"),
                "the token was printed: " + run);
        assertTrue(Files.readString(bin.resolve("calls")).startsWith("account get-access-token --output json --resource"
                + " api://00000000-0000-0000-0000-00000000a11d\n"), "the CLI got its token from az");
        JsonNode environment = get("/environments/sample");
        String id = environment.path("lastDeployment").path("id").asText();
        assertEquals("Succeeded", environment.path("lastDeployment").path("status").asText(), environment.toString());
        assertEquals("3f2a9c1", get("/deployments/" + id).path("commitId").asText());
        assertTrue(run.stdout().contains("http"), "the validation links were printed: " + run);
    }

    private String startAndAwaitVerification(Path dir, List<String> steps, String key) throws Exception {
        assertTrue(steps.get(2).contains("build-123"), steps.get(2));
        Run start = bash(dir, steps.get(0) + steps.get(2).replace("build-123", key), Map.of());
        assertStatuses(start, 202);
        String id = group(start.stdout(), "\"id\":\"([a-z0-9-]+)\"");
        currentId = id;
        awaitStatus(id, "AwaitingVerification");
        return id;
    }

    private ReadmeBlocks.Block sample(String name) {
        ReadmeBlocks.Block block = samples.get(name);
        if (block == null) {
            throw new AssertionError("README.md has no block marked <!-- readme-sample: " + name + " -->");
        }
        return block;
    }

    /** Runs a sample in bash (stopping at the first failing command), placeholders substituted. */
    private Run bash(Path dir, String sample, Map<String, String> environment) throws Exception {
        String script = sample.replace("http://127.0.0.1:7071/api", api)
                .replace("<the SHA-256 the local host prints for cms-2.0.0.zip>", sha256)
                .replace("curl -s", WRITE_STATUS);
        if (currentId != null) {
            script = script.replace("<id>", currentId);
        }
        ProcessBuilder builder = new ProcessBuilder("bash", "-eo", "pipefail", "-c", script).directory(dir.toFile());
        builder.environment().putAll(environment);
        Path out = Files.createTempFile("readme-sample", ".out");
        Path err = Files.createTempFile("readme-sample", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("the sample did not end within 10 minutes:\n" + script);
        }
        Run run = new Run(sample, process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    private static void assertStatuses(Run run, Integer... statuses) {
        assertEquals(0, run.code(), run.toString());
        List<Integer> seen = new ArrayList<>();
        Matcher matcher = HTTP_STATUS.matcher(run.stderr());
        while (matcher.find()) {
            seen.add(Integer.parseInt(matcher.group(1)));
        }
        assertEquals(List.of(statuses), seen, run.toString());
    }

    private void awaitStatus(String id, String wanted) throws Exception {
        Instant deadline = Instant.now().plus(DEPLOYMENT_TIMEOUT);
        String status = "";
        while (Instant.now().isBefore(deadline)) {
            JsonNode deployment = get("/deployments/" + id);
            status = deployment.path("status").asText();
            if (status.equals(wanted)) {
                return;
            }
            if (Set.of("Failed", "Succeeded", "Reset").contains(status)) {
                fail("deployment " + id + " ended " + status + ", not " + wanted + ": " + deployment);
            }
            Thread.sleep(500);
        }
        fail("deployment " + id + " is still " + status + " after " + DEPLOYMENT_TIMEOUT + ", not " + wanted);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return Json.mapper().readTree(response.body());
    }

    private static String group(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        if (!matcher.find()) {
            throw new AssertionError("no match for " + regex + " in:\n" + text);
        }
        return matcher.group(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A sample's run: its text, exit code and output. */
    private record Run(String sample, int code, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + code + " running:\n" + sample + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }
}
