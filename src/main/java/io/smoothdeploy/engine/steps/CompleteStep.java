package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SqlCloud;
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
        if (context.environment().keepsRollbackWindow()) {
            return keepPreviousCodeWarm(context, production.get());
        }
        appService.stopSlot(context.maintenance());
        return StepOutcome.advance("Site " + context.webAppConfig().name() + " now runs the new package",
                liveCheck(production.get(), context));
    }

    /**
     * The new package is live and the environment keeps a rollback window: the maintenance slot, which holds the
     * previous code, stays up for a rollback instead of being stopped. Enter maintenance swapped it with production,
     * so it holds production's content as it was before the deployment (connection strings are not slot settings,
     * so they travelled with it): the previous code, on P. That is checked rather than trusted: a slot whose
     * connection string names another database (T, say) is pointed at P, which restarts it
     * (https://learn.microsoft.com/azure/app-service/configure-common: changing app settings or connection strings
     * restarts the app), and it is warmed again; a stopped one is started. Only a warm slot on P is offered for a
     * rollback. When it does not warm up within the environment's warm-up time the site still went live: a warning
     * says so, and a rollback would start and warm it again before swapping.
     */
    private StepOutcome keepPreviousCodeWarm(StepContext context, SlotInfo production) {
        String site = context.webAppConfig().name();
        String live = "Site " + site + " now runs the new package";
        String lineage = context.deployment().lineageId();
        Optional<SlotInfo> previous = appService.getSlot(context.maintenance());
        if (previous.isEmpty() || SlotMarkers.carries(previous.get(), SlotMarkers.maintenance(lineage))
                || SlotMarkers.carries(previous.get(), SlotMarkers.release(lineage))) {
            String warning = "Site " + site + " is live, but slot " + context.maintenance() + " does not hold its"
                    + " previous code" + (previous.isEmpty() ? " (it is gone)" : "") + ", so a rollback cannot swap it"
                    + " back; redeploy the previous package if the release must be undone";
            return StepOutcome.advance(live, warning);
        }
        String name = context.environment().connectionStringName();
        String onProduction = production.connectionStrings().get(name);
        String onPrevious = previous.get().connectionStrings().get(name);
        String databaseP = context.productionDatabase().name();
        if (context.zeroDowntime() && onPrevious != null
                && !namesDatabase(onPrevious, databaseP)) {
            Optional<String> repointed = io.smoothdeploy.engine.ConnectionStrings.withDatabase(onPrevious, databaseP);
            String value = repointed.orElse(onProduction);
            if (value != null) {
                appService.applyConfiguration(context.maintenance(),
                        new io.smoothdeploy.engine.port.SlotConfiguration(java.util.Map.of(), java.util.Map.of(name, value)));
                return StepOutcome.checkAgain(pacing.warmUpPoll(), "Pointed slot " + context.maintenance()
                        + ", which holds the previous code, at the production database " + databaseP
                        + " for the rollback window; warming it again");
            }
        }
        if (!previous.get().running()) {
            appService.startSlot(context.maintenance());
            return StepOutcome.checkAgain(pacing.warmUpPoll(), "Started slot " + context.maintenance()
                    + ", which holds the previous code, for the rollback window; warming it");
        }
        SlotWarmer.Round round = warmer.probeCurrent(appService, previous.get(), context.webAppConfig());
        if (!round.warm()) {
            if (context.pastDeadline(context.environment().warmUpTimeout())) {
                return StepOutcome.advance(live, "Site " + site + " is live, but its previous code on slot "
                        + context.maintenance() + " did not warm up within "
                        + context.environment().warmUpTimeout().toSeconds() + " s (" + round.summary() + "); a rollback"
                        + " starts and warms it again before swapping it back");
            }
            return StepOutcome.checkAgain(pacing.warmUpPoll(), "Warming the previous code on slot "
                    + context.maintenance() + " for the rollback window: " + round.summary());
        }
        return StepOutcome.advance(live + "; its previous code waits warm on slot " + context.maintenance()
                + ", on the production database, for the rollback window", liveCheck(production, context));
    }

    /** Whether a connection string names a database, compared as Azure SQL compares names (without case). */
    private static boolean namesDatabase(String connectionString, String database) {
        return io.smoothdeploy.engine.ConnectionStrings.database(connectionString)
                .map(d -> d.equalsIgnoreCase(database)).orElse(false);
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
