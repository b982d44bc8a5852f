package io.smoothdeploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.app.Json;
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
