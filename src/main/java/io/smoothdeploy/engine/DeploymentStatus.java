package io.smoothdeploy.engine;

import java.util.List;

/** Where a deployment stands, as pipelines and portals see it. */
public enum DeploymentStatus {
    IN_PROGRESS("InProgress", false),
    AWAITING_VERIFICATION("AwaitingVerification", false),
    COMPLETING("Completing", false),
    SUCCEEDED("Succeeded", true),
    FAILED("Failed", true),
    RESETTING("Resetting", false),
    RESET("Reset", true),
    /** Cancel asked for while InProgress: the forward steps stop at their next run, then the undo runs as a reset. */
    CANCELLING("Cancelling", false),
    /** Everything the cancelled run did is undone. */
    CANCELLED("Cancelled", true),
    /** Swapping the previous code back into production after going live, within the rollback window. */
    ROLLING_BACK("RollingBack", false),
    /** Went live, then the previous code was swapped back (code only: the database keeps the release's changes). */
    ROLLED_BACK("RolledBack", true),
    /** A two-phase reset stopped before the swap back: the previous code waits on its slot to be checked. */
    AWAITING_RESET_VERIFICATION("AwaitingResetVerification", false);

    private final String wireName;
    private final boolean terminal;

    DeploymentStatus(String wireName, boolean terminal) {
        this.wireName = wireName;
        this.terminal = terminal;
    }

    public String wireName() {
        return wireName;
    }

    /** A terminal deployment no longer holds its environment and runs no more steps. */
    public boolean isTerminal() {
        return terminal;
    }

    /**
     * The operator actions that this status accepts. A Succeeded deployment whose rollback window is open also
     * accepts {@code rollback}: {@link Deployment#allowedActions(java.time.Instant)} says so, as it needs the time.
     */
    public List<String> allowedActions() {
        if (this == AWAITING_VERIFICATION) {
            return List.of("complete", "reset");
        }
        if (this == IN_PROGRESS) {
            return List.of("cancel");
        }
        if (this == AWAITING_RESET_VERIFICATION) {
            return List.of("complete", "cancel");
        }
        return this == FAILED ? List.of("reset") : List.of();
    }

    public static DeploymentStatus fromWireName(String name) {
        for (DeploymentStatus s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown deployment status: " + name);
    }
}
