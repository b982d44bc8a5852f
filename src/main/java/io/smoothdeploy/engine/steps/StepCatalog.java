package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseActivity;
import io.smoothdeploy.engine.port.PackageDigest;
import io.smoothdeploy.engine.port.SqlCloud;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.engine.StepOutcome;
import io.smoothdeploy.engine.Steps;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppState;
import io.smoothdeploy.engine.port.SmokeProber;
import io.smoothdeploy.engine.port.WarmUpProber;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the step class of a message's stage. A cloud error that retrying will not fix becomes a classified
 * failure; a transient one is retried by the step's own schedule ({@link StepOutcome.RetryLater}); a busy one
 * (the site is in the middle of another operation, such as a swap) is checked again after the swap pace
 * ({@link StepOutcome.CheckAgain}), not counted as a retry, until the stage has waited past its limit.
 */
public final class StepCatalog implements Steps {

    private final Map<Stage, StageStep> steps = new EnumMap<>(Stage.class);
    private final Clock clock;
    private final Pacing pacing;

    public StepCatalog(AppServiceCloud appService, SqlCloud sql, WarmUpProber prober, PackageDigest packages,
                       SmokeProber smoke, DatabaseActivity activity, Clock clock, Pacing pacing) {
        this.clock = clock;
        this.pacing = pacing;
        SlotWarmer warmer = new SlotWarmer(prober);
        CompleteStep complete = new CompleteStep(appService, sql, pacing, new CloneWriteGuard(activity), warmer);
        ResetStep reset = new ResetStep(appService, sql, pacing, warmer);
        steps.put(Stage.VERIFY_PACKAGE, new VerifyPackageStep(packages, appService, clock));
        steps.put(Stage.CLONE_DB, new CloneDbStep(sql, pacing));
        steps.put(Stage.ENTER_MAINTENANCE, new EnterMaintenanceStep(appService, warmer, pacing));
        steps.put(Stage.DEPLOY_SLOT, new DeploySlotStep(appService));
        steps.put(Stage.WARM_UP, new WarmUpStep(appService, warmer, pacing));
        steps.put(Stage.AWAIT_VERIFICATION, new AwaitVerificationStep(appService, smoke, activity));
        steps.put(Stage.COMPLETE_SWAP, complete);
        steps.put(Stage.COMPLETE_CLEANUP, complete);
        steps.put(Stage.RESET_RESTORE_DATABASE, reset);
        steps.put(Stage.RESET_SWAP, reset);
        steps.put(Stage.RESET_PREPARE, reset);
        steps.put(Stage.RESET_CLEANUP, reset);
        steps.put(Stage.WATCH_LIVE, new WatchLiveStep(appService, smoke));
        // a rollback after going live is the reset's swap back, from new code live (see ResetStep#swapBack)
        steps.put(Stage.ROLLBACK_SWAP, reset);
        List<Stage> unhandled = unhandled(steps);
        if (!unhandled.isEmpty()) {
            throw new IllegalStateException("no step class is registered for stage(s) " + unhandled
                    + ": add each to StepCatalog (README \"Adding a step\")");
        }
    }

    /** The stages that run (every one but FINISHED) that {@code registered} has no step for. */
    static List<Stage> unhandled(Map<Stage, ?> registered) {
        return java.util.Arrays.stream(Stage.values())
                .filter(stage -> stage != Stage.FINISHED && !registered.containsKey(stage)).toList();
    }

    @Override
    public StepOutcome run(DeploymentSnapshot snapshot, StepMessage message) {
        EnvironmentConfig environment = snapshot.environment().config();
        WebAppConfig webAppConfig = null;
        WebAppState webApp = null;
        if (message.webApp() != null) {
            webAppConfig = environment.webApp(message.webApp()).orElse(null);
            webApp = snapshot.webApp(message.webApp()).orElse(null);
            if (webAppConfig == null || webApp == null) {
                return StepOutcome.fail(FailureKind.CONFIGURATION, "web app " + message.webApp()
                        + " is not part of environment " + environment.name() + " any more");
            }
        }
        StepContext context = new StepContext(environment, snapshot.deployment(), webAppConfig, webApp, message,
                clock.instant());
        try {
            return steps.get(message.stage()).run(context);
        } catch (CloudException e) {
            if (e.isBusy()) {
                // another operation (a swap, most often) holds the site: nothing changed; look again later
                Duration limit = environment.warmUpTimeout().plus(pacing.swapTimeout());
                return Swaps.busy(context, pacing, limit, "Site busy with another operation, checking again: "
                        + e.getMessage());
            }
            if (e.isCredentialFailure()) {
                return new StepOutcome.RetryLater(FailureKind.CREDENTIALS, e.code(), e.getMessage());
            }
            if (e.isTransient()) {
                // a throttled call says how long to wait (Retry-After); the retry is scheduled no sooner
                return new StepOutcome.RetryLater(FailureKind.CLOUD_OPERATION, e.code(), e.getMessage(), e.retryAfter());
            }
            return StepOutcome.fail(FailureKind.CLOUD_OPERATION, e.code() + ": " + e.getMessage(),
                    io.smoothdeploy.engine.FailureEvidence.cloud(e.code(), e.isCredentialFailure()));
        }
    }
}
