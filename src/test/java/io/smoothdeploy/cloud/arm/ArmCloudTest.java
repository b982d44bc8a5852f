package io.smoothdeploy.cloud.arm;

import io.smoothdeploy.local.emulator.EmulatorArm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseInfo;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.emulator.AzureEmulator;
import io.smoothdeploy.local.emulator.EmulatedDatabase;
import io.smoothdeploy.local.emulator.EmulatedSlot;
import io.smoothdeploy.local.emulator.RecordedRequest;
import io.smoothdeploy.local.emulator.SlotObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ARM adapter through the real azure-resourcemanager SDK against the local Azure emulator: no mock of
 * the SDK anywhere. The emulator measures long operations on a manual clock.
 */
class ArmCloudTest {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
    private static final String OLD_PACKAGE = "https://packages.example/cms-1.0.zip?sv=2024&sig=old-secret";
    private static final String NEW_PACKAGE = "https://packages.example/cms-2.0.zip?sv=2024&sig=new-secret";
    private static final String DB_CONNECTION = "Server=tcp:sql-prod.database.windows.net;Database=cms;Password=p@ss";

    private ManualClock clock;
    private AzureEmulator emulator;
    private ArmCloud cloud;
    private String siteId;
    private String serverId;
    private SlotRef production;
    private SlotRef staging;

    @BeforeEach
    void startEmulator() {
        clock = new ManualClock();
        emulator = AzureEmulator.start(clock);
        // restarts at once: these tests are about other behaviour (restart lag: SlotRuntimeTest.restarts*)
        emulator.setRestartLag(Duration.ZERO);
        siteId = emulator.addSite(SUBSCRIPTION, "rg-web", "cms", "westeurope",
                Map.of(SlotInfo.RUN_FROM_PACKAGE, OLD_PACKAGE, "DatabaseMode", "ReadWrite"),
                Map.of("EPiServerDB", DB_CONNECTION));
        serverId = emulator.addSqlServer(SUBSCRIPTION, "rg-data", "sql-prod", "westeurope");
        production = SlotRef.production(siteId);
        staging = new SlotRef(siteId, "staging");
        cloud = EmulatorArm.cloud(emulator.endpoint(), SUBSCRIPTION, emulator::baseUrlForHost);
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    // ----- slots -----

    @Test
    void readsTheProductionSlotWithItsSettingsConnectionStringsAndState() {
        // Act
        SlotInfo slot = cloud.getSlot(production).orElseThrow();

        // Assert
        assertTrue(slot.running());
        assertEquals("cms.azurewebsites.net", slot.defaultHostName());
        assertEquals("https://cms.azurewebsites.net", slot.baseUrl());
        assertEquals(OLD_PACKAGE, slot.packageUri());
        assertEquals("ReadWrite", slot.appSettings().get("DatabaseMode"));
        assertEquals(Map.of("EPiServerDB", DB_CONNECTION), slot.connectionStrings());
        assertEquals(List.of("getSite", "listAppSettings", "listConnectionStrings"), operations());
    }

    @Test
    void aMissingSlotIsEmpty() {
        assertTrue(cloud.getSlot(staging).isEmpty());
    }

    @Test
    void aMissingSiteIsResourceNotFound() {
        // Arrange
        SlotRef missing = new SlotRef(siteId.replace("/cms", "/nope"), "staging");

        // Act
        CloudException error = assertThrows(CloudException.class, () -> cloud.getSlot(missing));

        // Assert
        assertEquals("ResourceNotFound", error.code());
        assertFalse(error.isTransient());
    }

    @Test
    void ensureSlotCreatesTheSlotOnceWithProductionsConnectionStringsAndAppSettings() {
        // Arrange
        List<String> created = new CopyOnWriteArrayList<>();
        emulator.addObserver(new SlotObserver() {
            @Override
            public void slotCreated(io.smoothdeploy.local.emulator.EmulatedSite site, EmulatedSlot slot) {
                created.add(slot.name());
            }
        });

        // Act
        cloud.ensureSlot(staging);
        cloud.ensureSlot(staging);

        // Assert
        SlotInfo slot = cloud.getSlot(staging).orElseThrow();
        assertEquals("cms-staging.azurewebsites.net", slot.defaultHostName());
        assertEquals(Map.of("EPiServerDB", DB_CONNECTION), slot.connectionStrings());
        assertEquals(cloud.getSlot(production).orElseThrow().appSettings(), slot.appSettings());
        assertEquals(List.of("staging"), created);
        assertEquals(1, operations().stream().filter("createSlot"::equals).count());
    }

    @Test
    void applyConfigurationMergesIntoWhatTheSlotHas() {
        // Arrange
        emulator.setSlotUrl("cms-staging.azurewebsites.net", "http://127.0.0.1:1");
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of("A", "1", "B", "2"), Map.of()));

