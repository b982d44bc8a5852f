package io.smoothdeploy.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The transition rules, as pure functions of (state, message, outcome, time): no I/O, no clock, no
 * randomness. Everything a step changes is decided here, so the rules can be read in one place and tested
 * without mocks.
 */
public final class Transitions {

    /** Log the first check of a stage and then every n-th, so long waits stay readable. */
    static final int LOG_EVERY_NTH_CHECK = 10;

    static final Duration RETRY_FIRST_DELAY = Duration.ofSeconds(2);
    static final Duration RETRY_MAX_DELAY = Duration.ofMinutes(2);

    static final String ALL_IN_MAINTENANCE = Stage.ENTER_MAINTENANCE.doneLine();
    static final String MAINTENANCE_FAILED =
            "At least one maintenance mode operation failed. Investigate the logs and try again.";

    private Transitions() {
    }

    /** True when the state expects exactly this message now: its stage is running and it carries the next check. */
    public static boolean isExpected(DeploymentSnapshot snapshot, StepMessage message) {
        Deployment deployment = snapshot.deployment();
        if (!isRunning(deployment) || deployment.stage() != message.stage() || deployment.round() != message.round()) {
            return false;
        }
        if (!message.stage().isPerWebApp()) {
            return message.webApp() == null && message.sequence() == deployment.checks();
        }
        Optional<WebAppState> webApp = snapshot.webApp(message.webApp());
        return webApp.isPresent()
                && !message.stage().isFinishedBy(webApp.get().phase())
                && message.sequence() == webApp.get().expectedSequence(message.stage());
    }

    /**
     * For a message the state no longer expects (a duplicate, a late delivery, a lost send): write nothing
     * and send again the message the state expects for the same web app (or the deployment), which the
     * queue's duplicate detection drops when it was sent already.
     */
    public static Decision resendExpected(DeploymentSnapshot snapshot, StepMessage message) {
        return Decision.sendOnly(expectedMessages(snapshot, message.webApp()));
    }

    /** The messages the state expects next for one web app, or for the deployment when {@code webApp} is null. */
    public static List<OutgoingMessage> expectedMessages(DeploymentSnapshot snapshot, String webApp) {
        Deployment deployment = snapshot.deployment();
        if (!isRunning(deployment)) {
            return List.of();
        }
        Stage stage = deployment.stage();
        if (!stage.isPerWebApp()) {
            return List.of(OutgoingMessage.now(message(deployment, stage, null, deployment.checks())));
        }
        List<OutgoingMessage> messages = new ArrayList<>();
        for (WebAppState state : snapshot.webApps()) {
            boolean concerned = webApp == null || webApp.equals(state.name());
            if (concerned && !stage.isFinishedBy(state.phase())) {
                messages.add(OutgoingMessage.now(message(deployment, stage, state.name(),
                        state.expectedSequence(stage))));
            }
        }
        return messages;
    }

    /** The longest delay a decision schedules a message with: a transient retry's backoff with its jitter. */
    static final Duration LONGEST_SCHEDULED_DELAY = RETRY_MAX_DELAY.plus(RETRY_MAX_DELAY.dividedBy(2));

    /**
     * The reconciler's rule, level-triggered: a running deployment whose rows have not changed for
     * {@code quietLimit} past the longest delay a message is scheduled with gets its expected messages again.
     * Sending again is always safe: a message still on its way has the same id (duplicate detection drops the
     * copy) and a late one is recognised as not expected. Empty when nothing is due.
     */
    public static List<OutgoingMessage> reconcile(DeploymentSnapshot snapshot, Instant now, Duration quietLimit) {
        Deployment deployment = snapshot.deployment();
        if (!isRunning(deployment)) {
            return List.of();
        }
        Instant last = deployment.updatedAt();
        for (WebAppState webApp : snapshot.webApps()) {
            last = later(last, webApp.stageStartedAt());
            for (WebAppState.StageTiming timing : webApp.timings().values()) {
                last = later(last, timing.endedAt());
            }
        }
        last = later(last, deployment.stageStartedAt());
        if (!now.isAfter(last.plus(LONGEST_SCHEDULED_DELAY).plus(quietLimit))) {
            return List.of();
        }
        return expectedMessages(snapshot, null);
    }

