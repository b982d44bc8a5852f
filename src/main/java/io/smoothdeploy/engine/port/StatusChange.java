package io.smoothdeploy.engine.port;

import io.smoothdeploy.engine.AuditEntry;
import java.time.Instant;
import java.util.List;

/**
 * What a webhook receives when a deployment's status changes, as JSON.
 *
 * @param event        always {@code statusChanged}
 * @param environment  the environment
 * @param deploymentId the deployment
 * @param oldStatus    the status before, or null for a deployment that has just started
 * @param newStatus    the status now
 * @param stage        the stage it is at now
 * @param at           when it changed
 * @param message      one line on what happened
 * @param diagnosis    for a failed deployment, why it failed and what to do (cause, evidence, fix, advice);
 *                     otherwise null
 * @param requestedBy  when a command caused this change (a start, roll forward, Complete or Reset): who asked,
 *                     with the role that allowed it and where from; null for a change a step made
 * @param audit        every command asked of the deployment so far, oldest first: who started it, and who
 *                     completed, reset or accepted data loss
 */
public record StatusChange(String event, String environment, String deploymentId, String oldStatus, String newStatus,
                           String stage, Instant at, String message, Diagnosis diagnosis, AuditEntry requestedBy,
                           List<AuditEntry> audit) {

    public StatusChange {
        audit = audit == null ? List.of() : List.copyOf(audit);
    }

    /** A change with no command recorded. */
    public StatusChange(String event, String environment, String deploymentId, String oldStatus, String newStatus,
                        String stage, Instant at, String message, Diagnosis diagnosis) {
        this(event, environment, deploymentId, oldStatus, newStatus, stage, at, message, diagnosis, null, List.of());
    }

    /** A diagnosis as the webhook receives it: the cause and advice by their wire names. */
    public record Diagnosis(String cause, String summary, List<String> evidence, List<String> affectedWebApps,
                            String fix, String advice) {

        public static Diagnosis of(io.smoothdeploy.engine.diagnosis.Diagnosis diagnosis) {
            return new Diagnosis(diagnosis.cause().wireName(), diagnosis.summary(), diagnosis.evidence(),
                    diagnosis.affectedWebApps(), diagnosis.fix(), diagnosis.advice().wireName());
        }
    }
}
