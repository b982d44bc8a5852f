package io.smoothdeploy.engine.steps;

import io.smoothdeploy.cloud.AppServiceCloud;
import io.smoothdeploy.cloud.CloudException;
import io.smoothdeploy.cloud.SlotRef;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.StepOutcome;
import java.time.Duration;

/**
 * Starting a swap and checking on it, for the steps that swap a slot into production. A swap is started, never
 * waited for: the run that starts it returns "check again", and later runs read the production slot's content
 * marker ({@link SlotMarkers}) to tell whether it is over. While the swap runs, the cloud refuses writes to the
 * site, a second swap included, as busy; a busy refusal means "check again", never a failure and never a
 * second swap.
 */
final class Swaps {

    private Swaps() {
    }

    /**
     * Starts swapping {@code source} into production (the caller has just read that production does not carry
     * the marker the source holds), or, when the site is busy (most often with the swap an earlier run
     * started), checks again later. Fails once the stage has waited longer than {@code limit}.
     *
     * @param what what goes live, for the log: for example {@code "the new package"}
     */
    static StepOutcome beginOrCheck(AppServiceCloud appService, StepContext context, SlotRef source, String what,
                                    Pacing pacing, Duration limit) {
        try {
            appService.beginSwapWithProduction(source);
        } catch (CloudException e) {
            if (!e.isBusy()) {
                throw e;
            }
            return busy(context, pacing, limit, "Swapping " + what + " into production on site "
                    + source.siteName() + " from slot " + source.slot() + ": the site is busy (" + e.getMessage() + ")");
        }
        return StepOutcome.checkAgain(pacing.swapPoll(), "Started swapping " + what + " into production on site "
                + source.siteName() + " from slot " + source.slot() + "; checking until production carries it");
    }

    /** Check again after the swap pace, or fail when the stage has waited longer than {@code limit}. */
    static StepOutcome busy(StepContext context, Pacing pacing, Duration limit, String reason) {
        if (context.pastDeadline(limit)) {
            return StepOutcome.fail(FailureKind.CLOUD_OPERATION, reason + "; still not done "
                    + limit.toMinutes() + " minutes after the stage started. The swap may still finish in Azure:"
                    + " a reset reads where each site stands");
        }
        return StepOutcome.checkAgain(pacing.swapPoll(), reason);
    }
}
