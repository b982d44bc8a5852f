package io.smoothdeploy.engine;

import java.time.Instant;

/**
 * One classified failure.
 *
 * @param kind    what class of failure it is
 * @param stage   the stage that failed
 * @param webApp  the web app it concerns, or null for a deployment-level stage
 * @param message what happened, in words a person can act on (never a secret)
 * @param at      when it was recorded
 */
public record DeploymentError(FailureKind kind, Stage stage, String webApp, String message, Instant at) {
}
