package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.emulator.RecordedRequest;
import io.smoothdeploy.local.emulator.SamplePackage;
import io.smoothdeploy.testing.DeliveryClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whole deployments on the real Azure path, locally: azure-resourcemanager against the Azure emulator,
 * packages running in loopback slots, warm-up over HTTP, the database rows in the emulator.
 */
class EmulatorDeploymentTest {

    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0");
    private static final SamplePackage NEW = SamplePackage.of("cms", "2.0").coldStartSeconds(3);

    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        azure.close();
    }

    @Test
    void zeroDowntimeDeploymentWarmsTheColdNewPackageAndGoesLiveOnComplete() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();
        JsonNode awaiting = azure.http.get("/deployments/" + id).json();
        String liveWhileAwaiting = azure.productionPackage();
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        assertEquals("AwaitingVerification", awaiting.get("status").asText(), awaiting.toString());
        assertTrue(awaiting.get("webApps").get(0).get("timings").get("WARM_UP").get("runs").asInt() > 1,
                "the 3 s cold start answered 503 first: " + awaiting);
        assertEquals("cms/1.0", liveWhileAwaiting, "the old code serves, on the clone, until Complete");
        assertEquals("Succeeded", azure.http.get("/deployments/" + id).json().get("status").asText());
        assertEquals("cms/2.0", azure.productionPackage());
        assertEquals(List.of("cmsdb"), azure.emulator.databaseNames(azure.sqlServer), "the temporary database is gone");
    }

    @Test
    void productionDeployedByAzWebappDeployServesTheOldCodeOnlyWhenTheStartNamesItsPackage() {
        // Arrange: production runs its package from its own SitePackages (WEBSITE_RUN_FROM_PACKAGE=1)
        azure = new EmulatorHarness(OLD, NEW);
        azure.emulator.deployToSlotItself(azure.cmsSite, "production", "old.zip");
        azure.http.put("/environments/prod", azure.environmentBody());
        String start = "{\"environment\":\"prod\",\"packageUri\":\"" + EmulatorHarness.PACKAGES
                + "cms-2.0.zip?sv=2024&sig=NEWSECRET\",\"packageSha256\":\"" + azure.sha256("cms-2.0.zip")
                + "\",\"mode\":\"ReadOnly\"";

        // Act
        ApiClient.Response refused = azure.http.post("/deployments", start + "}");
        azure.runQueues();
        JsonNode failed = azure.http.get("/deployments/" + refused.json().get("id").asText()).json();
        boolean slotCreated = azure.emulator.slot(azure.cmsSite, "maintenance").isPresent();
        List<String> databasesAfterFailure = azure.emulator.databaseNames(azure.sqlServer);
        ApiClient.Response started = azure.http.post("/deployments", start + ",\"currentPackages\":{\"cms\":\""
                + EmulatorHarness.PACKAGES + "old.zip?sv=2024&sig=OLDSECRET\"}}");
        azure.runQueues();
        String liveWhileAwaiting = azure.productionPackage();

        // Assert
        assertEquals("Failed", failed.get("status").asText(), failed.toString());
        assertTrue(failed.get("errors").get(0).get("message").asText().contains("currentPackages.cms"), failed.toString());
        assertEquals(false, slotCreated, "nothing changed in the cloud");
        assertEquals(List.of("cmsdb"), databasesAfterFailure, "no clone was made");
        assertEquals(202, started.status(), started.toString());
        assertEquals("AwaitingVerification", azure.http.get("/deployments/" + started.json().get("id").asText())
                .json().get("status").asText());
        assertEquals("cms/1.0", liveWhileAwaiting, "the old code, by its package URL, not an empty site");
    }

    @Test
    void aNinetySecondSwapThroughArmIsAcceptedOnceAndCheckedUntilProductionCarriesIt() {
        // Arrange: every swap takes 90 s on the emulator's clock
        azure = new EmulatorHarness(OLD, NEW);
        azure.emulator.setSwapDuration(Duration.ofSeconds(90));
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        Duration longestToVerification = DeliveryClock.runMeasuringDeliveries(azure.stack.queue(), azure.clock,
                Duration.ofHours(2));
        JsonNode awaiting = azure.http.get("/deployments/" + id).json();
        List<Integer> maintenanceSwaps = swapAnswers();
        azure.http.post("/deployments/" + id + "/complete", null);
        Duration longestToLive = DeliveryClock.runMeasuringDeliveries(azure.stack.queue(), azure.clock,
                Duration.ofHours(2));
        JsonNode done = azure.http.get("/deployments/" + id).json();

        // Assert
        assertEquals("AwaitingVerification", awaiting.get("status").asText(), awaiting.toString());
        // Exactly one slotsswap POST: the runs that follow it only read production until it carries the content.
        assertEquals(List.of(202), maintenanceSwaps, "one swap request in all");
        assertEquals("Succeeded", done.get("status").asText(), done.toString());
        assertEquals(List.of(202, 202), swapAnswers(), "one more for Complete, and nothing else");
        assertEquals("cms/2.0", azure.productionPackage());
        assertTrue(longestToVerification.compareTo(Duration.ofSeconds(60)) <= 0, longestToVerification.toString());
        assertTrue(longestToLive.compareTo(Duration.ofSeconds(60)) <= 0, longestToLive.toString());
    }

    @Test
    void resetAfterCompleteFailedWithTheNewPackageLiveSwapsTheOldPackageBackThroughArm() {
        // Arrange: Complete swaps cms/2.0 in, then fails for good stopping the maintenance slot (with no rollback
        // window: with one, Complete keeps that slot running instead of stopping it)
        azure = new EmulatorHarness(OLD, NEW);
        azure.environmentExtras = ",\"rollbackWindowMinutes\":0";
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        azure.emulator.failNext("stopSlot", 1, 409, "Conflict");
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();
        String statusAfterComplete = azure.http.get("/deployments/" + id).json().get("status").asText();
        String liveAfterComplete = azure.productionPackage();

        // Act
        azure.http.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":false}");
        azure.runQueues();

        // Assert
        assertEquals("Failed", statusAfterComplete);
        assertEquals("cms/2.0", liveAfterComplete, "the new package went live before Complete failed");
        assertEquals("cms/1.0", azure.productionPackage());
        assertEquals("Reset", azure.http.get("/deployments/" + id).json().get("status").asText());
        assertTrue(azure.emulator.slot(azure.cmsSite, "production").orElseThrow().connectionStrings().get("EPiServerDB")
                .contains("Initial Catalog=cmsdb;"), "the old package runs on the real database again");
    }

    @Test
    void completeSucceedsOnlyOnceAzureSqlHasDroppedTheTemporaryDatabaseAndNoDeliveryWaitsForTheDrop() {
        // Arrange: Databases_Delete answers 202 and Azure SQL drops the database in the background (recorded:
        // SqlServerOperationsTests.canCRUDSqlDatabase.json)
        azure = new EmulatorHarness(OLD, NEW);
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();

        // Act
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        List<Integer> deletes = azure.emulator.requests().stream().filter(r -> r.operation().equals("deleteDatabase"))
                .map(RecordedRequest::status).toList();
        assertTrue(!deletes.isEmpty() && deletes.stream().allMatch(s -> s == 202), "the drop was asked for: " + deletes);
        assertEquals("Succeeded", azure.http.get("/deployments/" + id).json().get("status").asText());
        assertEquals(List.of("cmsdb"), azure.emulator.databaseNames(azure.sqlServer), "the temporary database is gone");
        long cleanups = azure.stack.queue().deliveries().stream()
                .filter(d -> d.messageId().contains(":COMPLETE_CLEANUP:")).count();
        assertTrue(cleanups >= 2, "the clean-up asked, then checked in a later delivery: " + cleanups);
        assertTrue(azure.stack.queue().deliveriesOverBudget().isEmpty(),
                azure.stack.queue().deliveriesOverBudget().toString());
    }

    private List<Integer> swapAnswers() {
        return azure.emulator.requests().stream().filter(r -> r.operation().equals("swapSlot"))
                .map(RecordedRequest::status).toList();
    }

    @Test
    void resetWithDatabaseRollbackReturnsProductionDatabaseToItsContentAtTheStart() {
        // Arrange: the new package migrates P when it starts on staging; someone also writes to P
        azure = new EmulatorHarness(OLD, NEW);
        List<String> atStart = azure.production.values();
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        azure.emulator.database(azure.sqlServer, "cmsdb").insert("{\"written\":\"after the start\"}");
        List<String> beforeReset = azure.emulator.database(azure.sqlServer, "cmsdb").values();

        // Act
        azure.http.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":true}");
        azure.runQueues();

        // Assert
        assertTrue(beforeReset.size() > atStart.size(), "rows were written after the start: " + beforeReset);
        assertEquals("Reset", azure.http.get("/deployments/" + id).json().get("status").asText());
        assertEquals(atStart, azure.emulator.database(azure.sqlServer, "cmsdb").values());
        assertEquals("cms/1.0", azure.productionPackage());
        assertEquals(List.of("cmsdb"), azure.emulator.databaseNames(azure.sqlServer));
    }

    @Test
    void resetWithDatabaseRollbackBeforeTheEarliestRestorePointFailsClearlyWithoutAskingForARestore() {
        // Arrange: P was created moments ago; its first backup (its earliest restore point) is an hour away
        azure = new EmulatorHarness(OLD, NEW);
        azure.production.setEarliestRestoreDate(azure.clock.instant().plus(Duration.ofHours(1)));
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        azure.emulator.clearRequests();

        // Act
        azure.http.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":true}");
        azure.runQueues();

        // Assert
        JsonNode deployment = azure.http.get("/deployments/" + id).json();
        assertTrue(deployment.toString().contains("earliest restore point"), deployment.toString());
        assertTrue(azure.emulator.requests().stream().noneMatch(r -> r.operation().equals("createDatabase")),
                "the engine checked the restore point before asking: " + azure.emulator.requests());
        assertTrue(azure.emulator.databaseNames(azure.sqlServer).contains("cmsdb"));
    }

    @Test
    void aCopyThatEndsSuspectIsDeletedAndCopiedAgain() {
        // Arrange: the first copy of P ends Suspect
        azure = new EmulatorHarness(OLD, NEW);
        azure.emulator.endNextCopyAs("Suspect");

        // Act
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();

        // Assert
        JsonNode deployment = azure.http.get("/deployments/" + id).json();
        assertEquals("AwaitingVerification", deployment.get("status").asText(), deployment.toString());
        assertEquals(2, azure.emulator.requests().stream().filter(r -> r.operation().equals("createDatabase")
                && r.status() == 202).count(), "copied again after the Suspect copy was deleted");
    }

    @Test
    void aThrottledCopyIsTriedAgainNoSoonerThanRetryAfterAndNoDeliveryWaitsItOut() {
        // Arrange: ARM throttles the copy's PUT once, asking for 40 s
        azure = new EmulatorHarness(OLD, NEW);
        azure.emulator.throttleNext("createDatabase", 1, 40);

        // Act
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();

        // Assert
        assertEquals("AwaitingVerification", azure.http.get("/deployments/" + id).json().get("status").asText());
        List<io.smoothdeploy.local.InProcessStepQueue.DeliveryRecord> clones = azure.stack.queue().deliveries().stream()
                .filter(d -> d.messageId().contains(":CLONE_DB:"))
                .sorted(java.util.Comparator.comparing(io.smoothdeploy.local.InProcessStepQueue.DeliveryRecord::startedAt))
                .toList();
        assertTrue(clones.size() >= 2, clones.toString());
        Duration gap = Duration.between(clones.get(0).startedAt(), clones.get(1).startedAt());
        assertTrue(gap.compareTo(Duration.ofSeconds(40)) >= 0, "tried again after " + gap);
        assertTrue(azure.stack.queue().deliveriesOverBudget().isEmpty(), azure.stack.queue().deliveriesOverBudget().toString());
        assertTrue(clones.get(0).wallTime().compareTo(Duration.ofSeconds(5)) < 0, "the throttled delivery did not sleep: "
                + clones.get(0));
    }

    @Test
    void resetWithoutDatabaseRollbackKeepsWhatWasWritten() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        azure.emulator.database(azure.sqlServer, "cmsdb").insert("{\"written\":\"after the start\"}");
        List<String> beforeReset = azure.emulator.database(azure.sqlServer, "cmsdb").values();

        // Act
        azure.http.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":false}");
        azure.runQueues();

        // Assert
        assertEquals("Reset", azure.http.get("/deployments/" + id).json().get("status").asText());
        assertEquals(beforeReset, azure.emulator.database(azure.sqlServer, "cmsdb").values());
        assertEquals("cms/1.0", azure.productionPackage());
    }

    @Test
    void oldPackageWithoutReadOnlySupportFailsEnteringMaintenanceWithItsOwnError() {
        // Arrange
        azure = new EmulatorHarness(SamplePackage.of("cms", "1.0").supportsReadOnly(false), NEW);
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();

        // Assert
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("Failed", status.get("status").asText());
        JsonNode error = status.get("errors").get(0);
        assertEquals("ENTER_MAINTENANCE", error.get("stage").asText());
        assertTrue(error.get("message").asText().contains("HTTP 500 Database is in read-only mode"), error.toString());
        assertEquals("cms/1.0", azure.productionPackage(), "production was never swapped");
    }

    @Test
    void newPackageThatFailsAtStartupFailsWarmUpWithTheFirstStackTraceLine() {
        // Arrange
        String failure = "System.InvalidOperationException: Unable to resolve service for type 'ICache'";
        azure = new EmulatorHarness(OLD, SamplePackage.of("cms", "2.0").startupFailure(failure));
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();

        // Assert
        JsonNode error = azure.http.get("/deployments/" + id).json().get("errors").get(0);
        assertEquals("WARM_UP", error.get("stage").asText());
        assertTrue(error.get("message").asText().contains("HTTP 500 " + failure), error.toString());
    }

    @Test
    void newPackageBehindAnIpFilterFailsWarmUpWith403() {
        // Arrange
        azure = new EmulatorHarness(OLD, SamplePackage.of("cms", "2.0").ipFilter("X-Azure-FDID", "front-door-id"));
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();

        // Assert
        JsonNode error = azure.http.get("/deployments/" + id).json().get("errors").get(0);
        assertEquals("WARM_UP", error.get("stage").asText());
        assertTrue(error.get("message").asText().contains("HTTP 403"), error.toString());
    }

    @Test
    void aPackagePerWebAppPutsEachWebAppsOwnPackageInItsProductionSlot() {
        // Arrange: the CMS and the scheduler ship different builds
        azure = new EmulatorHarness(OLD, NEW, SamplePackage.of("scheduler", "2.0"));
        String scheduler = azure.addScheduler();
        azure.http.put("/environments/prod", azure.environmentBody());
        String start = "{\"environment\":\"prod\",\"mode\":\"ReadOnly\",\"packages\":{"
                + "\"cms\":{\"uri\":\"" + EmulatorHarness.PACKAGES + "cms-2.0.zip?sv=2024&sig=NEWSECRET\",\"sha256\":\""
                + azure.sha256("cms-2.0.zip") + "\"},"
                + "\"scheduler\":{\"uri\":\"" + EmulatorHarness.PACKAGES + "scheduler-2.0.zip?sv=2024&sig=NEWSECRET\","
                + "\"sha256\":\"" + azure.sha256("scheduler-2.0.zip") + "\"}}}";

        // Act
        ApiClient.Response started = azure.http.post("/deployments", start);
        String id = started.json().get("id").asText();
        azure.runQueues();
        JsonNode awaiting = azure.http.get("/deployments/" + id).json();
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        assertEquals(202, started.status(), started.toString());
        assertEquals("AwaitingVerification", awaiting.get("status").asText(), awaiting.toString());
        assertEquals("Succeeded", azure.http.get("/deployments/" + id).json().get("status").asText());
        assertEquals("cms/2.0", azure.productionPackage());
        assertEquals("scheduler/2.0", azure.productionPackage(scheduler));
        assertEquals(List.of("cmsdb"), azure.emulator.databaseNames(azure.sqlServer), "the temporary database is gone");
    }
}
