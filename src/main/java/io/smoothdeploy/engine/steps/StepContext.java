package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppState;
import java.time.Duration;
import java.time.Instant;

/**
 * What a step run reads: the environment, the deployment, and for a per-web-app stage the web app's
 * configuration and state.
 *
 * @param environment   the environment's configuration
 * @param deployment    the deployment row
 * @param webAppConfig  the web app's configuration, or null for a deployment-level stage
 * @param webApp        the web app's row, or null for a deployment-level stage
 * @param message       the message being run
 * @param now           the time of this run
 */
public record StepContext(EnvironmentConfig environment, Deployment deployment, WebAppConfig webAppConfig,
                          WebAppState webApp, StepMessage message, Instant now) {

    public DatabaseRef productionDatabase() {
        return new DatabaseRef(environment.database().serverResourceId(), environment.database().name());
    }

    public DatabaseRef temporaryDatabase() {
        return new DatabaseRef(environment.database().serverResourceId(),
                deployment.temporaryDatabaseName(environment.database().name()));
    }

    public SlotRef production() {
        return SlotRef.production(webAppConfig.resourceId());
    }

    public SlotRef staging() {
        return new SlotRef(webAppConfig.resourceId(), webAppConfig.stagingSlot());
    }

    public SlotRef maintenance() {
        return new SlotRef(webAppConfig.resourceId(), webAppConfig.maintenanceSlot());
    }

    /** True when this web app keeps serving on the database clone (a main site, in a clone mode). */
    public boolean zeroDowntime() {
        return webAppConfig.role() == io.smoothdeploy.engine.WebAppRole.ZERO_DOWNTIME
                && deployment.mode().usesDatabaseClone();
    }

    /** When the current stage first ran (this run, if it is the first). */
    public Instant stageStartedAt() {
        Instant started = webApp != null ? (webApp.workingStage() == message.stage() ? webApp.stageStartedAt() : null)
                : deployment.stageStartedAt();
        return started == null ? now : started;
    }

    /** True when the current stage has been running longer than {@code limit}. */
    public boolean pastDeadline(Duration limit) {
        return now.isAfter(stageStartedAt().plus(limit));
    }
}
