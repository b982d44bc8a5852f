package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.LocalExecutionContext;
import io.smoothdeploy.local.emulator.EmulatedSlot;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rollback window after go-live, end to end through the local host on the real Azure path (the ARM adapter
 * against the local Azure emulator, whose slots serve their packages over HTTP): Complete keeps the previous code
 * warm on the production database, a rollback within the window swaps it back (code only), a failed check after
 * going live rolls back by itself, and the timer stops the slot when the window ends.
 */
class RollbackWindowTest {

    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0").page("/checkout", 200, "checkout 1.0");
    private static final SamplePackage NEW = SamplePackage.of("cms", "2.0").page("/checkout", 200, "checkout 2.0");
    /** A release whose checkout breaks: staging answers its warm-up path, but /checkout fails. */
    private static final SamplePackage BROKEN = SamplePackage.of("cms", "3.0").page("/checkout", 500, "boom");

    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        azure.close();
    }

    @Test
    void completeThenRollBackWithinTheWindowServesTheOldCodeAgainAndLeavesTheDatabaseAsTheReleaseLeftIt() {
        // Arrange: the release goes live, then writes to P as a new release would (its migration's row)
        azure = new EmulatorHarness(OLD, NEW);
        azure.stack.timerScheduler().enabled(false);
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        assertEquals(202, azure.http.post("/deployments/" + id + "/complete", null).status());
        azure.runQueues();
        JsonNode live = status(id);
        assertEquals("Succeeded", live.get("status").asText(), live.toString());
        assertEquals("cms/2.0", azure.productionPackage());
        Instant until = Instant.parse(live.get("rollbackAvailableUntil").asText());
        assertEquals(azure.clock.instant().plus(Duration.ofMinutes(30)).getEpochSecond() / 60,
                until.getEpochSecond() / 60, "the default window is 30 minutes from going live: " + live);
        assertEquals(List.of("rollback"), actions(live));
        EmulatedSlot previous = azure.emulator.slot(azure.cmsSite, "maintenance").orElseThrow();
        assertTrue(previous.running(), "the previous code stays up for the window");
        assertTrue(previous.packageUri().contains("old.zip"), previous.packageUri());
        assertTrue(previous.connectionStrings().get("EPiServerDB").contains("Initial Catalog=cmsdb;"),
                "the previous code is on P, not on the clone: " + previous.connectionStrings());
        assertEquals(List.of("cmsdb"), azure.emulator.databaseNames(azure.sqlServer), "the clone is dropped");
        azure.production.insert("{\"migration\":\"2.0\"}");
        int rowsBefore = azure.production.rows().size();

        // Act
        azure.clock.advance(Duration.ofMinutes(10));
        ApiClient.Response accepted = azure.http.post("/deployments/" + id + "/rollback", null);
        azure.runQueues();

        // Assert: old code live, on P, and P not restored: the release's row is still there
        assertEquals(202, accepted.status(), accepted.toString());
        assertEquals("RollingBack", accepted.json().get("status").asText());
        JsonNode done = status(id);
        assertEquals("RolledBack", done.get("status").asText(), done.toString());
        assertEquals("cms/1.0", azure.productionPackage());
        EmulatedSlot production = azure.emulator.slot(azure.cmsSite, "production").orElseThrow();
        assertTrue(production.connectionStrings().get("EPiServerDB").contains("Initial Catalog=cmsdb;"));
        assertEquals(rowsBefore, azure.emulator.database(azure.sqlServer, "cmsdb").rows().size(),
                "a rollback is code only: the production database is not restored");
        assertTrue(azure.emulator.database(azure.sqlServer, "cmsdb").values().contains("{\"migration\":\"2.0\"}"));
        assertEquals(List.of("cmsdb"), azure.emulator.databaseNames(azure.sqlServer), "no restore was made");
        assertTrue(done.get("rollbackReason").asText().startsWith("asked by"), done.toString());
        assertFalse(done.has("rollbackAvailableUntil"), done.toString());
        assertEquals(List.of(), actions(done));
        done.get("webApps").forEach(w -> assertEquals("RolledBack", w.get("phase").asText(), w.toString()));
        assertTrue(done.get("audit").toString().contains("\"rollback\""), done.get("audit").toString());
        assertFalse(azure.emulator.slot(azure.cmsSite, "maintenance").orElseThrow().running(),
                "the slot now holding the rolled-back release is stopped");
        ApiClient.Response again = azure.http.post("/deployments/" + id + "/rollback", null);
        assertEquals(409, again.status(), again.toString());
        assertTrue(again.json().get("detail").asText().contains("rolled back already"), again.toString());
        assertEquals(202, azure.http.post("/deployments", startBody()).status(), "the environment is free again");
    }

    @Test
    void aFailedCheckAfterGoingLiveRollsBackByItself() {
        // Arrange: /checkout is checked only after going live, every 30 s for 5 minutes
        azure = new EmulatorHarness(OLD, BROKEN);
        azure.stack.timerScheduler().enabled(false);
        azure.environmentExtras = ",\"verification\":{\"afterComplete\":{\"smokeChecks\":[{\"path\":\"/checkout\"}],"
                + "\"intervalSeconds\":30,\"minutes\":5,\"onFail\":\"RollBack\"}}";
        String id = azure.start("cms-3.0.zip", "ReadOnly");
        azure.runQueues();
        assertEquals("AwaitingVerification", status(id).get("status").asText());

        // Act: a person completes; nobody rolls back
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        JsonNode done = status(id);
        assertEquals("RolledBack", done.get("status").asText(), done.toString());
        assertEquals("cms/1.0", azure.productionPackage());
        String reason = done.get("rollbackReason").asText();
        assertTrue(reason.contains("/checkout") && reason.contains("500"), reason);
        assertTrue(log(id).contains("Rolling back, as the environment's verification policy"), log(id));
        assertEquals(List.of("cmsdb"), azure.emulator.databaseNames(azure.sqlServer));
        assertEquals(List.of(), actions(done));
    }

    @Test
    void checksAfterGoingLiveThatPassEndSucceededWithTheWindowOpen() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        azure.stack.timerScheduler().enabled(false);
        azure.environmentExtras = ",\"verification\":{\"afterComplete\":{\"smokeChecks\":[{\"path\":\"/checkout\","
                + "\"bodyContains\":\"2.0\"}],\"intervalSeconds\":60,\"minutes\":3}}";
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();

        // Act
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        JsonNode done = status(id);
        assertEquals("Succeeded", done.get("status").asText(), done.toString());
        assertEquals("cms/2.0", azure.productionPackage());
        assertNotNull(done.get("rollbackAvailableUntil"), done.toString());
        assertTrue(log(id).contains("Every check after going live passed for 3 minute(s)"), log(id));
    }

    @Test
    void theTimerStopsTheSlotWhenTheWindowEndsAndARollbackIsThenRefusedWithTheReason() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        azure.stack.timerScheduler().enabled(false);
        azure.environmentExtras = ",\"rollbackWindowMinutes\":15";
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();
        assertEquals("Succeeded", status(id).get("status").asText());
        tick();
        assertTrue(azure.emulator.slot(azure.cmsSite, "maintenance").orElseThrow().running(),
                "a tick inside the window leaves the slot up");

        // Act
        azure.clock.advance(Duration.ofMinutes(16));
        tick();

        // Assert
        assertFalse(azure.emulator.slot(azure.cmsSite, "maintenance").orElseThrow().running(),
                "the window ended: the slot that held the previous code is stopped");
        JsonNode after = status(id);
        assertEquals("Succeeded", after.get("status").asText());
        assertFalse(after.has("rollbackAvailableUntil"), after.toString());
        assertFalse(after.get("rollbackWindow").get("open").asBoolean());
        assertNotNull(after.get("rollbackWindow").get("closedAt"), after.toString());
        assertEquals(List.of(), actions(after));
        assertEquals("cms/2.0", azure.productionPackage(), "production keeps serving the release");
        ApiClient.Response refused = azure.http.post("/deployments/" + id + "/rollback", null);
        assertEquals(409, refused.status(), refused.toString());
        assertTrue(refused.json().get("detail").asText().contains("rollback window closed"), refused.toString());
        assertTrue(log(id).contains("Rollback window closed"), log(id));
    }

    @Test
    void aWindowOfZeroStopsThePreviousCodeAtCompleteAsBefore() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        azure.environmentExtras = ",\"rollbackWindowMinutes\":0";
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();

        // Act
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        JsonNode done = status(id);
        assertEquals("Succeeded", done.get("status").asText());
        assertFalse(done.has("rollbackAvailableUntil"), done.toString());
        assertNull(done.get("rollbackWindow"));
        assertFalse(azure.emulator.slot(azure.cmsSite, "maintenance").orElseThrow().running());
        ApiClient.Response refused = azure.http.post("/deployments/" + id + "/rollback", null);
        assertEquals(409, refused.status());
        assertTrue(refused.json().get("detail").asText().contains("no rollback window was kept"), refused.toString());
    }

    @Test
    void aNewDeploymentDuringTheWindowClosesIt() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW, SamplePackage.of("cms", "2.1"));
        azure.stack.timerScheduler().enabled(false);
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();
        assertEquals(List.of("rollback"), actions(status(id)));

        // Act: the next release starts within the window
        ApiClient.Response next = azure.http.post("/deployments", "{\"environment\":\"prod\",\"packageUri\":\""
                + EmulatorHarness.PACKAGES + "cms-2.1.zip\",\"packageSha256\":\"" + azure.sha256("cms-2.1.zip")
                + "\",\"mode\":\"ReadOnly\"}");

        // Assert
        assertEquals(202, next.status(), next.toString());
        JsonNode old = status(id);
        assertEquals(List.of(), actions(old));
        assertTrue(old.get("rollbackWindow").get("closedBecause").asText().contains(next.json().get("id").asText()),
                old.toString());
        ApiClient.Response refused = azure.http.post("/deployments/" + id + "/rollback", null);
        assertEquals(409, refused.status(), refused.toString());
    }

    private String startBody() {
        return "{\"environment\":\"prod\",\"packageUri\":\"" + EmulatorHarness.PACKAGES
                + "cms-2.0.zip?sv=2024&sig=NEWSECRET\",\"packageSha256\":\"" + azure.sha256("cms-2.0.zip")
                + "\",\"mode\":\"ReadOnly\",\"idempotencyKey\":\"again\"}";
    }

    private void tick() {
        azure.stack.timer().staleMaintenance("{}", LocalExecutionContext.forFunction("StaleMaintenanceTimer"));
    }

    private JsonNode status(String id) {
        return azure.http.get("/deployments/" + id).json();
    }

    private static List<String> actions(JsonNode status) {
        List<String> actions = new java.util.ArrayList<>();
        status.get("allowedActions").forEach(a -> actions.add(a.asText()));
        return actions;
    }

    private String log(String id) {
        return azure.http.get("/deployments/" + id + "/log").body();
    }
}
