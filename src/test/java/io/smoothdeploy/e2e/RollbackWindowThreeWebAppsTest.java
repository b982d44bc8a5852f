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
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.testing.SampleCloud;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rollback window on an environment of two main sites and a scheduler on a maintenance page, through the local
 * host on the simulated cloud: every web app's previous code waits in its maintenance slot, and a rollback puts each
 * back, the scheduler included.
 */
class RollbackWindowThreeWebAppsTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void aRollbackPutsEveryWebAppBackOnItsPreviousCodeOnTheProductionDatabase() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json()
                .get("id").asText();
        host.runQueues();
        host.post("/deployments/" + id + "/complete", null);
        host.runQueues();
        JsonNode live = host.get("/deployments/" + id).json();
        assertEquals("Succeeded", live.get("status").asText(), live.toString());
        for (String site : List.of(CMS, COMMERCE, SCHEDULER)) {
            assertTrue(slot(site, "maintenance").running(), site + " keeps its previous code up for the window");
        }

        // Act
        assertEquals(202, host.post("/deployments/" + id + "/rollback", null).status());
        host.runQueues();

        // Assert
        JsonNode done = host.get("/deployments/" + id).json();
        assertEquals("RolledBack", done.get("status").asText(), done.toString());
        for (String site : List.of(CMS, COMMERCE)) {
            SlotInfo production = slot(site, "production");
            assertEquals(OLD_PACKAGE, production.packageUri(), site);
            assertTrue(production.connectionStrings().get("EPiServerDB").contains("Initial Catalog=cmsdb;"), site);
            String marker = String.valueOf(production.appSettings().get("SMOOTHDEPLOY_CONTENT"));
            assertFalse(marker.startsWith("release:") || marker.startsWith("maintenance:"), site + ": " + marker);
        }
        assertEquals(SampleCloud.SCHEDULER_PACKAGE, slot(SCHEDULER, "production").packageUri());
        assertEquals(List.of("cmsdb"), host.cloud.databaseNames(LocalHostHarness.SQL_SERVER),
                "nothing restored, the clone gone");
        done.get("webApps").forEach(w -> assertEquals("RolledBack", w.get("phase").asText(), w.toString()));
        JsonNode current = host.get("/environments/prod").json().path("currentDeploymentId");
        assertTrue(current.isNull() || current.isMissingNode(), "the rollback gave the environment back: " + current);
    }

    private SlotInfo slot(String site, String slot) {
        return host.cloud.inspect(new SlotRef(site, slot)).orElseThrow();
    }
}