    private static Instant later(Instant a, Instant b) {
        return b != null && (a == null || b.isAfter(a)) ? b : a;
    }

    /** Decides what a step's outcome changes. The snapshot may be newer than the one the step ran on. */
    public static Decision decide(DeploymentSnapshot snapshot, StepMessage message, StepOutcome outcome, Instant now) {
        // Every line a delivery writes names its stage, which the diagnosis reads instead of the line's words.
        return decideUnstamped(snapshot, message, outcome, now).loggedIn(message.stage());
    }

    private static Decision decideUnstamped(DeploymentSnapshot snapshot, StepMessage message, StepOutcome outcome,
                                            Instant now) {
        if (!isExpected(snapshot, message)) {
            return recordLateOutcome(snapshot, message, outcome, now);
        }
        if (stopsForCancel(snapshot)) {
            return handOverToUndo(snapshot, message, outcome, now);
        }
        if (outcome instanceof StepOutcome.NotRun) {
            // only a cancel's intent stops a step unrun, and the intent is never taken back
            throw new IllegalStateException("step " + message.messageId() + " was not run, but its deployment is not "
                    + "being cancelled");
        }
        if (outcome instanceof StepOutcome.CheckAgain check) {
            return checkAgain(snapshot, message, check, now);
        }
        if (outcome instanceof StepOutcome.Fail fail) {
            return fail(snapshot, message, fail, now);
        }
        if (outcome instanceof StepOutcome.RetryLater retry) {
            return retryLater(snapshot, message, retry, now);
        }
        return advance(snapshot, message, (StepOutcome.Advance) outcome, now);
    }

    /**
     * True when the deployment carries a cancel's intent and is still at a forward stage: the next run of a forward
     * step does not run it, and hands over to the undo path instead ({@link #handOverToUndo}).
     */
    public static boolean stopsForCancel(DeploymentSnapshot snapshot) {
        Deployment deployment = snapshot.deployment();
        return deployment.status() == DeploymentStatus.CANCELLING && deployment.stage() != Stage.FINISHED
                && deployment.stage().activeStatus() == DeploymentStatus.IN_PROGRESS;
    }

    /**
     * The safe point of a cancel: the first run of a forward step that finds the cancel's intent (or whose outcome's
     * write lost to the cancel's, and is decided again on the row as it is now). What that run did is recorded, as
     * it would have been (a finished stage, a swap asked for, a preview applied), so that the undo knows; then, in
     * the same write, the deployment moves to the undo path: a reset's stages, one round later, so that every
     * forward message still on its way is no longer expected and does nothing when it comes. The undo reads where
     * each web app really stands (the content markers), as Reset does: one already in maintenance is swapped back,
     * one that never entered it has its maintenance slot's preparations undone, and a swap or copy still running
     * is waited for (Azure refuses other changes while it runs) and then undone.
     */
    static Decision handOverToUndo(DeploymentSnapshot snapshot, StepMessage message, StepOutcome outcome, Instant now) {
        Deployment deployment = snapshot.deployment();
        Stage stage = message.stage();
        List<LogLine> log = new ArrayList<>();
        List<WebAppState> webApps = new ArrayList<>(snapshot.webApps());
        List<WebAppState> writes = new ArrayList<>();
        String where = message.webApp() == null ? "" : " on site " + message.webApp();
        if (outcome instanceof StepOutcome.Advance advance) {
            if (advance.note() != null) {
                log.add(LogLine.info(now, message.webApp(), advance.note()));
            }
            if (stage.isPerWebApp()) {
                WebAppState finished = snapshot.webApp(message.webApp()).orElseThrow().finished(stage, now);
                writes.add(finished);
                webApps.replaceAll(w -> w.name().equals(finished.name()) ? finished : w);
            } else {
                deployment = deployment.stageFinished(now);
            }
        } else if (outcome instanceof StepOutcome.CheckAgain check && stage.isPerWebApp()) {
            WebAppState checked = snapshot.webApp(message.webApp()).orElseThrow().checkedAgain(stage, now);
            if (check.swapRequested()) {
                checked = checked.swapRequested(now);
            }
            if (check.preview() == StepOutcome.Preview.APPLIED) {
                checked = checked.previewApplied(now);
            } else if (check.preview() == StepOutcome.Preview.CANCELLED) {
                checked = checked.previewCancelled();
            }
            if (check.swapRequested() || check.preview() != StepOutcome.Preview.UNCHANGED) {
                WebAppState recorded = checked;
                writes.add(recorded);
                webApps.replaceAll(w -> w.name().equals(recorded.name()) ? recorded : w);
            }
        } else if (outcome instanceof StepOutcome.Fail fail) {
            log.add(LogLine.warning(now, message.webApp(), capitalized(describe(stage)) + " failed" + where + " while "
                    + "the deployment was being cancelled: " + fail.message() + "; undoing it all the same"));
        }
        Stage first = deployment.rollbackDatabase() ? Stage.RESET_RESTORE_DATABASE : Stage.RESET_SWAP;
        Deployment undoing = deployment.atStage(first).nextRound().touchedAt(now);
        log.add(LogLine.info(now, null, "Cancelling: stopped at " + describe(stage) + where + "; undoing what was done"
                + (first == Stage.RESET_RESTORE_DATABASE ? ", restoring the production database first" : "")));
        return new Decision(undoing, writes, null, log, firstMessages(undoing, webApps));
    }

