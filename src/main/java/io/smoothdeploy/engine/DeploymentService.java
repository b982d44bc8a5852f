package io.smoothdeploy.engine;

import io.smoothdeploy.engine.port.DatabaseActivity;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.StepQueue;
import io.smoothdeploy.engine.port.ConcurrencyConflictException;
import io.smoothdeploy.engine.port.DeploymentStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out operator commands: read, decide (in {@link Commands}), write conditionally, then send. A lost
 * write re-reads and decides again, so two callers racing on one environment or deployment never both win.
 */
public final class DeploymentService {

    private static final int MAX_ROUNDS = 10;
    private static final Logger LOG = Logger.getLogger(DeploymentService.class.getName());

    private final DeploymentStore store;
    private final StepQueue queue;
    private final Clock clock;
    private final Supplier<String> newDeploymentId;
    private final DatabaseActivity activity;
    private final StatusNotifications notifications;
    private final Outbox outbox;

    public DeploymentService(DeploymentStore store, StepQueue queue, Clock clock, Supplier<String> newDeploymentId,
                             DatabaseActivity activity, StatusNotifications notifications) {
        this.notifications = notifications;
        this.store = store;
        this.queue = queue;
        this.clock = clock;
        this.newDeploymentId = newDeploymentId;
        this.activity = activity;
        this.outbox = new Outbox(store, queue);
    }

