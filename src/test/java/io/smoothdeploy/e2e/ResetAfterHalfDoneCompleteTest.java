package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.CMS;
import static io.smoothdeploy.e2e.LocalHostHarness.COMMERCE;
import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.OLD_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.SCHEDULER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.testing.SampleCloud;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Case 6 of "Crash-safe by construction": Complete fails after some web apps already went live, then Reset.
 * Reset must know each web app's true position and put the previous code back where new code serves.
 */
class ResetAfterHalfDoneCompleteTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void resetAfterAHalfDoneCompletePutsEveryWebAppBackOnItsOldPackage() {
        // Arrange: three web apps await verification; Complete fails on commerce right after its swap went
        // through (stopping its maintenance slot is refused for good), so new code serves on cms and commerce. No
        // rollback window: with one, Complete keeps the maintenance slots running instead of stopping them
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody().replaceFirst("\\}$",
                ",\"rollbackWindowMinutes\":0}"));
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json()
                .get("id").asText();
        host.runQueues();
        assertEquals("AwaitingVerification", host.get("/deployments/" + id).json().get("status").asText());
        host.cloud.failNext("stopSlot", "commerce-prod/maintenance", 1,
                new CloudException("Conflict", "the slot cannot be stopped", false));
        host.post("/deployments/" + id + "/complete", null);
        host.runQueues();
        JsonNode failed = host.get("/deployments/" + id).json();
        assertEquals("Failed", failed.get("status").asText(), failed.toString());
        assertEquals(NEW_PACKAGE, production(CMS).packageUri(), "cms went live before the deployment failed");
        assertEquals(NEW_PACKAGE, production(COMMERCE).packageUri(), "commerce went live before its step failed");

        // Act
        host.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":false}");
        host.runQueues();

        // Assert
        JsonNode done = host.get("/deployments/" + id).json();
        for (String site : List.of(CMS, COMMERCE)) {
            SlotInfo production = production(site);
            assertEquals(OLD_PACKAGE, production.packageUri(), site + " serves its old package: "
                    + host.get("/deployments/" + id + "/log").body());
            String marker = String.valueOf(production.appSettings().get("SMOOTHDEPLOY_CONTENT"));
            assertFalse(marker.startsWith("release:") || marker.startsWith("maintenance:"),
                    site + " carries no content of this deployment: " + marker);
            assertTrue(production.connectionStrings().get("EPiServerDB").contains("Initial Catalog=cmsdb;"), site);
        }
        assertEquals(SampleCloud.SCHEDULER_PACKAGE, production(SCHEDULER).packageUri());
        assertEquals("Reset", done.get("status").asText(), done.toString());
        done.get("webApps").forEach(w -> assertEquals("RolledBack", w.get("phase").asText(), w.toString()));
    }

    private SlotInfo production(String site) {
        return host.cloud.inspect(SlotRef.production(site)).orElseThrow();
    }
}