    /**
     * A step message was dead-lettered after {@code deliveryCount} failed deliveries. When the state still
     * expects that work, the deployment fails with the stage, the web app and the count, so that nothing stays
     * InProgress for ever. A dead letter the state no longer expects changes nothing.
     */
    public static Decision deadLettered(DeploymentSnapshot snapshot, StepMessage message, int deliveryCount,
                                        Instant now) {
        // Only the very message the state expects (same stage, round and check): a dead-lettered duplicate of
        // an earlier check, or a message of an earlier round or command attempt, says nothing about the work now.
        if (!isExpected(snapshot, message)) {
            return Decision.sendOnly(List.of());
        }
        String subject = message.webApp() == null ? "" : " for site " + message.webApp();
        return fail(snapshot, message, new StepOutcome.Fail(FailureKind.DEAD_LETTERED, "the " + describe(message.stage())
                + " message" + subject + " kept failing and was dead-lettered (delivery count " + deliveryCount
                + "); the function logs hold each delivery's exception. Start again to resume, or reset"), now)
                .loggedIn(message.stage());
    }

    /**
     * The state moved on while the step ran. A web app's finished work is still recorded when its deployment
     * failed meanwhile, so that its phase and maintenance flag say where it really stands.
     */
    private static Decision recordLateOutcome(DeploymentSnapshot snapshot, StepMessage message, StepOutcome outcome,
                                              Instant now) {
        Deployment deployment = snapshot.deployment();
        Optional<WebAppState> webApp = message.webApp() == null ? Optional.empty() : snapshot.webApp(message.webApp());
        boolean unrecordedWork = outcome instanceof StepOutcome.Advance
                && message.stage().isPerWebApp()
                && webApp.isPresent()
                && !message.stage().isFinishedBy(webApp.get().phase())
                && deployment.status() == DeploymentStatus.FAILED
                && deployment.stage() == message.stage();
        if (!unrecordedWork) {
            return resendExpected(snapshot, message);
        }
        WebAppState finished = webApp.get().finished(message.stage(), now);
        LogLine line = LogLine.warning(now, finished.name(), "Finished " + describe(message.stage())
                + " after the deployment had failed; phase recorded as " + finished.phase().wireName());
        return new Decision(null, List.of(finished), null, List.of(line), List.of());
    }