        // Act
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of("B", "3"),
                Map.of("EPiServerDB", "Server=tcp:x;Database=cms-clone")));

        // Assert
        SlotInfo slot = cloud.getSlot(staging).orElseThrow();
        Map<String, String> expected = new java.util.HashMap<>(cloud.getSlot(production).orElseThrow().appSettings());
        expected.putAll(Map.of("A", "1", "B", "3"));
        assertEquals(expected, slot.appSettings());
        assertEquals(Map.of("EPiServerDB", "Server=tcp:x;Database=cms-clone"), slot.connectionStrings());
        assertEquals("http://127.0.0.1:1", slot.baseUrl());
    }

    @Test
    void applyingTheSameConfigurationAgainWritesNothing() {
        // Arrange
        SlotConfiguration wanted = new SlotConfiguration(Map.of("A", "1"), Map.of("EPiServerDB", DB_CONNECTION));
        cloud.applyConfiguration(production, wanted);
        emulator.clearRequests();

        // Act
        cloud.applyConfiguration(production, wanted);

        // Assert
        assertEquals(List.of("listAppSettings", "listConnectionStrings"), operations());
    }

    @Test
    void deployPackageSetsRunFromPackageAndRestartsTheSlotExactlyOnce() {
        // Arrange
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of("Keep", "me"), Map.of()));
        int restartsBefore = emulator.slot(siteId, "staging").orElseThrow().restarts();

        // Act
        cloud.deployPackage(staging, NEW_PACKAGE);

        // Assert: the settings write is the restart; no second restart follows it
        EmulatedSlot slot = emulator.slot(siteId, "staging").orElseThrow();
        assertEquals(NEW_PACKAGE, slot.packageUri());
        assertEquals("me", slot.appSettings().get("Keep"));
        assertEquals(restartsBefore + 1, slot.restarts());
        assertEquals(NEW_PACKAGE, cloud.getSlot(staging).orElseThrow().packageUri());
    }

    @Test
    void awaitingTheCurrentInstanceMakesTheDeploysRestartTakeEffectAndAddsNoOther() {
        // Arrange: restarts lag, as on App Service; the package write's restart is pending
        emulator.setRestartLag(Duration.ofSeconds(10));
        cloud.ensureSlot(staging);
        int restartsBefore = emulator.slot(siteId, "staging").orElseThrow().restarts();
        cloud.deployPackage(staging, NEW_PACKAGE);
        boolean pendingAfterDeploy = emulator.slot(siteId, "staging").orElseThrow().restartPending();

        // Act: twice, as a delivery that runs again would
        cloud.awaitCurrentInstance(staging);
        cloud.awaitCurrentInstance(staging);

        // Assert: the write's one restart took effect before the first call returned; the second restarted nothing
        EmulatedSlot slot = emulator.slot(siteId, "staging").orElseThrow();
        assertTrue(pendingAfterDeploy);
        assertFalse(slot.restartPending());
        assertEquals(restartsBefore + 1, slot.restarts());
        List<String> restarts = emulator.requests().stream().filter(r -> r.operation().equals("restartSlot"))
                .map(r -> r.method() + " " + r.path()).toList();
        assertEquals(2, restarts.size(), restarts.toString());
    }

    @Test
    void redeployingTheSamePackageUrlRestartsTheSlotExactlyOnce() {
        // Arrange: the slot already runs from NEW_PACKAGE, so the settings need no write
        cloud.ensureSlot(staging);
        cloud.deployPackage(staging, NEW_PACKAGE);
        int restartsBefore = emulator.slot(siteId, "staging").orElseThrow().restarts();

        // Act
        cloud.deployPackage(staging, NEW_PACKAGE);

        // Assert: the package behind the URL may have changed, so the slot restarts, once
        assertEquals(restartsBefore + 1, emulator.slot(siteId, "staging").orElseThrow().restarts());
    }

    @Test
    void swapExchangesSettingsConnectionStringsAndPackageBothWays() {
        // Arrange
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of("SMOOTHDEPLOY_CONTENT", "release:1"),
                Map.of("EPiServerDB", "Server=tcp:x;Database=cms-new")));
        cloud.deployPackage(staging, NEW_PACKAGE);

        // Act
        swapAndFinish(staging);

        // Assert
        SlotInfo live = cloud.getSlot(production).orElseThrow();
        SlotInfo old = cloud.getSlot(staging).orElseThrow();
        assertEquals(NEW_PACKAGE, live.packageUri());
        assertEquals("release:1", live.appSettings().get("SMOOTHDEPLOY_CONTENT"));
        assertEquals("Server=tcp:x;Database=cms-new", live.connectionStrings().get("EPiServerDB"));
        assertEquals(OLD_PACKAGE, old.packageUri());
        assertEquals(DB_CONNECTION, old.connectionStrings().get("EPiServerDB"));
        assertFalse(old.appSettings().containsKey("SMOOTHDEPLOY_CONTENT"));

        // Act: and back
        swapAndFinish(staging);

        // Assert
        assertEquals(OLD_PACKAGE, cloud.getSlot(production).orElseThrow().packageUri());
        assertEquals(NEW_PACKAGE, cloud.getSlot(staging).orElseThrow().packageUri());
        RecordedRequest swap = emulator.requests().stream().filter(r -> r.operation().equals("swapSlot"))
                .findFirst().orElseThrow();
        assertEquals("POST", swap.method());
        assertTrue(swap.path().endsWith("/providers/Microsoft.Web/sites/cms/slots/staging/slotsswap"), swap.path());
        assertFalse(operations().contains("getSwapOperation"), "a swap is started, never waited for");
    }

    @Test
    void stickySlotSettingsStayWithTheirSlotInASwap() {
        // Arrange
        emulator.setSlotSettingNames(siteId, Set.of("DatabaseMode"), Set.of());
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of("DatabaseMode", "ReadOnly"), Map.of()));

        // Act
        swapAndFinish(staging);

        // Assert
        assertEquals("ReadWrite", cloud.getSlot(production).orElseThrow().appSettings().get("DatabaseMode"));
        assertEquals("ReadOnly", cloud.getSlot(staging).orElseThrow().appSettings().get("DatabaseMode"));
    }

    // ----- swap with preview -----

    @Test
    void aSwapWithPreviewWarmsTheSlotWithProductionsStickySettingsThenCompletes() {
        // Arrange: Cms__DatabaseMode and ProductionOnly are slot settings; staging has its own mode, no ProductionOnly
        emulator.setSlotSettingNames(siteId, Set.of("Cms__DatabaseMode", "ProductionOnly"), Set.of());
        cloud.applyConfiguration(production, new SlotConfiguration(
                Map.of("Cms__DatabaseMode", "ReadWrite", "ProductionOnly", "yes"), Map.of()));
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(
                Map.of("Cms__DatabaseMode", "ReadOnly", "SMOOTHDEPLOY_CONTENT", "release:1"), Map.of()));
        cloud.deployPackage(staging, NEW_PACKAGE);
        int restartsBefore = emulator.slot(siteId, "staging").orElseThrow().restarts();
        emulator.clearRequests();

        // Act: phase 1
        cloud.applyProductionConfiguration(staging);

        // Assert: staging runs with production's sticky values, restarted, and is in preview
        EmulatedSlot previewed = emulator.slot(siteId, "staging").orElseThrow();
        assertEquals("ReadWrite", previewed.appSettings().get("Cms__DatabaseMode"));
        assertEquals("yes", previewed.appSettings().get("ProductionOnly"));
        assertEquals("release:1", previewed.appSettings().get("SMOOTHDEPLOY_CONTENT"));
        assertEquals(NEW_PACKAGE, previewed.packageUri());
        assertEquals(restartsBefore + 1, previewed.restarts());
        assertEquals("production", previewed.previewTargetSlot().orElseThrow());
        assertEquals(OLD_PACKAGE, cloud.getSlot(production).orElseThrow().packageUri());
        RecordedRequest apply = emulator.requests().stream().filter(r -> r.operation().equals("applySlotConfig"))
                .findFirst().orElseThrow();
        assertEquals("POST", apply.method());
        assertTrue(apply.path().endsWith("/providers/Microsoft.Web/sites/cms/slots/staging/applySlotConfig"),
                apply.path());
        assertEquals(200, apply.status());

        // Act: applying again is harmless
        cloud.applyProductionConfiguration(staging);

        // Assert
        EmulatedSlot again = emulator.slot(siteId, "staging").orElseThrow();
        assertEquals(previewed.appSettings(), again.appSettings());
        assertEquals(restartsBefore + 1, again.restarts());

        // Act: phase 2
        swapAndFinish(staging);

        // Assert: production serves staging's package with its own sticky values; staging has its own back
        SlotInfo live = cloud.getSlot(production).orElseThrow();
        assertEquals(NEW_PACKAGE, live.packageUri());
        assertEquals("release:1", live.appSettings().get("SMOOTHDEPLOY_CONTENT"));
        assertEquals("ReadWrite", live.appSettings().get("Cms__DatabaseMode"));
        assertEquals("yes", live.appSettings().get("ProductionOnly"));
        EmulatedSlot old = emulator.slot(siteId, "staging").orElseThrow();
        assertEquals(OLD_PACKAGE, old.packageUri());
        assertEquals("ReadOnly", old.appSettings().get("Cms__DatabaseMode"));
        assertFalse(old.appSettings().containsKey("ProductionOnly"));
        assertTrue(old.previewTargetSlot().isEmpty());
    }

    @Test
    void cancellingAPreviewGivesTheSlotItsOwnStickySettingsBackAndRestartsIt() {
        // Arrange
        emulator.setSlotSettingNames(siteId, Set.of("Cms__DatabaseMode", "ProductionOnly"), Set.of("EPiServerDB"));
        cloud.applyConfiguration(production, new SlotConfiguration(
                Map.of("Cms__DatabaseMode", "ReadWrite", "ProductionOnly", "yes"), Map.of()));
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of("Cms__DatabaseMode", "ReadOnly"),
                Map.of("EPiServerDB", "Server=tcp:x;Database=cms-clone")));
        cloud.deployPackage(staging, NEW_PACKAGE);
        cloud.applyProductionConfiguration(staging);
        EmulatedSlot previewed = emulator.slot(siteId, "staging").orElseThrow();
        emulator.clearRequests();

        // Act
        cloud.resetConfiguration(staging);

        // Assert
        EmulatedSlot reset = emulator.slot(siteId, "staging").orElseThrow();
        assertEquals(DB_CONNECTION, previewed.connectionStrings().get("EPiServerDB"));
        assertEquals("ReadOnly", reset.appSettings().get("Cms__DatabaseMode"));
        assertFalse(reset.appSettings().containsKey("ProductionOnly"));
        assertEquals("Server=tcp:x;Database=cms-clone", reset.connectionStrings().get("EPiServerDB"));
        assertEquals(NEW_PACKAGE, reset.packageUri());
        assertEquals(previewed.restarts() + 1, reset.restarts());
        assertTrue(reset.previewTargetSlot().isEmpty());
        assertEquals("ReadWrite", cloud.getSlot(production).orElseThrow().appSettings().get("Cms__DatabaseMode"));
        RecordedRequest request = emulator.requests().stream().filter(r -> r.operation().equals("resetSlotConfig"))
                .findFirst().orElseThrow();
        assertEquals("POST", request.method());
        assertTrue(request.path().endsWith("/providers/Microsoft.Web/sites/cms/slots/staging/resetSlotConfig"),
                request.path());

        // Act: resetting a slot with no preview is harmless
        cloud.resetConfiguration(staging);

        // Assert
        EmulatedSlot again = emulator.slot(siteId, "staging").orElseThrow();
        assertEquals(reset.appSettings(), again.appSettings());
        assertEquals(reset.connectionStrings(), again.connectionStrings());
        assertEquals(reset.restarts(), again.restarts());
    }

    @Test
    void aFaultOnApplySlotConfigIsACloudExceptionAndChangesNothing() {
        // Arrange
        emulator.setSlotSettingNames(siteId, Set.of("DatabaseMode"), Set.of());
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of("DatabaseMode", "ReadOnly"), Map.of()));
        emulator.failNext("applySlotConfig", 1, 409, "Conflict");
        emulator.failNext("resetSlotConfig", 3, 503, "ServiceUnavailable");

        // Act
        CloudException apply = assertThrows(CloudException.class, () -> cloud.applyProductionConfiguration(staging));
        CloudException reset = assertThrows(CloudException.class, () -> cloud.resetConfiguration(staging));

        // Assert
        assertEquals("Conflict", apply.code());
        assertFalse(apply.isTransient());
        assertEquals("ServiceUnavailable", reset.code());
        assertTrue(reset.isTransient());
        EmulatedSlot slot = emulator.slot(siteId, "staging").orElseThrow();
        assertEquals("ReadOnly", slot.appSettings().get("DatabaseMode"));
        assertTrue(slot.previewTargetSlot().isEmpty());
    }

    @Test
    void previewingASwapOfAMissingSlotIsResourceNotFoundAndOfProductionIsRefused() {
        CloudException missing = assertThrows(CloudException.class, () -> cloud.applyProductionConfiguration(staging));

        assertEquals("ResourceNotFound", missing.code());
        assertThrows(IllegalArgumentException.class, () -> cloud.applyProductionConfiguration(production));
        assertThrows(IllegalArgumentException.class, () -> cloud.resetConfiguration(production));
    }

    @Test
    void stopsAndStartsASlot() {
        // Arrange
        cloud.ensureSlot(staging);

        // Act
        cloud.stopSlot(staging);
        boolean runningWhenStopped = cloud.getSlot(staging).orElseThrow().running();
        cloud.startSlot(staging);

        // Assert
        assertFalse(runningWhenStopped);
        assertTrue(cloud.getSlot(staging).orElseThrow().running());
        assertTrue(cloud.getSlot(production).orElseThrow().running());
    }

    // ----- databases -----

    @Test
    void aLongRunningDatabaseCopyIsPolledToCompletion() {
        // Arrange
        emulator.setCopyDuration(Duration.ofMinutes(5));
        EmulatedDatabase source = emulator.addDatabase(serverId, "cms");
        source.insert("row-1");
        source.insert("row-2");
        DatabaseRef from = new DatabaseRef(serverId, "cms");
        DatabaseRef clone = new DatabaseRef(serverId, "cms-sd-1");

        // Act
        cloud.beginCopy(from, clone);

        // Assert: started, not finished, nothing polled
        assertTrue(operations().contains("createDatabase"));
        assertFalse(operations().contains("getOperation"));
        DatabaseInfo copying = cloud.getDatabase(clone).orElseThrow();
        assertEquals(DatabaseInfo.State.CREATING, copying.state());
        assertEquals("Copying", copying.detail());

        // Act: time passes; the copy is polled again
        clock.advance(Duration.ofMinutes(4));
        DatabaseInfo stillCopying = cloud.getDatabase(clone).orElseThrow();
        clock.advance(Duration.ofMinutes(1));
        DatabaseInfo done = cloud.getDatabase(clone).orElseThrow();

        // Assert
        assertEquals(DatabaseInfo.State.CREATING, stillCopying.state());
        assertEquals(DatabaseInfo.State.ONLINE, done.state());
        assertEquals(List.of("row-1", "row-2"), emulator.database(serverId, "cms-sd-1").values());
    }

    @Test
    void beginCopyDoesNothingWhenTheTargetExists() {
        // Arrange
        emulator.addDatabase(serverId, "cms");
        emulator.addDatabase(serverId, "cms-sd-1");

        // Act
        cloud.beginCopy(new DatabaseRef(serverId, "cms"), new DatabaseRef(serverId, "cms-sd-1"));

        // Assert
        assertFalse(operations().contains("createDatabase"));
    }

    @Test
    void copyingAMissingDatabaseIsResourceNotFound() {
        CloudException error = assertThrows(CloudException.class, () ->
                cloud.beginCopy(new DatabaseRef(serverId, "nope"), new DatabaseRef(serverId, "copy")));

        assertEquals("ResourceNotFound", error.code());
    }

    @Test
    void aPointInTimeRestoreHoldsOnlyRowsWrittenUpToThatPoint() {
        // Arrange
        emulator.setCopyDuration(Duration.ofMinutes(2));
        EmulatedDatabase database = emulator.addDatabase(serverId, "cms");
        database.setEarliestRestoreDate(clock.instant()); // backed up for long enough (see earliestRestoreDate tests)
        clock.advance(Duration.ofMinutes(1));
        database.insert("before");
        Instant deploymentStarted = clock.advance(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        database.insert("migration");
        DatabaseRef restored = new DatabaseRef(serverId, "cms-restore");

        // Act
        cloud.beginPointInTimeRestore(new DatabaseRef(serverId, "cms"), deploymentStarted, restored);

        // Assert
        assertEquals("Restoring", cloud.getDatabase(restored).orElseThrow().detail());
        clock.advance(Duration.ofMinutes(2));
        assertEquals(DatabaseInfo.State.ONLINE, cloud.getDatabase(restored).orElseThrow().state());
        assertEquals(List.of("before"), emulator.database(serverId, "cms-restore").values());
        assertEquals(2, emulator.database(serverId, "cms").writeCount());
    }

    @Test
    void renameMovesTheDatabaseWithItsContent() {
        // Arrange
        emulator.addDatabase(serverId, "cms-restore").insert("kept");

        // Act
        cloud.rename(new DatabaseRef(serverId, "cms-restore"), "cms");

        // Assert
        assertTrue(cloud.getDatabase(new DatabaseRef(serverId, "cms-restore")).isEmpty());
        assertEquals(DatabaseInfo.State.ONLINE, cloud.getDatabase(new DatabaseRef(serverId, "cms")).orElseThrow().state());
        assertEquals(List.of("kept"), emulator.database(serverId, "cms").values());
        RecordedRequest move = emulator.requests().stream().filter(r -> r.operation().equals("renameDatabase"))
                .findFirst().orElseThrow();
        assertTrue(move.path().endsWith("/databases/cms-restore/move"), move.path());
    }

    @Test
    void renamingOntoAnExistingDatabaseIsDatabaseNameInUseAndPermanent() {
        emulator.addDatabase(serverId, "a");
        emulator.addDatabase(serverId, "b");

        CloudException error = assertThrows(CloudException.class, () -> cloud.rename(new DatabaseRef(serverId, "a"), "b"));

        assertEquals("DatabaseNameInUse", error.code());
        assertFalse(error.isTransient());
        assertEquals(2, emulator.databaseNames(serverId).size(), "nothing was renamed");
    }

    @Test
    void aRenameThatAlreadyHappenedIsSettledByReadingNotFailed() {
        // Arrange: the first rename went through but its answer was lost; the retry finds the source gone
        emulator.addDatabase(serverId, "cms-restore").insert("kept");
        cloud.rename(new DatabaseRef(serverId, "cms-restore"), "cms");

        // Act: the same rename again (the emulator answers 404 SourceDatabaseNotFound)
        cloud.rename(new DatabaseRef(serverId, "cms-restore"), "cms");

        // Assert
        assertEquals(List.of("kept"), emulator.database(serverId, "cms").values());
        assertTrue(emulator.requests().stream().anyMatch(r -> r.operation().equals("renameDatabase")
                && r.status() == 404), "the second rename was refused by the emulator and settled by reading");
    }

    @Test
    void renamingAMissingDatabaseWhoseTargetIsMissingTooFails() {
        CloudException error = assertThrows(CloudException.class, () ->
                cloud.rename(new DatabaseRef(serverId, "gone"), "cms"));

        assertEquals("SourceDatabaseNotFound", error.code());
        assertFalse(error.isTransient());
    }

    @Test
    void aRenameRefusedWhileTheDatabaseIsRestoringIsBusyNotFailed() {
        // Arrange: a restore that is still running
        emulator.setCopyDuration(Duration.ofMinutes(20));
        EmulatedDatabase source = emulator.addDatabase(serverId, "cms");
        source.setEarliestRestoreDate(clock.instant());
        Instant point = clock.advance(Duration.ofMinutes(1));
        DatabaseRef restored = new DatabaseRef(serverId, "cms-restore");
        cloud.beginPointInTimeRestore(new DatabaseRef(serverId, "cms"), point, restored);

        // Act
        CloudException error = assertThrows(CloudException.class, () -> cloud.rename(restored, "cms-new"));

        // Assert: 409 InvalidOperationForDatabase: check again later
        assertTrue(error.isTransient(), error.code() + ": " + error.getMessage());
        assertTrue(error.isBusy(), error.code());
        assertTrue(error.getMessage().contains("InvalidOperationForDatabase"), error.getMessage());
    }

    @Test
    void aCopyAndARestoreKeepTheSourcesSkuAndElasticPool() {
        // Arrange: P is a Premium database in an elastic pool
        String pool = serverId + "/elasticPools/cms-pool";
        EmulatedDatabase source = emulator.addDatabase(serverId, "cms");
        source.setSku("ElasticPool", "Premium", pool);
        source.setEarliestRestoreDate(clock.instant());
        Instant point = clock.advance(Duration.ofMinutes(1));

        // Act
        cloud.beginCopy(new DatabaseRef(serverId, "cms"), new DatabaseRef(serverId, "cms-sd-1"));
        cloud.beginPointInTimeRestore(new DatabaseRef(serverId, "cms"), point, new DatabaseRef(serverId, "cms-restore"));

        // Assert
        for (String name : List.of("cms-sd-1", "cms-restore")) {
            EmulatedDatabase made = emulator.database(serverId, name);
            assertEquals("ElasticPool", made.skuName(), name);
            assertEquals("Premium", made.skuTier(), name);
            assertEquals(pool, made.elasticPoolId(), name);
        }
    }

    @Test
    void getDatabaseReportsTheEarliestRestorePointWhichARenameKeeps() {
        // Arrange: a database whose first backup is due half an hour after its creation
        Instant created = clock.instant();
        emulator.addDatabase(serverId, "cms");
        cloud.rename(new DatabaseRef(serverId, "cms"), "cms-renamed");

        // Act
        DatabaseInfo info = cloud.getDatabase(new DatabaseRef(serverId, "cms-renamed")).orElseThrow();

        // Assert
        assertEquals(created.plus(EmulatedDatabase.FIRST_BACKUP), info.earliestRestore());
    }

    @Test
    void aRestoreToBeforeTheEarliestRestorePointIsRefused() {
        emulator.addDatabase(serverId, "cms");
        Instant tooEarly = clock.advance(Duration.ofMinutes(5));

        CloudException error = assertThrows(CloudException.class, () -> cloud.beginPointInTimeRestore(
                new DatabaseRef(serverId, "cms"), tooEarly, new DatabaseRef(serverId, "cms-restore")));

        assertEquals("PitrPointInTimeInvalid", error.code());
        assertFalse(error.isTransient());
    }

    @Test
    void aThrottledCallCarriesRetryAfterAndDoesNotSleepThroughItInTheHandler() {
        // Arrange: ARM throttles every read for 30 s
        emulator.addDatabase(serverId, "cms");
        emulator.throttleNext("getDatabase", 10, 30);
        long started = System.nanoTime();

        // Act
        CloudException error = assertThrows(CloudException.class, () ->
                cloud.getDatabase(new DatabaseRef(serverId, "cms")));

        // Assert: transient, with ARM's wait, and the call did not wait it out itself
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals("SubscriptionRequestsThrottled", error.code());
        assertTrue(error.isTransient());
        assertEquals(Duration.ofSeconds(30), error.retryAfter());
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
    }

    @Test
    void aShortThrottleIsRetriedInThePipelineAfterItsRetryAfter() {
        // Arrange: one throttled read with Retry-After: 1
        emulator.addDatabase(serverId, "cms");
        emulator.throttleNext("getDatabase", 1, 1);
        long started = System.nanoTime();

        // Act
        DatabaseInfo info = cloud.getDatabase(new DatabaseRef(serverId, "cms")).orElseThrow();

        // Assert: the pipeline waited at least the second ARM asked for, then read
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(DatabaseInfo.State.ONLINE, info.state());
        assertTrue(took.compareTo(Duration.ofMillis(950)) >= 0, "took " + took);
    }

    @Test
    void deleteIsIdempotent() {
        // Arrange
        emulator.addDatabase(serverId, "cms-sd-1");
        DatabaseRef clone = new DatabaseRef(serverId, "cms-sd-1");

        // Act
        cloud.deleteDatabase(clone);
        cloud.deleteDatabase(clone);
        clock.advance(Duration.ofMinutes(10));
        cloud.deleteDatabase(clone);

        // Assert
        assertTrue(cloud.getDatabase(clone).isEmpty());
        assertEquals(List.of(), emulator.databaseNames(serverId));
    }

    @Test
    void aDeleteIsAcceptedAndTheDatabaseStaysListedUntilAzureSqlHasDroppedIt() {
        // Arrange: as recorded (SqlServerOperationsTests.canCRUDSqlDatabase.json), Databases_Delete answers 202 with
        // Azure-AsyncOperation and Location, and the drop runs in the background
        emulator.addDatabase(serverId, "cms-sd-1");
        DatabaseRef clone = new DatabaseRef(serverId, "cms-sd-1");
        emulator.clearRequests();

        // Act
        cloud.deleteDatabase(clone);
        List<RecordedRequest> sent = emulator.requests();
        boolean listedWhileDropping = cloud.getDatabase(clone).isPresent();
        clock.advance(Duration.ofMinutes(10));

        // Assert: one DELETE, answered 202, and nothing polled inside the call
        assertEquals(List.of("deleteDatabase"), sent.stream().map(RecordedRequest::operation).toList(), sent.toString());
        assertEquals(202, sent.get(0).status());
        assertTrue(listedWhileDropping, "Databases_Get still finds a database Azure SQL is dropping");
        assertTrue(cloud.getDatabase(clone).isEmpty(), "gone once the drop is over");
    }

    @Test
    void aCopyStillSeedingIsStoppedOnlyByDeletingItsTargetWhichStaysListedUntilTheCopyWouldHaveEnded() {
        // Arrange: a 20-minute copy (sys.dm_database_copies: a seeding copy is cancelled by dropping the copy)
        emulator.setCopyDuration(Duration.ofMinutes(20));
        emulator.addDatabase(serverId, "cms");
        DatabaseRef source = new DatabaseRef(serverId, "cms");
        DatabaseRef clone = new DatabaseRef(serverId, "cms-sd-1");
        cloud.beginCopy(source, clone);
        clock.advance(Duration.ofMinutes(2));

        // Act
        cloud.deleteDatabase(clone);
        clock.advance(Duration.ofMinutes(10));
        boolean listedMidCopy = cloud.getDatabase(clone).isPresent();
        clock.advance(Duration.ofMinutes(9));

        // Assert
        assertTrue(listedMidCopy, "the drop of a seeding copy is modelled as lasting until the copy would have ended");
        assertTrue(cloud.getDatabase(clone).isEmpty(), "gone once that time is over");
        assertEquals(List.of("cms"), emulator.databaseNames(serverId));
    }

    @Test
    void aDatabaseBeingDroppedRefusesARenameAsBusyWithAzureSqlsConflictingDatabaseOperation() {
        // Arrange
        emulator.addDatabase(serverId, "cms-sd-1");
        DatabaseRef clone = new DatabaseRef(serverId, "cms-sd-1");
        cloud.deleteDatabase(clone);

        // Act
        CloudException error = assertThrows(CloudException.class, () -> cloud.rename(clone, "cms-kept"));

        // Assert: nothing renamed, and the engine tries again later rather than failing
        assertTrue(error.isBusy(), error.getMessage());
        assertTrue(error.getMessage().contains("409 ConflictingDatabaseOperation"), error.getMessage());
        assertTrue(cloud.getDatabase(new DatabaseRef(serverId, "cms-kept")).isEmpty());
    }

    @Test
    void aDatabaseInABrokenStateIsFailed() {
        // Arrange
        emulator.addDatabase(serverId, "cms-sd-1").setStatus("Suspect");

        // Act
        DatabaseInfo info = cloud.getDatabase(new DatabaseRef(serverId, "cms-sd-1")).orElseThrow();

        // Assert
        assertEquals(DatabaseInfo.State.FAILED, info.state());
        assertEquals("Suspect", info.detail());
    }

    @Test
    void databaseStatusesMapToThePortsStates() {
        assertEquals(DatabaseInfo.State.ONLINE, DatabaseStatuses.state("Online"));
        assertEquals(DatabaseInfo.State.ONLINE, DatabaseStatuses.state("Paused"));
        assertEquals(DatabaseInfo.State.CREATING, DatabaseStatuses.state("Copying"));
        assertEquals(DatabaseInfo.State.CREATING, DatabaseStatuses.state("Restoring"));
        assertEquals(DatabaseInfo.State.CREATING, DatabaseStatuses.state("SomethingNew"));
        assertEquals(DatabaseInfo.State.CREATING, DatabaseStatuses.state(null));
        assertEquals(DatabaseInfo.State.FAILED, DatabaseStatuses.state("Inaccessible"));
        assertEquals(DatabaseInfo.State.FAILED, DatabaseStatuses.state("Disabled"));
    }

    // ----- errors -----

    @Test
    void aConflictOnSwapIsAPermanentCloudExceptionWithArmsCode() {
        // Arrange
        cloud.ensureSlot(staging);
        emulator.failNext("swapSlot", 1, 409, "Conflict");

        // Act
        CloudException error = assertThrows(CloudException.class, () -> cloud.beginSwapWithProduction(staging));

        // Assert
        assertEquals("Conflict", error.code());
        assertFalse(error.isTransient());
        assertEquals(OLD_PACKAGE, emulator.slot(siteId, "production").orElseThrow().packageUri());
    }

    @Test
    void aSlowSwapIsStartedWithoutWaitingAndTheSlotsExchangeOnlyWhenItIsOver() {
        // Arrange: a swap that takes 90 s on the emulator's clock
        emulator.setSwapDuration(Duration.ofSeconds(90));
        cloud.ensureSlot(staging);
        cloud.deployPackage(staging, NEW_PACKAGE);
        emulator.clearRequests();

        // Act
        long began = System.nanoTime();
        cloud.beginSwapWithProduction(staging);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        String duringSwap = cloud.getSlot(production).orElseThrow().packageUri();
        clock.advance(Duration.ofSeconds(89));
        String justBeforeTheEnd = cloud.getSlot(production).orElseThrow().packageUri();
        clock.advance(Duration.ofSeconds(1));
        String after = cloud.getSlot(production).orElseThrow().packageUri();

        // Assert
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "returned once accepted, took " + took);
        assertEquals(OLD_PACKAGE, duringSwap);
        assertEquals(OLD_PACKAGE, justBeforeTheEnd);
        assertEquals(NEW_PACKAGE, after);
        List<RecordedRequest> swaps = emulator.requests().stream().filter(r -> r.operation().equals("swapSlot")).toList();
        assertEquals(1, swaps.size());
        assertEquals(202, swaps.get(0).status());
        assertFalse(operations().contains("getSwapOperation"), "the swap was never polled: " + operations());
    }

    @Test
    void theSwapsLocationAnswers202WhileItRunsThen200() throws Exception {
        // Arrange
        emulator.setSwapDuration(Duration.ofSeconds(90));
        cloud.ensureSlot(staging);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> accepted = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(emulator.endpoint() + siteId + "/slots/staging/slotsswap?api-version=" + AzureEmulator.WEB_API_VERSION + ""))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"targetSlot\":\"production\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        java.net.URI location = java.net.URI.create(accepted.headers().firstValue("Location").orElseThrow());

        // Act
        int whileRunning = http.send(java.net.http.HttpRequest.newBuilder(location).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
        clock.advance(Duration.ofSeconds(90));
        int whenOver = http.send(java.net.http.HttpRequest.newBuilder(location).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();

        // Assert
        assertEquals(202, accepted.statusCode());
        assertTrue(location.getPath().endsWith("/sites/cms/slots/staging/operationresults/"
                + location.getPath().substring(location.getPath().lastIndexOf('/') + 1)), location.toString());
        assertEquals(202, whileRunning);
        assertEquals(200, whenOver);
    }

    @Test
    void aWriteDuringASwapIsBusyWithAppServicesMessageAndASecondSwapIsRefused() {
        // Arrange
        emulator.setSwapDuration(Duration.ofSeconds(90));
        cloud.ensureSlot(staging);
        cloud.beginSwapWithProduction(staging);

        // Act
        CloudException write = assertThrows(CloudException.class, () -> cloud.applyConfiguration(staging,
                new SlotConfiguration(Map.of("Key", "value"), Map.of())));
        CloudException secondSwap = assertThrows(CloudException.class, () -> cloud.beginSwapWithProduction(staging));
        CloudException stop = assertThrows(CloudException.class, () -> cloud.stopSlot(production));

        // Assert
        for (CloudException busy : List.of(write, secondSwap, stop)) {
            assertTrue(busy.isBusy(), busy.code() + ": " + busy.getMessage());
            assertEquals(CloudException.OPERATION_IN_PROGRESS, busy.code());
            assertTrue(busy.isTransient());
            assertTrue(busy.getMessage().contains("Cannot modify this site because another operation is in progress"),
                    busy.getMessage());
        }
        assertEquals(List.of(202, 409), emulator.requests().stream().filter(r -> r.operation().equals("swapSlot"))
                .map(RecordedRequest::status).toList());
        assertFalse(emulator.slot(siteId, "staging").orElseThrow().appSettings().containsKey("Key"), "nothing changed");
    }

    @Test
    void aPascalCaseAppServiceErrorKeepsItsCodeAndMessage() {
        // Arrange
        cloud.ensureSlot(staging);
        emulator.failNextAppService("updateAppSettings", 1, 400, "BadRequest",
                "The parameter WEBSITE_NODE_DEFAULT_VERSION has an invalid value.");

        // Act
        CloudException error = assertThrows(CloudException.class, () -> cloud.applyConfiguration(staging,
                new SlotConfiguration(Map.of("WEBSITE_NODE_DEFAULT_VERSION", "x"), Map.of())));

        // Assert
        assertEquals("BadRequest", error.code());
        assertFalse(error.isTransient());
        assertFalse(error.isBusy());
        assertTrue(error.getMessage().contains("has an invalid value"), error.getMessage());
    }

    @Test
    void aServiceUnavailableThatOutlastsTheRetriesIsTransient() {
        // Arrange: the pipeline tries three times
        emulator.failNext("getSite", 3, 503, "ServiceUnavailable");

        // Act
        CloudException error = assertThrows(CloudException.class, () -> cloud.getSlot(production));

        // Assert
        assertEquals("ServiceUnavailable", error.code());
        assertTrue(error.isTransient());
        assertEquals(3, emulator.requests().size());
    }

    @Test
    void aSingleServiceUnavailableIsRetriedByThePipeline() {
        emulator.failNext("getSite", 1, 503, "ServiceUnavailable");

        assertTrue(cloud.getSlot(production).isPresent());
    }

    @Test
    void throttlingIsTransient() {
        emulator.failNext("getDatabase", 3, 429, "TooManyRequests");

        CloudException error = assertThrows(CloudException.class,
                () -> cloud.getDatabase(new DatabaseRef(serverId, "cms")));

        assertEquals("TooManyRequests", error.code());
        assertTrue(error.isTransient());
    }

    @Test
    void errorsNeverCarryThePackagesSasTokenOrAConnectionString() {
        // Arrange
        cloud.ensureSlot(staging);
        emulator.failNext("updateAppSettings", 1, 400, "BadRequest");
        emulator.failNext("updateConnectionStrings", 1, 400, "BadRequest");

        // Act
        CloudException deploy = assertThrows(CloudException.class, () -> cloud.deployPackage(staging, NEW_PACKAGE));
        CloudException configure = assertThrows(CloudException.class, () -> cloud.applyConfiguration(staging,
                new SlotConfiguration(Map.of(), Map.of("EPiServerDB", "Server=tcp:y;Password=hunter2"))));

        // Assert
        assertEquals("BadRequest", deploy.code());
        assertFalse(deploy.getMessage().contains("new-secret"), deploy.getMessage());
        assertFalse(configure.getMessage().contains("hunter2"), configure.getMessage());
    }

    @Test
    void resourceIdsOfAnotherSubscriptionAreRefused() {
        SlotRef elsewhere = new SlotRef(siteId.replace(SUBSCRIPTION, "other"), "staging");

        CloudException error = assertThrows(CloudException.class, () -> cloud.getSlot(elsewhere));

        assertEquals("InvalidResourceId", error.code());
        assertTrue(emulator.requests().isEmpty());
    }

    @Test
    void everyRequestCarriesAnApiVersion() {
        // Arrange
        emulator.addDatabase(serverId, "cms");

        // Act
        cloud.ensureSlot(staging);
        cloud.deployPackage(staging, NEW_PACKAGE);
        swapAndFinish(staging);
        cloud.beginCopy(new DatabaseRef(serverId, "cms"), new DatabaseRef(serverId, "cms-copy"));
        clock.advance(Duration.ofMinutes(AzureEmulator.DEFAULT_COPY_MINUTES)); // a copy cannot be renamed until done
        cloud.rename(new DatabaseRef(serverId, "cms-copy"), "cms-copy2");
        cloud.deleteDatabase(new DatabaseRef(serverId, "cms-copy2"));

        // Assert: the only 404s are the "does it exist yet?" reads of ensureSlot and beginCopy
        for (RecordedRequest request : emulator.requests()) {
            assertTrue(request.apiVersion() != null && !request.apiVersion().isBlank(), request.toString());
            assertTrue(request.status() < 400 || Set.of("getSlot", "getDatabase").contains(request.operation()),
                    request + " answered " + request.status());
        }
    }

    private List<String> operations() {
        return emulator.requests().stream().map(RecordedRequest::operation).toList();
    }

    /** Starts a swap and lets the emulator's swap duration pass on its clock, so the slots have exchanged. */
    private void swapAndFinish(SlotRef source) {
        cloud.beginSwapWithProduction(source);
        clock.advance(Duration.ofSeconds(AzureEmulator.DEFAULT_SWAP_SECONDS));
    }

}
