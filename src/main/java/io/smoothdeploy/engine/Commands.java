package io.smoothdeploy.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The operator commands as pure decisions: what to write and send, given what was read. */
public final class Commands {

    /** How the log line of a roll forward starts (the support bundle counts them). */
    public static final String ROLL_FORWARD_LINE = "Rolling forward from ";

    private Commands() {
    }

    /** The rows of a new deployment of {@code environment}, in its first stage. */
    public static Decision start(EnvironmentRecord environment, StartRequest request, String deploymentId,
                                 Instant now) {
        return start(environment, request, deploymentId, now, Optional.empty());
    }

    /**
     * The rows of a new deployment. When the environment's last deployment failed, the new one resumes it
     * ({@link Resume}): same lineage, and each web app keeps what it finished.
     */
    public static Decision start(EnvironmentRecord environment, StartRequest request, String deploymentId,
                                 Instant now, Optional<DeploymentSnapshot> last) {
        return start(environment, request, deploymentId, now, last,
                new MaintenancePackages.Choice(java.util.Map.of(), List.of(), null, null));
    }

    /**
     * The same, with the packages the main sites' maintenance slots run, as {@link MaintenancePackages} named them
     * (recorded on the deployment, and logged with their source).
     */
    public static Decision start(EnvironmentRecord environment, StartRequest request, String deploymentId,
                                 Instant now, Optional<DeploymentSnapshot> last, MaintenancePackages.Choice packages) {
        return start(environment, request, deploymentId, now, last, packages, null);
    }

    /**
     * The same, recording who asked ({@code actor}, null for none: then the deployment's audit stays empty) on
     * the deployment and in its first log line.
     */
    public static Decision start(EnvironmentRecord environment, StartRequest request, String deploymentId,
                                 Instant now, Optional<DeploymentSnapshot> last, MaintenancePackages.Choice packages,
                                 Actor actor) {
        boolean resume = Resume.applies(last);
        String lineage = resume ? last.get().deployment().lineageId() : deploymentId;
        Deployment deployment = new Deployment(deploymentId, environment.config().name(),
                DeploymentStatus.IN_PROGRESS, Stage.VERIFY_PACKAGE, 0, request.mode(), request.packageUri(),
                request.packageSha256(), request.idempotencyKey(), now, now, null, false, List.of(), List.of(),
                List.of(), lineage, resume ? last.get().deployment().id() : null,
                resume ? last.get().deployment().lineageStartedAt() : now, 0, null, null)
                .withProvenance(request.commitId(), request.pipelineRunUrl())
                .withMaintenancePackages(packages.packages())
                .withPackages(resume ? carriedPackages(request, last.get().deployment(), environment.config())
                        : request.packages());
        if (actor != null) {
            deployment = deployment.withAudit(new AuditEntry(AuditEntry.START, actor, now));
        }
        List<WebAppState> webApps = resume
                ? Resume.webApps(last.get(), environment.config(), deployment)
                : environment.config().webApps().stream().map(w -> WebAppState.pending(deploymentId, w)).toList();
        List<LogLine> log = new ArrayList<>();
        log.add(LogLine.info(now, null, "Deployment " + deploymentId + " started" + by(actor) + ": mode "
                + request.mode().wireName() + ", " + request.describePackages() + ", "
                + webApps.size() + " web app(s)"));
        if (resume) {
            log.add(LogLine.info(now, null, Resume.describe(last.get(), webApps, deployment)));
        }
        packages.lines().forEach(line -> log.add(LogLine.info(now, null, line)));
        if (last.isPresent() && last.get().deployment().status() == DeploymentStatus.SUCCEEDED
                && last.get().deployment().rollbackWindow() != null
                && last.get().deployment().rollbackWindow().isOpenAt(now)) {
            log.add(LogLine.info(now, null, "Closes the rollback window of deployment " + last.get().deployment().id()
                    + " (open until " + last.get().deployment().rollbackWindow().until() + "): this deployment's"
                    + " maintenance slots take over the slots where its previous code waited"));
        }
        return new Decision(deployment, webApps, environment.withHold(deploymentId), log,
                Transitions.firstMessages(deployment, webApps));
    }

