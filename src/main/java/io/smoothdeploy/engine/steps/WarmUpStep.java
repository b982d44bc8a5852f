package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.StepOutcome;
import java.time.Duration;
import java.util.Optional;

/**
 * First applies production's slot settings to the staging slot (swap with preview, recorded in the web app's row),
 * then sends the warm-up requests to one web app's staging slot, addressed by the slot's own host name (a custom domain
 * would reach production), until every path answers an expected status or the environment's warm-up time is up.
 */
final class WarmUpStep implements StageStep {

    private final AppServiceCloud appService;
    private final SlotWarmer warmer;
    private final Pacing pacing;

    WarmUpStep(AppServiceCloud appService, SlotWarmer warmer, Pacing pacing) {
        this.appService = appService;
        this.warmer = warmer;
        this.pacing = pacing;
    }

    @Override
    public StepOutcome run(StepContext context) {
        Optional<SlotInfo> staging = appService.getSlot(context.staging());
        if (staging.isEmpty()) {
            return StepOutcome.fail(FailureKind.CONFIGURATION, "slot " + context.staging() + " is gone");
        }
        if (context.webApp().previewAppliedAt() == null) {
            // Swap with preview, phase 1: the slot takes production's slot settings (and restarts) before it is
            // warmed, so it is warmed exactly as it will run in production and Complete's swap has nothing left to
            // apply: no restart at the swap to throw the warm-up away
            // (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Swap operation steps" and
            // "Swap with preview"). Applied before it is recorded: a crash in between makes the redelivery apply
            // it again, which changes nothing (the port's applyProductionConfiguration is harmless to repeat).
            try {
                appService.applyProductionConfiguration(context.staging());
            } catch (CloudException e) {
                if (!e.isBusy()) {
                    throw e;
                }
                return StepOutcome.checkAgain(pacing.warmUpPoll(), "Applying production's slot settings to slot "
                        + context.staging() + ": the site is busy (" + e.getMessage() + ")");
            }
            return new StepOutcome.CheckAgain(pacing.warmUpPoll(), "Applied production's slot settings to slot "
                    + context.staging() + " (swap with preview); warming it up as it will run in production", false,
                    StepOutcome.Preview.APPLIED);
        }
        // only answers from the new content count (see SlotWarmer.probeCurrent: restarts are asynchronous)
        SlotWarmer.Round round = warmer.probeCurrent(appService, staging.get(), context.webAppConfig());
        if (round.warm()) {
            Duration took = Duration.between(context.stageStartedAt(), context.now());
            return StepOutcome.advance("Slot " + context.staging() + " is warm (" + round.results().size()
                    + " requests, " + took.toSeconds() + " s)");
        }
        Duration limit = context.environment().warmUpTimeout();
        if (context.pastDeadline(limit)) {
            return StepOutcome.fail(FailureKind.WARM_UP, "slot " + context.staging() + " did not warm up within "
                    + limit.toSeconds() + " s: " + round.summary(), round.failing(context.staging().slot()));
        }
        return StepOutcome.checkAgain(pacing.warmUpPoll(), "Warming up slot " + context.staging() + ": "
                + round.summary());
    }
}
