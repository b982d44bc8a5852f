package io.smoothdeploy.cli;

import io.smoothdeploy.local.SimulatedCloud;
import static io.smoothdeploy.cli.CliHarness.CMS;
import static io.smoothdeploy.cli.CliHarness.NEW_PACKAGE;
import static io.smoothdeploy.cli.CliHarness.SCHEDULER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.SlotRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CLI's commands, run in process against the local host (real function classes over loopback HTTP,
 * Azurite tables, in-process queues on a manual clock, a simulated cloud). {@code wait}'s pauses deliver the
 * step messages instead of sleeping.
 */
class DeployCliTest {

    /** A function key that must never be printed. */
    private static final String KEY = "fk_Zq8vT3nW6yL1pR4sX7uB0eH2jK5mN9cD-AzFuNcTiOnKeY==";
    private static final Map<String, String> WITH_KEY = Map.of(DeployCli.ENV_KEY, KEY);
    private static final String SHA = SimulatedCloud.packageSha256(NEW_PACKAGE);

    private final CliHarness host = new CliHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void startWaitCompleteWaitFollowsADeploymentToSucceeded() {
        // Arrange: the new package answers 503 to its first warm-up rounds, so warm-up takes a while
        host.register("prod");
        host.cloud.coldStart(NEW_PACKAGE, 6);

        // Act
        CliHarness.Result started = host.run(WITH_KEY, "start", "--environment", "prod", "--package", NEW_PACKAGE,
                "--sha256", SHA, "--mode", "ReadOnly", "--idempotency-key", "build-101");
        String id = started.out().strip();
        CliHarness.Result awaiting = host.run(WITH_KEY, "wait", "--id", id, "--until", "AwaitingVerification",
                "--poll", "5s", "--timeout", "2h");
        CliHarness.Result status = host.run(WITH_KEY, "status", "--id", id);
        CliHarness.Result completed = host.run(WITH_KEY, "complete", "--id", id);
        CliHarness.Result succeeded = host.run(WITH_KEY, "wait", "--id", id, "--until", "Succeeded", "--poll", "10s");

        // Assert
        assertEquals(0, started.code(), started.toString());
        assertEquals(1, started.outLines().size(), "start prints the id alone: " + started);
        assertTrue(id.startsWith("d"), started.toString());
        assertTrue(started.err().contains("https://packages.example.com/cms-2.0.zip?<redacted>"), started.toString());

        assertEquals(0, awaiting.code(), awaiting.toString());
        List<String> progress = awaiting.outLines().stream().filter(l -> l.startsWith("[") && !l.contains("] still "))
                .collect(Collectors.toList());
        assertTrue(progress.size() >= 3, "several progress lines: " + awaiting);
        assertTrue(progress.stream().anyMatch(l -> l.contains("working on WARM_UP")), awaiting.toString());
        assertTrue(progress.get(0).contains("InProgress") && progress.get(0).contains("cms: ")
                && progress.get(0).contains("scheduler: "), awaiting.toString());
        assertTrue(progress.get(progress.size() - 1).contains("AwaitingVerification 100%")
                || progress.get(progress.size() - 1).contains("AwaitingVerification"), awaiting.toString());
        for (int i = 1; i < progress.size(); i++) {
            assertNotEquals(strip(progress.get(i - 1)), strip(progress.get(i)), "printed only on change: " + awaiting);
        }
        assertTrue(awaiting.out().contains("Deployment " + id + " is AwaitingVerification"), awaiting.toString());
        assertTrue(awaiting.out().contains("Validation link: "), awaiting.toString());
        assertTrue(host.pauses > 1, "wait polled while the queues ran");

        assertEquals(0, status.code(), status.toString());
        JsonNode json = parse(status.out());
        assertEquals("AwaitingVerification", json.get("status").asText());
        assertEquals(List.of("complete", "reset"), List.of(json.get("allowedActions").get(0).asText(),
                json.get("allowedActions").get(1).asText()));
        assertFalse(status.out().contains("timings"), status.out());
        assertEquals("https://packages.example.com/cms-2.0.zip?<redacted>", json.get("package").get("uri").asText());

        assertEquals(0, completed.code(), completed.toString());
        assertTrue(completed.out().contains("Complete accepted"), completed.toString());
        assertEquals(0, succeeded.code(), succeeded.toString());
        assertTrue(succeeded.out().contains("Deployment " + id + " is Succeeded"), succeeded.toString());
        assertEquals(NEW_PACKAGE, host.cloud.inspect(SlotRef.production(CMS)).orElseThrow().packageUri());
        for (CliHarness.Result result : List.of(started, awaiting, status, completed, succeeded)) {
            assertNoSecrets(result);
        }
    }

