package io.smoothdeploy.cli;

import static io.smoothdeploy.cli.CliHarness.NEW_PACKAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.local.SimulatedCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a pipeline author needs from the CLI beyond start, wait and complete: going live in ReadWrite mode when
 * writes reached the clone, provenance at start, the read commands and registration, and plain words when a
 * deployment ends.
 */
class PipelineAuthorPathTest {

    private static final String SHA = SimulatedCloud.packageSha256(NEW_PACKAGE);

    private final CliHarness host = new CliHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void aReadWriteReleaseWithWritesToTheCloneGoesLiveWithAcceptDataLoss() throws Exception {
        // Arrange: a ReadWrite deployment awaiting verification, and 3 writes that reached the clone
        host.register("prod");
        String id = host.run("start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadWrite", "--idempotency-key", "rw-1").out().strip();
        CliHarness.Result awaiting = host.run("wait", "--id", id, "--until", "AwaitingVerification", "--poll", "5s",
                "--timeout", "2h");
        JsonNode status = Json.mapper().readTree(host.run("status", "--id", id).out());
        String clone = status.path("temporaryDatabase").path("name").asText();
        host.cloud.setWrites(new DatabaseRef(CliHarness.SQL_SERVER, clone), 3);

        // Act
        CliHarness.Result held = host.run("complete", "--id", id);
        String afterHeld = Json.mapper().readTree(host.run("status", "--id", id).out()).path("status").asText();
        CliHarness.Result accepted = host.run("complete", "--id", id, "--accept-data-loss", "--accepted-by",
                "jane@example.com");
        CliHarness.Result succeeded = host.run("wait", "--id", id, "--until", "Succeeded", "--poll", "10s");
        CliHarness.Result log = host.run("log", "--id", id);

        // Assert
        assertEquals(0, awaiting.code(), awaiting.toString());
        assertFalse(clone.isEmpty(), status.toString());
        assertEquals(DeployCli.HELD, held.code(), held.toString());
        assertTrue(held.err().contains("3 write(s) reached the temporary database"), held.toString());
        assertTrue(held.err().contains("--accept-data-loss"), held.toString());
        assertEquals(1, held.err().split("Completing would lose writes", -1).length - 1,
                "the problem's title is printed once: " + held);
        assertEquals("AwaitingVerification", afterHeld);
        assertEquals(0, accepted.code(), accepted.toString());
        assertTrue(accepted.out().contains("data loss accepted for jane@example.com"), accepted.toString());
        assertEquals(0, succeeded.code(), succeeded.toString());
        assertEquals(NEW_PACKAGE, host.cloud.inspect(SlotRef.production(CliHarness.CMS)).orElseThrow().packageUri());
        // the local host's development user accepted it, for the name given
        assertTrue(log.out().contains("Data loss accepted by local-developer as Approver, from CLI, for jane@example.com"),
                log.toString());
    }

    @Test
    void startRecordsWhereThePackageCameFrom() throws Exception {
        // Arrange
        host.register("prod");

        // Act
        String id = host.run("start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly", "--idempotency-key", "prov-1", "--commit-id", "4f2a9c1",
                "--pipeline-run-url", "https://dev.azure.com/contoso/web/_build/results?buildId=812").out().strip();
        JsonNode status = Json.mapper().readTree(host.run("status", "--id", id).out());
        CliHarness.Result timeline = host.run("timeline", "--id", id);

        // Assert
        assertEquals("4f2a9c1", status.path("commitId").asText(), status.toString());
        assertTrue(status.path("pipelineRunUrl").asText().startsWith("https://dev.azure.com/contoso/web/_build/"),
                status.toString());
        assertEquals(0, timeline.code(), timeline.toString());
        assertTrue(timeline.out().contains("4f2a9c1"), timeline.toString());
    }

