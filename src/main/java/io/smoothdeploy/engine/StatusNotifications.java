package io.smoothdeploy.engine;

import io.smoothdeploy.engine.diagnosis.Classifier;
import io.smoothdeploy.engine.port.Notifier;
import io.smoothdeploy.engine.port.StatusChange;
import io.smoothdeploy.engine.port.DeploymentStore;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Posts every change of a deployment's status to its environment's webhook, with the diagnosis when it
 * failed. It is called after the change is saved, so a receiver never hears of a change that did not happen;
 * a receiver that stays down loses that post (logged), and the status API still tells the truth.
 */
public final class StatusNotifications {

    private static final Logger LOG = Logger.getLogger(StatusNotifications.class.getName());

    private final DeploymentStore store;
    private final Notifier notifier;
    private final Clock clock;

    public StatusNotifications(DeploymentStore store, Notifier notifier, Clock clock) {
        this.store = store;
        this.notifier = notifier;
        this.clock = clock;
    }

    /**
     * @param before the status read before the change, or null for a deployment that has just been created
     * @param after  the deployment row as written, or null when nothing was written to it
     * @param config the deployment's environment
     */
    /**
     * The command behind a change into a status only a command enters (started, rolled forward, Completing,
     * Resetting): the deployment's latest audit entry, when it is that command. Null for a step's change.
     */
    static AuditEntry requestedBy(DeploymentStatus before, Deployment after) {
        if (after.audit().isEmpty()) {
            return null;
        }
        AuditEntry last = after.audit().get(after.audit().size() - 1);
        String expected = switch (after.status()) {
            case IN_PROGRESS -> before == null ? AuditEntry.START
                    : before == DeploymentStatus.AWAITING_VERIFICATION ? AuditEntry.ROLL_FORWARD : null;
            case COMPLETING -> AuditEntry.COMPLETE;
            case RESETTING -> before == DeploymentStatus.AWAITING_RESET_VERIFICATION ? AuditEntry.COMPLETE
                    : AuditEntry.RESET;
            case CANCELLING -> before == DeploymentStatus.IN_PROGRESS ? AuditEntry.CANCEL : null;
            case AWAITING_VERIFICATION -> before == DeploymentStatus.AWAITING_RESET_VERIFICATION
                    ? AuditEntry.CANCEL_RESET_VERIFICATION : null;
            default -> null;
        };
        if (expected == null) {
            return null;
        }
        if (expected.equals(AuditEntry.COMPLETE) && last.action().equals(AuditEntry.ACCEPT_DATA_LOSS)
                && after.audit().size() > 1) {
            AuditEntry previous = after.audit().get(after.audit().size() - 2);
            return previous.action().equals(AuditEntry.COMPLETE) ? previous : null;
        }
        return last.action().equals(expected) ? last : null;
    }

    public void saved(DeploymentStatus before, Deployment after, EnvironmentConfig config) {
        if (after == null || after.status() == before || config.webhookUrl() == null) {
            return;
        }
        try {
            StatusChange.Diagnosis diagnosis = null;
            if (after.status() == DeploymentStatus.FAILED) {
                diagnosis = store.load(after.id())
                        .flatMap(snapshot -> Classifier.diagnose(snapshot, store.readLog(after.id())))
                        .map(StatusChange.Diagnosis::of).orElse(null);
            }
            String was = before == null ? null : before.wireName();
            String message = "Deployment " + after.id() + " of " + after.environment() + " is now "
                    + after.status().wireName() + (was == null ? "" : " (was " + was + ")");
            AuditEntry requestedBy = requestedBy(before, after);
            if (requestedBy != null) {
                message += ", asked by " + requestedBy.actor().describe();
            }
            notifier.post(config.webhookUrl(), new StatusChange("statusChanged", after.environment(), after.id(), was,
                    after.status().wireName(), after.stage().name(), clock.instant(), message, diagnosis, requestedBy,
                    after.audit()), config.allowedHosts());
        } catch (RuntimeException e) {
            // The change is saved; a notification that cannot be built or sent must not undo the step.
            LOG.log(Level.WARNING, "could not notify the status change of deployment " + after.id(), e);
        }
    }
}