    @Test
    void cancelStopsARunningDeploymentWithItsReasonAndWaitUntilCancelledExitsZero() {
        // Arrange
        host.register("prod");
        String id = host.run("start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly", "--idempotency-key", "build-cancel").out().strip();

        // Act
        CliHarness.Result blank = host.run(WITH_KEY, "cancel", "--id", id, "--reason", " ");
        CliHarness.Result cancel = host.run(WITH_KEY, "cancel", "--id", id, "--reason", "wrong build",
                "--output", "json");
        CliHarness.Result done = host.run(WITH_KEY, "wait", "--id", id, "--until", "Cancelled", "--poll", "10s",
                "--timeout", "2h");
        CliHarness.Result notSucceeded = host.run(WITH_KEY, "wait", "--id", id, "--until", "Succeeded");
        CliHarness.Result terminal = host.run(WITH_KEY, "wait", "--id", id, "--until", "terminal");

        // Assert
        assertEquals(DeployCli.USAGE, blank.code(), blank.toString());
        assertEquals(0, cancel.code(), cancel.toString());
        assertTrue(cancel.err().contains("Cancel accepted: deployment " + id + " is Cancelling"), cancel.toString());
        assertTrue(cancel.err().contains("--until Cancelled"), cancel.toString());
        assertTrue(cancel.out().contains("\"cancelReason\":\"wrong build\"")
                || cancel.out().contains("\"cancelReason\" : \"wrong build\""), cancel.toString());
        assertEquals(0, done.code(), done.toString());
        assertEquals(DeployCli.DEPLOYMENT_FAILED, notSucceeded.code(), notSucceeded.toString());
        assertEquals(0, terminal.code(), terminal.toString());
    }

    @Test
    void cancelOfADeploymentThatIsNotRunningExitsThreeNamingWhatItAllows() {
        // Arrange
        host.register("prod");
        String id = host.run("start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly", "--idempotency-key", "build-late").out().strip();
        host.run(WITH_KEY, "wait", "--id", id, "--until", "AwaitingVerification", "--poll", "10s", "--timeout", "2h");

        // Act
        CliHarness.Result late = host.run(WITH_KEY, "cancel", "--id", id, "--rollback-database");

        // Assert
        assertEquals(DeployCli.API_ERROR, late.code(), late.toString());
        assertTrue(late.err().contains("AwaitingVerification") && late.err().contains("complete, reset"),
                late.toString());
    }

    @Test
    void aResetThatValidatesBeforeTheSwapIsWaitedForThenCompletedToReset() {
        // Arrange: a deployment awaiting verification
        host.register("prod");
        String id = host.run("start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly", "--idempotency-key", "build-two-phase").out().strip();
        assertEquals(0, host.run(WITH_KEY, "wait", "--id", id, "--until", "AwaitingVerification", "--poll", "10s",
                "--timeout", "2h").code());

        // Act
        CliHarness.Result reset = host.run(WITH_KEY, "reset", "--id", id, "--validate-before-swap");
        CliHarness.Result waiting = host.run(WITH_KEY, "wait", "--id", id, "--until", "AwaitingResetVerification",
                "--poll", "10s", "--timeout", "2h");
        CliHarness.Result status = host.run(WITH_KEY, "status", "--id", id);
        CliHarness.Result completed = host.run(WITH_KEY, "complete", "--id", id);
        CliHarness.Result done = host.run(WITH_KEY, "wait", "--id", id, "--until", "Reset", "--poll", "10s");

        // Assert
        assertEquals(0, reset.code(), reset.toString());
        assertTrue(reset.out().contains("it stops at AwaitingResetVerification"), reset.toString());
        assertEquals(0, waiting.code(), waiting.toString());
        JsonNode json = parse(status.out());
        assertEquals("AwaitingResetVerification", json.get("status").asText(), status.toString());
        assertEquals("[\"complete\",\"cancel\"]", json.get("allowedActions").toString());
        assertEquals(0, completed.code(), completed.toString());
        assertTrue(completed.out().contains("Complete of the reset accepted") && completed.out().contains("--until Reset"),
                completed.toString());
        assertEquals(0, done.code(), done.toString());
        assertEquals(io.smoothdeploy.testing.SampleCloud.OLD_PACKAGE, host.cloud.inspect(SlotRef.production(CMS)).orElseThrow().packageUri());
    }

