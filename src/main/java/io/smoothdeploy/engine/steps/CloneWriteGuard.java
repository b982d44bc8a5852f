package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.DatabaseActivity;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.StepOutcome;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The second count of a ReadWrite run's data-loss guard. Complete counted the writes to the temporary
 * database T when it was decided; between that count and the swaps the old code kept writing to T. Before a
 * zero-downtime site goes live, writes to T are stopped (T becomes read-only) and counted again: when more
 * reached it than a person accepted to lose, the swap waits until someone accepts them (Complete again with
 * {@code acceptDataLoss}).
 */
final class CloneWriteGuard {

    /** How often a waiting swap looks again for an acceptance. */
    static final Duration RECHECK = Duration.ofSeconds(30);

    private final DatabaseActivity activity;

    CloneWriteGuard(DatabaseActivity activity) {
        this.activity = activity;
    }

    /** Empty when the site may go live now; otherwise the wait, with what a person must do. */
    Optional<StepOutcome> holdBack(StepContext context) {
        Deployment deployment = context.deployment();
        if (!context.zeroDowntime() || deployment.mode() != DeploymentMode.READ_WRITE) {
            return Optional.empty();
        }
        long accepted = deployment.cloneWritesAccepted() == null ? 0 : deployment.cloneWritesAccepted();
        if (accepted == Deployment.ANY_NUMBER_OF_WRITES) {
            return Optional.empty();
        }
        boolean stopped = activity.stopWrites(context.temporaryDatabase());
        OptionalLong writes = activity.writesSinceCreated(context.temporaryDatabase());
        if (stopped && writes.isPresent() && writes.getAsLong() <= accepted) {
            return Optional.empty();
        }
        String database = context.temporaryDatabase().name();
        String reason = !stopped || writes.isEmpty()
                ? "Not going live yet: writes to the temporary database " + database + " could not be "
                + (stopped ? "counted" : "stopped") + " before the swap, so some may be lost; complete again with "
                + "acceptDataLoss to go on"
                : "Not going live yet: " + writes.getAsLong() + " write(s) reached the temporary database " + database
                + " (" + accepted + " accepted when Complete was decided) and would be lost; writes to it are "
                + "stopped now. Complete again with acceptDataLoss to go on";
        return Optional.of(StepOutcome.checkAgain(RECHECK, reason));
    }
}
