package io.smoothdeploy.engine;

import io.smoothdeploy.engine.port.StepQueue;
import io.smoothdeploy.engine.port.ConcurrencyConflictException;
import io.smoothdeploy.engine.port.DeploymentStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Runs one step message: read the state (and send what its outbox still holds), decide whether the message is
 * still the work the state expects, run the step once, decide the transition, save it with the messages that
 * follow in one conditional write (the outbox, from which the same write deletes the handled message's row),
 * then send them. A delivery that meets no conflict reads once and writes once; only the decision that ends
 * the deployment also reads the environment row.
 * A lost write (another instance changed a row since it was read) re-reads and decides again with the same
 * outcome; the step's cloud work is not repeated within one delivery.
 */
public final class StepRunner {

    static final int MAX_DECISION_ROUNDS = 20;

    private static final Logger LOG = Logger.getLogger(StepRunner.class.getName());

    private final DeploymentStore store;
    private final StepQueue queue;
    private final Steps steps;
    private final Clock clock;
    private final StatusNotifications notifications;
    private final Outbox outbox;

    public StepRunner(DeploymentStore store, StepQueue queue, Steps steps, Clock clock,
                      StatusNotifications notifications) {
        this.store = store;
        this.queue = queue;
        this.steps = steps;
        this.clock = clock;
        this.notifications = notifications;
        this.outbox = new Outbox(store, queue);
    }

    public void handle(StepMessage message) {
        StepOutcome outcome = null;
        Optional<DeploymentSnapshot> readBack = Optional.empty();
        for (int round = 1; round <= MAX_DECISION_ROUNDS; round++) {
            // After a lost write, the rows the store read back with the conflict; else read them.
            Optional<DeploymentSnapshot> loaded = readBack.isPresent() ? readBack
                    : store.loadRows(message.deploymentId(), message.environment());
            readBack = Optional.empty();
            if (loaded.isEmpty()) {
                LOG.warning(() -> "dropping " + message.messageId() + ": no such deployment");
                return;
            }
            DeploymentSnapshot snapshot = loaded.get();
            boolean expected = Transitions.isExpected(snapshot, message);
            if (!expected) {
                // A redelivery (its handler may have died between its commit and its send) or a late copy:
                // send what the outbox still holds. An expected message's siblings there are on their way.
                outbox.drain(snapshot);
            }
            if (outcome == null && expected) {
                // a cancel's intent stops the forward steps here, before their next run starts any new work
                outcome = Transitions.stopsForCancel(snapshot) ? new StepOutcome.NotRun() : steps.run(snapshot, message);
            }
            Decision decision = decide(snapshot, message, outcome);
            if (Transitions.needsEnvironmentRow(snapshot, decision)) {
                // Only a decision that ends the deployment releases the hold: read the row for it alone.
                Optional<DeploymentSnapshot> full = withEnvironmentRow(snapshot);
                if (full.isEmpty()) {
                    continue;
                }
                snapshot = full.get();
                decision = decide(snapshot, message, outcome);
            }
            // The handled message's outbox row, and rows the state no longer expects, go in the same write.
            decision = decision.clearingOutbox(Outbox.toClear(snapshot, message));
            try {
                if (decision.writesNothing()) {
                    clearOnly(snapshot, decision.clearedOutbox());
                    send(decision.messages());
                } else {
                    store.commit(decision);
                    outbox.sendCommitted(decision.messages());
                }
                notifications.saved(snapshot.deployment().status(), decision.deployment(),
                        snapshot.environment().config());
                return;
            } catch (ConcurrencyConflictException conflict) {
                LOG.fine(() -> "state of " + message.deploymentId() + " changed while deciding "
                        + message.messageId() + "; deciding again on its rows as they are now");
                readBack = conflict.current().filter(rows -> rows.deployment().id().equals(message.deploymentId()));
            }
        }
        throw new IllegalStateException("could not save the outcome of " + message.messageId() + " after "
                + MAX_DECISION_ROUNDS + " attempts: the deployment's rows keep changing");
    }

    /** A step message that Service Bus dead-lettered after {@code deliveryCount} deliveries. */
    public void handleDeadLetter(StepMessage message, int deliveryCount) {
        for (int round = 1; round <= MAX_DECISION_ROUNDS; round++) {
            Optional<DeploymentSnapshot> loaded = store.loadRows(message.deploymentId(), message.environment());
            if (loaded.isEmpty()) {
                LOG.warning(() -> "dead letter " + message.messageId() + " names no deployment");
                return;
            }
            Decision decision = Transitions.deadLettered(loaded.get(), message, deliveryCount, clock.instant());
            if (Transitions.needsEnvironmentRow(loaded.get(), decision)) {
                loaded = withEnvironmentRow(loaded.get());
                if (loaded.isEmpty()) {
                    continue;
                }
                decision = Transitions.deadLettered(loaded.get(), message, deliveryCount, clock.instant());
            }
            decision = decision.clearingOutbox(Outbox.toClear(loaded.get(), message));
            if (decision.writesNothing()) {
                LOG.info(() -> "dead letter " + message.messageId() + " is no longer expected; nothing to do");
                outbox.drain(loaded.get());
                clearOnly(loaded.get(), decision.clearedOutbox());
                return;
            }
            try {
                store.commit(decision);
                notifications.saved(loaded.get().deployment().status(), decision.deployment(),
                        loaded.get().environment().config());
                return;
            } catch (ConcurrencyConflictException conflict) {
                LOG.fine(() -> "state of " + message.deploymentId() + " changed while failing it; reading it again");
            }
        }
        throw new IllegalStateException("could not record dead letter " + message.messageId());
    }

    /**
     * A decision that changes no row still deletes the outbox rows it names (the handled message's, stale
     * ones), so that nobody sends them again; a failure is only logged (the next write or tick clears them).
     */
    private void clearOnly(DeploymentSnapshot snapshot, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return;
        }
        List<OutgoingMessage> rows = snapshot.outbox().stream()
                .filter(row -> messageIds.contains(row.message().messageId())).toList();
        try {
            store.clearOutbox(snapshot.deployment().id(), rows);
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.FINE, "could not clear outbox rows of " + snapshot.deployment().id(), e);
        }
    }

    private Decision decide(DeploymentSnapshot snapshot, StepMessage message, StepOutcome outcome) {
        return outcome == null
                ? Transitions.resendExpected(snapshot, message)
                : Transitions.decide(snapshot, message, outcome, clock.instant());
    }

    /** The snapshot with its environment row read now; empty (read everything again) when it is gone. */
    private Optional<DeploymentSnapshot> withEnvironmentRow(DeploymentSnapshot snapshot) {
        Optional<EnvironmentRecord> row = store.findEnvironment(snapshot.deployment().environment());
        if (row.isEmpty()) {
            LOG.warning(() -> "environment " + snapshot.deployment().environment() + " of deployment "
                    + snapshot.deployment().id() + " has no row; reading again");
        }
        return row.map(snapshot::withEnvironment);
    }

    private void send(List<OutgoingMessage> messages) {
        if (!messages.isEmpty()) {
            queue.send(messages);
        }
    }
}