    /**
     * Roll forward: while awaiting verification, a start with another package deploys it to the staging
     * slots of the same run. The clone keeps serving and nothing enters maintenance again; warm-up is redone.
     */
    public static Decision rollForward(DeploymentSnapshot snapshot, StartRequest request, Instant now) {
        return rollForward(snapshot, request, now, null);
    }

    /** The same, recording who asked (null for none). */
    public static Decision rollForward(DeploymentSnapshot snapshot, StartRequest request, Instant now, Actor actor) {
        Deployment before = snapshot.deployment();
        Deployment rolled = audited(before.rolledForward(request.packageUri(), request.packageSha256(),
                        rolledForwardPackages(before, request, snapshot.webApps()), now)
                .withProvenance(request.commitId(), request.pipelineRunUrl()), AuditEntry.ROLL_FORWARD, actor, now);
        // a web app whose package did not change keeps its deployed staging slot; only warm-up is redone
        List<WebAppState> webApps = snapshot.webApps().stream().map(w -> w.backTo(
                Resume.samePackage(before, w.name(), rolled::packageFor) ? WebAppPhase.DEPLOYED
                        : WebAppPhase.IN_MAINTENANCE)).toList();
        List<String> redeployed = webApps.stream().filter(w -> w.phase() != WebAppPhase.DEPLOYED)
                .map(WebAppState::name).toList();
        String slots = redeployed.size() == webApps.size() ? "every staging slot is deployed and warmed again"
                : redeployed.isEmpty() ? "every staging slot is warmed again"
                : "the staging slots of " + String.join(", ", redeployed) + " are deployed again, and every staging "
                + "slot is warmed again";
        LogLine line = LogLine.info(now, null, ROLL_FORWARD_LINE + before.describePackages() + " to "
                + rolled.describePackages() + by(actor) + ": the clone keeps serving; " + slots)
                .as(LogLine.Event.ROLL_FORWARD);
        return new Decision(rolled, webApps, null, List.of(line), Transitions.firstMessages(rolled, webApps),
                request.idempotencyKey());
    }

    /**
     * A resumed run's packages per web app: the request's own, and for a web app it names none, the package the
     * failed run kept for it (production's, named before anything changed; production still runs it). Empty when
     * the request gives one package for all.
     */
    static java.util.Map<String, WebAppPackage> carriedPackages(StartRequest request, Deployment failed,
                                                                EnvironmentConfig config) {
        if (!request.perWebAppPackages()) {
            return java.util.Map.of();
        }
        java.util.Map<String, WebAppPackage> all = new java.util.LinkedHashMap<>(request.packages());
        for (WebAppConfig webApp : config.webApps()) {
            failed.packageFor(webApp.name()).filter(WebAppPackage::kept)
                    .ifPresent(kept -> all.putIfAbsent(webApp.name(), kept));
        }
        return all;
    }

    /**
     * A roll forward's packages per web app: with one package for all, none (empty); else the request's own, and
     * for a web app it names none, the package this run gave it before.
     */
    static java.util.Map<String, WebAppPackage> rolledForwardPackages(Deployment before, StartRequest request,
                                                                      List<WebAppState> webApps) {
        if (!request.perWebAppPackages()) {
            return java.util.Map.of();
        }
        java.util.Map<String, WebAppPackage> all = new java.util.LinkedHashMap<>(request.packages());
        for (WebAppState webApp : webApps) {
            if (!all.containsKey(webApp.name())) {
                before.packageFor(webApp.name()).ifPresent(pkg -> all.put(webApp.name(), pkg));
            }
        }
        return all;
    }

    /** Complete: go live. Allowed while awaiting verification. */
    public static Decision complete(DeploymentSnapshot snapshot, Instant now) {
        return complete(snapshot, now, 0);
    }

    /**
     * Complete a ReadWrite run whose temporary database took {@code writesAccepted} writes that a person
     * accepted to lose ({@link Deployment#ANY_NUMBER_OF_WRITES} for an uncounted number): the swap step counts
     * again once writes to it are stopped, and waits if more came.
     */
    public static Decision complete(DeploymentSnapshot snapshot, Instant now, long writesAccepted) {
        return complete(snapshot, now, writesAccepted, null);
    }

