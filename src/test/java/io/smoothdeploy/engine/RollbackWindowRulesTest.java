package io.smoothdeploy.engine;

import static io.smoothdeploy.engine.Snapshots.T0;
import static io.smoothdeploy.engine.Snapshots.deployment;
import static io.smoothdeploy.engine.Snapshots.message;
import static io.smoothdeploy.engine.Snapshots.snapshot;
import static io.smoothdeploy.engine.Snapshots.webApp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rollback window's rules as pure functions: when it opens, what it allows and when, what a rollback writes. */
class RollbackWindowRulesTest {

    private static final Instant NOW = T0.plusSeconds(600);

    @Test
    void theLastCleanUpOfACompleteEndsSucceededWithTheWindowOpenForTheEnvironmentsMinutes() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.COMPLETING, Stage.COMPLETE_CLEANUP),
                webApp("cms", WebAppPhase.LIVE));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.COMPLETE_CLEANUP, null, 0),
                StepOutcome.advance("Deleted temporary database"), NOW);

        // Assert
        Deployment done = decision.deployment();
        assertEquals(DeploymentStatus.SUCCEEDED, done.status());
        assertEquals(NOW.plus(EnvironmentConfig.DEFAULT_ROLLBACK_WINDOW), done.rollbackWindow().until());
        assertEquals(List.of("rollback"), done.allowedActions(NOW));
        assertEquals(List.of(), done.allowedActions(done.rollbackWindow().until()), "not at its very end");
        assertTrue(decision.environment().activeDeploymentId() == null, "the hold is released");
    }

    @Test
    void aWindowOfZeroEndsSucceededWithNoWindow() {
        // Arrange
        DeploymentSnapshot base = snapshot(deployment(DeploymentStatus.COMPLETING, Stage.COMPLETE_CLEANUP),
                webApp("cms", WebAppPhase.LIVE));
        EnvironmentConfig config = base.environment().config();
        EnvironmentConfig none = new EnvironmentConfig(config.name(), config.webApps(), config.database(),
                config.connectionStringName(), config.databaseModeSetting(), config.maintenancePagePackageUri(),
                config.warmUpTimeout(), config.staleness(), config.verification(), null, null, List.of(), List.of(),
                Duration.ZERO);
        DeploymentSnapshot snapshot = new DeploymentSnapshot(new EnvironmentRecord(none, "d1", "d1", "etag-env"),
                base.deployment(), base.webApps());

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.COMPLETE_CLEANUP, null, 0),
                StepOutcome.advance("Deleted temporary database"), NOW);

        // Assert
        assertEquals(DeploymentStatus.SUCCEEDED, decision.deployment().status());
        assertNull(decision.deployment().rollbackWindow());
        assertEquals(List.of(), decision.deployment().allowedActions(NOW));
        assertTrue(RollbackWindow.refusal(decision.deployment(), NOW).orElseThrow().contains("no rollback window"));
    }

    @Test
    void aRollbackFromSucceededTakesTheHoldAgainSwapsEachWebAppBackAndRecordsWhy() {
        // Arrange
        Deployment live = deployment(DeploymentStatus.SUCCEEDED, Stage.FINISHED)
                .withRollbackWindow(RollbackWindow.openUntil(NOW.plusSeconds(60)));
        DeploymentSnapshot snapshot = snapshot(live, webApp("cms", WebAppPhase.LIVE),
                webApp("scheduler", WebAppPhase.LIVE));

        // Act
        Decision decision = Commands.rollback(snapshot, "asked by pat", NOW, null);

        // Assert
        Deployment rolling = decision.deployment();
        assertEquals(DeploymentStatus.ROLLING_BACK, rolling.status());
        assertEquals(Stage.ROLLBACK_SWAP, rolling.stage());
        assertEquals(1, rolling.round(), "a command of its own: message ids no earlier attempt used");
        assertEquals("asked by pat", rolling.rollbackWindow().rollbackReason());
        assertEquals(NOW, rolling.rollbackWindow().closedAt());
        assertEquals("d1", decision.environment().activeDeploymentId(), "the environment is held again");
        assertEquals(List.of("d1.r1:ROLLBACK_SWAP:cms:0", "d1.r1:ROLLBACK_SWAP:scheduler:0"),
                decision.messages().stream().map(m -> m.message().messageId()).toList());
        assertTrue(decision.log().get(0).message().contains("the production database keeps the release's changes"));
    }

    @Test
    void theLastWebAppSwappedBackEndsRolledBackAndReleasesTheHold() {
        // Arrange
        Deployment rolling = deployment(DeploymentStatus.ROLLING_BACK, Stage.ROLLBACK_SWAP)
                .withRollbackWindow(RollbackWindow.openUntil(NOW).rolledBack(NOW, "asked by pat"));
        DeploymentSnapshot snapshot = snapshot(rolling, webApp("cms", WebAppPhase.LIVE));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.ROLLBACK_SWAP, "cms", 0),
                StepOutcome.advance("Site cms is back on its previous package"), NOW);

        // Assert
        assertEquals(DeploymentStatus.ROLLED_BACK, decision.deployment().status());
        assertEquals(WebAppPhase.ROLLED_BACK, decision.webApps().get(0).phase());
        assertTrue(decision.environment().activeDeploymentId() == null);
        assertEquals(List.of(), decision.deployment().allowedActions(NOW));
        assertTrue(RollbackWindow.refusal(decision.deployment(), NOW).orElseThrow().contains("rolled back already"));
    }

    @Test
    void aFailedCheckAfterGoingLiveRollsBackByPolicyAndAPassingWatchEndsSucceeded() {
        // Arrange
        DeploymentSnapshot base = snapshot(deployment(DeploymentStatus.COMPLETING, Stage.WATCH_LIVE),
                webApp("cms", WebAppPhase.LIVE));
        EnvironmentConfig config = base.environment().config();
        VerificationPolicy.AfterComplete watch = new VerificationPolicy.AfterComplete(
                List.of(SmokeCheck.of("/checkout")), null, null, null);
        EnvironmentConfig watching = new EnvironmentConfig(config.name(), config.webApps(), config.database(),
                config.connectionStringName(), config.databaseModeSetting(), config.maintenancePagePackageUri(),
                config.warmUpTimeout(), config.staleness(), new VerificationPolicy(List.of(), null, null, false, null,
                null, watch), null, null, List.of(), List.of(), null);
        DeploymentSnapshot snapshot = new DeploymentSnapshot(new EnvironmentRecord(watching, "d1", "d1", "etag-env"),
                base.deployment(), base.webApps());
        SmokeCheckResult failed = new SmokeCheckResult("cms", "/checkout", 200, null, 500, false, "answered 500", 5);
        SmokeCheckResult passed = new SmokeCheckResult("cms", "/checkout", 200, null, 200, true, "answered 200", 5);

        // Act
        Decision rolledBack = Transitions.decide(snapshot, message(Stage.WATCH_LIVE, null, 0),
                new StepOutcome.Advance("1 check(s) against production failed", List.of(), List.of(failed), null), NOW);
        Decision succeeded = Transitions.decide(snapshot, message(Stage.WATCH_LIVE, null, 0),
                new StepOutcome.Advance("over", List.of(), List.of(passed), null), NOW);

        // Assert
        assertEquals(DeploymentStatus.ROLLING_BACK, rolledBack.deployment().status());
        assertTrue(rolledBack.deployment().rollbackWindow().rollbackReason().contains("/checkout: answered 500"),
                rolledBack.deployment().rollbackWindow().toString());
        assertNull(rolledBack.environment(), "the watch still holds the environment: nothing to take");
        assertEquals(DeploymentStatus.SUCCEEDED, succeeded.deployment().status());
        assertEquals(List.of("rollback"), succeeded.deployment().allowedActions(NOW));
    }

    @Test
    void aPassingRoundOfTheWatchIsProgressSoALongWatchIsNotReportedStuck() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.COMPLETING, Stage.WATCH_LIVE),
                webApp("cms", WebAppPhase.LIVE));
        Instant later = T0.plus(Duration.ofHours(4));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.WATCH_LIVE, null, 0),
                StepOutcome.checkAgain(Duration.ofSeconds(30), "Checked production after going live"), later);

        // Assert
        assertEquals(later, decision.deployment().updatedAt());
        assertEquals(1, decision.deployment().checks());
        assertTrue(StaleMaintenance.find(snapshot.environment(), new DeploymentSnapshot(snapshot.environment(),
                decision.deployment(), snapshot.webApps()), later.plusSeconds(30)).isEmpty());
    }

    @Test
    void aWindowClosedEarlyRefusesWithWhyAndWhen() {
        // Arrange
        Deployment live = deployment(DeploymentStatus.SUCCEEDED, Stage.FINISHED).withRollbackWindow(
                RollbackWindow.openUntil(NOW.plusSeconds(600)).closed(NOW, "deployment d2 started on the environment"));

        // Act
        String why = RollbackWindow.refusal(live, NOW.plusSeconds(1)).orElseThrow();

        // Assert
        assertEquals(List.of(), live.allowedActions(NOW.plusSeconds(1)));
        assertTrue(why.contains("closed at " + NOW) && why.contains("deployment d2 started"), why);
    }
}
