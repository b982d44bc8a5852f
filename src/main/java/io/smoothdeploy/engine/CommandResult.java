package io.smoothdeploy.engine;

import java.util.List;

/** How an operator command (start, complete, reset, register) came out. */
public sealed interface CommandResult {

    /**
     * Done; {@code deployment} is the deployment as saved. {@code created} is false when it already existed.
     * {@code rows} is the deployment and its web apps as the command left them, to answer with (their etags
     * are those read, not those written), or null when the caller must read them.
     */
    record Accepted(Deployment deployment, boolean created, DeploymentSnapshot rows) implements CommandResult {

        public Accepted(Deployment deployment, boolean created) {
            this(deployment, created, null);
        }
    }

    /** Registered or re-registered. */
    record Registered(EnvironmentRecord environment, boolean created) implements CommandResult {
    }

    /** No environment or deployment of that name. */
    record NotFound(String what, String name) implements CommandResult {
    }

    /** The environment is held by another deployment that is still running. */
    record EnvironmentBusy(String environment, String runningDeploymentId) implements CommandResult {
    }

    /** The deployment's status does not allow this action now. */
    record NotAllowed(Deployment deployment, String action, List<String> allowedActions) implements CommandResult {
    }

    /**
     * Registration refused: {@code otherEnvironment} already has a site or the database this registration names
     * ({@code field} says which); each is deployed by one environment only.
     */
    record ResourceTaken(String field, String otherEnvironment, String detail) implements CommandResult {
    }

    /**
     * Complete refused: going live would drop the writes that reached the temporary database of a ReadWrite
     * run. {@code writes} is null when they could not be counted.
     */
    record DataLossRisk(Deployment deployment, Long writes, String temporaryDatabase) implements CommandResult {
    }

    /** The request is valid alone but does not fit the environment (for example a mode it cannot run). */
    record Invalid(String field, String detail) implements CommandResult {
    }

    /** A two-phase reset that cannot go back to verification, and why (see {@link Commands#cancelRefusal}). */
    record CannotCancel(Deployment deployment, String detail) implements CommandResult {
    }
}
