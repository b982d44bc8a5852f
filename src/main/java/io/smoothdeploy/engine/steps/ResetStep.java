package io.smoothdeploy.engine.steps;

import io.smoothdeploy.cloud.AppServiceCloud;
import io.smoothdeploy.cloud.DatabaseInfo;
import io.smoothdeploy.cloud.DatabaseRef;
import io.smoothdeploy.cloud.SlotInfo;
import io.smoothdeploy.cloud.SqlCloud;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.StepOutcome;
import java.time.Instant;
import java.util.Optional;

/**
 * Rolls back. With {@code rollbackDatabase}, first restores P as it was when the deployment started (a
 * point-in-time restore into a new database, which then takes P's name). Then per web app: swap the
 * maintenance slot's previous code (on P) back into production and stop the maintenance slot. Then, once:
 * drop the temporary database.
 */
final class ResetStep implements StageStep {

    private final AppServiceCloud appService;
    private final SqlCloud sql;
    private final Pacing pacing;

    ResetStep(AppServiceCloud appService, SqlCloud sql, Pacing pacing) {
        this.appService = appService;
        this.sql = sql;
        this.pacing = pacing;
    }

    @Override
    public StepOutcome run(StepContext context) {
        switch (context.message().stage()) {
            case RESET_RESTORE_DATABASE:
                return restoreDatabase(context);
            case RESET_CLEANUP:
                return cleanUp(context);
            default:
                return swapBack(context);
        }
    }

    private StepOutcome swapBack(StepContext context) {
        Optional<SlotInfo> production = appService.getSlot(context.production());
        if (production.isEmpty()) {
            return CloudChecks.missingProduction(context);
        }
        String site = context.webAppConfig().name();
        if (SlotMarkers.carries(production.get(), SlotMarkers.maintenance(context.deployment().lineageId()))) {
            appService.swapWithProduction(context.maintenance());
        }
        if (appService.getSlot(context.maintenance()).isPresent()) {
            appService.stopSlot(context.maintenance());
        }
        return StepOutcome.advance("Site " + site + " is back on its previous package");
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

    /** Drops what a database rollback left behind (the database the restore replaced) and the clone. */
    private StepOutcome cleanUp(StepContext context) {
        if (context.deployment().rollbackDatabase()) {
            sql.deleteDatabase(replacedDatabase(context));
        }
        return CloudChecks.dropTemporaryDatabase(sql, context);
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
