package io.smoothdeploy.engine.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.DatabaseConfig;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.engine.StepOutcome;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppPhase;
import io.smoothdeploy.engine.WebAppRole;
import io.smoothdeploy.engine.WebAppState;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.SimulatedCloud;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The step classes on the simulated cloud: failure paths first, and the guards that make re-runs safe. */
class StepCatalogTest {

    private static final String GROUP = "/subscriptions/0000/resourceGroups/rg/providers";
    private static final String SITE = GROUP + "/Microsoft.Web/sites/cms-prod";
    private static final String SERVER = GROUP + "/Microsoft.Sql/servers/sql1";
    private static final String CONNECTION = "Server=tcp:sql1.database.windows.net;Initial Catalog=cmsdb;Password=SECRET";
    private static final String OLD = "https://packages.example.com/cms-1.zip";
    private static final String NEW = "https://packages.example.com/cms-2.zip";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final SimulatedCloud cloud = new SimulatedCloud(clock, Duration.ofMinutes(3));
    private final StepCatalog steps = new StepCatalog(cloud, cloud, cloud, cloud, cloud, cloud, clock, Pacing.DEFAULT);

    @Test
    void everyStageThatRunsHasAStepAndAMissingOneIsNamed() {
        java.util.EnumMap<Stage, Object> all = new java.util.EnumMap<>(Stage.class);
        for (Stage stage : Stage.values()) {
            all.put(stage, "step");
        }
        all.remove(Stage.WARM_UP);
        all.remove(Stage.FINISHED);

        assertEquals(List.of(Stage.WARM_UP), StepCatalog.unhandled(all), "a stage with no step is reported");
        assertEquals(List.of(), StepCatalog.unhandled(Map.of(Stage.values()[0], "x")).stream()
                .filter(s -> s == Stage.FINISHED).toList(), "FINISHED needs no step");
    }

