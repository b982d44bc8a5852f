package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.CMS;
import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.OLD_PACKAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.testing.SampleCloud;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sticky-setting refusal on the in-memory cloud: the same first-stage check, nothing written to the cloud. */
class SimulatedStickySettingsTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void aStickyDatabaseConnectionStringIsRefusedBeforeAnyCloudWrite() {
        // Arrange
        host.cloud.addSite(CMS, OLD_PACKAGE, Map.of("EPiServerDB", SampleCloud.CONNECTION));
        host.cloud.setSlotSettingNames(CMS, Set.of(), Set.of("EPiServerDB"));
        assertEquals(201, host.put("/environments/prod", LocalHostHarness.environmentBody(false)).status());

        // Act
        ApiClient.Response started = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null));
        host.runQueues();
        JsonNode status = host.get("/deployments/" + started.json().get("id").asText()).json();

        // Assert
        assertEquals("Failed", status.get("status").asText(), status.toString());
        JsonNode error = status.get("errors").get(0);
        assertEquals("VERIFY_PACKAGE", error.get("stage").asText());
        assertTrue(error.get("message").asText().contains("connection string EPiServerDB"), error.toString());
        assertEquals(List.of(), host.cloud.calls(), "no slot created, nothing swapped, no database copied");
    }

    /**
     * The settings the engine itself writes to every slot it swaps (its content marker, the package, the swap's
     * warm-up ping) must move with the content. Marked sticky, each would stay behind at every swap, so entering
     * maintenance could never see its marker on production and would configure and swap until its deadline.
     */
    @Test
    void aStickySettingTheEngineWritesIsRefusedBeforeAnyCloudWrite() {
        for (String name : List.of("SMOOTHDEPLOY_CONTENT", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_SWAP_WARMUP_PING_PATH",
                "WEBSITE_SWAP_WARMUP_PING_STATUSES")) {
            // Arrange
            LocalHostHarness each = new LocalHostHarness();
            try {
                each.cloud.addSite(CMS, OLD_PACKAGE, Map.of("EPiServerDB", SampleCloud.CONNECTION));
                each.cloud.setSlotSettingNames(CMS, Set.of(name), Set.of());
                assertEquals(201, each.put("/environments/prod", LocalHostHarness.environmentBody(false)).status());

                // Act
                ApiClient.Response started = each.post("/deployments",
                        LocalHostHarness.startBody("prod", NEW_PACKAGE, null));
                each.runQueues();
                JsonNode status = each.get("/deployments/" + started.json().get("id").asText()).json();

                // Assert
                assertEquals("Failed", status.get("status").asText(), name + ": " + status);
                JsonNode error = status.get("errors").get(0);
                assertEquals("VERIFY_PACKAGE", error.get("stage").asText(), name);
                assertTrue(error.get("message").asText().contains("app setting " + name), error.toString());
                assertEquals(List.of(), each.cloud.calls(), name + ": nothing changed in the cloud");
            } finally {
                each.close();
            }
        }
    }
}