    @Test
    void aFailingDeploymentMakesWaitExitOneWithTheErrorsThenResetAndWaitForReset() {
        // Arrange
        host.register("prod");
        String id = host.run("start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly", "--idempotency-key", "build-102").out().strip();
        host.cloud.failNext("deployPackage", "cms-prod/staging", 1,
                new CloudException("Conflict", "the operation conflicts with another", false));

        // Act
        CliHarness.Result failed = host.run(WITH_KEY, "wait", "--id", id, "--until", "AwaitingVerification",
                "--poll", "10s", "--timeout", "2h");
        CliHarness.Result reset = host.run(WITH_KEY, "reset", "--id", id);
        CliHarness.Result resetDone = host.run(WITH_KEY, "wait", "--id", id, "--until", "Reset", "--poll", "10s");
        CliHarness.Result notSucceeded = host.run(WITH_KEY, "wait", "--id", id, "--until", "Succeeded");

        // Assert
        assertEquals(DeployCli.DEPLOYMENT_FAILED, failed.code(), failed.toString());
        assertTrue(failed.err().contains("Deployment " + id + " is Failed, not AwaitingVerification"), failed.toString());
        String error = failed.err().lines().filter(l -> l.contains("error: kind=")).findFirst().orElse("");
        assertTrue(error.contains("kind=CLOUD_OPERATION"), failed.toString());
        assertTrue(error.contains("stage=DEPLOY_SLOT") || error.contains("stage=DeploySlot"), failed.toString());
        assertTrue(error.contains("webApp=cms"), failed.toString());
        assertTrue(error.contains("conflicts with another"), failed.toString());
        assertTrue(failed.err().contains("  diagnosis: Unknown: "), failed.toString());
        assertTrue(failed.err().contains("    advice: RetrySamePackage"), failed.toString());

        assertEquals(0, reset.code(), reset.toString());
        assertTrue(reset.out().contains("Reset accepted"), reset.toString());
        assertEquals(0, resetDone.code(), resetDone.toString());
        assertTrue(resetDone.out().contains("is Reset"), resetDone.toString());
        assertEquals(DeployCli.DEPLOYMENT_FAILED, notSucceeded.code(), notSucceeded.toString());
        assertNoSecrets(failed);
        assertNoSecrets(reset);
    }

    @Test
    void rollbackAfterGoingLiveThenWaitForRolledBackPutsTheOldPackageBackAndASecondOneExitsThree() {
        // Arrange: live, with the default rollback window
        host.register("prod");
        String id = host.run("start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly", "--idempotency-key", "build-live").out().strip();
        host.run(WITH_KEY, "wait", "--id", id, "--until", "AwaitingVerification", "--poll", "10s", "--timeout", "2h");
        host.run(WITH_KEY, "complete", "--id", id);
        host.run(WITH_KEY, "wait", "--id", id, "--until", "Succeeded", "--poll", "10s", "--timeout", "2h");

        // Act
        CliHarness.Result rollback = host.run(WITH_KEY, "rollback", "--id", id);
        CliHarness.Result rolledBack = host.run(WITH_KEY, "wait", "--id", id, "--until", "RolledBack", "--poll", "10s",
                "--timeout", "2h");
        CliHarness.Result again = host.run(WITH_KEY, "rollback", "--id", id);
        CliHarness.Result notSucceeded = host.run(WITH_KEY, "wait", "--id", id, "--until", "Succeeded");

        // Assert
        assertEquals(0, rollback.code(), rollback.toString());
        assertTrue(rollback.out().contains("Rollback (code only; the database keeps the release's changes) accepted"),
                rollback.toString());
        assertEquals(0, rolledBack.code(), rolledBack.toString());
        assertTrue(rolledBack.out().contains("is RolledBack"), rolledBack.toString());
        assertEquals(io.smoothdeploy.testing.SampleCloud.OLD_PACKAGE,
                host.cloud.inspect(SlotRef.production(CMS)).orElseThrow().packageUri());
        assertEquals(DeployCli.API_ERROR, again.code(), again.toString());
        assertTrue(again.err().contains("rolled back already"), again.toString());
        assertEquals(DeployCli.DEPLOYMENT_FAILED, notSucceeded.code(), notSucceeded.toString());
        assertNoSecrets(rollback);
        assertNoSecrets(again);
    }

