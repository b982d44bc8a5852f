package io.smoothdeploy.engine.steps;

import io.smoothdeploy.cloud.AppServiceCloud;
import io.smoothdeploy.cloud.DatabaseInfo;
import io.smoothdeploy.cloud.DatabaseRef;
import io.smoothdeploy.cloud.SlotInfo;
import io.smoothdeploy.cloud.SqlCloud;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.StepOutcome;
import java.time.Duration;
import java.util.Optional;

/**
 * Rolls back. With {@code rollbackDatabase}, first restores P as it was when the deployment started (a
 * point-in-time restore into a new database, which then takes P's name). Then per web app: swap the
 * maintenance slot's previous code (on P) back into production, whether production serves the maintenance
 * content or, after a half-done Complete, the new package; then stop the maintenance slot. Then, once: drop
 * the temporary database.
 */
final class ResetStep implements StageStep {

    private final AppServiceCloud appService;
    private final SqlCloud sql;
    private final Pacing pacing;
    private final SlotWarmer warmer;

    ResetStep(AppServiceCloud appService, SqlCloud sql, Pacing pacing, SlotWarmer warmer) {
        this.appService = appService;
        this.sql = sql;
        this.pacing = pacing;
        this.warmer = warmer;
    }

    @Override
    public StepOutcome run(StepContext context) {
        switch (context.message().stage()) {
            case RESET_RESTORE_DATABASE:
                return restoreDatabase(context);
            case RESET_CLEANUP:
                return CloudChecks.dropTemporaryDatabase(sql, context);
            default:
                return swapBack(context);
        }
    }

    /**
     * Puts the previous code back in production, from where the web app really stands, read from the content
     * markers. Enter maintenance swapped the maintenance slot with production, so from then on the maintenance
     * slot holds production's original content (the previous code, on P); Complete swaps staging into
     * production and stops the maintenance slot, but leaves that content there. So whenever production carries
     * this deployment's maintenance content or its release (new code live after a half-done Complete), the
     * maintenance slot is swapped back in, started first if Complete stopped it. Production carrying neither is
     * on its previous code already. The swap is started in one run and checked in later ones; the web app is
     * reported back only once production no longer carries this deployment's content.
     */
    private StepOutcome swapBack(StepContext context) {
        Optional<SlotInfo> production = appService.getSlot(context.production());
        if (production.isEmpty()) {
            return CloudChecks.missingProduction(context);
        }
        String site = context.webAppConfig().name();
        String maintenanceMarker = SlotMarkers.maintenance(context.deployment().lineageId());
        String releaseMarker = SlotMarkers.release(context.deployment().lineageId());
        boolean newCodeLive = SlotMarkers.carries(production.get(), releaseMarker);
        boolean inMaintenance = SlotMarkers.carries(production.get(), maintenanceMarker);
        Optional<SlotInfo> previous = appService.getSlot(context.maintenance());
        if (!newCodeLive && !inMaintenance) {
            if (previous.isPresent() && previous.get().running()) {
                appService.stopSlot(context.maintenance());
            }
            return StepOutcome.advance("Site " + site + " is back on its previous package");
        }
        String serving = newCodeLive ? "the new package" : "the maintenance content";
        if (previous.isEmpty()) {
            return StepOutcome.fail(FailureKind.CONFIGURATION, "cannot reset site " + site + ": production serves "
                    + serving + " of this deployment, and slot " + context.maintenance() + ", which held the previous"
                    + " code, is gone; redeploy the previous package to put it back");
        }
        if (SlotMarkers.carries(previous.get(), maintenanceMarker) || SlotMarkers.carries(previous.get(), releaseMarker)) {
            return StepOutcome.fail(FailureKind.CONFIGURATION, "cannot reset site " + site + ": production serves "
                    + serving + " of this deployment, and slot " + context.maintenance() + " holds this deployment's "
                    + "content too (" + previous.get().appSettings().get(SlotMarkers.SETTING) + "), not the previous"
                    + " code; redeploy the previous package to put it back");
        }
        if (!previous.get().running()) {
            appService.startSlot(context.maintenance());
            return StepOutcome.checkAgain(pacing.warmUpPoll(), "Started slot " + context.maintenance()
                    + ", which holds the previous code, to swap it back into production (site " + site + " serves "
                    + serving + ")");
        }
        // the previous code answers before it takes production's traffic again (after a half-done Complete it
        // was stopped and has just been started)
        SlotWarmer.Round round = warmer.probe(previous.get(), context.webAppConfig(), false);
        if (!round.warm()) {
            Duration limit = context.environment().warmUpTimeout();
            if (context.pastDeadline(limit)) {
                return StepOutcome.fail(FailureKind.WARM_UP, "cannot reset site " + site + ": the previous code on slot "
                        + context.maintenance() + " did not warm up within " + limit.toSeconds() + " s ("
                        + round.summary() + "); production still serves " + serving + ", nothing was swapped");
            }
            return StepOutcome.checkAgain(pacing.warmUpPoll(), "Warming the previous code on slot "
                    + context.maintenance() + " before swapping it back: " + round.summary());
        }
        Optional<SlotInfo> now = appService.getSlot(context.production());
        if (now.isPresent() && !SlotMarkers.carries(now.get(), maintenanceMarker)
                && !SlotMarkers.carries(now.get(), releaseMarker)) {
            return StepOutcome.checkAgain(pacing.swapPoll(), "Site " + site + " changed while its previous code was"
                    + " warmed; reading it again");
        }
        return Swaps.beginOrCheck(appService, context, context.maintenance(), "the previous package", pacing,
                pacing.swapTimeout());
    }

