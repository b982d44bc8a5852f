package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.OLD_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.SQL_SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.local.LocalExecutionContext;
import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.testing.FaultyQueue;
import io.smoothdeploy.testing.FaultyStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reliability contract (README, "How it keeps its promises") under the failures Table storage and Service
 * Bus really have: a write answered 503, a send that is lost, a redelivery, a race between a command and a
 * step. Each test is one case the contract promises; the store and queue underneath are the real local ones
 * (Azurite, the in-process queue) seen through fault-injecting decorators.
 */
class ReliabilityContractTest {

    private final AtomicReference<FaultyStore> store = new AtomicReference<>();
    private final AtomicReference<FaultyQueue> queue = new AtomicReference<>();
    private final LocalHostHarness host = new LocalHostHarness(new LocalStack.Faults(
            s -> { store.set(new FaultyStore(s)); return store.get(); },
            q -> { queue.set(new FaultyQueue(q)); return queue.get(); }));

    @AfterEach
    void stop() {
        host.close();
    }

    /** Case 1: the process dies after the database was restored and renamed, before the state says so. */
    @Test
    void redeliveredRestoreDoesNotRestoreProductionTwice() {
        // Arrange
        String id = awaitingVerification(false);
        store.get().failCommits(d -> d.deployment() != null && d.deployment().stage() == Stage.RESET_SWAP
                && d.deployment().status() == DeploymentStatus.RESETTING, 1, false);

        // Act
        host.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":true}");
        host.runQueues();