    @Test
    void startAgainWithTheSameIdempotencyKeyPrintsTheSameDeployment() {
        // Arrange
        host.register("prod");
        String[] start = {"start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly", "--idempotency-key", "run-7781"};

        // Act
        CliHarness.Result first = host.run(WITH_KEY, start);
        CliHarness.Result again = host.run(WITH_KEY, start);
        CliHarness.Result other = host.run(WITH_KEY, "start", "--environment", "prod", "--package", NEW_PACKAGE,
                "--sha256", SHA, "--mode", "ReadOnly", "--idempotency-key", "run-9999");

        // Assert
        assertEquals(0, first.code(), first.toString());
        assertEquals(0, again.code(), again.toString());
        assertEquals(first.out().strip(), again.out().strip());
        assertEquals(DeployCli.API_ERROR, other.code(), other.toString());
        assertTrue(other.err().contains("HTTP 409"), other.toString());
        assertTrue(other.err().contains("runningDeploymentId: " + first.out().strip()), other.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "frobnicate",
        "start --environment prod --package https://p.example.com/a.zip --mode ReadOnly --idempotency-key k",
        "start --environment prod --package https://p.example.com/a.zip --sha256 abc --package-file pom.xml --mode ReadOnly --idempotency-key k",
        "start --environment prod --package https://p.example.com/a.zip --package-file /no/such/file.zip --mode ReadOnly --idempotency-key k",
        "status",
        "status --id d1 --bogus 1",
        "status --id",
        "wait --id d1 --timeout soon",
        "wait --id d1 --poll 0s",
        "wait --id d1 --until Done",
        "complete --id d1 --rollback-database",
        "reset --id d1 extra",
        "status --id d1 --api ftp://example.com/api",
        "status --id d1 -x"
    })
    void badUsageExitsTwo(String line) {
        // Act
        CliHarness.Result result = host.run(WITH_KEY, line.isEmpty() ? new String[0] : line.split(" "));

        // Assert
        assertEquals(DeployCli.USAGE, result.code(), result.toString());
        assertTrue(result.err().startsWith("deploy: "), result.toString());
        assertTrue(result.err().contains("deploy --help"), result.toString());
        assertNoSecrets(result);
    }

    @Test
    void withoutAnApiUrlItIsAUsageErrorAndHelpPrintsTheExitCodes() {
        // Act
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int noApi = DeployCli.run(new String[] {"status", "--id", "d1"}, new PrintStream(out, true),
                new PrintStream(err, true), Map.of(), host.pacer);
        CliHarness.Result help = host.run("--help");
        CliHarness.Result waitHelp = host.run("wait", "--help");

        // Assert
        assertEquals(DeployCli.USAGE, noApi);
        assertTrue(err.toString().contains(DeployCli.ENV_API), err.toString());
        assertEquals(0, help.code(), help.toString());
        for (String text : List.of("start", "status", "wait", "complete", "reset", "cancel", "rollback",
                "--until",
                "--rollback-database",
                "Exit codes:", "  4  timeout")) {
            assertTrue(help.out().contains(text), text + " in " + help.out());
        }
        assertEquals(0, waitHelp.code());
    }

