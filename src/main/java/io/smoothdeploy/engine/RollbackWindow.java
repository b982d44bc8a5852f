package io.smoothdeploy.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * The rollback window of a deployment that went live: until {@code until} the previous code waits warm in each
 * web app's maintenance slot, on the production database, and {@code POST /deployments/{id}/rollback} swaps it
 * back (code only: the database keeps what the release's migrations did).
 *
 * @param until          when the window ends; the timer then stops the slots that hold the previous code
 * @param closedAt       when it closed (the timer stopped the slots, a rollback began, or a newer deployment of the
 *                       environment started), or null while open
 * @param closedBecause  why it closed, for people, or null while open
 * @param rollbackReason for a deployment that was rolled back: who asked, or which check after going live failed;
 *                       null otherwise
 */
public record RollbackWindow(Instant until, Instant closedAt, String closedBecause, String rollbackReason) {

    /** A window open until {@code until}. */
    public static RollbackWindow openUntil(Instant until) {
        return new RollbackWindow(until, null, null, null);
    }

    /** Open at {@code now}: not closed, and not past its end. */
    public boolean isOpenAt(Instant now) {
        return closedAt == null && now.isBefore(until);
    }

    /** The same window, closed at {@code now} for {@code reason} (a closed window stays as it first closed). */
    public RollbackWindow closed(Instant now, String reason) {
        return closedAt != null ? this : new RollbackWindow(until, now, reason, rollbackReason);
    }

    /** The same window, closed by a rollback for {@code reason}. */
    public RollbackWindow rolledBack(Instant now, String reason) {
        return new RollbackWindow(until, closedAt == null ? now : closedAt,
                closedAt == null ? "rolled back" : closedBecause, reason);
    }

    /**
     * Why {@code deployment} cannot be rolled back at {@code now}, for a 409 answer a person can act on; empty when
     * it can.
     */
    public static Optional<String> refusal(Deployment deployment, Instant now) {
        RollbackWindow window = deployment.rollbackWindow();
        if (deployment.status() == DeploymentStatus.ROLLING_BACK || deployment.status() == DeploymentStatus.ROLLED_BACK) {
            return Optional.of("it was rolled back already" + (window == null || window.rollbackReason() == null ? ""
                    : " (" + window.rollbackReason() + ")"));
        }
        if (deployment.status() != DeploymentStatus.SUCCEEDED) {
            return Optional.of("only a deployment that went live (Succeeded) can be rolled back; this one is "
                    + deployment.status().wireName() + (deployment.status() == DeploymentStatus.AWAITING_VERIFICATION
                    ? ": reset it instead" : ""));
        }
        if (window == null) {
            return Optional.of("no rollback window was kept when it went live (the environment's rollbackWindowMinutes"
                    + " was 0, or it went live before windows were kept), so the previous code is not waiting in a"
                    + " slot; deploy the previous package as a new deployment");
        }
        if (window.closedAt() != null) {
            return Optional.of("its rollback window closed at " + window.closedAt() + " (" + window.closedBecause()
                    + "); deploy the previous package as a new deployment");
        }
        if (!now.isBefore(window.until())) {
            return Optional.of("its rollback window ended at " + window.until() + "; deploy the previous package as a"
                    + " new deployment");
        }
        return Optional.empty();
    }
}