    /** The same, recording who asked (null for none). */
    public static Decision complete(DeploymentSnapshot snapshot, Instant now, long writesAccepted, Actor actor) {
        Deployment completing = audited(snapshot.deployment().withStatus(DeploymentStatus.COMPLETING)
                .atStage(Stage.COMPLETE_SWAP).nextRound().withCloneWritesAccepted(writesAccepted).touchedAt(now),
                AuditEntry.COMPLETE, actor, now);
        LogLine line = LogLine.info(now, null, "Complete requested" + by(actor)
                + ": swapping the new package into production");
        return new Decision(completing, List.of(), null, List.of(line),
                Transitions.firstMessages(completing, snapshot.webApps()));
    }

    /**
     * Reset: roll back, restoring the database first when asked. Allowed while awaiting verification, and
     * from Failed, when the failed run takes the environment's hold again to take every web app out of
     * maintenance.
     */
    public static Decision reset(DeploymentSnapshot snapshot, boolean rollbackDatabase, Instant now) {
        return reset(snapshot, rollbackDatabase, now, null);
    }

    /** The same, recording who asked (null for none). */
    public static Decision reset(DeploymentSnapshot snapshot, boolean rollbackDatabase, Instant now, Actor actor) {
        return reset(snapshot, rollbackDatabase, false, now, actor);
    }

    /**
     * The same; with {@code validateBeforeSwap} a two-phase reset: after the restore (when asked) it stops at
     * AwaitingResetVerification with the previous code warm on its slot ({@link Stage#RESET_PREPARE}), and
     * {@link #completeReset} swaps it back.
     */
    public static Decision reset(DeploymentSnapshot snapshot, boolean rollbackDatabase, boolean validateBeforeSwap,
                                 Instant now, Actor actor) {
        Decision plain = plainReset(snapshot, rollbackDatabase, now, actor);
        if (!validateBeforeSwap) {
            return plain;
        }
        Deployment before = snapshot.deployment();
        Deployment resetting = plain.deployment().withResetVerification(
                new ResetVerification(before.status(), before.validationLinks()));
        if (resetting.stage() == Stage.RESET_SWAP) {
            resetting = resetting.atStage(Stage.RESET_PREPARE);
        }
        List<LogLine> log = new ArrayList<>(plain.log());
        log.add(LogLine.info(now, null, "Validate before swap: the previous package is warmed on its slot"
                + (resetting.stage() == Stage.RESET_RESTORE_DATABASE ? ", on the restored database," : "")
                + " and waits there to be checked; complete swaps it back, cancel returns to "
                + before.status().wireName()));
        return new Decision(resetting, List.of(), plain.environment(), log,
                Transitions.firstMessages(resetting, snapshot.webApps()));
    }

    /** The second half of a two-phase reset: the previous code, checked, is swapped back into production. */
    public static Decision completeReset(DeploymentSnapshot snapshot, Instant now, Actor actor) {
        Deployment swapping = audited(snapshot.deployment().withStatus(DeploymentStatus.RESETTING)
                .atStage(Stage.RESET_SWAP).nextRound().touchedAt(now), AuditEntry.COMPLETE, actor, now);
        LogLine line = LogLine.info(now, null, "Reset verified" + by(actor)
                + ": swapping the previous package back into production");
        return new Decision(swapping, List.of(), null, List.of(line),
                Transitions.firstMessages(swapping, snapshot.webApps()));
    }

    /**
     * Why a two-phase reset cannot be cancelled back to where it was asked, or empty when it can: nothing was restored
     * (a restored production database holds the old data; going back to verification would put the new release's
     * check on it), and it was asked while awaiting verification (a failed run has nothing to go back to).
     */
    public static Optional<String> cancelRefusal(Deployment deployment) {
        ResetVerification verification = deployment.resetVerification();
        if (deployment.rollbackDatabase() || deployment.timings().containsKey(Stage.RESET_RESTORE_DATABASE)) {
            return Optional.of("Deployment " + deployment.id() + " restored the production database to "
                    + deployment.lineageStartedAt() + " for this reset, so the new release's checks would no longer"
                    + " run on the database it migrated; the reset cannot be undone: complete it (POST /api/deployments/"
                    + deployment.id() + "/complete) to swap the previous package back");
        }
        if (verification == null || verification.askedFrom() != DeploymentStatus.AWAITING_VERIFICATION) {
            return Optional.of("Deployment " + deployment.id() + " was reset from "
                    + (verification == null ? "another status" : verification.askedFrom().wireName())
                    + ", not from AwaitingVerification, so there is nothing to go back to: complete the reset (POST "
                    + "/api/deployments/" + deployment.id() + "/complete)");
        }
        return Optional.empty();
    }