    @Test
    void anApiProblemExitsThreeWithItsTitleDetailAndField() {
        // Act
        CliHarness.Result unknown = host.run(WITH_KEY, "start", "--environment", "nope", "--package", NEW_PACKAGE,
                "--sha256", SHA, "--mode", "ReadOnly", "--idempotency-key", "k1");
        CliHarness.Result badSha = host.run(WITH_KEY, "start", "--environment", "nope", "--package", NEW_PACKAGE,
                "--sha256", "abc", "--mode", "ReadOnly", "--idempotency-key", "k1");
        CliHarness.Result noSuchDeployment = host.run(WITH_KEY, "wait", "--id", "d20261123t090000-00000000");

        // Assert
        assertEquals(DeployCli.API_ERROR, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("HTTP 404 Not found"), unknown.toString());
        assertTrue(unknown.err().contains("detail: No environment named 'nope' is registered"), unknown.toString());
        assertTrue(unknown.err().contains("field:  environment"), unknown.toString());
        assertEquals("", unknown.out());
        assertEquals(DeployCli.API_ERROR, badSha.code(), badSha.toString());
        assertTrue(badSha.err().contains("field:  packageSha256"), badSha.toString());
        assertEquals(DeployCli.API_ERROR, noSuchDeployment.code(), noSuchDeployment.toString());
        assertNoSecrets(unknown);
        assertNoSecrets(badSha);
    }

    @Test
    void packageFileComputesTheSha256(@TempDir Path dir) throws Exception {
        // Arrange
        host.register("prod");
        Path zip = dir.resolve("cms-2.0.zip");
        byte[] content = new byte[200_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + 7);
        }
        Files.write(zip, content);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

        // Act
        CliHarness.Result started = host.run(WITH_KEY, "start", "--environment", "prod", "--package", NEW_PACKAGE,
                "--package-file", zip.toString(), "--mode", "ReadOnly", "--idempotency-key", "build-103");
        CliHarness.Result status = host.run(WITH_KEY, "status", "--id", started.out().strip());

