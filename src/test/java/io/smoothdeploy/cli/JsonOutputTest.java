package io.smoothdeploy.cli;

import static io.smoothdeploy.cli.CliHarness.NEW_PACKAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.local.SimulatedCloud;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output json}: standard output holds one JSON document (the API's answer, or the last status that
 * {@code wait} saw) and nothing else; progress and messages for people go to standard error.
 */
class JsonOutputTest {

    private static final String KEY = "fk_jsonMode_Q2w3E4r5T6y7U8i9O0p-KeY==";
    private static final Map<String, String> WITH_KEY = Map.of(DeployCli.ENV_KEY, KEY);
    private static final String SHA = SimulatedCloud.packageSha256(NEW_PACKAGE);

    private final CliHarness host = new CliHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void everyCommandPrintsOnlyJsonOnStandardOutput(@TempDir Path dir) throws IOException {
        // Arrange
        host.register("prod");
        Path registration = Files.writeString(dir.resolve("staging.json"), "{\"webApps\":[{\"name\":\"scheduler\","
                + "\"resourceId\":\"" + CliHarness.SCHEDULER + "-staging\",\"role\":\"MaintenancePage\"}],\"database\":"
                + "{\"serverResourceId\":\"" + CliHarness.SQL_SERVER + "\",\"name\":\"cmsdb-staging\"},"
                + "\"connectionStringName\":\"EPiServerDB\",\"databaseModeSetting\":\"Cms__DatabaseMode\","
                + "\"maintenancePagePackageUri\":\"https://packages.example.com/maintenance.zip\"}");

        // Act
        CliHarness.Result started = host.run(WITH_KEY, "start", "--environment", "prod", "--package", NEW_PACKAGE,
                "--sha256", SHA, "--mode", "ReadOnly", "--idempotency-key", "json-1", "--output", "json");
        String id = json(started).path("id").asText();
        CliHarness.Result awaiting = host.run(WITH_KEY, "wait", "--id", id, "--until", "AwaitingVerification",
                "--poll", "5s", "--timeout", "2h", "--output", "json");
        CliHarness.Result status = host.run(WITH_KEY, "--output", "json", "status", "--id", id);
        CliHarness.Result statusText = host.run(WITH_KEY, "status", "--id", id, "--output", "text");
        CliHarness.Result completed = host.run(WITH_KEY, "complete", "--id", id, "--output=JSON");
        CliHarness.Result succeeded = host.run(WITH_KEY, "wait", "--id", id, "--poll", "10s", "--output", "json");
        CliHarness.Result log = host.run(WITH_KEY, "log", "--id", id, "--output", "json");
        CliHarness.Result diagnosis = host.run(WITH_KEY, "diagnosis", "--id", id, "--output", "json");
        CliHarness.Result timeline = host.run(WITH_KEY, "timeline", "--id", id, "--output", "json");
        CliHarness.Result environment = host.run(WITH_KEY, "environment", "--name", "prod", "--output", "json");
        CliHarness.Result bundle = host.run(WITH_KEY, "support-bundle", "--id", id, "--output", "json");
        CliHarness.Result registered = host.run(WITH_KEY, "register", "--name", "staging", "--file",
                registration.toString(), "--output", "json");

        // Assert: start prints the API's deployment, its messages on standard error
        assertEquals(0, started.code(), started.toString());
        assertTrue(id.startsWith("d"), started.toString());
        assertEquals("prod", json(started).path("environment").asText(), started.toString());
        assertTrue(started.err().contains("Deployment " + id + " of "), started.toString());

        // wait: the progress and the links on standard error, the status it ended on on standard output
        assertEquals(0, awaiting.code(), awaiting.toString());
        assertEquals("AwaitingVerification", json(awaiting).path("status").asText(), awaiting.toString());
        assertTrue(awaiting.err().contains("Waiting up to 2h00m00s for deployment " + id), awaiting.toString());
        assertTrue(awaiting.err().lines().anyMatch(line -> line.startsWith("[") && line.contains("InProgress")),
                awaiting.toString());
        assertTrue(awaiting.err().contains("Validation link: "), awaiting.toString());

        // status: the API's body whole (timings kept, unlike the text form), the package without its query
        assertEquals(0, status.code(), status.toString());
        JsonNode full = json(status);
        assertTrue(full.path("webApps").get(0).has("timings"), status.toString());
        assertFalse(statusText.out().contains("timings"), statusText.toString());
        assertEquals("https://packages.example.com/cms-2.0.zip?<redacted>", full.path("package").path("uri").asText());

        assertEquals(0, completed.code(), completed.toString());
        assertEquals(id, json(completed).path("id").asText(), completed.toString());
        assertTrue(completed.err().contains("Complete accepted"), completed.toString());
        assertEquals(0, succeeded.code(), succeeded.toString());
        assertEquals("Succeeded", json(succeeded).path("status").asText(), succeeded.toString());

        assertEquals(id, json(log).path("deploymentId").asText(), log.toString());
        assertTrue(json(log).path("lines").size() > 3, log.toString());
        assertEquals("Succeeded", json(diagnosis).path("status").asText(), diagnosis.toString());
        assertTrue(json(timeline).isObject(), timeline.toString());
        assertEquals(2, json(environment).path("webApps").size(), environment.toString());
        assertTrue(json(bundle).size() > 2, bundle.toString());
        assertFalse(Files.exists(Path.of("json")), "--output json is a format, not a file named json");
        assertEquals(0, registered.code(), registered.toString());
        assertEquals(1, json(registered).path("webApps").size(), registered.toString());
        assertTrue(registered.err().contains("registered"), registered.toString());

        for (CliHarness.Result result : List.of(started, awaiting, status, completed, succeeded, log, diagnosis,
                timeline, environment, bundle, registered)) {
            assertFalse(result.all().contains(KEY), "the key was printed: " + result);
            assertFalse(result.all().contains("NEWSECRET"), "a SAS signature was printed: " + result);
        }
    }

