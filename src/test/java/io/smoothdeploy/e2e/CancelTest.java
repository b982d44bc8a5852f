package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.InProcessStepQueue;
import io.smoothdeploy.local.emulator.EmulatedSite;
import io.smoothdeploy.local.emulator.EmulatedSlot;
import io.smoothdeploy.local.emulator.SamplePackage;
import io.smoothdeploy.local.emulator.SlotObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cancel through the local host, on the real Azure path (azure-resourcemanager against the Azure emulator): a cancel
 * during each forward step ends Cancelled with no web app in maintenance, production on the old code and no
 * temporary database left.
 */
class CancelTest {

    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0");
    private static final SamplePackage NEW = SamplePackage.of("cms", "2.0").coldStartSeconds(3);

    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        azure.close();
    }

    @Test
    void cancelWhileTheCloneIsStillCopyingWaitsForTheCopyThenDeletesIt() {
        // Arrange: the copy takes 20 minutes; the deployment is a few minutes into it
        azure = new EmulatorHarness(OLD, NEW);
        azure.emulator.setCopyDuration(Duration.ofMinutes(20));
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.stack.queue().runUntilIdle(Duration.ofMinutes(3));
        JsonNode copying = status(id);
        List<String> databasesWhileCopying = azure.emulator.databaseNames(azure.sqlServer);

        // Act
        ApiClient.Response cancelled = azure.http.post("/deployments/" + id + "/cancel",
                "{\"reason\":\"wrong package\"}");
        azure.runQueues();

        // Assert
        assertEquals("CLONE_DB", copying.get("stage").asText(), copying.toString());
        assertEquals(2, databasesWhileCopying.size(), "the copy is under way: " + databasesWhileCopying);
        assertEquals(202, cancelled.status(), cancelled.toString());
        assertEquals("Cancelling", cancelled.json().get("status").asText());
        assertEquals("wrong package", cancelled.json().get("cancelReason").asText());
        assertCancelledAndUndone(id);
        assertFalse(azure.emulator.slot(azure.cmsSite, "maintenance").isPresent(), "nothing entered maintenance");
    }

    @Test
    void cancelWhileEnteringMaintenanceAndTheSwapIsRunningLetsTheSwapFinishThenSwapsBack() {
        // Arrange: every swap takes 90 s; the cancel comes with the first run that finds the swap under way
        azure = new EmulatorHarness(OLD, NEW);
        azure.emulator.setSwapDuration(Duration.ofSeconds(90));
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        AtomicReference<Boolean> swappingAtCancel = new AtomicReference<>();
        cancelWhen(messageId -> messageId.contains(":ENTER_MAINTENANCE:") && azure.emulator.swapping(azure.cmsSite),
                id, () -> swappingAtCancel.set(azure.emulator.swapping(azure.cmsSite)));

        // Act
        azure.runQueues();

        // Assert
        assertEquals(Boolean.TRUE, swappingAtCancel.get(), "the cancel came while the swap ran");
        assertCancelledAndUndone(id);
    }

    @Test
    void cancelAtTheFirstRunOfEnterMaintenanceUndoesAMaintenanceSlotThatNeverTookTraffic() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        cancelWhen(messageId -> messageId.contains(":ENTER_MAINTENANCE:cms:1"), id, () -> { });

        // Act
        azure.runQueues();

        // Assert
        assertCancelledAndUndone(id);
        EmulatedSlot maintenance = azure.emulator.slot(azure.cmsSite, "maintenance").orElseThrow();
        assertFalse(maintenance.running(), "the maintenance slot prepared for the swap is stopped again");
    }

    @Test
    void cancelWhileTheStepDeployingTheStagingSlotRunsStopsAfterItAndPutsNothingLive() {
        // Arrange: the cancel is written while the deploy step's run is in the middle of its work, so the step's own
        // write loses to it and is decided again on the row with the cancel's intent
        azure = new EmulatorHarness(OLD, NEW);
        azure.emulator.setRestartLag(Duration.ZERO); // the package write restarts the slot within the deploy step's run
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        List<String> cancels = new ArrayList<>();
        azure.emulator.addObserver(new SlotObserver() {
            @Override
            public void restartedAt(EmulatedSite site, EmulatedSlot slot, java.time.Instant at) {
                if (cancels.isEmpty() && "staging".equals(slot.name())
                        && slot.appSettings().getOrDefault("WEBSITE_RUN_FROM_PACKAGE", "").contains("cms-2.0.zip")) {
                    cancels.add(cancel(id).toString());
                }
            }
        });

        // Act
        azure.runQueues();

        // Assert
        assertEquals(1, cancels.size(), "the package reached the staging slot, and the cancel was asked then");
        assertTrue(cancels.get(0).contains("202"), cancels.get(0));
        assertCancelledAndUndone(id);
        assertTrue(log(id).contains("Cancelling: stopped at deploying to the staging slot"), log(id));
    }

    @Test
    void cancelWithRollbackDatabaseAfterTheNewPackageMigratedRestoresTheProductionDatabaseToTheStart() {
        // Arrange: the new package migrates P when it starts on staging; the cancel comes during warm-up, once it has
        azure = new EmulatorHarness(OLD, NEW);
        List<String> atStart = azure.production.values();
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        AtomicReference<List<String>> atCancel = new AtomicReference<>();
        azure.stack.queue().observeDeliveries(new InProcessStepQueue.DeliveryObserver() {
            @Override
            public void started(String queue, String message, int deliveryCount, long hopNanos) {
                List<String> now = azure.emulator.database(azure.sqlServer, "cmsdb").values();
                if (atCancel.get() == null && message.contains(":WARM_UP:") && now.size() > atStart.size()) {
                    atCancel.set(now);
                    ApiClient.Response answer = azure.http.post("/deployments/" + id + "/cancel",
                            "{\"rollbackDatabase\":true}");
                    if (answer.status() != 202) {
                        throw new AssertionError(answer.toString());
                    }
                }
            }

            @Override
            public void finished(String queue, String message) {
            }
        });

        // Act
        azure.runQueues();

        // Assert
        assertTrue(atCancel.get() != null && atCancel.get().size() > atStart.size(),
                "the new package had migrated P: " + atCancel.get());
        assertCancelledAndUndone(id);
        assertEquals(atStart, azure.emulator.database(azure.sqlServer, "cmsdb").values(), "P is as it was at the start");
        assertTrue(status(id).get("rollbackDatabase").asBoolean());
    }

    @Test
    void cancelDuringWarmUpEndsTheSwapWithPreviewAndSwapsTheOldCodeBack() {
        // Arrange: the new package starts cold (3 s of 503), so warm-up checks again; the cancel comes on its second run
        azure = new EmulatorHarness(OLD, NEW);
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        cancelWhen(messageId -> messageId.contains(":WARM_UP:cms:1"), id, () -> { });

        // Act
        azure.runQueues();

        // Assert
        assertCancelledAndUndone(id);
        assertTrue(azure.emulator.configurationMismatches(azure.cmsSite).isEmpty(),
                azure.emulator.configurationMismatches(azure.cmsSite).toString());
    }

    @Test
    void cancelOnAMultiWebAppRunWithOneSiteInMaintenanceAndOneNotTakesEachOutFromWhereItStands() {
        // Arrange: a CMS main site and a scheduler; the cancel comes once exactly one of them is in maintenance
        azure = new EmulatorHarness(OLD, NEW);
        String scheduler = azure.addScheduler();
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        AtomicReference<String> atCancel = new AtomicReference<>();
        cancelWhen(messageId -> messageId.contains(":ENTER_MAINTENANCE:") && inMaintenance(id) == 1, id,
                () -> atCancel.set(status(id).get("webApps").toString()));

        // Act
        azure.runQueues();

        // Assert
        assertTrue(atCancel.get() != null && atCancel.get().contains("\"inMaintenance\":true")
                && atCancel.get().contains("\"inMaintenance\":false"), "one in, one out: " + atCancel.get());
        assertCancelledAndUndone(id);
        assertEquals("scheduler/1.0", azure.emulator.slot(scheduler, "production").orElseThrow().appSettings()
                .get("WEBSITE_RUN_FROM_PACKAGE").replaceAll(".*/(scheduler)-(1\\.0)\\.zip.*", "$1/$2"));
    }

    @Test
    void cancelTwiceAnswersTheSameAndACancelledRunAnswersAcceptedWithNothingChanged() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        azure.emulator.setCopyDuration(Duration.ofMinutes(20));
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.stack.queue().runUntilIdle(Duration.ofMinutes(1));

        // Act
        ApiClient.Response first = cancel(id);
        ApiClient.Response second = cancel(id);
        azure.runQueues();
        ApiClient.Response afterwards = cancel(id);

        // Assert
        assertEquals(202, first.status(), first.toString());
        assertEquals(202, second.status(), second.toString());
        assertEquals("Cancelling", second.json().get("status").asText());
        assertEquals(1, second.json().get("audit").findValues("action").stream()
                .filter(a -> a.asText().equals("cancel")).count(), "one cancel recorded: " + second.json());
        assertEquals(202, afterwards.status(), afterwards.toString());
        assertEquals("Cancelled", afterwards.json().get("status").asText());
        assertCancelledAndUndone(id);
    }

    @Test
    void cancelIsAllowedOnlyWhileInProgressAndCompleteOrResetLoseToIt() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        JsonNode running = status(id);
        ApiClient.Response cancelled = cancel(id);

        // Act
        ApiClient.Response complete = azure.http.post("/deployments/" + id + "/complete", null);
        ApiClient.Response reset = azure.http.post("/deployments/" + id + "/reset", null);
        azure.runQueues();
        assertCancelledAndUndone(id);
        String second = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        ApiClient.Response tooLate = cancel(second);

        // Assert
        assertTrue(running.get("allowedActions").toString().contains("cancel"), running.toString());
        assertEquals(202, cancelled.status());
        assertEquals("[]", cancelled.json().get("allowedActions").toString());
        assertEquals(409, complete.status(), complete.toString());
        assertEquals(409, reset.status(), reset.toString());
        assertEquals(409, tooLate.status(), tooLate.toString());
        assertTrue(tooLate.body().contains("AwaitingVerification") && tooLate.body().contains("complete")
                && tooLate.body().contains("reset"), tooLate.body());
        assertTrue(tooLate.contentType().contains("problem+json"), tooLate.toString());
    }

    @Test
    void cancelRefusesUnknownFieldsAndAnOverlongReasonWritingNothing() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        ApiClient.Response unknown = azure.http.post("/deployments/" + id + "/cancel", "{\"rollback\":true}");
        ApiClient.Response overlong = azure.http.post("/deployments/" + id + "/cancel",
                "{\"reason\":\"" + "x".repeat(501) + "\"}");

        // Assert
        assertEquals(400, unknown.status(), unknown.toString());
        assertEquals(400, overlong.status(), overlong.toString());
        assertEquals("InProgress", status(id).get("status").asText());
    }

    // ---------------------------------------------------------------- helpers

    private void assertCancelledAndUndone(String id) {
        JsonNode done = status(id);
        assertEquals("Cancelled", done.get("status").asText(), done.toString());
        for (JsonNode webApp : done.get("webApps")) {
            assertFalse(webApp.get("inMaintenance").asBoolean(), "no web app in maintenance: " + done);
        }
        assertEquals("cms/1.0", azure.productionPackage(), "production is on the old code");
        assertEquals(List.of("cmsdb"), azure.emulator.databaseNames(azure.sqlServer), "no temporary database left");
        assertTrue(azure.emulator.slot(azure.cmsSite, "production").orElseThrow().connectionStrings()
                .get("EPiServerDB").contains("Initial Catalog=cmsdb;"), "production runs on the real database");
        assertEquals("[]", done.get("allowedActions").toString());
        assertTrue(log(id).contains("Deployment cancelled"), log(id));
        // the environment is free again
        JsonNode environment = azure.http.get("/environments/prod").json();
        assertTrue(environment.get("currentDeploymentId").isNull(), environment.toString());
    }

    /** Cancels {@code id} when a delivery whose message id matches is about to run, once; then runs {@code then}. */
    private void cancelWhen(Predicate<String> messageId, String id, Runnable then) {
        azure.stack.queue().observeDeliveries(new InProcessStepQueue.DeliveryObserver() {
            private boolean done;

            @Override
            public void started(String queue, String message, int deliveryCount, long hopNanos) {
                if (!done && message.startsWith(id) && messageId.test(message)) {
                    done = true;
                    then.run();
                    ApiClient.Response answer = cancel(id);
                    if (answer.status() != 202) {
                        throw new AssertionError(answer.toString());
                    }
                }
            }

            @Override
            public void finished(String queue, String message) {
            }
        });
    }

    private ApiClient.Response cancel(String id) {
        return azure.http.post("/deployments/" + id + "/cancel", "{\"rollbackDatabase\":false}");
    }

    private int inMaintenance(String id) {
        int count = 0;
        for (JsonNode webApp : status(id).get("webApps")) {
            count += webApp.get("inMaintenance").asBoolean() ? 1 : 0;
        }
        return count;
    }

    private JsonNode status(String id) {
        return azure.http.get("/deployments/" + id).json();
    }

    private String log(String id) {
        return azure.http.get("/deployments/" + id + "/log").body();
    }
}