    /**
     * Cancels a two-phase reset whose database was not restored: back to AwaitingVerification, with the new release's
     * validation links; the previous code stays warm on its slot, as it was. Check {@link #cancelRefusal} first.
     */
    public static Decision cancelResetVerification(DeploymentSnapshot snapshot, Instant now, Actor actor) {
        Deployment deployment = snapshot.deployment();
        Deployment back = audited(deployment.withStatus(DeploymentStatus.AWAITING_VERIFICATION)
                .atStage(Stage.AWAIT_VERIFICATION).withValidationLinks(deployment.resetVerification().stagingLinks())
                .withResetVerification(null).touchedAt(now), AuditEntry.CANCEL_RESET_VERIFICATION, actor, now);
        LogLine line = LogLine.info(now, null, "Reset cancelled" + by(actor) + " before the swap back: awaiting "
                + "verification of the new package again; complete or reset");
        return new Decision(back, List.of(), null, List.of(line), List.of());
    }

    private static Decision plainReset(DeploymentSnapshot snapshot, boolean rollbackDatabase, Instant now,
                                       Actor actor) {
        // A database restored by an earlier attempt of this reset is not restored again: that would throw away
        // what was written to it since. The state records the restore (its stage timing) once it is done.
        boolean restoredAlready = snapshot.deployment().timings().containsKey(Stage.RESET_RESTORE_DATABASE);
        Stage first = rollbackDatabase && !restoredAlready ? Stage.RESET_RESTORE_DATABASE : Stage.RESET_SWAP;
        Deployment resetting = audited(snapshot.deployment().withStatus(DeploymentStatus.RESETTING)
                .withRollbackDatabase(rollbackDatabase || restoredAlready).atStage(first).nextRound().touchedAt(now),
                AuditEntry.RESET, actor, now);
        String requested = "Reset requested" + by(actor) + ": ";
        List<LogLine> log = new ArrayList<>();
        String swapBack = "swapping the previous package back";
        log.add(LogLine.info(now, null, restoredAlready
                ? requested + "the production database was already restored to "
                + snapshot.deployment().lineageStartedAt() + " by an earlier attempt; " + swapBack
                : rollbackDatabase
                ? requested + "restoring the production database to " + snapshot.deployment().lineageStartedAt()
                + ", then " + swapBack
                : requested + swapBack + "; the production database keeps its changes"));
        EnvironmentRecord hold = snapshot.deployment().status() == DeploymentStatus.FAILED
                ? snapshot.environment().withHold(snapshot.deployment().id()) : null;
        return new Decision(resetting, List.of(), hold, log, Transitions.firstMessages(resetting, snapshot.webApps()));
    }

    /**
     * Cancel: a dispatch on the deployment's status, so that each status that accepts a cancel is one case. While
     * InProgress, only the intent is written (status Cancelling, with {@code rollbackDatabase} and the reason) on the
     * deployment row, conditional on its etag, and nothing is sent: the step in flight finishes its run, and the next
     * run of any forward step sees the intent and hands over to the undo path ({@link Transitions}), which undoes
     * what was done as Reset does. The caller has checked that the status allows a cancel.
     */
    public static Decision cancel(DeploymentSnapshot snapshot, boolean rollbackDatabase, String reason, Instant now,
                                  Actor actor) {
        Deployment deployment = snapshot.deployment();
        return switch (deployment.status()) {
            case IN_PROGRESS -> cancelRun(deployment, rollbackDatabase, reason, now, actor);
            default -> throw new IllegalStateException("a " + deployment.status().wireName()
                    + " deployment takes no cancel");
        };
    }

