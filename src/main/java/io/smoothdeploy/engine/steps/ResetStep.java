package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.DatabaseInfo;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SqlCloud;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rolls back. With {@code rollbackDatabase}, first restores P as it was when the deployment started (a
 * point-in-time restore into a new database, which then takes P's name). Then per web app: swap the
 * maintenance slot's previous code (on P) back into production, whether production serves the maintenance
 * content or, after a half-done Complete, the new package; then stop the maintenance slot. Then, once: drop
 * the temporary database.
 *
 * <p>Before the swap back: a swap with preview of the staging slot that warm-up started is cancelled (the staging
 * slot gets its own slot settings back), and the maintenance slot gets production's slot settings before it is
 * warmed, so the swap back restarts nothing ({@link Previews}).
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
                return cleanUp(context);
            case RESET_PREPARE:
                return prepare(context);
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
            if (previous.isPresent() && context.webApp() != null && !context.webApp().maintenance()) {
                // it never entered maintenance: a swap with preview that entering maintenance prepared and never
                // swapped would keep production's and the slot's configuration locked; without one this changes
                // nothing (a web app that did enter had its preview ended by the swap in, and the swap back)
                appService.resetConfiguration(context.maintenance());
            }
            if (previous.isPresent() && previous.get().running()) {
                appService.stopSlot(context.maintenance());
            }
            // A swap into production still running when this run read it (one a cancelled enter-maintenance run asked
            // for and never recorded) makes App Service refuse the writes above as busy, so this run checks again; one
            // that ended between that read and those writes shows now: it is swapped back by the next run
            Optional<SlotInfo> after = appService.getSlot(context.production());
            if (after.isPresent() && (SlotMarkers.carries(after.get(), maintenanceMarker)
                    || SlotMarkers.carries(after.get(), releaseMarker))) {
                return StepOutcome.checkAgain(pacing.swapPoll(), "Site " + site + " took this deployment's content"
                        + " while it was read (a swap that was still running); swapping the previous package back");
            }
            return StepOutcome.advance("Site " + site + " is back on its previous package");
        }
        String serving = newCodeLive ? "the new package" : "the maintenance content";
        Optional<StepOutcome> swapping = Swaps.awaitRequested(context, pacing, pacing.swapTimeout(),
                "the previous package");
        if (swapping.isPresent()) {
            return swapping.get();
        }
        if (!newCodeLive && stagingPreviewPending(context)) {
            return cancelStagingPreview(context);
        }
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
        Optional<StepOutcome> stopped = Swaps.explainStopped(appService, warmer, context, context.maintenance(),
                "the previous package", serving);
        if (stopped.isPresent()) {
            return stopped.get();
        }
        if (!Previews.hasProductionSlotSettings(appService, production.get(), previous.get())) {
            // swap with preview (see Previews), so the swap back restarts nothing and the warmed instance serves
            appService.applyProductionConfiguration(context.maintenance());
            return StepOutcome.checkAgain(pacing.warmUpPoll(), "Applied production's slot settings to slot "
                    + context.maintenance() + ", which holds the previous code (swap with preview), before swapping"
                    + " it back");
        }
        // the previous code answers before it takes production's traffic again (after a half-done Complete it
        // was stopped and has just been started)
        SlotWarmer.Round round = warmer.probe(previous.get(), context.webAppConfig());
        if (!round.warm()) {
            Duration limit = context.environment().warmUpTimeout();
            if (context.pastDeadline(limit)) {
                return StepOutcome.fail(FailureKind.WARM_UP, "cannot reset site " + site + ": the previous code on slot "
                        + context.maintenance() + " did not warm up within " + limit.toSeconds() + " s ("
                        + round.summary() + "); production still serves " + serving + ", nothing was swapped",
                        round.failing(context.maintenance().slot()));
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
     * The first half of a two-phase reset: each web app's previous code, where it waits to be swapped back (the
     * maintenance slot, while production carries this deployment's maintenance content or release), is started and
     * warmed, and its address becomes a validation link. Nothing is swapped and no slot setting changes, so a cancel
     * leaves the slots as they were while awaiting verification; the swap back ({@link #swapBack}) then does what it
     * always does. A web app whose production already serves its previous code is linked there.
     */
    private StepOutcome prepare(StepContext context) {
        List<String> links = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (io.smoothdeploy.engine.WebAppConfig webApp : context.environment().webApps()) {
            io.smoothdeploy.engine.port.SlotRef productionRef = io.smoothdeploy.engine.port.SlotRef.production(webApp.resourceId());
            Optional<SlotInfo> production = appService.getSlot(productionRef);
            if (production.isEmpty()) {
                return StepOutcome.fail(FailureKind.CONFIGURATION, "site " + productionRef.siteName()
                        + " has no production slot; check the web app's resource id in the environment");
            }
            String path = webApp.warmUp().paths().isEmpty() ? "/" : webApp.warmUp().paths().get(0);
            boolean changed = SlotMarkers.carries(production.get(), SlotMarkers.maintenance(context.deployment().lineageId()))
                    || SlotMarkers.carries(production.get(), SlotMarkers.release(context.deployment().lineageId()));
            if (!changed) {
                links.add(production.get().baseUrl() + path);
                continue;
            }
            io.smoothdeploy.engine.port.SlotRef maintenance = new io.smoothdeploy.engine.port.SlotRef(webApp.resourceId(),
                    webApp.maintenanceSlot());
            Optional<SlotInfo> previous = appService.getSlot(maintenance);
            if (previous.isEmpty()) {
                return StepOutcome.fail(FailureKind.CONFIGURATION, "cannot check the previous code of site "
                        + webApp.name() + ": slot " + maintenance + ", which held it, is gone; reset without "
                        + "validateBeforeSwap fails the same way: redeploy the previous package to put it back");
            }
            if (!previous.get().running()) {
                appService.startSlot(maintenance);
                waiting.add("started slot " + maintenance);
                continue;
            }
            SlotWarmer.Round round = warmer.probe(previous.get(), webApp);
            if (!round.warm()) {
                waiting.add(maintenance + ": " + round.summary());
            }
            links.add(previous.get().baseUrl() + path);
        }
        if (!waiting.isEmpty()) {
            Duration limit = context.environment().warmUpTimeout();
            if (context.pastDeadline(limit)) {
                return StepOutcome.fail(FailureKind.WARM_UP, "the previous code did not warm up within "
                        + limit.toSeconds() + " s for its check before the swap back (" + String.join("; ", waiting)
                        + "); nothing was swapped: reset again, with or without validateBeforeSwap");
            }
            return StepOutcome.checkAgain(pacing.warmUpPoll(), "Warming the previous code for its check before the"
                    + " swap back: " + String.join("; ", waiting));
        }
        return new StepOutcome.Advance("Previous code ready to check: " + String.join(", ", links), links);
    }

    /**
     * Whether the staging slot may be in a swap with preview this deployment started: the row recorded it, or a
     * warm-up run was in progress when the reset came (it may have applied the preview and died before recording
     * it). Cancelling a slot with no pending preview changes nothing, so the second case only costs a call.
     */
    private static boolean stagingPreviewPending(StepContext context) {
        return context.webApp() != null && (context.webApp().previewAppliedAt() != null
                || context.webApp().workingStage() == io.smoothdeploy.engine.Stage.WARM_UP);
    }

    /**
     * Cancels the staging slot's swap with preview (it gets its own slot settings back, and App Service unlocks the
     * configuration of both slots: while a preview is pending their settings cannot be changed), before anything is
     * swapped back. Recorded in the row, so later runs do not cancel again.
     */
    private StepOutcome cancelStagingPreview(StepContext context) {
        try {
            if (context.deployment().rollbackDatabase()) {
                // Cancelling restarts the slot, and the new release migrates the database it starts on: P, just
                // restored. Stopped first, it does not start again (a restart leaves a stopped app stopped); deploy
                // slot starts it for the next release
                Optional<SlotInfo> staging = appService.getSlot(context.staging());
                if (staging.isPresent() && staging.get().running()) {
                    appService.stopSlot(context.staging());
                }
            }
            appService.resetConfiguration(context.staging());
        } catch (io.smoothdeploy.engine.port.CloudException e) {
            if (!e.isBusy()) {
                throw e;
            }
            return Swaps.busy(context, pacing, pacing.swapTimeout(), "Cancelling the swap with preview of slot "
                    + context.staging() + ": the site is busy (" + e.getMessage() + ")");
        }
        return new StepOutcome.CheckAgain(pacing.swapPoll(), "Cancelled the swap with preview of slot "
                + context.staging() + ": it has its own slot settings back", false, StepOutcome.Preview.CANCELLED);
    }

    /**
     * Restores P@start into R, renames P to P-replaced and R to P. P-replaced is dropped only in the clean-up
     * stage, after the state has recorded the restore: until then the three names tell each point of the
     * sequence apart, so a redelivered message never restores again a production database that was already
     * restored (which would lose what was written since). A restore that ends Failed is deleted and started
     * again, until the database time limit.
     */
    private StepOutcome restoreDatabase(StepContext context) {
        DatabaseRef production = context.productionDatabase();
        DatabaseRef restored = restoreTarget(context);
        DatabaseRef replaced = replacedDatabase(context);
        Optional<DatabaseInfo> current = sql.getDatabase(production);
        Optional<DatabaseInfo> restore = sql.getDatabase(restored);
        boolean replacedExists = sql.getDatabase(replaced).isPresent();
        Instant pointInTime = context.deployment().lineageStartedAt();
        String done = "Restored database " + production + " to " + pointInTime + "; the database it replaced is "
                + replaced.name() + " until clean-up";
        if (replacedExists) {
            if (current.isPresent() && restore.isEmpty()) {
                return StepOutcome.advance(done);
            }
            if (current.isEmpty() && restore.isPresent() && restore.get().state() == DatabaseInfo.State.ONLINE) {
                sql.rename(restored, production.name());
                return StepOutcome.advance(done);
            }
            return unexpected(context, current, restore, true);
        }
        if (current.isEmpty()) {
            return unexpected(context, current, restore, false);
        }
        if (restore.isEmpty()) {
            Instant earliest = current.get().earliestRestore();
            if (earliest != null && pointInTime.isBefore(earliest)) {
                // Azure SQL restores only to points after the database's first backup (its earliestRestoreDate);
                // asking would be refused, so the reason is given here, before anything is asked for
                return StepOutcome.fail(FailureKind.DATABASE, "cannot roll back database " + production + " to "
                        + pointInTime + ", when the deployment started: its earliest restore point is " + earliest
                        + " (a database can be restored only to a point after its first backup, and within its "
                        + "backup retention). Nothing was restored; reset again without rollbackDatabase, and undo the "
                        + "release's database changes by hand or from a backup");
            }
            sql.beginPointInTimeRestore(production, pointInTime, restored);
            return StepOutcome.checkAgain(pacing.databasePoll(), "Restoring database " + production + " to "
                    + pointInTime + " as " + restored);
        }
        switch (restore.get().state()) {
            case FAILED:
                if (context.pastDeadline(pacing.databaseTimeout())) {
                    return StepOutcome.fail(FailureKind.DATABASE, "restoring " + production + " failed: "
                            + restore.get().detail() + "; it kept failing for " + pacing.databaseTimeout().toMinutes()
                            + " minutes");
                }
                sql.deleteDatabase(restored);
                return StepOutcome.checkAgain(pacing.databasePoll(), "Restore " + restored + " failed ("
                        + restore.get().detail() + "); deleted it, and restoring again");
            case ONLINE:
                sql.rename(production, replaced.name());
                sql.rename(restored, production.name());
                return StepOutcome.advance(done);
            default:
                if (context.pastDeadline(pacing.databaseTimeout())) {
                    return StepOutcome.fail(FailureKind.DATABASE, "restoring " + production + " did not finish within "
                            + pacing.databaseTimeout().toMinutes() + " minutes");
                }
                return StepOutcome.checkAgain(pacing.databasePoll(), "Waiting for restore " + restored + " ("
                        + restore.get().detail() + ")");
        }
    }

    /**
     * Drops what a database rollback left behind (the database the restore replaced) and the clone, checking again
     * until Azure SQL has dropped them (see {@link CloudChecks#dropDatabases}).
     */
    private StepOutcome cleanUp(StepContext context) {
        List<DatabaseRef> leftBehind = new ArrayList<>();
        if (context.deployment().rollbackDatabase()) {
            leftBehind.add(replacedDatabase(context));
        }
        if (!context.deployment().mode().usesDatabaseClone()) {
            return CloudChecks.dropDatabases(sql, context, pacing, leftBehind, null);
        }
        leftBehind.add(context.temporaryDatabase());
        return CloudChecks.dropDatabases(sql, context, pacing, leftBehind, "Deleted temporary database "
                + context.temporaryDatabase());
    }

    private static StepOutcome unexpected(StepContext context, Optional<DatabaseInfo> current,
                                          Optional<DatabaseInfo> restore, boolean replacedExists) {
        return StepOutcome.fail(FailureKind.DATABASE, "the databases are not at any point of the restore sequence ("
                + context.productionDatabase().name() + (current.isPresent() ? " exists" : " is missing") + ", "
                + restoreTarget(context).name() + restore.map(r -> " is " + r.state()).orElse(" is missing") + ", "
                + replacedDatabase(context).name() + (replacedExists ? " exists" : " is missing")
                + "); someone changed them by hand. Put the production database back under its name, then reset again");
    }

    private static DatabaseRef restoreTarget(StepContext context) {
        DatabaseRef production = context.productionDatabase();
        return new DatabaseRef(production.serverResourceId(), production.name() + suffix(context) + "-restore");
    }

    private static DatabaseRef replacedDatabase(StepContext context) {
        DatabaseRef production = context.productionDatabase();
        return new DatabaseRef(production.serverResourceId(), production.name() + suffix(context) + "-replaced");
    }

    private static String suffix(StepContext context) {
        return "-sd-" + context.deployment().id().toLowerCase();
    }
}
