package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.emulator.RecordedRequest;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A main site whose database connection string or database-mode setting is a slot setting ("sticky") cannot be
 * deployed smoothly: every swap would apply production's sticky value to the maintenance content (the old code would
 * run on P, not the clone, while the new release migrates P), and the restart at the swap throws the warm-up away.
 * The first stage reads the site's slot-setting names and refuses, before anything in the cloud changes.
 */
class StickySettingsTest {

    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0");
    private static final SamplePackage NEW = SamplePackage.of("cms", "2.0");

    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        azure.close();
    }

    private JsonNode deployWithSticky(Set<String> appSettings, Set<String> connectionStrings) {
        azure = new EmulatorHarness(OLD, NEW);
        azure.emulator.setSlotSettingNames(azure.cmsSite, appSettings, connectionStrings);
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        return azure.http.get("/deployments/" + id).json();
    }

    private void assertNothingChanged() {
        assertFalse(azure.emulator.slot(azure.cmsSite, "maintenance").isPresent(), "no maintenance slot");
        assertFalse(azure.emulator.slot(azure.cmsSite, "staging").isPresent(), "no staging slot");
        assertEquals(List.of("cmsdb"), azure.emulator.databaseNames(azure.sqlServer), "no clone was made");
        List<RecordedRequest> writes = azure.emulator.requests().stream()
                .filter(r -> !r.method().equals("GET") && !r.operation().startsWith("list")).toList();
        assertEquals(List.of(), writes, "only reads reached ARM");
        assertEquals("cms/1.0", azure.productionPackage());
    }

    @Test
    void aStickyDatabaseConnectionStringIsRefusedInThePackageCheckWithNothingChanged() {
        // Arrange, Act
        JsonNode status = deployWithSticky(Set.of(), Set.of("EPiServerDB"));

        // Assert
        assertEquals("Failed", status.get("status").asText(), status.toString());
        JsonNode error = status.get("errors").get(0);
        assertEquals("CONFIGURATION", error.get("kind").asText(), error.toString());
        assertEquals("VERIFY_PACKAGE", error.get("stage").asText(), error.toString());
        String message = error.get("message").asText();
        assertTrue(message.contains("connection string EPiServerDB"), message);
        assertTrue(message.contains("deployment slot setting"), message);
        assertFalse(message.contains("Initial Catalog"), "no connection string value: " + message);
        assertNothingChanged();
    }

    @Test
    void aStickyDatabaseModeSettingIsRefusedInThePackageCheckWithNothingChanged() {
        // Arrange, Act
        JsonNode status = deployWithSticky(Set.of("Cms__DatabaseMode"), Set.of());

        // Assert
        assertEquals("Failed", status.get("status").asText(), status.toString());
        JsonNode error = status.get("errors").get(0);
        assertEquals("CONFIGURATION", error.get("kind").asText(), error.toString());
        assertEquals("VERIFY_PACKAGE", error.get("stage").asText(), error.toString());
        assertTrue(error.get("message").asText().contains("app setting Cms__DatabaseMode"), error.toString());
        assertNothingChanged();
    }

    @Test
    void otherStickySettingsDoNotStopTheDeployment() {
        // Arrange, Act
        JsonNode status = deployWithSticky(Set.of("APPINSIGHTS_CONNECTION"), Set.of("Redis"));

        // Assert
        assertEquals("AwaitingVerification", status.get("status").asText(), status.toString());
    }
}
