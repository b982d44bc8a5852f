package io.smoothdeploy.engine;

import io.smoothdeploy.engine.port.StepQueue;
import io.smoothdeploy.engine.port.DeploymentStore;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends what decisions committed to a deployment's outbox. A decision's messages are written in the same
 * transaction as the decision, so a process that dies between its commit and its send loses nothing. A row
 * stays until a later write of the deployment clears it: the delivery that handles its message deletes it in
 * its own transaction (so a delivery costs one write, outbox included), and any write deletes the rows of
 * messages the state no longer expects; the timer clears what it sends.
 *
 * <p>Who sends a pending row again: a delivery whose message the state no longer expects (a redelivery after
 * its handler died between commit and send is one, so what that handler committed is sent at once), a command,
 * and the timer. A delivery whose message is expected does not: the other rows are then messages on their way.
 * Sending twice is safe: the ids are deterministic and Service Bus drops a duplicate inside its detection
 * window, and a message that arrives anyway is recognised as not expected.
 */
final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    private final DeploymentStore store;
    private final StepQueue queue;

    Outbox(DeploymentStore store, StepQueue queue) {
        this.store = store;
        this.queue = queue;
    }

    /**
     * Sends again what the snapshot's outbox holds that the state still expects (committed by someone, maybe
     * not sent), leaving the rows: the deliveries of those messages clear them.
     */
    void drain(DeploymentSnapshot snapshot) {
        List<OutgoingMessage> pending = snapshot.outbox().stream()
                .filter(row -> Transitions.isExpected(snapshot, row.message())).toList();
        if (!pending.isEmpty()) {
            LOG.fine(() -> "sending " + pending.size() + " pending message(s) of deployment "
                    + snapshot.deployment().id() + " again");
            queue.send(pending);
        }
    }

    /** The timer's drain: sends everything the outbox holds, then clears it (a failed clear is only logged). */
    void drainAndClear(DeploymentSnapshot snapshot) {
        if (snapshot.outbox().isEmpty()) {
            return;
        }
        String deploymentId = snapshot.deployment().id();
        queue.send(snapshot.outbox());
        try {
            store.clearOutbox(deploymentId, snapshot.outbox());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not clear the outbox of deployment " + deploymentId
                    + "; the next write or tick clears it", e);
        }
    }

    /**
     * The outbox rows a decision on {@code snapshot} deletes in its own write: the row of the message being
     * handled ({@code handled}, or null for a command) and the rows of messages the state no longer expects.
     */
    static List<String> toClear(DeploymentSnapshot snapshot, StepMessage handled) {
        return snapshot.outbox().stream().map(OutgoingMessage::message)
                .filter(m -> handled != null && m.messageId().equals(handled.messageId())
                        || !Transitions.isExpected(snapshot, m))
                .map(StepMessage::messageId).distinct().toList();
    }

    /** Sends the messages a committed decision wrote to the outbox; a failed send throws (the rows stay). */
    void sendCommitted(List<OutgoingMessage> messages) {
        if (!messages.isEmpty()) {
            queue.send(messages);
        }
    }

    /**
     * For a command whose decision is saved: send now if possible. A failed send is logged, not thrown, since
     * the command took effect; the messages wait in the outbox for the next handler, command or timer tick.
     */
    void sendCommittedOrLeavePending(String deploymentId, List<OutgoingMessage> messages) {
        try {
            sendCommitted(messages);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "deployment " + deploymentId + " is saved, but sending its next "
                    + messages.size() + " step message(s) failed; they wait in its outbox, and the next load or the "
                    + "timer sends them (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
