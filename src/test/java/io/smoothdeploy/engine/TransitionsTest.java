package io.smoothdeploy.engine;

import static io.smoothdeploy.engine.Snapshots.T0;
import static io.smoothdeploy.engine.Snapshots.deployment;
import static io.smoothdeploy.engine.Snapshots.message;
import static io.smoothdeploy.engine.Snapshots.snapshot;
import static io.smoothdeploy.engine.Snapshots.webApp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransitionsTest {

    private static final Instant NOW = T0.plusSeconds(60);

    @Test
    void cloneDoneFansOutEnterMaintenanceToEveryWebApp() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.CLONE_DB),
                webApp("cms", WebAppPhase.PENDING), webApp("scheduler", WebAppPhase.PENDING));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.CLONE_DB, null, 0),
                StepOutcome.advance("copy online"), NOW);

        // Assert
        assertEquals(Stage.ENTER_MAINTENANCE, decision.deployment().stage());
        assertEquals(List.of("d1:ENTER_MAINTENANCE:cms:0", "d1:ENTER_MAINTENANCE:scheduler:0"),
                decision.messages().stream().map(m -> m.message().messageId()).toList());
        assertEquals("etag-d", decision.deployment().etag(), "the write is conditional on the etag read");
    }

    @Test
    void firstWebAppToFinishWritesTheDeploymentRowButDoesNotAdvance() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.ENTER_MAINTENANCE),
                webApp("cms", WebAppPhase.PENDING), webApp("scheduler", WebAppPhase.PENDING));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.ENTER_MAINTENANCE, "cms", 0),
                StepOutcome.advance("Enabling zero downtime deployment mode ReadOnly on site cms"), NOW);

        // Assert
        assertEquals(Stage.ENTER_MAINTENANCE, decision.deployment().stage());
        assertEquals(NOW, decision.deployment().updatedAt(), "touching the row makes a racing finisher lose and re-read");
        assertEquals(WebAppPhase.IN_MAINTENANCE, decision.webApps().get(0).phase());
        assertTrue(decision.webApps().get(0).maintenance());
        assertTrue(decision.messages().isEmpty());
        assertFalse(decision.log().stream().anyMatch(l -> l.message().equals(Transitions.ALL_IN_MAINTENANCE)));
    }

    @Test
    void lastWebAppToFinishAdvancesTheDeploymentAndLogsOnce() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.ENTER_MAINTENANCE),
                webApp("cms", WebAppPhase.IN_MAINTENANCE), webApp("scheduler", WebAppPhase.PENDING));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.ENTER_MAINTENANCE, "scheduler", 0),
                StepOutcome.advance("Putting site scheduler in maintenance mode"), NOW);

        // Assert
        assertEquals(Stage.DEPLOY_SLOT, decision.deployment().stage());
        assertEquals(1, decision.log().stream().filter(l -> l.message().equals(Transitions.ALL_IN_MAINTENANCE)).count());
        assertEquals(List.of("d1:DEPLOY_SLOT:cms:0", "d1:DEPLOY_SLOT:scheduler:0"),
                decision.messages().stream().map(m -> m.message().messageId()).toList());
        assertEquals(1, decision.webApps().size(), "only the finishing web app's row is written");
    }

    @Test
    void checkAgainSchedulesTheNextCheckAfterTheDelay() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.WARM_UP),
                webApp("cms", WebAppPhase.DEPLOYED));

        // Act
        Decision first = Transitions.decide(snapshot, message(Stage.WARM_UP, "cms", 0),
                StepOutcome.checkAgain(Duration.ofSeconds(5), "warming"), NOW);

        // Assert
        WebAppState checked = first.webApps().get(0);
        assertEquals(1, checked.checks());
        assertEquals(Stage.WARM_UP, checked.workingStage());
        assertEquals(NOW, checked.stageStartedAt());
        OutgoingMessage next = first.messages().get(0);
        assertEquals("d1:WARM_UP:cms:1", next.message().messageId());
        assertEquals(Duration.ofSeconds(5), next.delay());
        assertNull(first.deployment(), "a check is not progress: the deployment row is left alone");
    }

    @Test
    void messageWithAnOldSequenceIsNotExpected() {
        // Arrange
        WebAppState checked = webApp("cms", WebAppPhase.DEPLOYED).checkedAgain(Stage.WARM_UP, NOW);
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.WARM_UP), checked);

        // Act & Assert
        assertFalse(Transitions.isExpected(snapshot, message(Stage.WARM_UP, "cms", 0)));
        assertTrue(Transitions.isExpected(snapshot, message(Stage.WARM_UP, "cms", 1)));
        assertEquals(List.of("d1:WARM_UP:cms:1"), Transitions.resendExpected(snapshot, message(Stage.WARM_UP, "cms", 0))
                .messages().stream().map(m -> m.message().messageId()).toList());
    }

    @Test
    void duplicateOfAFinishedStageResendsWhatTheStateExpectsAndWritesNothing() {
        // Arrange: the deployment has moved on to deploy-slot; a late enter-maintenance duplicate arrives
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.DEPLOY_SLOT),
                webApp("cms", WebAppPhase.IN_MAINTENANCE), webApp("scheduler", WebAppPhase.DEPLOYED));
        StepMessage duplicate = message(Stage.ENTER_MAINTENANCE, "cms", 0);

        // Act
        Decision decision = Transitions.decide(snapshot, duplicate, StepOutcome.advance("again"), NOW);

        // Assert
        assertTrue(decision.writesNothing());
        assertEquals(List.of("d1:DEPLOY_SLOT:cms:0"),
                decision.messages().stream().map(m -> m.message().messageId()).toList());
    }

    @Test
    void failureWhileEnteringMaintenanceFailsTheDeploymentAndReleasesTheEnvironment() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.ENTER_MAINTENANCE),
                webApp("cms", WebAppPhase.IN_MAINTENANCE), webApp("commerce", WebAppPhase.PENDING));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.ENTER_MAINTENANCE, "commerce", 0),
                StepOutcome.fail(FailureKind.CLOUD_OPERATION, "Conflict: swap in progress"), NOW);

        // Assert
        assertEquals(DeploymentStatus.FAILED, decision.deployment().status());
        assertEquals("commerce", decision.deployment().errors().get(0).webApp());
        assertNotNull(decision.webApps().get(0).error());
        assertNull(decision.environment().activeDeploymentId(), "a failed deployment frees its environment");
        assertTrue(decision.log().stream().anyMatch(l -> l.message().equals(Transitions.MAINTENANCE_FAILED)));
        assertTrue(decision.messages().isEmpty());
    }

    @Test
    void webAppThatFinishesAfterTheDeploymentFailedStillRecordsItIsInMaintenance() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.FAILED, Stage.ENTER_MAINTENANCE),
                webApp("cms", WebAppPhase.PENDING), webApp("commerce", WebAppPhase.PENDING));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.ENTER_MAINTENANCE, "cms", 0),
                StepOutcome.advance("Enabling zero downtime deployment mode ReadOnly on site cms"), NOW);

        // Assert
        assertNull(decision.deployment());
        assertTrue(decision.webApps().get(0).maintenance());
        assertTrue(decision.messages().isEmpty());
    }

    @Test
    void awaitVerificationStopsWithValidationLinksAndSendsNothing() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.AWAIT_VERIFICATION),
                webApp("cms", WebAppPhase.WARMED_UP));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.AWAIT_VERIFICATION, null, 0),
                new StepOutcome.Advance(null, List.of("https://cms-staging.azurewebsites.net/")), NOW);

        // Assert
        assertEquals(DeploymentStatus.AWAITING_VERIFICATION, decision.deployment().status());
        assertEquals(List.of("https://cms-staging.azurewebsites.net/"), decision.deployment().validationLinks());
        assertTrue(decision.messages().isEmpty());
        assertEquals(List.of("complete", "reset"), decision.deployment().status().allowedActions());
    }

    @Test
    void awaitVerificationOfAReadWriteRunStoresTheClonesWriteCountWithItsTimeAndAReadOnlyRunStoresNone() {
        // Arrange
        Deployment readOnly = deployment(DeploymentStatus.IN_PROGRESS, Stage.AWAIT_VERIFICATION);
        Deployment readWrite = new Deployment(readOnly.id(), readOnly.environment(), readOnly.status(), readOnly.stage(),
                0, DeploymentMode.READ_WRITE, readOnly.packageUri(), readOnly.packageSha256(), null, readOnly.createdAt(),
                readOnly.updatedAt(), null, false, List.of(), List.of(), List.of(), null, null, null, 0, null, "etag-d");
        StepOutcome.Advance counted = new StepOutcome.Advance(null, List.of(), List.of(), 4L);
        StepOutcome.Advance uncounted = new StepOutcome.Advance(null, List.of(), List.of(), null);

        // Act
        Decision writes = Transitions.decide(snapshot(readWrite, webApp("cms", WebAppPhase.WARMED_UP)),
                message(Stage.AWAIT_VERIFICATION, null, 0), counted, NOW);
        Decision unknown = Transitions.decide(snapshot(readWrite, webApp("cms", WebAppPhase.WARMED_UP)),
                message(Stage.AWAIT_VERIFICATION, null, 0), uncounted, NOW);
        Decision none = Transitions.decide(snapshot(readOnly, webApp("cms", WebAppPhase.WARMED_UP)),
                message(Stage.AWAIT_VERIFICATION, null, 0), counted, NOW);

        // Assert
        assertEquals(new CloneWriteCount(4L, NOW), writes.deployment().cloneWriteCount());
        assertEquals(new CloneWriteCount(null, NOW), unknown.deployment().cloneWriteCount(),
                "a count that failed is stored as uncounted at its time, never as zero");
        assertNull(none.deployment().cloneWriteCount());
    }

    @Test
    void aRunningDeploymentReadWithoutItsEnvironmentRowReleasesTheHoldUnreadAndOneNotRunningReleasesNothing() {
        // Arrange: a step delivery reads only the deployment's rows
        Deployment cleaning = deployment(DeploymentStatus.COMPLETING, Stage.COMPLETE_CLEANUP);
        DeploymentSnapshot running = DeploymentSnapshot.withoutEnvironmentRow(Snapshots.environment("cms"), cleaning,
                List.of(webApp("cms", WebAppPhase.LIVE)), List.of());
        DeploymentSnapshot notRunning = DeploymentSnapshot.withoutEnvironmentRow(Snapshots.environment("cms"),
                cleaning.withStatus(DeploymentStatus.RESETTING), List.of(webApp("cms", WebAppPhase.LIVE)), List.of());

        // Act
        Decision finished = Transitions.decide(running, message(Stage.COMPLETE_CLEANUP, null, 0),
                StepOutcome.advance("Deleted temporary database"), NOW);
        Decision failed = Transitions.decide(notRunning, message(Stage.COMPLETE_CLEANUP, null, 0),
                StepOutcome.fail(FailureKind.CLOUD_OPERATION, "boom"), NOW);

        // Assert
        assertEquals(DeploymentStatus.SUCCEEDED, finished.deployment().status());
        assertTrue(finished.environment().releasesUnread(), String.valueOf(finished.environment()));
        assertFalse(Transitions.needsEnvironmentRow(running, finished));
        // a delivery for a deployment not running that stage decides nothing, so it never releases a hold that may
        // belong to another deployment by now
        assertNull(failed.deployment());
        assertNull(failed.environment());
    }

    @Test
    void completeCleanupSucceedsAndReleasesTheEnvironment() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.COMPLETING, Stage.COMPLETE_CLEANUP),
                webApp("cms", WebAppPhase.LIVE));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.COMPLETE_CLEANUP, null, 0),
                StepOutcome.advance("Deleted temporary database"), NOW);

        // Assert
        assertEquals(DeploymentStatus.SUCCEEDED, decision.deployment().status());
        assertEquals(Stage.FINISHED, decision.deployment().stage());
        assertNull(decision.environment().activeDeploymentId());
    }

    @Test
    void resetCleanupEndsReset() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.RESETTING, Stage.RESET_CLEANUP),
                webApp("cms", WebAppPhase.ROLLED_BACK));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.RESET_CLEANUP, null, 0),
                StepOutcome.advance(null), NOW);

        // Assert
        assertEquals(DeploymentStatus.RESET, decision.deployment().status());
    }

    @Test
    void finishedDeploymentExpectsNoMoreMessages() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.SUCCEEDED, Stage.FINISHED),
                webApp("cms", WebAppPhase.LIVE));

        // Act & Assert
        assertTrue(Transitions.expectedMessages(snapshot, null).isEmpty());
        assertFalse(Transitions.isExpected(snapshot, message(Stage.COMPLETE_SWAP, "cms", 0)));
    }

    @Test
    void warmedUpWebAppHasNotFinishedTheCompleteSwap() {
        // Act & Assert
        assertFalse(Stage.COMPLETE_SWAP.isFinishedBy(WebAppPhase.WARMED_UP));
        assertFalse(Stage.RESET_SWAP.isFinishedBy(WebAppPhase.LIVE));
        assertTrue(Stage.DEPLOY_SLOT.isFinishedBy(WebAppPhase.WARMED_UP));
        assertFalse(Stage.DEPLOY_SLOT.isFinishedBy(WebAppPhase.ROLLED_BACK));
    }

    @Test
    void messageOfAnEarlierRoundIsNotExpectedAfterARollForward() {
        // Arrange
        Deployment rolled = deployment(DeploymentStatus.AWAITING_VERIFICATION, Stage.AWAIT_VERIFICATION)
                .rolledForward("https://packages.example.com/c.zip", "cd".repeat(32), NOW);
        DeploymentSnapshot snapshot = snapshot(rolled, webApp("cms", WebAppPhase.IN_MAINTENANCE));

        // Act & Assert
        assertEquals(Stage.VERIFY_PACKAGE, rolled.stage(), "the new package is checked first");
        assertEquals(DeploymentStatus.IN_PROGRESS, rolled.status());
        assertFalse(Transitions.isExpected(snapshot, message(Stage.VERIFY_PACKAGE, null, 0)));
        StepMessage current = new StepMessage("d1", "prod", Stage.VERIFY_PACKAGE, null, 0, 1);
        assertTrue(Transitions.isExpected(snapshot, current));
        assertEquals("d1.r1:VERIFY_PACKAGE:-:0", current.messageId(), "a new round gets new message ids");
    }

    @Test
    void transientFailureIsRetriedWithAGrowingPauseAndThenFailsTheDeployment() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.DEPLOY_SLOT),
                webApp("cms", WebAppPhase.IN_MAINTENANCE));
        StepOutcome throttled = new StepOutcome.RetryLater("TooManyRequests", "throttled");

        // Act
        Decision first = Transitions.decide(snapshot, message(Stage.DEPLOY_SLOT, "cms", 0), throttled, NOW);
        Decision third = Transitions.decide(snapshot, new StepMessage("d1", "prod", Stage.DEPLOY_SLOT, "cms", 0, 0, 2),
                throttled, NOW);
        Decision last = Transitions.decide(snapshot, new StepMessage("d1", "prod", Stage.DEPLOY_SLOT, "cms", 0, 0,
                EnvironmentConfig.DEFAULT_TRANSIENT_RETRY_LIMIT), throttled, NOW);

        // Assert
        OutgoingMessage retry = first.messages().get(0);
        assertEquals(1, retry.message().retry());
        assertEquals(1, retry.message().sequence(), "a retry is the next check of the stage");
        assertTrue(retry.delay().compareTo(Duration.ofSeconds(2)) >= 0 && retry.delay().compareTo(Duration.ofSeconds(3)) <= 0,
                retry.delay().toString());
        assertTrue(third.messages().get(0).delay().compareTo(Duration.ofSeconds(8)) >= 0, "the pause doubles");
        assertTrue(first.log().get(0).message().contains("retry 1 of 5"), first.log().toString());
        assertEquals(DeploymentStatus.FAILED, last.deployment().status());
        assertTrue(last.deployment().errors().get(0).message().startsWith("still failing after 5 retries: TooManyRequests"));
    }

    @Test
    void aThrottledStepIsTriedAgainNoSoonerThanRetryAfter() {
        // Arrange: ARM answered 429 with Retry-After: 45 (far more than the first backoff of 2 s)
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.DEPLOY_SLOT),
                webApp("cms", WebAppPhase.IN_MAINTENANCE));
        StepOutcome throttled = new StepOutcome.RetryLater(FailureKind.CLOUD_OPERATION, "SubscriptionRequestsThrottled",
                "throttled", Duration.ofSeconds(45));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.DEPLOY_SLOT, "cms", 0), throttled, NOW);

        // Assert
        OutgoingMessage retry = decision.messages().get(0);
        assertTrue(retry.delay().compareTo(Duration.ofSeconds(45)) >= 0, retry.delay().toString());
        assertTrue(retry.delay().compareTo(Transitions.LONGEST_SCHEDULED_DELAY) <= 0,
                "within what the reconciler waits for: " + retry.delay());
        assertTrue(decision.log().get(0).message().contains("in 45 s") || retry.delay().toSeconds() > 45,
                decision.log().toString());
    }

    @Test
    void retryJitterSpreadsWebAppsThatFailTogether() {
        Duration cms = Transitions.retryDelay(message(Stage.DEPLOY_SLOT, "cms", 0), 3);
        Duration commerce = Transitions.retryDelay(message(Stage.DEPLOY_SLOT, "commerce", 0), 3);
        assertTrue(cms.compareTo(Duration.ofSeconds(8)) >= 0 && cms.compareTo(Duration.ofSeconds(12)) <= 0, cms.toString());
        assertFalse(cms.equals(commerce), "two web apps do not retry in step");
        assertEquals(cms, Transitions.retryDelay(message(Stage.DEPLOY_SLOT, "cms", 0), 3), "and the rule is pure");
    }

    // ------------------------------------------------------------------ cancel

    @Test
    void aStepWhoseWriteLostToACancelRecordsWhatItDidThenHandsOverToTheUndoOneRoundLater() {
        // Arrange: cms entered maintenance while the cancel was written; its decision is made again on the new row
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.CANCELLING, Stage.ENTER_MAINTENANCE),
                webApp("cms", WebAppPhase.PENDING), webApp("scheduler", WebAppPhase.PENDING));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.ENTER_MAINTENANCE, "cms", 0),
                StepOutcome.advance("Enabling zero downtime deployment mode ReadOnly on site cms"), NOW);

        // Assert
        assertEquals(DeploymentStatus.CANCELLING, decision.deployment().status());
        assertEquals(Stage.RESET_SWAP, decision.deployment().stage());
        assertEquals(1, decision.deployment().round());
        assertEquals(WebAppPhase.IN_MAINTENANCE, decision.webApps().get(0).phase(), "the undo knows cms is in");
        assertTrue(decision.webApps().get(0).maintenance());
        assertEquals(List.of("d1.r1:RESET_SWAP:cms:0", "d1.r1:RESET_SWAP:scheduler:0"),
                decision.messages().stream().map(m -> m.message().messageId()).toList());
    }

    @Test
    void theNextForwardRunAfterACancelDoesNotRunAndAnUnrunStepOutsideACancelIsAnError() {
        // Arrange
        DeploymentSnapshot cancelling = snapshot(deployment(DeploymentStatus.CANCELLING, Stage.WARM_UP)
                .withRollbackDatabase(true), webApp("cms", WebAppPhase.DEPLOYED));
        DeploymentSnapshot running = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.WARM_UP),
                webApp("cms", WebAppPhase.DEPLOYED));

        // Act
        boolean stops = Transitions.stopsForCancel(cancelling);
        Decision decision = Transitions.decide(cancelling, message(Stage.WARM_UP, "cms", 0), new StepOutcome.NotRun(),
                NOW);

        // Assert
        assertTrue(stops);
        assertFalse(Transitions.stopsForCancel(running));
        assertEquals(Stage.RESET_RESTORE_DATABASE, decision.deployment().stage(), "rollbackDatabase restores first");
        assertEquals(List.of("d1.r1:RESET_RESTORE_DATABASE:-:0"),
                decision.messages().stream().map(m -> m.message().messageId()).toList());
        assertTrue(decision.webApps().isEmpty(), "a step that did not run records nothing");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> Transitions.decide(running,
                message(Stage.WARM_UP, "cms", 0), new StepOutcome.NotRun(), NOW));
    }

    @Test
    void aForwardMessageDeliveredAfterTheHandOverDoesNothingButSendWhatTheUndoExpects() {
        // Arrange: the undo runs (round 1); a forward message of round 0 comes late
        DeploymentSnapshot undoing = snapshot(deployment(DeploymentStatus.CANCELLING, Stage.RESET_SWAP).nextRound(),
                webApp("cms", WebAppPhase.IN_MAINTENANCE));

        // Act
        Decision decision = Transitions.decide(undoing, message(Stage.DEPLOY_SLOT, "cms", 0),
                StepOutcome.advance("Deployed"), NOW);

        // Assert
        assertFalse(Transitions.isExpected(undoing, message(Stage.DEPLOY_SLOT, "cms", 0)));
        assertNull(decision.deployment());
        assertTrue(decision.webApps().isEmpty());
        assertEquals(List.of("d1.r1:RESET_SWAP:cms:0"),
                decision.messages().stream().map(m -> m.message().messageId()).toList());
    }

    @Test
    void theUndosLastStageEndsACancelledRunAndReleasesTheEnvironment() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.CANCELLING, Stage.RESET_CLEANUP),
                webApp("cms", WebAppPhase.ROLLED_BACK));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.RESET_CLEANUP, null, 0),
                StepOutcome.advance("Deleted temporary database"), NOW);

        // Assert
        assertEquals(DeploymentStatus.CANCELLED, decision.deployment().status());
        assertTrue(decision.deployment().status().isTerminal());
        assertNotNull(decision.environment(), "the hold is given up");
        assertTrue(decision.log().stream().anyMatch(l -> l.message().startsWith("Deployment cancelled")));
        assertEquals(List.of("cancel"), DeploymentStatus.IN_PROGRESS.allowedActions());
        assertEquals(List.of(), DeploymentStatus.CANCELLING.allowedActions());
    }

    // ------------------------------------------------------------------ the two-phase reset

    @Test
    void aResetThatValidatesBeforeTheSwapWarmsThePreviousCodeFirstAndAfterARestoreToo() {
        // Arrange
        DeploymentSnapshot awaiting = snapshot(deployment(DeploymentStatus.AWAITING_VERIFICATION, Stage.AWAIT_VERIFICATION)
                .withValidationLinks(List.of("https://cms-staging/")), webApp("cms", WebAppPhase.WARMED_UP));

        // Act
        Decision plain = Commands.reset(awaiting, false, true, NOW, null);
        Decision restoring = Commands.reset(awaiting, true, true, NOW, null);
        Decision restored = Transitions.decide(snapshot(restoring.deployment(), webApp("cms", WebAppPhase.WARMED_UP)),
                new StepMessage("d1", "prod", Stage.RESET_RESTORE_DATABASE, null, 0, restoring.deployment().round()),
                StepOutcome.advance("Restored database"), NOW);

        // Assert
        assertEquals(Stage.RESET_PREPARE, plain.deployment().stage());
        assertEquals(DeploymentStatus.RESETTING, plain.deployment().status());
        assertEquals(new ResetVerification(DeploymentStatus.AWAITING_VERIFICATION, List.of("https://cms-staging/")),
                plain.deployment().resetVerification());
        assertEquals(List.of("RESET_PREPARE"), plain.messages().stream().map(m -> m.message().stage().name()).toList());
        assertEquals(Stage.RESET_RESTORE_DATABASE, restoring.deployment().stage());
        assertEquals(Stage.RESET_PREPARE, restored.deployment().stage(), "checked on the restored database");
        assertNull(Commands.reset(awaiting, false, NOW, null).deployment().resetVerification());
    }

    @Test
    void thePreparedPreviousCodeWaitsAtAwaitingResetVerificationWithItsLinksAndSendsNothing() {
        // Arrange
        Deployment preparing = deployment(DeploymentStatus.RESETTING, Stage.RESET_PREPARE)
                .withResetVerification(new ResetVerification(DeploymentStatus.AWAITING_VERIFICATION, List.of()));
        DeploymentSnapshot snapshot = snapshot(preparing, webApp("cms", WebAppPhase.WARMED_UP));

        // Act
        Decision decision = Transitions.decide(snapshot, message(Stage.RESET_PREPARE, null, 0),
                new StepOutcome.Advance("Previous code ready", List.of("https://cms-maintenance/")), NOW);

        // Assert
        assertEquals(DeploymentStatus.AWAITING_RESET_VERIFICATION, decision.deployment().status());
        assertEquals(List.of("https://cms-maintenance/"), decision.deployment().validationLinks());
        assertTrue(decision.messages().isEmpty());
        assertEquals(List.of("complete", "cancel"), decision.deployment().status().allowedActions());
        assertTrue(Transitions.expectedMessages(snapshot(decision.deployment(), webApp("cms", WebAppPhase.WARMED_UP)),
                null).isEmpty(), "nothing runs while it waits, so the reconciler sends nothing");
    }

    @Test
    void completeSwapsThePreviousCodeBackAndCancelGoesBackOnlyWhenNothingWasRestoredFromVerification() {
        // Arrange
        ResetVerification fromVerification = new ResetVerification(DeploymentStatus.AWAITING_VERIFICATION,
                List.of("https://cms-staging/"));
        DeploymentSnapshot waiting = snapshot(deployment(DeploymentStatus.AWAITING_RESET_VERIFICATION,
                Stage.RESET_PREPARE).withResetVerification(fromVerification)
                .withValidationLinks(List.of("https://cms-maintenance/")), webApp("cms", WebAppPhase.WARMED_UP));
        Deployment restored = waiting.deployment().withRollbackDatabase(true);
        Deployment fromFailed = waiting.deployment().withResetVerification(
                new ResetVerification(DeploymentStatus.FAILED, List.of()));

        // Act
        Decision completed = Commands.completeReset(waiting, NOW, null);
        Decision cancelled = Commands.cancelResetVerification(waiting, NOW, null);

        // Assert
        assertEquals(DeploymentStatus.RESETTING, completed.deployment().status());
        assertEquals(Stage.RESET_SWAP, completed.deployment().stage());
        assertEquals(List.of("RESET_SWAP"), completed.messages().stream().map(m -> m.message().stage().name()).toList());
        assertEquals(DeploymentStatus.AWAITING_VERIFICATION, cancelled.deployment().status());
        assertEquals(Stage.AWAIT_VERIFICATION, cancelled.deployment().stage());
        assertEquals(List.of("https://cms-staging/"), cancelled.deployment().validationLinks());
        assertNull(cancelled.deployment().resetVerification());
        assertTrue(cancelled.messages().isEmpty());
        assertTrue(Commands.cancelRefusal(waiting.deployment()).isEmpty());
        assertTrue(Commands.cancelRefusal(restored).orElseThrow().contains("restored the production database"));
        assertTrue(Commands.cancelRefusal(fromFailed).orElseThrow().contains("was reset from Failed"));
    }
}