        // Assert
        assertEquals(1, store.get().failedCommits(), "the fault was injected");
        assertEquals(1, count("beginPointInTimeRestore"), host.cloud.calls().toString());
        assertEquals("Reset", status(id));
        assertEquals(java.util.List.of("cmsdb"), host.cloud.databaseNames(SQL_SERVER));
    }

    /** Case 1, second half: a restore that ends Failed is deleted and started again, not left to block resets. */
    @Test
    void restoreThatEndsFailedIsDeletedAndStartedAgain() {
        // Arrange
        String id = awaitingVerification(false);
        DatabaseRef restore = new DatabaseRef(SQL_SERVER, "cmsdb-sd-" + id.toLowerCase() + "-restore");
        host.cloud.failNextCreation(restore, "The restore failed: the source's backups are not available yet");

        // Act
        host.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":true}");
        host.runQueues();

        // Assert
        assertEquals(2, count("beginPointInTimeRestore"), host.cloud.calls().toString());
        assertTrue(host.cloud.calls().contains("deleteDatabase " + "cms-sql/" + restore.name()), host.cloud.calls().toString());
        assertEquals("Reset", status(id));
        assertEquals(java.util.List.of("cmsdb"), host.cloud.databaseNames(SQL_SERVER));
    }

    /**
     * Case 2: Complete of a ReadWrite run is decided on the state its write count was taken on. The
     * await-verification step commits between Complete's reads; the writes to the clone must still be counted.
     */
    @Test
    void completeCountsTheCloneWritesOnTheStateItDecidesOn() {
        // Arrange: a ReadWrite run whose await-verification message is held back; two writes reached the clone
        host.put("/environments/prod", LocalHostHarness.environmentBody(false));
        queue.get().hold(m -> m.stage() == Stage.AWAIT_VERIFICATION);
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)
                .replace("ReadOnly", "ReadWrite")).json().get("id").asText();
        host.runQueues();
        host.cloud.setWrites(new DatabaseRef(SQL_SERVER, "cmsdb-sd-" + id.toLowerCase()), 2);
        store.get().afterNextLoad(() -> {
            queue.get().release();
            host.runQueues();
        });

        // Act: Complete without accepting data loss, while the step finishes underneath it
        ApiClient.Response completed = host.post("/deployments/" + id + "/complete", null);
        host.runQueues();

        // Assert: never accepted without a count; nothing went live
        assertNotEquals(202, completed.status(), completed.body());
        assertEquals("AwaitingVerification", status(id));
        assertEquals(OLD_PACKAGE, host.cloud.inspect(SlotRef.production(LocalHostHarness.CMS)).orElseThrow()
                .packageUri(), "production still serves the old code on the clone");
        assertEquals(0, count("swapWithProduction cms-prod/staging"), host.cloud.calls().toString());
    }

    /**
     * Case 2, second count: writes that reach the clone after Complete was decided are counted again once writes
     * to it are stopped, and the swap waits until a person accepts them.
     */
    @Test
    void writesThatReachTheCloneAfterCompleteWaitForAcceptanceBeforeGoingLive() {
        // Arrange: a ReadWrite run awaiting verification, two writes on the clone, accepted at Complete
        host.put("/environments/prod", LocalHostHarness.environmentBody(false));
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)
                .replace("ReadOnly", "ReadWrite")).json().get("id").asText();
        host.runQueues();
        DatabaseRef clone = new DatabaseRef(SQL_SERVER, "cmsdb-sd-" + id.toLowerCase());
        host.cloud.setWrites(clone, 2);
        queue.get().hold(m -> m.stage() == Stage.COMPLETE_SWAP);
        String accept = "{\"acceptDataLoss\":true,\"acceptedBy\":\"jane@example.com\"}";
        assertEquals(202, host.post("/deployments/" + id + "/complete", accept).status());

        // Act: three more writes reach the clone before the swap step runs
        host.cloud.setWrites(clone, 5);
        queue.get().release();
        host.queue().runUntilIdle(Duration.ofMinutes(2));
        String waiting = status(id);
        long swapsWhileWaiting = count("swapWithProduction cms-prod/staging");
        host.cloud.setWrites(clone, 9);
        ApiClient.Response acceptedAgain = host.post("/deployments/" + id + "/complete", accept);
        host.queue().runUntilIdle(Duration.ofMinutes(5));

        // Assert
        assertEquals("Completing", waiting);
        assertEquals(0, swapsWhileWaiting, host.cloud.calls().toString());
        assertTrue(host.get("/deployments/" + id + "/log").body().contains("5 write(s) reached the temporary database"),
                host.get("/deployments/" + id + "/log").body());
        assertEquals(5, host.cloud.writesSinceCreated(clone).getAsLong(), "writes to the clone stopped before the swap");
        assertEquals(202, acceptedAgain.status(), acceptedAgain.body());
        assertEquals("Succeeded", status(id));
    }

    /** Case 3: the last web app to enter maintenance commits the next stage, and the fan-out send is lost. */
    @Test
    void lostFanOutSendStillReachesEveryWebApp() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        queue.get().failSends(m -> m.stage() == Stage.DEPLOY_SLOT, 1);

        // Act
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json()
                .get("id").asText();
        host.runQueues();

        // Assert
        assertEquals("AwaitingVerification", status(id), host.get("/deployments/" + id + "/log").body());
        assertEquals(3, count("deployPackage"), host.cloud.calls().toString());
    }

    /** Case 4: Start commits, then its first send is lost; the deployment still runs, with no 3-hour wait. */
    @Test
    void startWhoseFirstSendIsLostStillRuns() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.environmentBody(false));
        queue.get().failSends(m -> m.stage() == Stage.VERIFY_PACKAGE, 1);

        // Act
        ApiClient.Response started = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null));
        host.runQueues();
        tick();
        host.runQueues();

        // Assert
        assertEquals(202, started.status(), started.body());
        assertEquals("AwaitingVerification", status(started.json().get("id").asText()));
    }

    /** Case 4: Complete commits, its send is lost, and the pipeline retries Complete. */
    @Test
    void retriedCompleteAfterALostSendIsAcceptedAndGoesLive() {
        // Arrange
        String id = awaitingVerification(false);
        queue.get().failSends(m -> m.stage() == Stage.COMPLETE_SWAP, 1);

        // Act
        ApiClient.Response first = host.post("/deployments/" + id + "/complete", null);
        ApiClient.Response retried = host.post("/deployments/" + id + "/complete", null);
        host.runQueues();

        // Assert
        assertEquals(202, retried.status(), "first: " + first + "; retried: " + retried);
        assertEquals("Succeeded", status(id));
    }

    /** Case 5: a second Reset after a failed Reset gets message ids of its own. */
    @Test
    void secondResetAfterAFailedResetIsNotDroppedAsADuplicate() {
        // Arrange: the first reset's swap back fails for good
        String id = awaitingVerification(false);
        host.cloud.failNext("beginSwapWithProduction", "cms-prod/maintenance", 1,
                new CloudException("Conflict", "the slot is locked by a policy", false));
        host.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":false}");
        host.runQueues();
        assertEquals("Failed", status(id));

        // Act: reset again, well inside Service Bus's duplicate-detection window
        ApiClient.Response again = host.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":false}");
        host.runQueues();

        // Assert
        assertEquals(202, again.status(), again.body());
        assertEquals("Reset", status(id));
        assertEquals(OLD_PACKAGE, host.cloud.inspect(SlotRef.production(LocalHostHarness.CMS)).orElseThrow().packageUri());
    }

    private String awaitingVerification(boolean withScheduler) {
        String id = host.registerAndStart("prod", withScheduler);
        host.runQueues();
        assertEquals("AwaitingVerification", status(id));
        return id;
    }

    private String status(String id) {
        JsonNode body = host.get("/deployments/" + id).json();
        return body.get("status").asText();
    }

    private long count(String call) {
        return host.cloud.calls().stream().filter(c -> c.startsWith(call)).count();
    }

    private void tick() {
        host.clock.advance(Duration.ofMinutes(10));
        host.stack.timer().staleMaintenance("{}", LocalExecutionContext.forFunction("StaleMaintenanceTimer"));
    }
}