    @Test
    void everyStageHasItsWordsAndAnActiveStatusExceptFinished() {
        for (Stage stage : Stage.values()) {
            assertFalse(stage.description().isBlank(), stage.name());
            assertFalse(stage.doneLine().isBlank(), stage.name());
            if (stage != Stage.FINISHED) {
                assertTrue(stage.activeStatus() != null, stage.name());
            }
        }
        assertEquals("Finished verifying the package", Stage.VERIFY_PACKAGE.doneLine());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, Stage.FINISHED::activeStatus);
    }

    @Test
    void phaseOrderIsExplicitAndForward() {
        WebAppPhase[] forward = {WebAppPhase.PENDING, WebAppPhase.IN_MAINTENANCE, WebAppPhase.DEPLOYED,
                WebAppPhase.WARMED_UP, WebAppPhase.LIVE};
        for (int i = 1; i < forward.length; i++) {
            assertTrue(forward[i].order() > forward[i - 1].order(), forward[i].name());
        }
        assertTrue(Stage.DEPLOY_SLOT.isFinishedBy(WebAppPhase.WARMED_UP));
        assertFalse(Stage.DEPLOY_SLOT.isFinishedBy(WebAppPhase.IN_MAINTENANCE));
        assertFalse(Stage.DEPLOY_SLOT.isFinishedBy(WebAppPhase.ROLLED_BACK), "a rolled-back web app is off the order");
    }

    @Test
    void cloneFailsWithAConfigurationErrorWhenTheProductionDatabaseIsMissing() {
        // Act
        StepOutcome outcome = steps.run(snapshot(WebAppPhase.PENDING), message(Stage.CLONE_DB, null));

        // Assert
        StepOutcome.Fail fail = assertInstanceOf(StepOutcome.Fail.class, outcome);
        assertEquals(FailureKind.CONFIGURATION, fail.kind());
        assertTrue(fail.message().contains("sql1/cmsdb does not exist"), fail.message());
    }

    @Test
    void cloneThatOutlastsTheDatabaseTimeoutFails() {
        // Arrange: a copy that takes three hours, against a two-hour limit
        SimulatedCloud slowCloud = new SimulatedCloud(clock, Duration.ofHours(3));
        slowCloud.addDatabase(new DatabaseRef(SERVER, "cmsdb"));
        StepCatalog slowSteps = new StepCatalog(slowCloud, slowCloud, slowCloud, slowCloud, slowCloud, slowCloud, clock,
                Pacing.DEFAULT);
        Deployment started = deployment();
        DeploymentSnapshot first = new DeploymentSnapshot(record(), started, List.of());
        assertInstanceOf(StepOutcome.CheckAgain.class, slowSteps.run(first, message(Stage.CLONE_DB, null)));
        Deployment checking = started.checkedAgain(clock.instant());

        // Act
        clock.advance(Duration.ofHours(2).plusMinutes(1));
        StepOutcome outcome = slowSteps.run(new DeploymentSnapshot(record(), checking, List.of()),
                new StepMessage("d1", "prod", Stage.CLONE_DB, null, 1));

        // Assert
        StepOutcome.Fail fail = assertInstanceOf(StepOutcome.Fail.class, outcome);
        assertEquals(FailureKind.DATABASE, fail.kind());
        assertTrue(fail.message().contains("did not finish within 120 minutes"), fail.message());
    }

    @Test
    void enteringMaintenanceWithoutTheConnectionStringFailsNamingItAndNothingElse() {
        // Arrange
        cloud.addSite(SITE, OLD, Map.of("OtherDb", CONNECTION));

        // Act
        StepOutcome outcome = steps.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));

        // Assert
        StepOutcome.Fail fail = assertInstanceOf(StepOutcome.Fail.class, outcome);
        assertEquals(FailureKind.CONFIGURATION, fail.kind());
        assertTrue(fail.message().contains("EPiServerDB"), fail.message());
        assertFalse(fail.message().contains("SECRET"));
        assertTrue(cloud.calls().isEmpty(), "nothing was changed: " + cloud.calls());
    }

    @Test
    void enteringMaintenanceOnAProductionRunningItsOwnPackageWithNoNamedPackageFailsAndChangesNothing() {
        // Arrange: production runs WEBSITE_RUN_FROM_PACKAGE=1, and the deployment named no package at start
        cloud.addSite(SITE, "1", Map.of("EPiServerDB", CONNECTION));

        // Act
        StepOutcome outcome = steps.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));

        // Assert
        StepOutcome.Fail fail = assertInstanceOf(StepOutcome.Fail.class, outcome);
        assertEquals(FailureKind.CONFIGURATION, fail.kind());
        assertTrue(fail.message().contains("currentPackages.cms"), fail.message());
        assertTrue(cloud.calls().isEmpty(), "no slot created, nothing swapped: " + cloud.calls());
    }

    @Test
    void packageCheckFailsWithWhatToGiveWhenProductionRunsItsOwnPackageAndNoneIsNamed() {
        // Arrange: production runs WEBSITE_RUN_FROM_PACKAGE=1; the deployment's package matches its hash
        cloud.addSite(SITE, "1", Map.of("EPiServerDB", CONNECTION));
        Deployment deployment = new Deployment("d1", "prod", DeploymentStatus.IN_PROGRESS, Stage.VERIFY_PACKAGE, 0,
                DeploymentMode.READ_ONLY, NEW, SimulatedCloud.packageSha256(NEW), null, clock.instant(),
                clock.instant(), null, false, List.of(), List.of(), List.of(), null, null, null, 0, null, "e1");
        DeploymentSnapshot snapshot = new DeploymentSnapshot(record(), deployment, List.of(webApp(WebAppPhase.PENDING)));

        // Act
        StepOutcome unnamed = steps.run(snapshot, message(Stage.VERIFY_PACKAGE, null));
        StepOutcome named = steps.run(new DeploymentSnapshot(record(),
                deployment.withMaintenancePackages(Map.of("cms", OLD)), snapshot.webApps()),
                message(Stage.VERIFY_PACKAGE, null));

        // Assert
        StepOutcome.Fail fail = assertInstanceOf(StepOutcome.Fail.class, unnamed);
        assertEquals(FailureKind.CONFIGURATION, fail.kind());
        assertTrue(fail.message().contains("currentPackages.cms"), fail.message());
        assertTrue(fail.message().contains("nothing was changed"), fail.message());
        assertInstanceOf(StepOutcome.Advance.class, named);
        assertTrue(cloud.calls().isEmpty(), "only reads: " + cloud.calls());
    }

    @Test
    void enteringMaintenancePutsThePackageNamedAtStartOnTheMaintenanceSlot() {
        // Arrange
        cloud.addSite(SITE, "1", Map.of("EPiServerDB", CONNECTION));
        DeploymentSnapshot named = new DeploymentSnapshot(record(),
                deployment().withMaintenancePackages(Map.of("cms", OLD)), List.of(webApp(WebAppPhase.PENDING)));

        // Act
        StepOutcome outcome = steps.run(named, message(Stage.ENTER_MAINTENANCE, "cms"));

        // Assert
        assertInstanceOf(StepOutcome.CheckAgain.class, outcome);
        assertEquals(OLD, cloud.servedContent(new SlotRef(SITE, "maintenance")).orElseThrow());
    }

    @Test
    void maintenanceSlotThatNeverWarmsIsNotSwappedInAndFailsAtTheDeadline() {
        // Arrange: the old package breaks when it runs on the clone in ReadOnly mode
        cloud.addSite(SITE, OLD, Map.of("EPiServerDB", CONNECTION));
        cloud.breakSlot(new SlotRef(SITE, "maintenance"), 500);
        assertInstanceOf(StepOutcome.CheckAgain.class,
                steps.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms")));
        WebAppState checking = webApp(WebAppPhase.PENDING).checkedAgain(Stage.ENTER_MAINTENANCE, clock.instant());

        // Act
        clock.advance(Duration.ofMinutes(11));
        StepOutcome outcome = steps.run(snapshot(checking), new StepMessage("d1", "prod", Stage.ENTER_MAINTENANCE, "cms", 1));

        // Assert
        StepOutcome.Fail fail = assertInstanceOf(StepOutcome.Fail.class, outcome);
        assertEquals(FailureKind.WARM_UP, fail.kind());
        assertTrue(fail.message().contains("HTTP 500"), fail.message());
        assertFalse(cloud.calls().stream().anyMatch(c -> c.startsWith("beginSwapWithProduction")), cloud.calls().toString());
    }

    @Test
    void enteringMaintenanceAgainAfterTheSwapDoesNotSwapBack() {
        // Arrange: prepare the slot, warm it and start the swap, then let the swap finish
        cloud.addSite(SITE, OLD, Map.of("EPiServerDB", CONNECTION));
        steps.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));
        steps.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));
        clock.advance(Duration.ofSeconds(SimulatedCloud.DEFAULT_SWAP_SECONDS));
        assertInstanceOf(StepOutcome.Advance.class,
                steps.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms")));

        // Act: the same message delivered again after its work was done
        StepOutcome again = steps.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));

        // Assert
        assertInstanceOf(StepOutcome.Advance.class, again);
        assertEquals(1, cloud.swapRequests(SITE));
        assertEquals("ReadOnly", cloud.inspect(SlotRef.production(SITE)).orElseThrow().appSettings().get("Cms__DatabaseMode"));
    }

    @Test
    void enteringMaintenanceStartsTheSwapAndChecksAgainWhileItRunsWithoutASecondSwap() {
        // Arrange: a swap that takes five minutes
        cloud.addSite(SITE, OLD, Map.of("EPiServerDB", CONNECTION));
        cloud.setSwapDuration(Duration.ofMinutes(5));
        StepOutcome prepared = steps.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));
        StepOutcome started = steps.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));

        // Act
        clock.advance(Duration.ofMinutes(2));
        StepOutcome whileSwapping = steps.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));
        clock.advance(Duration.ofMinutes(3));
        StepOutcome done = steps.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));

        // Assert
        assertInstanceOf(StepOutcome.CheckAgain.class, prepared);
        assertInstanceOf(StepOutcome.CheckAgain.class, started);
        StepOutcome.CheckAgain busy = assertInstanceOf(StepOutcome.CheckAgain.class, whileSwapping);
        assertTrue(busy.reason().contains("busy"), busy.reason());
        assertInstanceOf(StepOutcome.Advance.class, done);
        assertEquals(1, cloud.swapRequests(SITE), cloud.calls().toString());
        // the run during the swap was refused busy (its warm-up's wait for the current instance, a write, comes
        // before the swap request) and asked for no second swap
        assertTrue(cloud.calls().stream().anyMatch(c -> c.endsWith(" cms-prod/maintenance (busy)")),
                cloud.calls().toString());
    }

    @Test
    void aSwapThatFinishesWhileARunProbesIsNotFollowedByASecondSwap() {
        // Arrange: each warm-up round takes as long as the swap, so the swap finishes during a later run's round
        cloud.addSite(SITE, OLD, Map.of("EPiServerDB", CONNECTION));
        Duration round = Duration.ofSeconds(SimulatedCloud.DEFAULT_SWAP_SECONDS);
        StepCatalog slowProbes = new StepCatalog(cloud, cloud, target -> {
            clock.advance(round);
            return cloud.probe(target);
        }, cloud, cloud, cloud, clock, Pacing.DEFAULT);
        slowProbes.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));
        slowProbes.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));

        // Act: production does not carry the marker yet when this run starts; it does when its round is over
        StepOutcome outcome = slowProbes.run(snapshot(WebAppPhase.PENDING), message(Stage.ENTER_MAINTENANCE, "cms"));

        // Assert
        assertInstanceOf(StepOutcome.Advance.class, outcome);
        assertEquals(1, cloud.swapRequests(SITE), cloud.calls().toString());
        assertEquals("ReadOnly", cloud.inspect(SlotRef.production(SITE)).orElseThrow().appSettings().get("Cms__DatabaseMode"));
    }

    @Test
    void resetRefusesWhenNewCodeServesAndTheMaintenanceSlotHoldsNoPreviousCode() {
        // Arrange: production runs this deployment's release, and there is no maintenance slot to swap back
        cloud.addSite(SITE, NEW, Map.of("EPiServerDB", CONNECTION));
        cloud.applyConfiguration(SlotRef.production(SITE), new SlotConfiguration(
                Map.of("SMOOTHDEPLOY_CONTENT", "release:d1"), Map.of()));

        // Act
        StepOutcome outcome = steps.run(snapshot(WebAppPhase.LIVE), message(Stage.RESET_SWAP, "cms"));

        // Assert
        StepOutcome.Fail fail = assertInstanceOf(StepOutcome.Fail.class, outcome);
        assertEquals(FailureKind.CONFIGURATION, fail.kind());
        assertTrue(fail.message().contains("serves the new package") && fail.message().contains("is gone"),
                fail.message());
        assertEquals(0, cloud.swapRequests(SITE));
    }

    @Test
    void resetAfterCompleteStartsTheStoppedMaintenanceSlotThenSwapsThePreviousCodeBack() {
        // Arrange: Complete swapped the release in and stopped the maintenance slot, which holds the old code
        cloud.addSite(SITE, NEW, Map.of("EPiServerDB", CONNECTION));
        cloud.setSwapDuration(Duration.ZERO);
        cloud.applyConfiguration(SlotRef.production(SITE), new SlotConfiguration(
                Map.of("SMOOTHDEPLOY_CONTENT", "release:d1"), Map.of()));
        SlotRef maintenance = new SlotRef(SITE, "maintenance");
        cloud.ensureSlot(maintenance);
        cloud.deployPackage(maintenance, OLD);
        cloud.stopSlot(maintenance);

        // Act
        StepOutcome started = steps.run(snapshot(WebAppPhase.LIVE), message(Stage.RESET_SWAP, "cms"));
        StepOutcome swapping = steps.run(snapshot(WebAppPhase.LIVE), message(Stage.RESET_SWAP, "cms"));
        StepOutcome done = steps.run(snapshot(WebAppPhase.LIVE), message(Stage.RESET_SWAP, "cms"));

        // Assert
        assertInstanceOf(StepOutcome.CheckAgain.class, started);
        assertInstanceOf(StepOutcome.CheckAgain.class, swapping);
        assertInstanceOf(StepOutcome.Advance.class, done);
        assertEquals(OLD, cloud.inspect(SlotRef.production(SITE)).orElseThrow().packageUri());
        assertEquals(1, cloud.swapRequests(SITE));
        assertEquals(List.of("startSlot cms-prod/maintenance", "beginSwapWithProduction cms-prod/maintenance",
                "stopSlot cms-prod/maintenance"), cloud.calls().subList(cloud.calls().size() - 3, cloud.calls().size()));
    }

    @Test
    void afterTheSwapCompletePointsThePreviousCodeAtTheProductionDatabaseAndKeepsItWarmForTheRollbackWindow() {
        // Arrange: the release is live; the maintenance slot holds the previous code, but on the clone T
        cloud.addSite(SITE, NEW, Map.of("EPiServerDB", CONNECTION));
        cloud.applyConfiguration(SlotRef.production(SITE), new SlotConfiguration(
                Map.of("SMOOTHDEPLOY_CONTENT", "release:d1"), Map.of()));
        SlotRef maintenance = new SlotRef(SITE, "maintenance");
        cloud.ensureSlot(maintenance);
        cloud.deployPackage(maintenance, OLD);
        cloud.applyConfiguration(maintenance, new SlotConfiguration(Map.of(), Map.of("EPiServerDB",
                CONNECTION.replace("Initial Catalog=cmsdb;", "Initial Catalog=cmsdb-sd-d1;"))));

        // Act
        StepOutcome repointed = steps.run(snapshot(WebAppPhase.WARMED_UP), message(Stage.COMPLETE_SWAP, "cms"));
        StepOutcome kept = steps.run(snapshot(WebAppPhase.WARMED_UP), message(Stage.COMPLETE_SWAP, "cms"));

        // Assert
        StepOutcome.CheckAgain again = assertInstanceOf(StepOutcome.CheckAgain.class, repointed);
        assertTrue(again.reason().contains("at the production database cmsdb"), again.reason());
        StepOutcome.Advance advance = assertInstanceOf(StepOutcome.Advance.class, kept);
        assertTrue(advance.note().contains("waits warm on slot"), advance.note());
        SlotInfo previous = cloud.inspect(maintenance).orElseThrow();
        assertTrue(previous.running(), "kept up for the window, not stopped");
        assertTrue(previous.connectionStrings().get("EPiServerDB").contains("Initial Catalog=cmsdb;"),
                previous.connectionStrings().toString());
        assertFalse(cloud.calls().contains("stopSlot cms-prod/maintenance"), cloud.calls().toString());
    }

    @Test
    void resetDoesNotSwapBackPreviousCodeThatNeverWarmsUpAndFailsSayingProductionIsUnchanged() {
        // Arrange: new code serves; the previous code in the maintenance slot answers 500
        cloud.addSite(SITE, NEW, Map.of("EPiServerDB", CONNECTION));
        cloud.applyConfiguration(SlotRef.production(SITE), new SlotConfiguration(
                Map.of("SMOOTHDEPLOY_CONTENT", "release:d1"), Map.of()));
        SlotRef maintenance = new SlotRef(SITE, "maintenance");
        cloud.ensureSlot(maintenance);
        cloud.deployPackage(maintenance, OLD);
        cloud.breakSlot(maintenance, 500);
        StepOutcome first = steps.run(snapshot(WebAppPhase.LIVE), message(Stage.RESET_SWAP, "cms"));
        WebAppState checking = webApp(WebAppPhase.LIVE).checkedAgain(Stage.RESET_SWAP, clock.instant());

        // Act
        clock.advance(Duration.ofMinutes(11));
        StepOutcome outcome = steps.run(snapshot(checking), new StepMessage("d1", "prod", Stage.RESET_SWAP, "cms", 1));

        // Assert
        assertInstanceOf(StepOutcome.CheckAgain.class, first);
        StepOutcome.Fail fail = assertInstanceOf(StepOutcome.Fail.class, outcome);
        assertEquals(FailureKind.WARM_UP, fail.kind());
        assertTrue(fail.message().contains("nothing was swapped"), fail.message());
        assertEquals(0, cloud.swapRequests(SITE));
        assertEquals(NEW, cloud.inspect(SlotRef.production(SITE)).orElseThrow().packageUri());
    }

    @Test
    void aWriteRefusedBecauseTheSiteIsBusyIsCheckedAgainNotFailedNorRetried() {
        // Arrange
        cloud.addSite(SITE, OLD, Map.of("EPiServerDB", CONNECTION));
        cloud.failNext("deployPackage", "cms-prod/staging", 1, CloudException.busy(
                "Cannot modify this site because another operation is in progress.", null));

        // Act
        StepOutcome outcome = steps.run(snapshot(WebAppPhase.IN_MAINTENANCE), message(Stage.DEPLOY_SLOT, "cms"));

        // Assert
        StepOutcome.CheckAgain check = assertInstanceOf(StepOutcome.CheckAgain.class, outcome);
        assertEquals(Pacing.DEFAULT.swapPoll(), check.delay());
        assertTrue(check.reason().contains("another operation is in progress"), check.reason());
    }

    @Test
    void permanentCloudErrorBecomesAClassifiedFailureAndATransientOneIsRetriedLater() {
        // Arrange
        cloud.addSite(SITE, OLD, Map.of("EPiServerDB", CONNECTION));
        cloud.failNext("deployPackage", "cms-prod/staging", 1,
                new CloudException("LinkedAuthorizationFailed", "the identity may not write the site", false));
        cloud.failNext("deployPackage", "cms-prod/staging", 1,
                new CloudException("TooManyRequests", "throttled", true));

        // Act
        StepOutcome permanent = steps.run(snapshot(WebAppPhase.IN_MAINTENANCE), message(Stage.DEPLOY_SLOT, "cms"));

        // Assert
        StepOutcome.Fail fail = assertInstanceOf(StepOutcome.Fail.class, permanent);
        assertEquals(FailureKind.CLOUD_OPERATION, fail.kind());
        assertTrue(fail.message().startsWith("LinkedAuthorizationFailed: "), fail.message());
        StepOutcome.RetryLater retry = assertInstanceOf(StepOutcome.RetryLater.class,
                steps.run(snapshot(WebAppPhase.IN_MAINTENANCE), message(Stage.DEPLOY_SLOT, "cms")));
        assertEquals("TooManyRequests", retry.code());
    }

    private static EnvironmentConfig environment() {
        WebAppConfig cms = new WebAppConfig("cms", SITE, WebAppRole.ZERO_DOWNTIME, "staging", "maintenance",
                new WebAppConfig.WarmUpConfig(List.of(), List.of("/"), List.of()));
        return new EnvironmentConfig("prod", List.of(cms), new DatabaseConfig(SERVER, "cmsdb"), "EPiServerDB",
                "Cms__DatabaseMode", null, null);
    }

    private static EnvironmentRecord record() {
        return new EnvironmentRecord(environment(), "d1", "d1", "env");
    }

    private Deployment deployment() {
        return new Deployment("d1", "prod", DeploymentStatus.IN_PROGRESS, Stage.CLONE_DB, 0, DeploymentMode.READ_ONLY,
                "https://packages.example.com/cms-2.zip", "ab".repeat(32), null, clock.instant(), clock.instant(), null,
                false, List.of(), List.of(), List.of(), null, null, null, 0, null, "e1");
    }

    private static WebAppState webApp(WebAppPhase phase) {
        return new WebAppState("d1", "cms", WebAppRole.ZERO_DOWNTIME, phase, phase != WebAppPhase.PENDING, null, 0, null,
                Map.of(), null, "w1");
    }

    private DeploymentSnapshot snapshot(WebAppPhase phase) {
        return snapshot(webApp(phase));
    }

    private DeploymentSnapshot snapshot(WebAppState webApp) {
        return new DeploymentSnapshot(record(), deployment(), List.of(webApp));
    }

    private static StepMessage message(Stage stage, String webApp) {
        return new StepMessage("d1", "prod", stage, webApp, 0);
    }

    @Test
    void copyWhoseTargetDisappearsIsCopiedAgainAsAFailedCopyIs() {
        // Arrange: the copy was started on an earlier run; its target is gone now: Azure removes the target of a copy
        // that failed, and a failed copy this step deleted is gone once Azure SQL has dropped it in the background
        cloud.addDatabase(new DatabaseRef(SERVER, "cmsdb"));
        Deployment checking = deployment().checkedAgain(clock.instant());

        // Act
        StepOutcome outcome = steps.run(new DeploymentSnapshot(record(), checking, List.of()),
                new StepMessage("d1", "prod", Stage.CLONE_DB, null, 1));

        // Assert
        StepOutcome.CheckAgain again = assertInstanceOf(StepOutcome.CheckAgain.class, outcome);
        assertTrue(again.reason().contains("copying") && again.reason().contains("again"), again.reason());
        assertEquals(1, cloud.calls().stream().filter(c -> c.startsWith("beginCopy ")).count(), cloud.calls().toString());
    }

    @Test
    void copyWhoseTargetKeepsDisappearingPastTheDatabaseTimeLimitFailsWithoutAnotherCopy() {
        // Arrange: the copy stage started more than the two-hour limit ago, and its target is gone again
        cloud.addDatabase(new DatabaseRef(SERVER, "cmsdb"));
        Deployment checking = deployment().checkedAgain(clock.instant());
        clock.advance(Duration.ofHours(2).plusMinutes(1));

        // Act
        StepOutcome outcome = steps.run(new DeploymentSnapshot(record(), checking, List.of()),
                new StepMessage("d1", "prod", Stage.CLONE_DB, null, 1));

        // Assert
        StepOutcome.Fail fail = assertInstanceOf(StepOutcome.Fail.class, outcome);
        assertEquals(FailureKind.DATABASE, fail.kind());
        assertTrue(fail.message().contains("disappeared before it came online"), fail.message());
        assertTrue(cloud.calls().isEmpty(), "no copy was started: " + cloud.calls());
    }
}