    private static Decision checkAgain(DeploymentSnapshot snapshot, StepMessage message, StepOutcome.CheckAgain check,
                                       Instant now) {
        Deployment deployment = snapshot.deployment();
        List<LogLine> log = new ArrayList<>();
        if (message.stage().isPerWebApp()) {
            WebAppState webApp = snapshot.webApp(message.webApp()).orElseThrow();
            WebAppState checked = webApp.checkedAgain(message.stage(), now);
            if (check.swapRequested()) {
                checked = checked.swapRequested(now);
            }
            if (check.preview() == StepOutcome.Preview.APPLIED) {
                checked = checked.previewApplied(now);
            } else if (check.preview() == StepOutcome.Preview.CANCELLED) {
                checked = checked.previewCancelled();
            }
            if (shouldLogCheck(checked.checks())) {
                log.add(LogLine.info(now, webApp.name(), check.reason()));
            }
            StepMessage next = message(deployment, message.stage(), webApp.name(), checked.checks());
            return new Decision(null, List.of(checked), null, log,
                    List.of(new OutgoingMessage(next, check.delay())));
        }
        Deployment checked = deployment.checkedAgain(now).withPackageVerified(check.packageVerified());
        if (message.stage() == Stage.WATCH_LIVE) {
            // a round of checks after going live that passed is progress: a watch longer than the environment's
            // no-progress limit is not reported as stuck
            checked = checked.touchedAt(now);
        }
        if (shouldLogCheck(checked.checks()) || check.packageVerified() != null) {
            log.add(LogLine.info(now, null, check.reason()));
        }
        StepMessage next = message(deployment, message.stage(), null, checked.checks());
        return new Decision(checked, List.of(), null, log, List.of(new OutgoingMessage(next, check.delay())));
    }

    /**
     * A transient failure: the same step runs again after {@link #retryDelay} (or the cloud's Retry-After when
     * that is longer, up to {@link #LONGEST_SCHEDULED_DELAY}), logged each time, until the
     * environment's limit of retries in a row have failed; then the deployment fails.
     */
    private static Decision retryLater(DeploymentSnapshot snapshot, StepMessage message, StepOutcome.RetryLater retry,
                                       Instant now) {
        String what = retry.code() + ": " + retry.message();
        int limit = snapshot.environment().config().transientRetryLimit();
        if (message.retry() >= limit) {
            return fail(snapshot, message, new StepOutcome.Fail(retry.kind(), "still failing after "
                    + limit + (limit == 1 ? " retry: " : " retries: ") + what,
                    FailureEvidence.cloud(retry.code(), retry.kind() == FailureKind.CREDENTIALS).withRetries(limit)), now);
        }
        int attempt = message.retry() + 1;
        Duration delay = retryDelay(message, attempt);
        if (retry.notBefore() != null && retry.notBefore().compareTo(delay) > 0) {
            // the cloud asked to be left alone this long (Retry-After); capped at the longest delay the reconciler
            // allows for, so that it does not send the message again while this one waits
            delay = retry.notBefore().compareTo(LONGEST_SCHEDULED_DELAY) > 0 ? LONGEST_SCHEDULED_DELAY : retry.notBefore();
        }
        Decision checked = checkAgain(snapshot, message, new StepOutcome.CheckAgain(delay, ""), now);
        StepMessage next = checked.messages().get(0).message();
        StepMessage retried = new StepMessage(next.deploymentId(), next.environment(), next.stage(), next.webApp(),
                next.sequence(), next.round(), attempt);
        LogLine line = LogLine.retry(now, message.webApp(), "Transient failure in " + describe(message.stage())
                 + " (" + what + "); retry " + attempt + " of " + limit + " in " + delay.toSeconds() + " s");
        return new Decision(checked.deployment(), checked.webApps(), null, List.of(line),
                List.of(new OutgoingMessage(retried, delay)));
    }

    /**
     * Exponential backoff with jitter: 2, 4, 8, 16, 32 s (capped at 2 min), each plus up to half again. The
     * jitter comes from the message id, so web apps retrying at once spread out, and the rule stays a pure
     * function.
     */
    static Duration retryDelay(StepMessage message, int attempt) {
        long base = Math.min(RETRY_MAX_DELAY.toMillis(), RETRY_FIRST_DELAY.toMillis() << (attempt - 1));
        long jitter = Math.floorMod(message.messageId().hashCode() * 31L + attempt, base / 2 + 1);
        return Duration.ofMillis(base + jitter);
    }

