package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Starting a swap and checking on it, for the steps that swap a slot into production. A swap is started, never
 * waited for: the run that starts it returns "check again", and later runs read the production slot's content
 * marker ({@link SlotMarkers}) to tell whether it is over. While the swap runs, the cloud refuses writes to the
 * site, a second swap included, as busy; a busy refusal means "check again", never a failure and never a
 * second swap.
 */
final class Swaps {

    /** How long a requested swap may show nothing before it is asked for again. */
    static final Duration REQUEST_AGAIN_AFTER = Duration.ofMinutes(5);

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
        return new StepOutcome.CheckAgain(pacing.swapPoll(), "Started swapping " + what + " into production on site "
                + source.siteName() + " from slot " + source.slot() + "; checking until production carries it", true);
    }

    /**
     * When a run of this stage asked for a swap less than {@link #REQUEST_AGAIN_AFTER} ago (the web app's row
     * says so) and production does not carry the new content yet, the swap is still running: check again, and
     * ask for nothing. Only a swap that has shown nothing for that long (App Service stopped it, or the request
     * was lost) is asked for again; a request while a swap runs is refused as busy.
     */
    static Optional<StepOutcome> awaitRequested(StepContext context, Pacing pacing, Duration limit, String what) {
        Instant requested = context.webApp() == null ? null : context.webApp().swapRequestedAt();
        if (requested == null || !context.now().isBefore(requested.plus(REQUEST_AGAIN_AFTER))) {
            return Optional.empty();
        }
        return Optional.of(busy(context, pacing, limit, "Waiting for the swap of " + what + " on site "
                + context.production().siteName() + ", asked for at " + requested));
    }

    /**
     * After a swap this stage asked for has shown nothing for {@link #REQUEST_AGAIN_AFTER} (so {@link #awaitRequested}
     * let the run go on), says why when the reason can be seen: App Service's own warm-up during a swap asks the
     * source slot for the ping path ({@link SwapWarmUp}) and stops the swap, changing nothing, when the answer's
     * status is not one of the accepted ones (https://learn.microsoft.com/azure/app-service/deploy-staging-slots,
     * "Specify custom warm-up"). When the source slot, asked the same way by its own host name, still does not
     * answer an accepted status, asking again would only be stopped again: the stage fails with what the slot
     * answered. Empty when no swap was asked for yet, or the slot answers as expected (then the swap is asked for
     * again: it was lost, or stopped for a reason that has passed).
     *
     * @param serving what production still serves, for the message
     */
    static Optional<StepOutcome> explainStopped(AppServiceCloud appService, SlotWarmer warmer, StepContext context,
                                                SlotRef source, String what, String serving) {
        Instant requested = context.webApp() == null ? null : context.webApp().swapRequestedAt();
        if (requested == null) {
            return Optional.empty();
        }
        Optional<io.smoothdeploy.engine.port.SlotInfo> slot = appService.getSlot(source);
        if (slot.isEmpty()) {
            return Optional.empty();
        }
        SlotWarmer.Round round = warmer.probeSwapWarmUp(slot.get(), context.webAppConfig());
        if (round.warm()) {
            return Optional.empty();
        }
        return Optional.of(StepOutcome.fail(FailureKind.WARM_UP, "App Service stopped the swap of " + what
                + " into production on site " + source.siteName() + " (asked for at " + requested + "): its warm-up"
                + " during the swap asks slot " + source.slot() + " for " + SwapWarmUp.path(context.webAppConfig())
                + " and accepts only HTTP " + SwapWarmUp.statuses(context.webAppConfig()) + " ("
                + SwapWarmUp.PING_STATUSES + "), and the slot answers: " + round.summary() + ". Production still"
                + " serves " + serving + "; nothing was swapped. Make slot " + source.slot() + " answer as expected"
                + " (start it, or fix what it answers), then try again, or reset", round.failing(source.slot())));
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
