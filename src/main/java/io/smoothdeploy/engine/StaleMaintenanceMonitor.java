package io.smoothdeploy.engine;

import io.smoothdeploy.engine.port.StepQueue;
import io.smoothdeploy.engine.port.Notification;
import io.smoothdeploy.engine.port.Notifier;
import io.smoothdeploy.engine.port.ConcurrencyConflictException;
import io.smoothdeploy.engine.port.DeploymentStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One tick of the stale-maintenance timer: finds stuck environments ({@link StaleMaintenance}), records
 * each new episode on its deployment (warning and log line), posts it to the environment's webhook, and acts
 * by the environment's policy. The record is written before the post, so a tick that loses a race reports
 * nothing and the next tick decides again.
 */
public final class StaleMaintenanceMonitor {

    private static final Logger LOG = Logger.getLogger(StaleMaintenanceMonitor.class.getName());

    private final DeploymentStore store;
    private final DeploymentService service;
    private final StepQueue queue;
    private final Notifier notifier;
    private final Clock clock;
    private final Outbox outbox;

    /** How long a running deployment may be quiet (past its longest scheduled delay) before the reconciler acts. */
    public static final java.time.Duration RECONCILE_AFTER = java.time.Duration.ofMinutes(5);

    private final RollbackWindowCloser windows;

    /** A monitor that leaves ended rollback windows alone (nothing stops their slots). */
    public StaleMaintenanceMonitor(DeploymentStore store, DeploymentService service, StepQueue queue,
                                   Notifier notifier, Clock clock) {
        this(store, service, queue, notifier, clock, null);
    }

    /**
     * @param windows closes ended rollback windows, stopping the slots that held the previous code (null for none)
     */
    public StaleMaintenanceMonitor(DeploymentStore store, DeploymentService service, StepQueue queue,
                                   Notifier notifier, Clock clock, RollbackWindowCloser windows) {
        this.windows = windows;
        this.store = store;
        this.service = service;
        this.queue = queue;
        this.notifier = notifier;
        this.clock = clock;
        this.outbox = new Outbox(store, queue);
    }

    /** What one tick reported, and what it did about it. */
    public record Reported(StaleMaintenance.Finding finding, boolean notified, String action) {
    }

    public List<Reported> runOnce() {
        Instant now = clock.instant();
        List<Reported> reported = new ArrayList<>();
        List<EnvironmentRecord> environments = store.listEnvironments();
        for (EnvironmentRecord environment : environments) {
            reconcile(environment, now);
        }
        for (EnvironmentRecord environment : environments) {
            if (environment.lastDeploymentId() == null) {
                continue;
            }
            Optional<DeploymentSnapshot> last = store.load(environment.lastDeploymentId());
            closeRollbackWindow(environment, last, now);
            Optional<StaleMaintenance.Finding> finding = last.flatMap(s -> StaleMaintenance.find(environment, s, now));
            if (finding.isEmpty() || StaleMaintenance.alreadyReported(finding.get())) {
                continue;
            }
            try {
                store.commit(StaleMaintenance.report(finding.get(), now));
            } catch (ConcurrencyConflictException e) {
                LOG.fine(() -> "deployment " + environment.lastDeploymentId() + " changed while being reported; next tick");
                continue;
            }
            EnvironmentConfig config = environment.config();
            String action = action(config, finding.get());
            boolean notified = config.webhookUrl() != null
                    && notifier.post(config.webhookUrl(), notification(environment, finding.get(), action, now),
                    config.allowedHosts());
            String done = act(config, finding.get(), last.get());
            LOG.warning(finding.get().message() + " (notified: " + notified + ", action: " + done + ")");
            reported.add(new Reported(finding.get(), notified, done));
        }
        return reported;
    }