    private static boolean shouldLogCheck(int checks) {
        return checks == 1 || checks % LOG_EVERY_NTH_CHECK == 0;
    }

    private static Decision fail(DeploymentSnapshot snapshot, StepMessage message, StepOutcome.Fail fail,
                                 Instant now) {
        Deployment deployment = snapshot.deployment();
        DeploymentError error = new DeploymentError(fail.kind(), message.stage(), message.webApp(), fail.message(), now,
                fail.evidence());
        Deployment failed = deployment.withStatus(DeploymentStatus.FAILED).withError(error).touchedAt(now);
        List<WebAppState> webApps = new ArrayList<>();
        if (message.webApp() != null) {
            snapshot.webApp(message.webApp()).ifPresent(w -> webApps.add(w.failed(error)));
        }
        List<LogLine> log = new ArrayList<>();
        String where = message.webApp() == null ? "" : " on site " + message.webApp();
        log.add(LogLine.error(now, message.webApp(), capitalized(describe(message.stage())) + " failed" + where
                + ": " + fail.message()));
        if (message.stage() == Stage.ENTER_MAINTENANCE) {
            log.add(LogLine.error(now, null, MAINTENANCE_FAILED));
        }
        log.add(LogLine.error(now, null, "Deployment failed"));
        return new Decision(failed, webApps, releaseHold(snapshot), log, List.of());
    }

    private static Decision advance(DeploymentSnapshot snapshot, StepMessage message, StepOutcome.Advance advance,
                                    Instant now) {
        Deployment deployment = snapshot.deployment();
        Stage stage = message.stage();
        List<LogLine> log = new ArrayList<>();
        if (advance.note() != null) {
            log.add(LogLine.info(now, message.webApp(), advance.note()));
        }
        if (advance.warning() != null) {
            log.add(LogLine.warning(now, message.webApp(), advance.warning()));
            deployment = deployment.withWarning(advance.warning());
        }
        if (!stage.isPerWebApp()) {
            Deployment finished = deployment.stageFinished(now).touchedAt(now);
            if (stage == Stage.AWAIT_VERIFICATION) {
                return verified(snapshot, finished.withValidationLinks(advance.validationLinks())
                        .withSmokeChecks(advance.smokeChecks()), advance, log, now);
            }
            if (stage == Stage.VERIFY_PACKAGE) {
                finished = finished.packageVerified(now).withKeptPackages(advance.keptPackages());
            }
            if (stage == Stage.WATCH_LIVE) {
                return watched(snapshot, finished, advance, log, now);
            }
            if (stage == Stage.RESET_PREPARE) {
                // the two-phase reset's first half is done: the previous code waits on its slot to be checked
                Deployment awaiting = finished.withValidationLinks(advance.validationLinks())
                        .withStatus(DeploymentStatus.AWAITING_RESET_VERIFICATION);
                log.add(LogLine.info(now, null, "Awaiting reset verification: check the previous package on its slot ("
                        + String.join(", ", advance.validationLinks()) + "), then complete to swap it back into "
                        + "production, or cancel"));
                return new Decision(awaiting, List.of(), null, log, List.of());
            }
            return moveOn(snapshot, finished, snapshot.webApps(), List.of(), log, now);
        }
        WebAppState finished = snapshot.webApp(message.webApp()).orElseThrow().finished(stage, now);
        List<WebAppState> after = new ArrayList<>();
        for (WebAppState webApp : snapshot.webApps()) {
            after.add(webApp.name().equals(finished.name()) ? finished : webApp);
        }
        boolean lastToFinish = after.stream().allMatch(w -> stage.isFinishedBy(w.phase()));
        // The deployment row is written on every finish, conditional on its etag: of two web apps that finish
        // at once, one write loses, re-reads, and sees that it is now the last. The deployment advances once.
        Deployment touched = deployment.touchedAt(now);
        if (!lastToFinish) {
            return new Decision(touched, List.of(finished), null, log, List.of());
        }
        log.add(LogLine.info(now, null, stageDoneLine(stage)));
        return moveOn(snapshot, touched, after, List.of(finished), log, now);
    }