    @Test
    void aProblemIsPrintedAsJsonOnStandardOutputAndInWordsOnStandardError() {
        // Act
        CliHarness.Result unknown = host.run(WITH_KEY, "start", "--environment", "nope", "--package", NEW_PACKAGE,
                "--sha256", SHA, "--mode", "ReadOnly", "--idempotency-key", "k1", "--output", "json");
        CliHarness.Result unreachable = host.run(Map.of(DeployCli.ENV_API, "http://127.0.0.1:1/api"), "status",
                "--id", "d1", "--output", "json");

        // Assert
        assertEquals(DeployCli.API_ERROR, unknown.code(), unknown.toString());
        JsonNode problem = json(unknown);
        assertEquals(404, problem.path("status").asInt(), unknown.toString());
        assertEquals("environment", problem.path("field").asText(), unknown.toString());
        assertTrue(unknown.err().contains("HTTP 404"), unknown.toString());
        assertEquals(DeployCli.API_ERROR, unreachable.code(), unreachable.toString());
        assertEquals("", unreachable.out(), "no answer, no JSON: " + unreachable);
        assertTrue(unreachable.err().contains("could not be reached"), unreachable.toString());
    }

    @Test
    void aHeldCompleteInJsonModePrintsTheDataLossProblemAndExitsFive() throws IOException {
        // Arrange: a ReadWrite deployment awaiting verification, with writes that reached the clone
        host.register("prod");
        String id = host.run("start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadWrite", "--idempotency-key", "json-rw").out().strip();
        assertEquals(0, host.run("wait", "--id", id, "--until", "AwaitingVerification", "--poll", "5s",
                "--timeout", "2h").code());
        String clone = Json.mapper().readTree(host.run("status", "--id", id).out()).path("temporaryDatabase")
                .path("name").asText();
        host.cloud.setWrites(new DatabaseRef(CliHarness.SQL_SERVER, clone), 2);

        // Act
        CliHarness.Result held = host.run("complete", "--id", id, "--output", "json");
        CliHarness.Result timedOut = runWithoutQueues("wait", "--id", id, "--timeout", "1m", "--output", "json");

        // Assert
        assertEquals(DeployCli.HELD, held.code(), held.toString());
        assertEquals(ActionCommand.DATA_LOSS, json(held).path("type").asText(), held.toString());
        assertTrue(held.err().contains("Completing is held, not failed"), held.toString());
        assertEquals(DeployCli.TIMEOUT, timedOut.code(), timedOut.toString());
        assertEquals("AwaitingVerification", json(timedOut).path("status").asText(), "the last status seen: "
                + timedOut);
    }

    private CliHarness.Result runWithoutQueues(String... args) {
        host.queuesRun = false;
        try {
            return host.run(args);
        } finally {
            host.queuesRun = true;
        }
    }

    /** Standard output as one JSON document: fails when anything else is printed there. */
    private static JsonNode json(CliHarness.Result result) {
        try {
            // Strict: a line printed after the document is an error, not ignored.
            JsonNode node = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(result.out());
            assertTrue(node != null && node.isObject(), "one JSON object on standard output: " + result);
            return node;
        } catch (IOException e) {
            throw new AssertionError("standard output is not JSON alone: " + result, e);
        }
    }
}