    @Test
    void theReadCommandsPrintTheLogDiagnosisTimelineEnvironmentAndSupportBundle(@TempDir Path dir) throws Exception {
        // Arrange: a deployment that fails in DEPLOY_SLOT
        host.register("prod");
        String id = host.run("start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly", "--idempotency-key", "read-1").out().strip();
        host.cloud.failNext("deployPackage", "cms-prod/staging", 1,
                new CloudException("Conflict", "the operation conflicts with another", false));
        CliHarness.Result ended = host.run("wait", "--id", id, "--until", "terminal", "--poll", "10s",
                "--timeout", "2h");
        Path bundleFile = dir.resolve("bundle.json");

        // Act
        CliHarness.Result log = host.run("log", "--id", id);
        CliHarness.Result diagnosis = host.run("diagnosis", "--id", id);
        CliHarness.Result timeline = host.run("timeline", "--id", id);
        CliHarness.Result environment = host.run("environment", "--name", "prod");
        CliHarness.Result bundle = host.run("support-bundle", "--id", id, "--output", bundleFile.toString());

        // Assert
        assertEquals(DeployCli.DEPLOYMENT_FAILED, ended.code(), ended.toString());
        assertTrue(ended.err().contains("Deployment " + id + " ended Failed"), ended.toString());
        assertFalse(ended.err().contains("not terminal"), ended.toString());
        assertEquals(0, log.code(), log.toString());
        assertTrue(log.outLines().size() > 3, log.toString());
        assertTrue(log.out().contains("[cms]") && log.out().contains("conflicts with another"), log.toString());
        assertFalse(log.out().contains("NEWSECRET"), log.toString());
        JsonNode diagnosed = Json.mapper().readTree(diagnosis.out());
        assertEquals("Failed", diagnosed.path("status").asText(), diagnosis.toString());
        assertTrue(diagnosed.path("diagnosis").isObject(), diagnosis.toString());
        assertTrue(Json.mapper().readTree(timeline.out()).isObject(), timeline.toString());
        JsonNode env = Json.mapper().readTree(environment.out());
        assertEquals(2, env.path("webApps").size(), environment.toString());
        assertEquals(0, bundle.code(), bundle.toString());
        JsonNode written = Json.mapper().readTree(Files.readString(bundleFile));
        assertTrue(written.isObject() && written.size() > 2, written.toString());
        assertFalse(Files.readString(bundleFile).contains("NEWSECRET"));
    }

    @Test
    void registerPutsTheEnvironmentFromAFile(@TempDir Path dir) throws Exception {
        // Arrange: an environment read back with the CLI, minus what the API adds, is a registration
        host.register("prod");
        JsonNode read = Json.mapper().readTree(host.run("environment", "--name", "prod").out());
        String body = "{\"webApps\":[{\"name\":\"scheduler\",\"resourceId\":\"" + CliHarness.SCHEDULER
                + "\",\"role\":\"MaintenancePage\"}],\"database\":{\"serverResourceId\":\"" + CliHarness.SQL_SERVER
                + "\",\"name\":\"cmsdb\"},\"connectionStringName\":\"EPiServerDB\","
                + "\"databaseModeSetting\":\"Cms__DatabaseMode\","
                + "\"maintenancePagePackageUri\":\"https://packages.example.com/maintenance.zip\"}";
        // a site and database of its own: prod has the sample's
        body = body.replace(CliHarness.SCHEDULER, CliHarness.SCHEDULER + "-staging")
                .replace("\"name\":\"cmsdb\"", "\"name\":\"cmsdb-staging\"");
        Path file = dir.resolve("staging.json");
        Files.writeString(file, body);

        // Act
        CliHarness.Result created = host.run("register", "--name", "staging", "--file", file.toString());
        CliHarness.Result missing = host.run("register", "--name", "other", "--file", dir.resolve("no.json").toString());
        JsonNode after = Json.mapper().readTree(host.run("environment", "--name", "staging").out());

        // Assert
        assertEquals(2, read.path("webApps").size(), read.toString());
        assertEquals(0, created.code(), created.toString());
        assertEquals("staging", created.out().strip());
        assertTrue(created.err().contains("registered"), created.toString());
        assertEquals(DeployCli.USAGE, missing.code(), missing.toString());
        assertEquals(1, after.path("webApps").size(), after.toString());
    }
}