    /**
     * Every staging slot is warm and the smoke checks (if any) have run: by the environment's verification
     * policy, wait for a person, go live, or roll back. Going live on its own is withheld when it would lose
     * writes made to the temporary database (ReadWrite mode), which only a person may accept.
     */
    private static Decision verified(DeploymentSnapshot snapshot, Deployment deployment, StepOutcome.Advance advance,
                                     List<LogLine> log, Instant now) {
        VerificationPolicy policy = snapshot.environment().config().verification();
        if (deployment.mode() == DeploymentMode.READ_WRITE) {
            // kept with its time, so that a status poll shows it without asking SQL
            deployment = deployment.withCloneWriteCount(new CloneWriteCount(advance.cloneWrites(), now));
        }
        List<SmokeCheckResult> results = advance.smokeChecks();
        long failed = results.stream().filter(r -> !r.passed()).count();
        if (!results.isEmpty()) {
            log.add(failed == 0
                    ? LogLine.info(now, null, "Every smoke check passed (" + results.size() + ")")
                    : LogLine.warning(now, null, failed + " of " + results.size() + " smoke checks failed; first: "
                    + describe(results.stream().filter(r -> !r.passed()).findFirst().orElseThrow())));
        }
        if (failed > 0 && policy.onFail() == VerificationPolicy.OnFail.RESET) {
            log.add(LogLine.warning(now, null, "Resetting, as the environment's verification policy says when a smoke "
                    + "check fails"));
            return Commands.reset(new DeploymentSnapshot(snapshot.environment(), deployment, snapshot.webApps()),
                    policy.rollbackDatabase(), now).withLogFirst(log);
        }
        if (!results.isEmpty() && failed == 0 && policy.onPass() == VerificationPolicy.OnPass.COMPLETE) {
            Long writes = advance.cloneWrites();
            boolean losesNothing = deployment.mode() != DeploymentMode.READ_WRITE || (writes != null && writes == 0);
            if (losesNothing) {
                log.add(LogLine.info(now, null, "Completing, as the environment's verification policy says when every "
                        + "smoke check passes"));
                return Commands.complete(new DeploymentSnapshot(snapshot.environment(), deployment, snapshot.webApps()),
                        now).withLogFirst(log);
            }
            String warning = writes == null
                    ? "Not completing on its own: the writes to the temporary database could not be counted, and "
                    + "any would be lost; check, then complete (with acceptDataLoss if needed), or reset"
                    : "Not completing on its own: " + writes + " write(s) reached the temporary database since the "
                    + "clone and would be lost; complete with acceptDataLoss, or reset";
            log.add(LogLine.warning(now, null, warning));
            deployment = deployment.withWarning(warning);
        }
        Deployment awaiting = deployment.withStatus(DeploymentStatus.AWAITING_VERIFICATION);
        log.add(LogLine.info(now, null, "Awaiting verification: check the staging slots, then complete or reset"));
        return new Decision(awaiting, List.of(), null, log, List.of());
    }