        // Assert
        assertEquals(0, started.code(), started.toString());
        assertTrue(started.err().contains(expected), started.toString());
        assertEquals(expected, parse(status.out()).get("package").get("sha256").asText());
    }

    @Test
    void waitTimesOutWithExitFourAndPrintsAHeartbeat() {
        // Arrange
        host.register("prod");
        String id = host.run("start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly", "--idempotency-key", "build-104").out().strip();
        host.queuesRun = false;

        // Act
        CliHarness.Result result = host.run(WITH_KEY, "wait", "--id", id, "--timeout", "3m", "--poll", "20s",
                "--heartbeat", "1m");

        // Assert
        assertEquals(DeployCli.TIMEOUT, result.code(), result.toString());
        assertTrue(result.err().contains("Timed out after 3m00s"), result.toString());
        assertTrue(result.out().contains("still InProgress"), result.toString());
        assertEquals(9, host.pauses, "3 minutes in pauses of 20 s");
        assertNoSecrets(result);
    }

    @Test
    void theKeyAndSasSignaturesAreMaskedEvenWhenTheApiEchoesThem() throws IOException {
        // Arrange: an API that answers 401 with a problem quoting the key it received and a SAS URL
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api", exchange -> {
            String received = exchange.getRequestHeaders().getFirst("x-functions-key");
            byte[] body = Json.mapper().createObjectNode().put("type", "about:blank").put("title", "Unauthorized")
                    .put("status", 401).put("detail", "key " + received + " cannot read "
                            + "https://store.blob.core.windows.net/p/cms.zip?sv=2024&sig=ECHOEDSIG")
                    .toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        String api = "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
        try {
            // Act
            CliHarness.Result fromArgument = host.run(Map.of(DeployCli.ENV_API, api), "status", "--id", "d1",
                    "--key", KEY);
            CliHarness.Result fromEnvironment = host.run(Map.of(DeployCli.ENV_API, api, DeployCli.ENV_KEY, KEY),
                    "start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA, "--mode", "ReadOnly",
                    "--idempotency-key", "k");

            // Assert
            for (CliHarness.Result result : List.of(fromArgument, fromEnvironment)) {
                assertEquals(DeployCli.API_ERROR, result.code(), result.toString());
                assertTrue(result.err().contains("key *** cannot read"), result.toString());
                assertTrue(result.err().contains("https://store.blob.core.windows.net/p/cms.zip?<redacted>"),
                        result.toString());
                assertFalse(result.all().contains("ECHOEDSIG"), result.toString());
                assertNoSecrets(result);
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anApiThatDoesNotAnswerExitsThree() {
        // Act
        CliHarness.Result result = host.run(Map.of(DeployCli.ENV_API, "http://127.0.0.1:1/api", DeployCli.ENV_KEY, KEY),
                "complete", "--id", "d1");

        // Assert
        assertEquals(DeployCli.API_ERROR, result.code(), result.toString());
        assertTrue(result.err().contains("could not be reached"), result.toString());
        assertNoSecrets(result);
    }

    @Test
    void startWithCurrentPackagesNamesTheOldCodeOfAProductionOnALocalPackage() {
        // Arrange: production runs a package kept in its own SitePackages (WEBSITE_RUN_FROM_PACKAGE=1)
        host.cloud.addSite(CMS, "1", Map.of("EPiServerDB", io.smoothdeploy.testing.SampleCloud.CONNECTION));
        host.register("prod");
        String old = "https://packages.example.com/cms-1.0.zip?sv=2024&sig=OLDSECRET";

        // Act
        CliHarness.Result first = host.run(WITH_KEY, "start", "--environment", "prod", "--package", NEW_PACKAGE,
                "--sha256", SHA, "--mode", "ReadOnly", "--idempotency-key", "build-7");
        CliHarness.Result refused = host.run(WITH_KEY, "wait", "--id", first.out().strip(), "--until",
                "AwaitingVerification", "--poll", "5s", "--timeout", "2h");
        CliHarness.Result started = host.run(WITH_KEY, "start", "--environment", "prod", "--package", NEW_PACKAGE,
                "--sha256", SHA, "--mode", "ReadOnly", "--idempotency-key", "build-8", "--current-packages",
                "cms=" + old);
        CliHarness.Result awaiting = host.run(WITH_KEY, "wait", "--id", started.out().strip(), "--until",
                "AwaitingVerification", "--poll", "5s", "--timeout", "2h");

        // Assert
        assertEquals(1, refused.code(), "the deployment failed in its package check: " + refused);
        assertTrue(refused.all().contains("currentPackages.cms"), refused.toString());
        assertEquals(DeployCli.OK, started.code(), started.toString());
        assertEquals(DeployCli.OK, awaiting.code(), awaiting.toString());
        assertEquals(old, host.cloud.servedContent(SlotRef.production(CMS)).orElseThrow());
        assertFalse(started.all().contains("OLDSECRET") || refused.all().contains("OLDSECRET"));
        assertNoSecrets(started);
    }

    @Test
    void startWithAPackagePerWebAppDeploysEachToItsOwnStagingSlot() throws IOException {
        // Arrange
        host.register("prod");
        String cms = "https://packages.example.com/cms.app.2.0.0.zip?sv=2024&sig=NEWSECRET";
        String scheduler = "https://packages.example.com/scheduler.app.2.0.0.zip?sv=2024&sig=NEWSECRET";

        // Act
        CliHarness.Result planned = host.run(WITH_KEY, "plan", "--environment", "prod",
                "--package", "cms=" + cms + "#" + SimulatedCloud.packageSha256(cms),
                "--package", "scheduler=" + scheduler + "#" + SimulatedCloud.packageSha256(scheduler),
                "--mode", "ReadOnly");
        CliHarness.Result started = host.run(WITH_KEY, "start", "--environment", "prod",
                "--package", "cms=" + cms + "#" + SimulatedCloud.packageSha256(cms),
                "--package-uri", "scheduler=" + scheduler + "#" + SimulatedCloud.packageSha256(scheduler),
                "--mode", "ReadOnly", "--idempotency-key", "build-9");
        CliHarness.Result awaiting = host.run(WITH_KEY, "wait", "--id", started.out().strip(), "--until",
                "AwaitingVerification", "--poll", "5s", "--timeout", "2h");
        CliHarness.Result status = host.run(WITH_KEY, "status", "--id", started.out().strip(), "--output", "json");
        CliHarness.Result reattached = host.run(WITH_KEY, "start", "--environment", "prod",
                "--package", "cms=" + cms + "#" + SimulatedCloud.packageSha256(cms),
                "--package", "scheduler=" + scheduler + "#" + SimulatedCloud.packageSha256(scheduler),
                "--mode", "ReadOnly", "--idempotency-key", "build-9", "--output", "json");

        // Assert
        JsonNode json = Json.mapper().readTree(status.out());
        assertEquals("https://packages.example.com/scheduler.app.2.0.0.zip?<redacted>",
                json.get("packages").get("scheduler").get("uri").asText(), status.toString());
        assertEquals(json.get("packages").get("cms"), json.get("webApps").get(0).get("package"), status.toString());
        assertNoSecrets(status);
        JsonNode again = Json.mapper().readTree(reattached.out());
        assertEquals("https://packages.example.com/cms.app.2.0.0.zip?<redacted>",
                again.get("packages").get("cms").get("uri").asText(),
                "--output json shows each package without its query string: " + reattached);
        assertEquals("https://packages.example.com/cms.app.2.0.0.zip?<redacted>",
                again.get("webApps").get(0).get("package").get("uri").asText(), reattached.toString());
        assertEquals(DeployCli.OK, planned.code(), planned.toString());
        assertTrue(planned.out().contains("a package per web app"), planned.toString());
        assertEquals(DeployCli.OK, started.code(), started.toString());
        assertTrue(started.err().contains("a package per web app (cms, scheduler)"), started.toString());
        assertEquals(DeployCli.OK, awaiting.code(), awaiting.toString());
        assertEquals(cms, host.cloud.servedContent(new SlotRef(CMS, "staging")).orElseThrow());
        assertEquals(scheduler, host.cloud.servedContent(new SlotRef(SCHEDULER, "staging")).orElseThrow());
        assertNoSecrets(started);
        assertNoSecrets(planned);
        assertNoSecrets(awaiting);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "start --environment prod --package cms=https://p.example.com/a.zip --mode ReadOnly --idempotency-key k",
        "start --environment prod --package cms=https://p.example.com/a.zip#abc --sha256 abc --mode ReadOnly --idempotency-key k",
        "start --environment prod --package cms=https://p.example.com/a.zip#abc --package https://p.example.com/b.zip --mode ReadOnly --idempotency-key k",
        "start --environment prod --package cms=https://p.example.com/a.zip#abc --package cms=https://p.example.com/b.zip#abc --mode ReadOnly --idempotency-key k",
        "start --environment prod --package https://p.example.com/a.zip --package https://p.example.com/b.zip --sha256 abc --mode ReadOnly --idempotency-key k"
    })
    void aBadPackagePerWebAppIsAUsageError(String line) {
        // Act
        CliHarness.Result result = host.run(WITH_KEY, line.split(" "));

        // Assert
        assertEquals(DeployCli.USAGE, result.code(), result.toString());
        assertTrue(result.err().contains("--package"), result.toString());
    }

    @Test
    void durationsAndMasking() {
        assertEquals(java.time.Duration.ofMinutes(90), CliArgs.parseDuration("1h30m"));
        assertEquals(java.time.Duration.ofMillis(500), CliArgs.parseDuration("500ms"));
        assertEquals(java.time.Duration.ofSeconds(45), CliArgs.parseDuration("45"));
        assertEquals(null, CliArgs.parseDuration("5 minutes"));
        assertEquals(null, CliArgs.parseDuration("m5"));
        assertEquals("https://host/p/a.zip?<redacted>", Masking.packageUri("https://user:pw@host/p/a.zip?sig=x#f"));
        assertEquals("https://host/p/a.zip", Masking.packageUri("https://host/p/a.zip"));
        assertEquals("see https://h/x?<redacted> and https://h/y?page=2",
                new Masking(KEY).text("see https://h/x?sv=1&SIG=2 and https://h/y?page=2"));
    }

    private static String strip(String progressLine) {
        return progressLine.substring(progressLine.indexOf("] ") + 2);
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static void assertNoSecrets(CliHarness.Result result) {
        assertFalse(result.all().contains(KEY), "the key was printed: " + result);
        assertFalse(result.all().contains("NEWSECRET"), "a SAS signature was printed: " + result);
        assertFalse(result.all().contains("sig="), "a SAS signature was printed: " + result);
    }

}