    private static Decision cancelRun(Deployment deployment, boolean rollbackDatabase, String given, Instant now,
                                      Actor actor) {
        // free text from a person: a pasted token or SAS query string never reaches the row, the log or a webhook
        String reason = given == null ? null : Redact.text(given);
        Deployment cancelling = audited(deployment.withStatus(DeploymentStatus.CANCELLING)
                .withRollbackDatabase(rollbackDatabase).withCancelReason(reason).touchedAt(now),
                AuditEntry.CANCEL, actor, now);
        String undo = rollbackDatabase
                ? "the production database is restored to " + deployment.lineageStartedAt() + ", then every site goes "
                + "back on its previous package and the temporary database is dropped"
                : "every site goes back on its previous package and the temporary database is dropped; the production "
                + "database keeps its changes";
        LogLine line = LogLine.info(now, null, "Cancel requested" + by(actor) + (reason == null ? "" : " (" + reason + ")")
                + ": the forward steps stop at their next run (a copy or swap under way finishes first), then " + undo);
        return new Decision(cancelling, List.of(), null, List.of(line), List.of());
    }

    /**
     * Rollback after going live: the previous code, which waits warm in each web app's maintenance slot on P, is
     * swapped back into production. Code only: P keeps what the release did to it. From Succeeded (a person, within
     * the rollback window) the deployment takes its environment's hold again; from the checks after going live
     * ({@link Stage#WATCH_LIVE}, by policy) it still holds it.
     *
     * @param reason why, for the status ({@link RollbackWindow#rollbackReason()}) and the log
     * @param actor  who asked, or null for the orchestrator's own policy
     */
    public static Decision rollback(DeploymentSnapshot snapshot, String reason, Instant now, Actor actor) {
        Deployment before = snapshot.deployment();
        RollbackWindow window = before.rollbackWindow() == null ? RollbackWindow.openUntil(now) : before.rollbackWindow();
        Deployment rolling = audited(before.withStatus(DeploymentStatus.ROLLING_BACK).atStage(Stage.ROLLBACK_SWAP)
                .nextRound().withRollbackWindow(window.rolledBack(now, reason)).touchedAt(now),
                AuditEntry.ROLLBACK, actor, now);
        // a person's rollback names them (the reason says the same); the policy's names the check that failed
        LogLine line = LogLine.info(now, null, "Rollback requested" + (actor == null ? " (" + reason + ")" : by(actor))
                + ": swapping the"
                + " previous code back into production; the production database keeps the release's changes");
        EnvironmentRecord hold = before.status() == DeploymentStatus.SUCCEEDED
                ? snapshot.environment().withHold(before.id()) : null;
        return new Decision(rolling, List.of(), hold, List.of(line), Transitions.firstMessages(rolling, snapshot.webApps()));
    }

    /** {@code deployment} with {@code action} by {@code actor} recorded, or as it is when there is no actor. */
    static Deployment audited(Deployment deployment, String action, Actor actor, Instant now) {
        return actor == null ? deployment : deployment.withAudit(new AuditEntry(action, actor, now));
    }

    /** " by <who>" for a log line, or nothing when there is no actor. */
    static String by(Actor actor) {
        return actor == null ? "" : " by " + actor.describe();
    }

    /**
     * True when {@code action} is already under way on this deployment (Complete while Completing, Reset while
     * Resetting): asking again is answered as accepted, so a caller that lost the first answer can retry.
     */
    public static boolean isUnderway(Deployment deployment, String action) {
        return ("complete".equals(action) && deployment.status() == DeploymentStatus.COMPLETING)
                || ("reset".equals(action) && deployment.status() == DeploymentStatus.RESETTING)
                || ("cancel".equals(action) && (deployment.status() == DeploymentStatus.CANCELLING
                || deployment.status() == DeploymentStatus.CANCELLED))
                || ("rollback".equals(action) && deployment.status() == DeploymentStatus.ROLLING_BACK)
                || ("complete".equals(action) && deployment.status() == DeploymentStatus.RESETTING
                && deployment.resetVerification() != null && deployment.stage() != Stage.RESET_PREPARE
                && deployment.stage() != Stage.RESET_RESTORE_DATABASE);
    }

    /** Which actions a deployment in this status allows, for a 409 answer. */
    public static boolean allows(Deployment deployment, String action) {
        return deployment.status().allowedActions().contains(action);
    }

    /** Whether {@code deployment} allows {@code action} at {@code now} (a rollback needs its window open). */
    public static boolean allows(Deployment deployment, String action, Instant now) {
        return deployment.allowedActions(now).contains(action);
    }
}