    /**
     * The checks after going live are over ({@link Stage#WATCH_LIVE}): every one passed for the whole watch, or one
     * failed (the step stops at the first round with a failure). A failure rolls back when the policy says so;
     * otherwise it is a warning and the deployment succeeds with its rollback window, for a person to decide.
     */
    private static Decision watched(DeploymentSnapshot snapshot, Deployment deployment, StepOutcome.Advance advance,
                                    List<LogLine> log, Instant now) {
        VerificationPolicy.AfterComplete policy = snapshot.environment().config().verification().afterComplete();
        List<SmokeCheckResult> failed = advance.smokeChecks().stream().filter(r -> !r.passed()).toList();
        if (policy == null) {
            return moveOn(snapshot, deployment, snapshot.webApps(), List.of(), log, now);
        }
        if (failed.isEmpty()) {
            log.add(LogLine.info(now, null, "Every check after going live passed for "
                    + policy.duration().toMinutes() + " minute(s)"));
            return moveOn(snapshot, deployment, snapshot.webApps(), List.of(), log, now);
        }
        String reason = failed.size() + " of " + advance.smokeChecks().size() + " check(s) against production failed"
                + " after going live; first: " + describe(failed.get(0));
        if (policy.onFail() == VerificationPolicy.OnFailLive.ROLL_BACK) {
            log.add(LogLine.warning(now, null, reason + ". Rolling back, as the environment's verification policy"
                    + " (afterComplete.onFail RollBack) says"));
            return Commands.rollback(new DeploymentSnapshot(snapshot.environment(), deployment, snapshot.webApps()),
                    reason, now, null).withLogFirst(log);
        }
        String warning = reason + "; not rolled back (afterComplete.onFail Notify): roll back within the window if"
                + " needed";
        log.add(LogLine.warning(now, null, warning));
        return moveOn(snapshot, deployment.withWarning(warning), snapshot.webApps(), List.of(), log, now);
    }

    private static String describe(SmokeCheckResult result) {
        return (result.webApp() == null ? "" : result.webApp() + " ") + result.path() + ": " + result.detail();
    }

    /** The last piece of a stage is done: go to the next stage, or finish the deployment. */
    private static Decision moveOn(DeploymentSnapshot snapshot, Deployment deployment, List<WebAppState> webApps,
                                   List<WebAppState> writes, List<LogLine> log, Instant now) {
        Stage next = deployment.stage().next();
        EnvironmentConfig config = snapshot.environment().config();
        if (deployment.stage() == Stage.COMPLETE_CLEANUP && config.verification().watchesAfterComplete()
                && config.keepsRollbackWindow()) {
            next = Stage.WATCH_LIVE;
            VerificationPolicy.AfterComplete watch = config.verification().afterComplete();
            log.add(LogLine.info(now, null, "Checking production every " + watch.interval().toSeconds() + " s for "
                    + watch.duration().toMinutes() + " minute(s) after going live (" + watch.smokeChecks().size()
                    + " check(s)); the previous code waits warm in the maintenance slots"));
        }
        if (next == Stage.RESET_SWAP && deployment.stage() == Stage.RESET_RESTORE_DATABASE
                && deployment.resetVerification() != null) {
            // a two-phase reset checks the previous code, on the restored database, before swapping it back
            next = Stage.RESET_PREPARE;
        }
        if (next == Stage.FINISHED) {
            Stage last = deployment.stage();
            DeploymentStatus end = last == Stage.COMPLETE_CLEANUP || last == Stage.WATCH_LIVE ? DeploymentStatus.SUCCEEDED
                    : last == Stage.ROLLBACK_SWAP ? DeploymentStatus.ROLLED_BACK
                    : deployment.status() == DeploymentStatus.CANCELLING ? DeploymentStatus.CANCELLED
                    : DeploymentStatus.RESET;
            log.add(LogLine.info(now, null, switch (end) {
                case SUCCEEDED -> "Deployment succeeded";
                case CANCELLED -> "Deployment cancelled: every site is back on its previous package";
                case ROLLED_BACK -> "Deployment rolled back: production serves the previous code again, on the"
                        + " production database as the release left it";
                default -> "Deployment reset";
            }));
            Deployment finished = deployment.atStage(Stage.FINISHED).withStatus(end);
            if (end == DeploymentStatus.SUCCEEDED && config.keepsRollbackWindow()) {
                RollbackWindow window = RollbackWindow.openUntil(now.plus(config.rollbackWindow()));
                finished = finished.withRollbackWindow(window);
                log.add(LogLine.info(now, null, "Rollback window open until " + window.until() + ": the previous"
                        + " code waits warm in each maintenance slot, on the production database; POST"
                        + " /api/deployments/" + deployment.id() + "/rollback swaps it back (code only: the database"
                        + " keeps the release's changes)"));
            }
            return new Decision(finished, writes, releaseHold(snapshot), log, List.of());
        }
        // A resumed run skips a per-web-app stage that every web app has already finished.
        while (next.isPerWebApp() && allFinished(next, webApps)) {
            log.add(LogLine.info(now, null, "Skipping " + describe(next) + ": every web app has already done it"));
            next = next.next();
        }
        Deployment moved = deployment.atStage(next);
        if (next.isPerWebApp()) {
            Stage stage = next;
            List<String> done = webApps.stream().filter(w -> stage.isFinishedBy(w.phase())).map(WebAppState::name).toList();
            if (!done.isEmpty()) {
                log.add(LogLine.info(now, null, "Skipping " + describe(stage) + " on " + String.join(", ", done)
                        + ": already done"));
            }
        }
        return new Decision(moved, writes, null, log, firstMessages(moved, webApps));
    }

