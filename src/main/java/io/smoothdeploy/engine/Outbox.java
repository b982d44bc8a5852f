package io.smoothdeploy.engine;

import io.smoothdeploy.messaging.StepQueue;
import io.smoothdeploy.state.DeploymentStore;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends what decisions committed to a deployment's outbox, then clears it. A decision's messages are written
 * in the same transaction as the decision, so a process that dies between its commit and its send loses
 * nothing: whoever next loads the deployment (a step handler, an HTTP command, the timer) sends them. Sending
 * twice is safe: the ids are deterministic and Service Bus drops a duplicate inside its detection window, and
 * a message that arrives anyway is recognised as not expected.
 */
final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    private final DeploymentStore store;
    private final StepQueue queue;

    Outbox(DeploymentStore store, StepQueue queue) {
        this.store = store;
        this.queue = queue;
    }

    /** Sends and clears what is pending in the snapshot's outbox (committed by someone, maybe not sent). */
    void drain(DeploymentSnapshot snapshot) {
        if (!snapshot.outbox().isEmpty()) {
            LOG.fine(() -> "sending " + snapshot.outbox().size() + " pending message(s) of deployment "
                    + snapshot.deployment().id());
            sendCommitted(snapshot.deployment().id(), snapshot.outbox());
        }
    }

    /**
     * Sends messages that a committed decision wrote to the outbox, then clears them. A failed send throws
     * (the messages stay in the outbox); a failed clear is only logged (the next loader sends them again,
     * which changes nothing).
     */
    void sendCommitted(String deploymentId, List<OutgoingMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        queue.send(messages);
        try {
            store.clearOutbox(deploymentId, messages);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not clear the outbox of deployment " + deploymentId
                    + "; the next load sends its messages again", e);
        }
    }

    /**
     * For a command whose decision is saved: send now if possible. A failed send is logged, not thrown, since
     * the command took effect; the messages wait in the outbox for the next handler, command or timer tick.
     */
    void sendCommittedOrLeavePending(String deploymentId, List<OutgoingMessage> messages) {
        try {
            sendCommitted(deploymentId, messages);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "deployment " + deploymentId + " is saved, but sending its next "
                    + messages.size() + " step message(s) failed; they wait in its outbox, and the next load or the "
                    + "timer sends them (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
