package io.smoothdeploy.engine;

import java.time.Instant;

/**
 * One classified failure.
 *
 * @param kind    what class of failure it is
 * @param stage   the stage that failed
 * @param webApp  the web app it concerns, or null for a deployment-level stage
 * @param message what happened, in words a person can act on (never a secret)
 * @param at       when it was recorded
 * @param evidence what the step saw, as fields (null: none recorded, as on errors stored before it existed)
 */
public record DeploymentError(FailureKind kind, Stage stage, String webApp, String message, Instant at,
                              FailureEvidence evidence) {

    public DeploymentError(FailureKind kind, Stage stage, String webApp, String message, Instant at) {
        this(kind, stage, webApp, message, at, null);
    }

    /** The evidence, or an empty one. */
    public FailureEvidence evidenceOrEmpty() {
        return evidence == null ? new FailureEvidence(null, null, 0, false, false) : evidence;
    }
}
