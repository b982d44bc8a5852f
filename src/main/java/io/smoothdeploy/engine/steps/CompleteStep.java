package io.smoothdeploy.engine.steps;

import io.smoothdeploy.cloud.AppServiceCloud;
import io.smoothdeploy.cloud.SlotInfo;
import io.smoothdeploy.cloud.SqlCloud;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.StepOutcome;
import java.util.Optional;

/**
 * Goes live. Per web app: swap the staging slot (new package on P) into production, then stop the
 * maintenance slot. Then, once: drop the temporary database. The swap is started in one run and checked in
 * later ones until production carries the release marker; only then is the maintenance slot stopped.
 *
 * <p>The swap is phase 2 of a swap with preview: warm-up applied production's slot settings to the staging slot
 * ({@link WarmUpStep}), so App Service has nothing left to apply to it, restarts nothing, and the instance that was
 * warmed is the one that takes production's traffic. App Service still warms it once more under its own ping path
 * ({@link SwapWarmUp}); a swap it stops that way is reported with what the slot answered
 * ({@link Swaps#explainStopped}), never called live.
 */
final class CompleteStep implements StageStep {

    private final AppServiceCloud appService;
    private final SqlCloud sql;
    private final Pacing pacing;
    private final CloneWriteGuard writeGuard;
    private final SlotWarmer warmer;

    CompleteStep(AppServiceCloud appService, SqlCloud sql, Pacing pacing, CloneWriteGuard writeGuard,
                 SlotWarmer warmer) {
        this.appService = appService;
        this.sql = sql;
        this.pacing = pacing;
        this.writeGuard = writeGuard;
        this.warmer = warmer;
    }

    @Override
    public StepOutcome run(StepContext context) {
        if (context.message().stage() == Stage.COMPLETE_CLEANUP) {
            return CloudChecks.dropTemporaryDatabase(sql, context, pacing);
        }
        Optional<SlotInfo> production = appService.getSlot(context.production());
        if (production.isEmpty()) {
            return CloudChecks.missingProduction(context);
        }
        String release = SlotMarkers.release(context.deployment().lineageId());
        if (!SlotMarkers.carries(production.get(), release)) {
            Optional<StepOutcome> swapping = Swaps.awaitRequested(context, pacing, pacing.swapTimeout(),
                    "the new package");
            if (swapping.isPresent()) {
                return swapping.get();
            }
            Optional<SlotInfo> staging = appService.getSlot(context.staging());
            if (staging.isEmpty() || !SlotMarkers.carries(staging.get(), release)) {
                return StepOutcome.fail(FailureKind.CONFIGURATION, "cannot go live on site "
                        + context.webAppConfig().name() + ": neither production nor slot " + context.staging()
                        + " carries this deployment's package (" + release + ")");
            }
            Optional<StepOutcome> stopped = Swaps.explainStopped(appService, warmer, context, context.staging(),
                    "the new package", "the maintenance content");
            if (stopped.isPresent()) {
                return stopped.get();
            }
            Optional<StepOutcome> wait = writeGuard.holdBack(context);
            if (wait.isPresent()) {
                return wait.get();
            }
            return Swaps.beginOrCheck(appService, context, context.staging(), "the new package", pacing,
                    pacing.swapTimeout());
        }
        appService.stopSlot(context.maintenance());
        return StepOutcome.advance("Site " + context.webAppConfig().name() + " now runs the new package",
                liveCheck(production.get(), context));
    }

    /**
     * The new package is live: one round under the web app's custom host names (warmUp.hostNames), which now reach
     * production. They were never sent to the staging slot (the front end routes a custom domain to production), so
     * this is the first time the release answers under them; a failure is a warning, since the swap is done and
     * undoing it is a person's decision. Null when all answered as expected or there are none.
     */
    private String liveCheck(SlotInfo production, StepContext context) {
        SlotWarmer.Round round = warmer.probeLive(production, context.webAppConfig());
        return round.results().isEmpty() || round.warm() ? null
                : "Site " + context.webAppConfig().name() + " is live, but not every custom host name answered as"
                + " expected: " + round.summary();
    }

}