    /**
     * Restores P@start into R, then renames P to P-old and R to P, then drops P-old. Each run looks at which
     * of the three databases exist to know how far it got.
     */
    private StepOutcome restoreDatabase(StepContext context) {
        DatabaseRef production = context.productionDatabase();
        String suffix = "-sd-" + context.deployment().id().toLowerCase();
        DatabaseRef restored = new DatabaseRef(production.serverResourceId(), production.name() + suffix + "-restore");
        DatabaseRef replaced = new DatabaseRef(production.serverResourceId(), production.name() + suffix + "-replaced");
        boolean productionExists = sql.getDatabase(production).isPresent();
        Optional<DatabaseInfo> restore = sql.getDatabase(restored);
        boolean replacedExists = sql.getDatabase(replaced).isPresent();
        String done = "Restored database " + production + " to " + context.deployment().lineageStartedAt();
        if (restore.isEmpty()) {
            if (replacedExists && productionExists) {
                sql.deleteDatabase(replaced);
                return StepOutcome.advance(done);
            }
            sql.beginPointInTimeRestore(production, context.deployment().lineageStartedAt(), restored);
            return StepOutcome.checkAgain(pacing.databasePoll(), "Restoring database " + production + " to "
                    + context.deployment().lineageStartedAt() + " as " + restored);
        }
        switch (restore.get().state()) {
            case FAILED:
                return StepOutcome.fail(FailureKind.DATABASE, "restoring " + production + " failed: "
                        + restore.get().detail());
            case CREATING:
                if (context.pastDeadline(pacing.databaseTimeout())) {
                    return StepOutcome.fail(FailureKind.DATABASE, "restoring " + production + " did not finish within "
                            + pacing.databaseTimeout().toMinutes() + " minutes");
                }
                return StepOutcome.checkAgain(pacing.databasePoll(), "Waiting for restore " + restored + " ("
                        + restore.get().detail() + ")");
            default:
                if (productionExists) {
                    sql.rename(production, replaced.name());
                }
                sql.rename(restored, production.name());
                sql.deleteDatabase(replaced);
                return StepOutcome.advance(done);
        }
    }

}
