package io.smoothdeploy.engine;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.port.ConcurrencyConflictException;
import io.smoothdeploy.engine.port.DeploymentStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The timer's part of the rollback window: once a window has ended, the maintenance slots that kept the previous
 * code warm are stopped (a stopped slot costs nothing extra on its plan and serves nobody), then the window is
 * recorded as closed. Stopping is an ensure operation (a stopped slot stays stopped), so a tick that stops and then
 * loses the write to a race only repeats it on the next tick. Only the environment's last deployment, with no
 * deployment running, is closed this way: a newer deployment has taken the slots over.
 */
public final class RollbackWindowCloser {

    private static final Logger LOG = Logger.getLogger(RollbackWindowCloser.class.getName());

    private final DeploymentStore store;
    private final AppServiceCloud appService;

    public RollbackWindowCloser(DeploymentStore store, AppServiceCloud appService) {
        this.store = store;
        this.appService = appService;
    }

    /** Whether {@code deployment}'s rollback window has ended at {@code now} and is not recorded as closed yet. */
    static boolean isDue(EnvironmentRecord environment, Deployment deployment, Instant now) {
        RollbackWindow window = deployment.rollbackWindow();
        return deployment.status() == DeploymentStatus.SUCCEEDED && window != null && window.closedAt() == null
                && !now.isBefore(window.until()) && environment.activeDeploymentId() == null
                && deployment.id().equals(environment.lastDeploymentId());
    }

    /**
     * Closes the window of {@code snapshot}'s deployment when it is due: stops each web app's maintenance slot, then
     * records the window closed with a log line. Returns the slots stopped, or empty when nothing was due.
     */
    public Optional<List<SlotRef>> closeIfDue(EnvironmentRecord environment, DeploymentSnapshot snapshot, Instant now) {
        Deployment deployment = snapshot.deployment();
        if (!isDue(environment, deployment, now)) {
            return Optional.empty();
        }
        List<SlotRef> stopped = new ArrayList<>();
        for (WebAppConfig webApp : environment.config().webApps()) {
            SlotRef slot = new SlotRef(webApp.resourceId(), webApp.maintenanceSlot());
            Optional<SlotInfo> info = appService.getSlot(slot);
            if (info.isPresent() && info.get().running()) {
                appService.stopSlot(slot);
                stopped.add(slot);
            }
        }
        String reason = "the window ended at " + deployment.rollbackWindow().until() + "; the slots that held the"
                + " previous code are stopped";
        String line = "Rollback window closed: " + reason + (stopped.isEmpty() ? " (none was running)"
                : " (" + stopped.size() + " stopped: " + String.join(", ", stopped.stream().map(SlotRef::toString)
                .toList()) + ")");
        try {
            store.commit(new Decision(deployment.withRollbackWindow(deployment.rollbackWindow().closed(now, reason)),
                    List.of(), null, List.of(LogLine.info(now, null, line)), List.of()));
        } catch (ConcurrencyConflictException e) {
            LOG.fine(() -> "deployment " + deployment.id() + " changed while its rollback window was closed; next tick");
            return Optional.empty();
        }
        LOG.info(() -> "deployment " + deployment.id() + ": " + line);
        return Optional.of(stopped);
    }
}
