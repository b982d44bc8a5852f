package io.smoothdeploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code deploy environments}, {@code deploy deployments} and {@code deploy delete-environment} on the local host. */
class HistoryCommandsTest {

    private final CliHarness host = new CliHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void deploymentsPrintsAPageNewestFirstAndTheTokenPrintsTheNext() throws Exception {
        // Arrange: two deployments of prod, the first reset
        host.register("prod");
        String first = start();
        assertEquals(0, host.run("reset", "--id", first).code());
        host.run("wait", "--id", first, "--until", "Reset", "--poll", "5s", "--timeout", "2h");
        String second = start();

        // Act
        CliHarness.Result page = host.run("deployments", "--environment", "prod", "--limit", "1");
        String token = Json.mapper().readTree(page.out()).path("continuationToken").asText();
        CliHarness.Result next = host.run("deployments", "--environment", "prod", "--limit", "1",
                "--continuation-token", token);
        CliHarness.Result reset = host.run("deployments", "--environment", "prod", "--status", "Reset");
        CliHarness.Result refused = host.run("deployments", "--environment", "prod", "--limit", "500");

        // Assert
        assertEquals(0, page.code(), page.toString());
        assertEquals(second, Json.mapper().readTree(page.out()).path("deployments").path(0).path("id").asText());
        assertEquals(first, Json.mapper().readTree(next.out()).path("deployments").path(0).path("id").asText(),
                next.toString());
        assertTrue(Json.mapper().readTree(next.out()).path("continuationToken").isNull(), next.toString());
        JsonNode resetOnly = Json.mapper().readTree(reset.out()).path("deployments");
        assertEquals(1, resetOnly.size(), reset.toString());
        assertEquals(first, resetOnly.path(0).path("id").asText());
        assertEquals(DeployCli.API_ERROR, refused.code(), refused.toString());
        assertTrue(refused.err().contains("limit"), refused.toString());
    }

    private String start() {
        CliHarness.Result started = host.run("start", "--environment", "prod", "--package", CliHarness.NEW_PACKAGE,
                "--sha256", io.smoothdeploy.local.SimulatedCloud.packageSha256(CliHarness.NEW_PACKAGE), "--mode",
                "ReadOnly", "--idempotency-key", "k-" + System.nanoTime());
        assertEquals(0, started.code(), started.toString());
        String id = started.out().trim();
        CliHarness.Result awaiting = host.run("wait", "--id", id, "--until", "AwaitingVerification", "--poll", "5s",
                "--timeout", "2h");
        assertEquals(0, awaiting.code(), awaiting.toString());
        return id;
    }

    @Test
    void deleteEnvironmentIsRefusedWhileADeploymentHoldsItAndDeletesItOnceItEnded() {
        // Arrange
        host.register("prod");
        String id = start();

        // Act
        CliHarness.Result refused = host.run("delete-environment", "--name", "prod");
        assertEquals(0, host.run("reset", "--id", id).code());
        host.run("wait", "--id", id, "--until", "Reset", "--poll", "5s", "--timeout", "2h");
        CliHarness.Result deleted = host.run("delete-environment", "--name", "prod");
        CliHarness.Result unknown = host.run("delete-environment", "--name", "prod");

        // Assert
        assertEquals(DeployCli.API_ERROR, refused.code(), refused.toString());
        assertTrue(refused.err().contains(id), refused.toString());
        assertEquals(0, deleted.code(), deleted.toString());
        assertEquals("prod", deleted.out().trim());
        assertTrue(deleted.err().contains("Environment prod deleted"), deleted.toString());
        assertEquals(DeployCli.API_ERROR, unknown.code(), unknown.toString());
        assertEquals(DeployCli.API_ERROR, host.run("environment", "--name", "prod").code());
    }

    @Test
    void whoamiPrintsTheDevelopmentUserAndWhatTheirRolesAllow() throws Exception {
        // Act
        CliHarness.Result me = host.run("whoami");

        // Assert
        assertEquals(0, me.code(), me.toString());
        JsonNode body = Json.mapper().readTree(me.out());
        assertEquals("local-developer", body.path("name").asText(), me.toString());
        assertEquals("Reader", body.path("roles").path(0).asText(), me.toString());
        assertTrue(body.path("operations").path("completeDeployment").path("allowed").asBoolean(), me.toString());
    }

    @Test
    void environmentsPrintsEveryEnvironmentAsJson() throws Exception {
        // Arrange
        host.register("prod");

        // Act
        CliHarness.Result listed = host.run("environments");

        // Assert
        assertEquals(0, listed.code(), listed.toString());
        JsonNode body = Json.mapper().readTree(listed.out());
        assertEquals("prod", body.path("environments").path(0).path("name").asText(), listed.toString());
        assertTrue(body.path("environments").path(0).path("lastDeployment").isNull(), listed.toString());
    }
}
