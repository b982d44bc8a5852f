package io.smoothdeploy.engine.steps;

import io.smoothdeploy.cloud.AppServiceCloud;
import io.smoothdeploy.cloud.SlotInfo;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.StepOutcome;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends the warm-up requests to one web app's staging slot, addressed by the slot's own host name (a custom domain
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
                    + limit.toSeconds() + " s: " + round.summary());
        }
        return StepOutcome.checkAgain(pacing.warmUpPoll(), "Warming up slot " + context.staging() + ": "
                + round.summary());
    }
}