    public CommandResult registerEnvironment(EnvironmentConfig config) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<EnvironmentRecord> existing = store.findEnvironment(config.name());
            if (existing.isPresent() && existing.get().activeDeploymentId() != null) {
                return new CommandResult.EnvironmentBusy(config.name(), existing.get().activeDeploymentId());
            }
            Optional<CommandResult.ResourceTaken> taken = takenElsewhere(config, store.listEnvironments());
            if (taken.isPresent()) {
                return taken.get();
            }
            try {
                EnvironmentRecord saved = store.saveEnvironment(config, existing.map(EnvironmentRecord::etag).orElse(null));
                return new CommandResult.Registered(saved, existing.isEmpty());
            } catch (ConcurrencyConflictException e) {
                // changed since read: read again
            }
        }
        throw tooBusy("environment " + config.name());
    }

    /**
     * The first site or database of {@code config} that another registered environment names. Two environments
     * on one site would swap its slots and move it in and out of maintenance without knowing of each other, and
     * two on one database would copy, rename and restore it under each other. Resource ids and database names are
     * compared without regard to case, as ARM and Azure SQL compare them. (Two registrations racing each other
     * can both pass this check; registering is an administrator's rare act, and the check is not a lock.)
     */
    static Optional<CommandResult.ResourceTaken> takenElsewhere(EnvironmentConfig config,
                                                                List<EnvironmentRecord> registered) {
        for (EnvironmentRecord other : registered) {
            EnvironmentConfig theirs = other.config();
            if (theirs.name().equals(config.name())) {
                continue;
            }
            for (int i = 0; i < config.webApps().size(); i++) {
                String mine = config.webApps().get(i).resourceId();
                Optional<String> shared = theirs.webApps().stream().map(WebAppConfig::resourceId)
                        .filter(id -> id.equalsIgnoreCase(mine)).findFirst();
                if (shared.isPresent()) {
                    String site = shared.get();
                    return Optional.of(new CommandResult.ResourceTaken("webApps[" + i + "].resourceId", theirs.name(),
                            "Site " + site + " is already deployed by environment " + theirs.name() + "; a site "
                                    + "belongs to one environment. Deploy it through " + theirs.name() + ", or "
                                    + "remove it from " + theirs.name() + "'s registration (PUT /api/environments/"
                                    + theirs.name() + ") first"));
                }
            }
            DatabaseConfig mine = config.database();
            DatabaseConfig their = theirs.database();
            if (mine.serverResourceId().equalsIgnoreCase(their.serverResourceId())
                    && mine.name().equalsIgnoreCase(their.name())) {
                return Optional.of(new CommandResult.ResourceTaken("database.name", theirs.name(), "Database "
                        + their.name() + " on server " + their.serverResourceId() + " is already the production "
                        + "database of environment " + theirs.name() + "; a database belongs to one environment, "
                        + "since a deployment copies, renames and restores it"));
            }
        }
        return Optional.empty();
    }

    /** A start by the orchestrator itself (a timer resuming by policy). */
    public CommandResult start(StartRequest request) {
        return start(request, null, Actor.ORCHESTRATOR);
    }

    /** Starts (or rolls forward, or re-attaches to) a deployment, recording {@code actor} as who asked. */
    public CommandResult start(StartRequest request, Actor actor) {
        return start(request, null, actor);
    }

    /**
     * Starts (or rolls forward, or re-attaches to) a deployment, recording {@code actor} as who asked.
     *
     * @param alreadyRead the environment row as the caller just read it (its write is conditional on its etag,
     *                    so a stale one only costs a round), or null to read it here
     */
    public CommandResult start(StartRequest request, Optional<EnvironmentRecord> alreadyRead, Actor actor) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<EnvironmentRecord> environment = round == 0 && alreadyRead != null
                    && alreadyRead.map(e -> e.config().name().equals(request.environment())).orElse(true)
                    ? alreadyRead : store.findEnvironment(request.environment());
            if (environment.isEmpty()) {
                return new CommandResult.NotFound("environment", request.environment());
            }
            Optional<CommandResult.Invalid> unknown = unknownWebApps(environment.get(), request);
            if (unknown.isPresent()) {
                return unknown.get();
            }
            if (request.idempotencyKey() != null) {
                Optional<String> existing = store.findDeploymentIdByIdempotencyKey(request.environment(),
                        request.idempotencyKey());
                if (existing.isPresent()) {
                    return reattach(existing.get(), request);
                }
            }
            String running = environment.get().activeDeploymentId();
            if (running != null) {
                Optional<DeploymentSnapshot> active = store.loadRows(running, request.environment())
                        .map(rows -> rows.withEnvironment(environment.get()));
                if (active.isEmpty() || !canRollForward(active.get(), request)) {
                    return new CommandResult.EnvironmentBusy(request.environment(), running);
                }
                Decision decision = Commands.rollForward(active.get(), request, clock.instant(), actor)
                        .clearingOutbox(Outbox.toClear(active.get(), null));
                try {
                    store.commit(decision);
                } catch (ConcurrencyConflictException e) {
                    continue;
                }
                outbox.sendCommittedOrLeavePending(decision.deployment().id(), decision.messages());
                notifications.saved(active.get().deployment().status(), decision.deployment(),
                        environment.get().config());
                return new CommandResult.Accepted(decision.deployment(), false, active.get().afterCommit(decision));
            }
            // the last run's own rows (one range query): its copy of the configuration is not used below
            Optional<DeploymentSnapshot> last = environment.get().lastDeploymentId() == null ? Optional.empty()
                    : store.loadRows(environment.get().lastDeploymentId(), request.environment());
            Optional<CommandResult.Invalid> refused = startRefusal(environment.get(), request, last);
            if (refused.isPresent()) {
                return refused.get();
            }
            // the packages the maintenance slots run, as far as the state names them; the first stage reads
            // production and refuses to go on when nothing names one (see MaintenancePackages)
            MaintenancePackages.Choice packages = MaintenancePackages.choose(environment.get().config(), request, last);
            Decision decision = Commands.start(environment.get(), request, newDeploymentId.get(), clock.instant(), last,
                    packages, actor);
            Optional<Deployment> superseded = supersededWindow(last, decision.deployment().id());
            try {
                store.createDeployment(decision.environment(), decision.deployment(), decision.webApps(), decision.log(),
                        decision.messages(), superseded.orElse(null), superseded.isEmpty() ? List.of()
                                : List.of(LogLine.info(clock.instant(), null, "Rollback window closed: deployment "
                                        + decision.deployment().id() + " started on the environment")));
            } catch (ConcurrencyConflictException e) {
                continue;
            }
            outbox.sendCommittedOrLeavePending(decision.deployment().id(), decision.messages());
            notifications.saved(null, decision.deployment(), environment.get().config());
            return new CommandResult.Accepted(decision.deployment(), true, new DeploymentSnapshot(decision.environment(),
                    decision.deployment(), decision.webApps(), decision.messages()));
        }
        throw tooBusy("environment " + request.environment());
    }

    /**
     * Why a new start (not a roll forward) on {@code environment} is refused before anything is written, or empty:
     * MaintenancePage mode with no maintenance page, a resume in another mode while a web app is in maintenance, or
     * {@code currentPackages} naming no main site. The start and the dry run ({@link #preview}) both ask this.
     */
    public static Optional<CommandResult.Invalid> startRefusal(EnvironmentRecord environment, StartRequest request,
                                                               Optional<DeploymentSnapshot> last) {
        if (request.mode() == DeploymentMode.MAINTENANCE_PAGE && environment.config().maintenancePagePackageUri() == null) {
            return Optional.of(new CommandResult.Invalid("mode", "environment " + request.environment()
                    + " has no maintenancePagePackageUri, which MaintenancePage mode needs; register one first"));
        }
        if (Resume.applies(last)) {
            Optional<String> refusal = Resume.refusal(last.get(), request.mode());
            if (refusal.isPresent()) {
                return Optional.of(new CommandResult.Invalid("mode", refusal.get()));
            }
        }
        MaintenancePackages.Choice packages = MaintenancePackages.choose(environment.config(), request, last);
        if (packages.isRefused()) {
            return Optional.of(new CommandResult.Invalid(packages.refusedField(), packages.refusal()));
        }
        return Optional.empty();
    }

    /**
     * What {@link #start} would do now, decided by the same reads and the same pure decisions, with nothing written
     * or sent: the dry run. {@code deploymentId} stands in for the id a real start would give the new deployment.
     */
    public StartPreview preview(StartRequest request, Actor actor, String deploymentId) {
        Optional<EnvironmentRecord> environment = store.findEnvironment(request.environment());
        if (environment.isEmpty()) {
            return StartPreview.refused(new CommandResult.NotFound("environment", request.environment()));
        }
        Optional<CommandResult.Invalid> unknown = unknownWebApps(environment.get(), request);
        if (unknown.isPresent()) {
            return StartPreview.refused(unknown.get());
        }
        if (request.idempotencyKey() != null) {
            Optional<String> existing = store.findDeploymentIdByIdempotencyKey(request.environment(),
                    request.idempotencyKey());
            if (existing.isPresent()) {
                Optional<DeploymentSnapshot> snapshot = store.load(existing.get());
                if (snapshot.isEmpty()) {
                    return StartPreview.refused(new CommandResult.NotFound("deployment", existing.get()));
                }
                Optional<CommandResult.Invalid> difference = keyRefusal(snapshot.get(), request);
                if (difference.isPresent()) {
                    return StartPreview.refused(difference.get());
                }
                return new StartPreview(environment.get(), null, snapshot.get(), null, false);
            }
        }
        String running = environment.get().activeDeploymentId();
        if (running != null) {
            Optional<DeploymentSnapshot> active = store.load(running);
            if (active.isEmpty() || !canRollForward(active.get(), request)) {
                return StartPreview.refused(new CommandResult.EnvironmentBusy(request.environment(), running));
            }
            return new StartPreview(environment.get(), null, active.get(),
                    Commands.rollForward(active.get(), request, clock.instant(), actor), true);
        }
        Optional<DeploymentSnapshot> last = environment.get().lastDeploymentId() == null ? Optional.empty()
                : store.load(environment.get().lastDeploymentId());
        Optional<CommandResult.Invalid> refused = startRefusal(environment.get(), request, last);
        if (refused.isPresent()) {
            return StartPreview.refused(refused.get());
        }
        MaintenancePackages.Choice packages = MaintenancePackages.choose(environment.get().config(), request, last);
        return new StartPreview(environment.get(), null, last.orElse(null),
                Commands.start(environment.get(), request, deploymentId, clock.instant(), last, packages, actor), false);
    }

    /**
     * What a start would do, without doing it.
     *
     * @param environment the environment as read (null when refused)
     * @param refusal     why the start would be refused at once, or null
     * @param earlier     the deployment the start would re-attach to (no decision), roll forward, or resume (the
     *                    environment's last one), or null
     * @param decision    the rows the start would write, or null when refused or re-attaching
     * @param rollForward true when the start would roll {@code earlier} forward
     */
    public record StartPreview(EnvironmentRecord environment, CommandResult refusal, DeploymentSnapshot earlier,
                               Decision decision, boolean rollForward) {
        static StartPreview refused(CommandResult refusal) {
            return new StartPreview(null, refusal, null, null, false);
        }
    }

    /** A run awaiting verification, in the same mode, rolls forward to a different package. */
    private static boolean canRollForward(DeploymentSnapshot active, StartRequest request) {
        Deployment deployment = active.deployment();
        return deployment.status() == DeploymentStatus.AWAITING_VERIFICATION && deployment.mode() == request.mode()
                && active.webApps().stream().anyMatch(w -> request.packageFor(w.name())
                .map(pkg -> !pkg.sameAs(deployment.packageFor(w.name()).orElse(null))).orElse(false));
    }

    /**
     * Why {@code request}'s {@code packages} cannot be taken by {@code environment}, or empty: each name must be a
     * web app of the environment (a misspelt one would leave that web app on its old code without a word).
     */
    public static Optional<CommandResult.Invalid> unknownWebApps(EnvironmentRecord environment, StartRequest request) {
        for (String name : request.packages().keySet()) {
            if (environment.config().webApp(name).isEmpty()) {
                return Optional.of(new CommandResult.Invalid("packages." + name, "packages names '" + name
                        + "', which is not a web app of environment " + environment.config().name() + " (its web apps: "
                        + String.join(", ", environment.config().webApps().stream().map(WebAppConfig::name).toList())
                        + "); name only those, and leave out a web app that keeps its current package"));
            }
        }
        return Optional.empty();
    }

    /**
     * The same idempotency key again: answer with the deployment it started, and send again what that
     * deployment expects next, in case the first call stopped between its write and its send. The key sent with
     * another package or mode is refused: silently answering with the old deployment would hide that the new
     * package was never deployed.
     */
    private CommandResult reattach(String deploymentId, StartRequest request) {
        Optional<DeploymentSnapshot> snapshot = store.loadRows(deploymentId, request.environment());
        if (snapshot.isEmpty()) {
            return new CommandResult.NotFound("deployment", deploymentId);
        }
        Optional<CommandResult.Invalid> difference = keyRefusal(snapshot.get(), request);
        if (difference.isPresent()) {
            return difference.get();
        }
        resendPending(snapshot.get());
        return new CommandResult.Accepted(snapshot.get().deployment(), false, snapshot.get());
    }

    /** Why {@code request} may not re-attach to the deployment its idempotency key started, or empty. */
    private static Optional<CommandResult.Invalid> keyRefusal(DeploymentSnapshot started, StartRequest request) {
        String deploymentId = started.deployment().id();
        return IdempotentStarts.difference(started.deployment(), request).map(difference -> new CommandResult.Invalid(
                "idempotencyKey", "idempotency key " + request.idempotencyKey() + " already started deployment "
                + deploymentId + " with " + difference + "; a key names one start request: send that request again"
                + " to follow it, or use a new key for this one"));
    }

    /**
     * A command that finds its work already recorded (a retried start, Complete or Reset): send what the outbox
     * still holds and what the state expects next, in case the first call stopped between its write and its
     * send. A failed send is left to the timer.
     */
    private void resendPending(DeploymentSnapshot snapshot) {
        try {
            outbox.drain(snapshot);
            send(Transitions.expectedMessages(snapshot, null));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING,
                    "could not send the step messages deployment " + snapshot.deployment().id() + " expects; the "
                    + "timer sends them", e);
        }
    }

    /**
     * Complete: go live. A ReadWrite run served writes from the temporary database, which going live drops:
     * while any reached it (or they cannot be counted), Complete is refused ({@link CommandResult.DataLossRisk})
     * unless the caller accepts the loss, and the log then names who did. The writes are counted on the very
     * state the decision is made on, inside the conditional write's loop: a step that commits in between makes
     * the write fail, and the count is taken again.
     *
     * @param acceptDataLoss true when the caller accepts losing the writes made to the temporary database
     * @param actor          who asks (the signed-in principal); named in the log, and as who accepted any loss
     * @param onBehalfOf     who the caller accepts the loss for (the request's {@code acceptedBy}), or null
     */
    public CommandResult complete(String deploymentId, boolean acceptDataLoss, Actor actor, String onBehalfOf) {
        return complete(deploymentId, acceptDataLoss, config -> actor, onBehalfOf);
    }

    /**
     * The same, with who asks decided on the environment the deployment belongs to, as loaded for the command
     * itself (so an approver check costs no read of its own): {@code actorFor} may throw to refuse, and then
     * nothing is written.
     */
    public CommandResult complete(String deploymentId, boolean acceptDataLoss,
                                  java.util.function.Function<EnvironmentConfig, Actor> actorFor, String onBehalfOf) {
        java.util.concurrent.atomic.AtomicReference<Actor> asker = new java.util.concurrent.atomic.AtomicReference<>();
        return operate(deploymentId, "complete", snapshot -> asker.set(actorFor.apply(snapshot.environment().config())),
                snapshot -> {
            Actor actor = asker.get();
            Instant now = clock.instant();
            if (snapshot.deployment().status() == DeploymentStatus.AWAITING_RESET_VERIFICATION) {
                // a two-phase reset, checked: the previous code is swapped back (nothing goes live, no data is lost)
                return Verdict.of(Commands.completeReset(snapshot, now, actor));
            }
            Decision decision = Commands.complete(snapshot, now, 0, actor);
            if (snapshot.deployment().mode() != DeploymentMode.READ_WRITE) {
                return Verdict.of(decision);
            }
            OptionalLong writes = cloneWrites(snapshot);
            boolean loses = writes.isEmpty() || writes.getAsLong() > 0;
            if (!loses) {
                return Verdict.of(decision);
            }
            if (!acceptDataLoss) {
                return Verdict.refused(new CommandResult.DataLossRisk(snapshot.deployment(),
                        writes.isPresent() ? writes.getAsLong() : null, temporaryDatabase(snapshot)));
            }
            long accepted = writes.isPresent() ? writes.getAsLong() : Deployment.ANY_NUMBER_OF_WRITES;
            Decision completing = Commands.complete(snapshot, now, accepted, actor);
            Deployment audited = completing.deployment().withAudit(new AuditEntry(AuditEntry.ACCEPT_DATA_LOSS, actor, now));
            return Verdict.of(new Decision(audited, completing.webApps(), completing.environment(), completing.log(),
                    completing.messages(), completing.newIdempotencyKey()).withLogFirst(List.of(
                    dataLossAccepted(snapshot, writes, actor, onBehalfOf, now))));
        }, acceptDataLoss ? snapshot -> acceptMoreDataLoss(snapshot, asker.get(), onBehalfOf) : null);
    }

    private LogLine dataLossAccepted(DeploymentSnapshot snapshot, OptionalLong writes, Actor actor, String onBehalfOf,
                                     Instant now) {
        String count = writes.isPresent() ? writes.getAsLong() + " write(s)" : "an uncounted number of writes";
        String who = actor.describe() + (onBehalfOf == null ? "" : ", for " + onBehalfOf);
        return LogLine.warning(now, null, "Data loss accepted by " + who + ": " + count + " made to the "
                + "temporary database " + temporaryDatabase(snapshot) + " since the clone will not reach production");
    }

    /**
     * Complete again with acceptDataLoss while Completing: the swap step found more writes on the temporary
     * database than were accepted (it stopped writes to it, so the count is final) and waits for this.
     */
    private Verdict acceptMoreDataLoss(DeploymentSnapshot snapshot, Actor actor, String onBehalfOf) {
        Deployment deployment = snapshot.deployment();
        if (deployment.mode() != DeploymentMode.READ_WRITE) {
            return null;
        }
        Instant now = clock.instant();
        OptionalLong writes = cloneWrites(snapshot);
        long accepted = writes.isPresent() ? writes.getAsLong() : Deployment.ANY_NUMBER_OF_WRITES;
        Long before = deployment.cloneWritesAccepted();
        if (before != null && before >= accepted) {
            return null;
        }
        return Verdict.of(new Decision(deployment.withCloneWritesAccepted(accepted)
                .withAudit(new AuditEntry(AuditEntry.ACCEPT_DATA_LOSS, actor, now)).touchedAt(now), List.of(), null,
                List.of(dataLossAccepted(snapshot, writes, actor, onBehalfOf, now)), List.of()));
    }

    /** What a command decides on one snapshot: a decision to save, or a refusal. */
    private record Verdict(Decision decision, CommandResult refusal) {
        static Verdict of(Decision decision) {
            return new Verdict(decision, null);
        }

        static Verdict refused(CommandResult refusal) {
            return new Verdict(null, refusal);
        }
    }

    /** How many writes reached the deployment's temporary database; empty when they cannot be counted. */
    public OptionalLong cloneWrites(DeploymentSnapshot snapshot) {
        EnvironmentConfig config = snapshot.environment().config();
        return activity.writesSinceCreated(new DatabaseRef(config.database().serverResourceId(),
                temporaryDatabase(snapshot)));
    }

    private static String temporaryDatabase(DeploymentSnapshot snapshot) {
        return snapshot.deployment().temporaryDatabaseName(snapshot.environment().config().database().name());
    }

    /** A reset by the orchestrator itself (a timer acting by policy). */
    public CommandResult reset(String deploymentId, boolean rollbackDatabase) {
        return reset(deploymentId, rollbackDatabase, Actor.ORCHESTRATOR);
    }

    public CommandResult reset(String deploymentId, boolean rollbackDatabase, Actor actor) {
        return reset(deploymentId, rollbackDatabase, config -> actor);
    }

    /** The same, with who asks decided on the deployment's environment, as {@link #complete} does. */
    public CommandResult reset(String deploymentId, boolean rollbackDatabase,
                               java.util.function.Function<EnvironmentConfig, Actor> actorFor) {
        return reset(deploymentId, rollbackDatabase, false, actorFor);
    }

    /** The same; with {@code validateBeforeSwap} a two-phase reset ({@link Commands#reset(DeploymentSnapshot, boolean, boolean, Instant, Actor)}). */
    public CommandResult reset(String deploymentId, boolean rollbackDatabase, boolean validateBeforeSwap,
                               java.util.function.Function<EnvironmentConfig, Actor> actorFor) {
        java.util.concurrent.atomic.AtomicReference<Actor> asker = new java.util.concurrent.atomic.AtomicReference<>();
        return operate(deploymentId, "reset", snapshot -> asker.set(actorFor.apply(snapshot.environment().config())),
                snapshot -> Verdict.of(Commands.reset(snapshot, rollbackDatabase, validateBeforeSwap, clock.instant(),
                        asker.get())), null);
    }

    /**
     * Cancels a two-phase reset that awaits its verification: back to AwaitingVerification when nothing was restored
     * and it was asked from there, else {@link CommandResult.CannotCancel} saying why. A command of its own, so that
     * {@code POST /deployments/{id}/cancel} can dispatch on the status (a running deployment's cancel is another).
     */
    public CommandResult cancelResetVerification(String deploymentId,
                                                 java.util.function.Function<EnvironmentConfig, Actor> actorFor) {
        java.util.concurrent.atomic.AtomicReference<Actor> asker = new java.util.concurrent.atomic.AtomicReference<>();
        return operate(deploymentId, "cancel", snapshot -> asker.set(actorFor.apply(snapshot.environment().config())),
                snapshot -> {
                    Optional<String> refusal = Commands.cancelRefusal(snapshot.deployment());
                    if (refusal.isPresent()) {
                        return Verdict.refused(new CommandResult.CannotCancel(snapshot.deployment(), refusal.get()));
                    }
                    return Verdict.of(Commands.cancelResetVerification(snapshot, clock.instant(), asker.get()));
                }, null);
    }

    /**
     * Cancel, with who asks decided on the deployment's environment, as {@link #reset} does. Accepted while InProgress
     * (the intent is written, conditional on the row's etag, so it never races the step in flight: a step whose write
     * loses to it decides again on the row with the intent); asked again while Cancelling or once Cancelled, it is
     * answered as accepted with nothing changed; any other status is refused with its allowed actions. Of a cancel and
     * a Complete or Reset racing, one write wins and the other finds a status that does not allow it.
     *
     * @param reason what the canceller says, for the log and the status, or null
     */
    public CommandResult cancel(String deploymentId, boolean rollbackDatabase, String reason,
                                java.util.function.Function<EnvironmentConfig, Actor> actorFor) {
        java.util.concurrent.atomic.AtomicReference<Actor> asker = new java.util.concurrent.atomic.AtomicReference<>();
        return operate(deploymentId, "cancel", snapshot -> asker.set(actorFor.apply(snapshot.environment().config())),
                snapshot -> {
                    if (snapshot.deployment().status() != DeploymentStatus.AWAITING_RESET_VERIFICATION) {
                        return Verdict.of(Commands.cancel(snapshot, rollbackDatabase, reason, clock.instant(),
                                asker.get()));
                    }
                    // a two-phase reset awaiting its check goes back to verification; a database to restore is not
                    // a choice there (nothing is undone but the reset itself)
                    Optional<String> refusal = rollbackDatabase
                            ? Optional.of("rollbackDatabase applies to cancelling a run that is InProgress; a reset"
                            + " awaiting its verification goes back to AwaitingVerification without touching the"
                            + " database (ask again without it)")
                            : Commands.cancelRefusal(snapshot.deployment());
                    if (refusal.isPresent()) {
                        return Verdict.refused(new CommandResult.CannotCancel(snapshot.deployment(), refusal.get()));
                    }
                    return Verdict.of(Commands.cancelResetVerification(snapshot, clock.instant(), asker.get()));
                }, null);
    }

    /**
     * Rollback within the window after going live: swaps the previous code, kept warm on P, back into production
     * (code only). Who asks is decided on the deployment's environment, as {@link #complete} does.
     */
    public CommandResult rollback(String deploymentId, java.util.function.Function<EnvironmentConfig, Actor> actorFor) {
        java.util.concurrent.atomic.AtomicReference<Actor> asker = new java.util.concurrent.atomic.AtomicReference<>();
        return operate(deploymentId, "rollback", snapshot -> asker.set(actorFor.apply(snapshot.environment().config())),
                snapshot -> Verdict.of(Commands.rollback(snapshot, "asked" + Commands.by(asker.get()), clock.instant(),
                        asker.get())), null);
    }

    /**
     * For a start on an environment whose last deployment went live with its rollback window still open: that
     * deployment with the window closed, to be saved in the start's own transaction (the new deployment's maintenance
     * slots reuse the slots where the previous code waited). The rollback command refuses a superseded deployment
     * anyway (it reads the environment row); the closed window keeps its status from offering a rollback.
     */
    private Optional<Deployment> supersededWindow(Optional<DeploymentSnapshot> last, String newDeploymentId) {
        if (last.isEmpty()) {
            return Optional.empty();
        }
        Deployment previous = last.get().deployment();
        Instant now = clock.instant();
        if (previous.status() != DeploymentStatus.SUCCEEDED || previous.rollbackWindow() == null
                || !previous.rollbackWindow().isOpenAt(now)) {
            return Optional.empty();
        }
        String reason = "deployment " + newDeploymentId + " started on the environment";
        return Optional.of(previous.withRollbackWindow(previous.rollbackWindow().closed(now, reason)));
    }

    /**
     * @param admit      checks who asks on each snapshot loaded, before anything else (throws to refuse)
     * @param decide     the command's decision on a snapshot that allows it
     * @param whileUnderway for a snapshot where the same command is under way already: a decision to save too
     *                   (null, or returning null, when a retry only sends again what is pending)
     */
    private CommandResult operate(String deploymentId, String action,
                                  java.util.function.Consumer<DeploymentSnapshot> admit,
                                  java.util.function.Function<DeploymentSnapshot, Verdict> decide,
                                  java.util.function.Function<DeploymentSnapshot, Verdict> whileUnderway) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            // The deployment's rows; the environment row only where the command needs the hold (below).
            Optional<DeploymentSnapshot> snapshot = store.loadRows(deploymentId, null);
            if (snapshot.isEmpty()) {
                return new CommandResult.NotFound("deployment", deploymentId);
            }
            if (snapshot.get().deployment().status() == DeploymentStatus.FAILED
                    || ("rollback".equals(action) && snapshot.get().deployment().status() == DeploymentStatus.SUCCEEDED)) {
                snapshot = withEnvironmentRow(snapshot.get());
                if (snapshot.isEmpty()) {
                    // No environment row: the environment was deleted, which reading again does not undo.
                    return new CommandResult.NotFound("deployment", deploymentId);
                }
            }
            // Who asks is checked first, on each fresh snapshot: a refusal throws before anything is written or
            // any status is shown.
            admit.accept(snapshot.get());
            Deployment deployment = snapshot.get().deployment();
            Instant at = clock.instant();
            if (!Commands.allows(deployment, action, at)) {
                if (Commands.isUnderway(deployment, action)) {
                    // The same command again (a pipeline retrying after a timeout): it is recorded already.
                    Verdict more = whileUnderway == null ? null : whileUnderway.apply(snapshot.get());
                    if (more != null) {
                        try {
                            store.commit(more.decision());
                        } catch (ConcurrencyConflictException e) {
                            continue;
                        }
                    }
                    resendPending(snapshot.get());
                    return new CommandResult.Accepted(more == null ? deployment : more.decision().deployment(), false);
                }
                return new CommandResult.NotAllowed(deployment, action, deployment.allowedActions(at));
            }
            EnvironmentRecord environment = snapshot.get().environment();
            if (deployment.status() == DeploymentStatus.FAILED && (environment.activeDeploymentId() != null
                    || !deployment.id().equals(environment.lastDeploymentId()))) {
                String newer = environment.activeDeploymentId() != null ? environment.activeDeploymentId()
                        : environment.lastDeploymentId();
                return new CommandResult.Invalid("id", "Deployment " + deployment.id() + " failed, and deployment "
                        + newer + " of environment " + deployment.environment() + " came after it; reset that one");
            }
            if (deployment.status() == DeploymentStatus.SUCCEEDED && (environment.activeDeploymentId() != null
                    || !deployment.id().equals(environment.lastDeploymentId()))) {
                // a newer deployment closed the window when it started (see README, Rollback window): its maintenance
                // slots reuse the slots where the previous code waited
                String newer = environment.activeDeploymentId() != null ? environment.activeDeploymentId()
                        : environment.lastDeploymentId();
                return new CommandResult.Invalid("id", "Deployment " + newer + " of environment "
                        + deployment.environment() + " started after deployment " + deployment.id() + " went live, which"
                        + " closed its rollback window; " + (environment.activeDeploymentId() != null
                        ? "reset or complete that one" : "roll back that one, or deploy the previous package"));
            }
            Verdict verdict = decide.apply(snapshot.get());
            if (verdict.refusal() != null) {
                return verdict.refusal();
            }
            Decision decision = verdict.decision();
            if (Transitions.needsEnvironmentRow(snapshot.get(), decision)) {
                snapshot = withEnvironmentRow(snapshot.get());
                if (snapshot.isEmpty()) {
                    // No environment row: the environment was deleted, which reading again does not undo.
                    return new CommandResult.NotFound("deployment", deploymentId);
                }
                verdict = decide.apply(snapshot.get());
                if (verdict.refusal() != null) {
                    return verdict.refusal();
                }
                decision = verdict.decision();
            }
            decision = decision.clearingOutbox(Outbox.toClear(snapshot.get(), null));
            try {
                store.commit(decision);
            } catch (ConcurrencyConflictException e) {
                continue;
            }
            outbox.sendCommittedOrLeavePending(deploymentId, decision.messages());
            notifications.saved(deployment.status(), decision.deployment(), environment.config());
            return new CommandResult.Accepted(decision.deployment(), false, snapshot.get().afterCommit(decision));
        }
        throw tooBusy("deployment " + deploymentId);
    }

    /** The snapshot with its environment row read now; empty (read everything again) when it is gone. */
    private Optional<DeploymentSnapshot> withEnvironmentRow(DeploymentSnapshot snapshot) {
        return store.findEnvironment(snapshot.deployment().environment()).map(snapshot::withEnvironment);
    }

    private void send(List<OutgoingMessage> messages) {
        if (!messages.isEmpty()) {
            queue.send(messages);
        }
    }

    private static IllegalStateException tooBusy(String what) {
        return new IllegalStateException(what + " kept changing while this request was being decided; try again");
    }
}
