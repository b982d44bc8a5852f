package io.smoothdeploy.engine.steps;

import io.smoothdeploy.cloud.AppServiceCloud;
import io.smoothdeploy.cloud.DatabaseInfo;
import io.smoothdeploy.cloud.DatabaseRef;
import io.smoothdeploy.cloud.SlotInfo;
import io.smoothdeploy.cloud.SqlCloud;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.StepOutcome;
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
                return CloudChecks.dropTemporaryDatabase(sql, context);
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