    /** Closes the last deployment's rollback window when it has ended; a failure is logged and left to the next tick. */
    private void closeRollbackWindow(EnvironmentRecord environment, Optional<DeploymentSnapshot> last, Instant now) {
        if (windows == null || last.isEmpty()) {
            return;
        }
        try {
            windows.closeIfDue(environment, last.get(), now);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not close the rollback window of deployment " + last.get().deployment().id()
                    + "; next tick", e);
        }
    }

    /**
     * The reconciler: sends what the environment's deployments hold in their outboxes (committed by a command or
     * step whose process stopped before sending), and the expected messages of a running deployment that has been
     * quiet for {@link #RECONCILE_AFTER}. A failure is logged and left to the next tick.
     */
    private void reconcile(EnvironmentRecord environment, Instant now) {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        if (environment.activeDeploymentId() != null) {
            ids.add(environment.activeDeploymentId());
        }
        if (environment.lastDeploymentId() != null) {
            ids.add(environment.lastDeploymentId());
        }
        for (String id : ids) {
            try {
                Optional<DeploymentSnapshot> snapshot = store.load(id);
                if (snapshot.isEmpty()) {
                    continue;
                }
                outbox.drainAndClear(snapshot.get());
                countCloneWrites(snapshot.get(), now);
                List<OutgoingMessage> again = Transitions.reconcile(snapshot.get(), now, RECONCILE_AFTER);
                if (!again.isEmpty()) {
                    LOG.info(() -> "deployment " + id + " has been quiet since " + snapshot.get().deployment().updatedAt()
                            + "; sending its " + again.size() + " expected step message(s) again");
                    queue.send(again);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not reconcile deployment " + id + "; next tick", e);
            }
        }
    }

    /**
     * While a ReadWrite deployment awaits verification the old code keeps writing to its temporary database: each
     * tick counts those writes again and stores the count with its time on the deployment row, which is what a
     * status poll shows (a poll never asks SQL). Progress time is left as it is. A lost race or a failed count is
     * left to the next tick; Complete counts fresh whatever is stored.
     */
    private void countCloneWrites(DeploymentSnapshot snapshot, Instant now) {
        Deployment deployment = snapshot.deployment();
        if (deployment.mode() != DeploymentMode.READ_WRITE || deployment.status() != DeploymentStatus.AWAITING_VERIFICATION) {
            return;
        }
        java.util.OptionalLong writes;
        try {
            writes = service.cloneWrites(snapshot);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not count the writes to the temporary database of " + deployment.id()
                    + "; next tick", e);
            return;
        }
        CloneWriteCount count = new CloneWriteCount(writes.isPresent() ? writes.getAsLong() : null, now);
        try {
            store.commit(new Decision(deployment.withCloneWriteCount(count), List.of(), null, List.of(), List.of()));
        } catch (ConcurrencyConflictException e) {
            LOG.fine(() -> "deployment " + deployment.id() + " changed while its clone's writes were counted; next tick");
        }
    }

    /**
     * The policy's word for what is done about a finding: an overdue verification follows the verification
     * policy (Notify or Reset), the other kinds the staleness policy (Nothing, Resume or Reset).
     */
    private static String action(EnvironmentConfig config, StaleMaintenance.Finding finding) {
        return finding.kind() == StaleMaintenance.Kind.VERIFICATION_OVERDUE
                ? config.verification().onLimit().wireName() : config.staleness().action().wireName();
    }

    /** The packages per web app the caller gave {@code deployment} (kept ones left out), or none. */
    private static java.util.Map<String, WebAppPackage> givenPackages(Deployment deployment) {
        java.util.Map<String, WebAppPackage> given = new java.util.LinkedHashMap<>();
        deployment.packages().forEach((name, pkg) -> {
            if (!pkg.kept()) {
                // as the caller gave it: the new run checks its bytes again
                given.put(name, WebAppPackage.given(pkg.uri(), pkg.sha256()));
            }
        });
        return given;
    }

    private String act(EnvironmentConfig config, StaleMaintenance.Finding finding, DeploymentSnapshot last) {
        Deployment deployment = finding.deployment();
        StaleMaintenance.Kind kind = finding.kind();
        if (kind == StaleMaintenance.Kind.VERIFICATION_OVERDUE) {
            VerificationPolicy verification = config.verification();
            return verification.onLimit() == VerificationPolicy.OnLimit.RESET
                    ? "reset: " + describe(service.reset(deployment.id(), verification.rollbackDatabase())) : "none";
        }
        StalenessPolicy.Action action = config.staleness().action();
        if (action == StalenessPolicy.Action.RESUME && kind == StaleMaintenance.Kind.FAILED_IN_MAINTENANCE) {
            // the same packages again: for a web app the failed run kept production's package, that one is carried on
            CommandResult result = service.start(new StartRequest(deployment.environment(), deployment.packageUri(),
                    deployment.packageSha256(), deployment.mode(), null, null, null, null, givenPackages(deployment)));
            return "resumed: " + describe(result);
        }
        if (action == StalenessPolicy.Action.RESUME && kind == StaleMaintenance.Kind.NO_PROGRESS) {
            queue.send(Transitions.expectedMessages(last, null));
            return "sent the expected step messages again";
        }
        if (action == StalenessPolicy.Action.RESET && kind == StaleMaintenance.Kind.FAILED_IN_MAINTENANCE) {
            return "reset: " + describe(service.reset(deployment.id(), false));
        }
        return "none";
    }

    private static String describe(CommandResult result) {
        if (result instanceof CommandResult.Accepted accepted) {
            return "deployment " + accepted.deployment().id() + " is " + accepted.deployment().status().wireName();
        }
        return result.toString();
    }

    private static Notification notification(EnvironmentRecord environment, StaleMaintenance.Finding finding,
                                             String action, Instant now) {
        return new Notification("staleMaintenance", finding.kind().wireName(), environment.config().name(),
                finding.deployment().id(), finding.deployment().status().wireName(), finding.inMaintenance(),
                finding.message(), action, now);
    }
}