    private static boolean allFinished(Stage stage, List<WebAppState> webApps) {
        return webApps.stream().allMatch(w -> stage.isFinishedBy(w.phase()));
    }

    /** The first message of the deployment's current stage: one per web app, or one for the deployment. */
    static List<OutgoingMessage> firstMessages(Deployment deployment, List<WebAppState> webApps) {
        Stage stage = deployment.stage();
        if (!stage.isPerWebApp()) {
            return List.of(OutgoingMessage.now(message(deployment, stage, null, 0)));
        }
        return webApps.stream()
                .filter(w -> !stage.isFinishedBy(w.phase()))
                .map(w -> OutgoingMessage.now(message(deployment, stage, w.name(), 0)))
                .toList();
    }

    /**
     * Releases the environment's hold when this deployment holds it. A snapshot without the environment row
     * (a step delivery reads only the deployment's rows) cannot tell by reading, but a deployment that is running
     * as read holds its environment: the hold is taken in the transaction that makes a deployment start or reset
     * (on the environment row's etag, with no hold on it), kept by a re-registration (on the etag too) and given
     * up only in the transaction that makes the deployment terminal. So when this decision's transaction commits,
     * the deployment's row is as read (its etag is a condition), it is still running, and the hold is its own: the
     * release is written without reading the row ({@link EnvironmentRecord#releaseUnread}). For a deployment not
     * running as read the decision names the snapshot's placeholder record, which has no etag, so no store writes
     * it; the runner reads the environment row and decides again ({@link #needsEnvironmentRow}).
     */
    private static EnvironmentRecord releaseHold(DeploymentSnapshot snapshot) {
        EnvironmentRecord environment = snapshot.environment();
        if (!snapshot.environmentRead()) {
            return isRunning(snapshot.deployment()) ? EnvironmentRecord.releaseUnread(environment.config()) : environment;
        }
        return snapshot.deployment().id().equals(environment.activeDeploymentId()) ? environment.withoutHold() : null;
    }

    /**
     * True when {@code decision}, made on {@code snapshot}, would write the environment row that the snapshot
     * did not read: decide again on the snapshot with the environment row.
     */
    public static boolean needsEnvironmentRow(DeploymentSnapshot snapshot, Decision decision) {
        return !snapshot.environmentRead() && decision.environment() != null && !decision.environment().releasesUnread();
    }

    private static boolean isRunning(Deployment deployment) {
        if (deployment.status().isTerminal() || deployment.stage() == Stage.FINISHED) {
            return false;
        }
        DeploymentStatus active = deployment.stage().activeStatus();
        if (deployment.status() == DeploymentStatus.CANCELLING) {
            // a cancel's intent at a forward stage (the next run hands over), then the undo's stages
            return active == DeploymentStatus.IN_PROGRESS || active == DeploymentStatus.RESETTING;
        }
        return deployment.status() == active;
    }

    private static StepMessage message(Deployment deployment, Stage stage, String webApp, int sequence) {
        return new StepMessage(deployment.id(), deployment.environment(), stage, webApp, sequence, deployment.round());
    }

    static String stageDoneLine(Stage stage) {
        return stage.doneLine();
    }

    static String describe(Stage stage) {
        return stage.description();
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
