package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SqlCloud;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.StepOutcome;
import java.util.ArrayList;
import java.util.List;

/** Small pieces several steps share. */
final class CloudChecks {

    private CloudChecks() {
    }

    static StepOutcome missingProduction(StepContext context) {
        return StepOutcome.fail(FailureKind.CONFIGURATION, "site " + context.production().siteName()
                + " has no production slot; check the web app's resource id in the environment");
    }

    /** Drops the deployment's temporary database (nothing to drop in MaintenancePage mode). */
    static StepOutcome dropTemporaryDatabase(SqlCloud sql, StepContext context, Pacing pacing) {
        if (!context.deployment().mode().usesDatabaseClone()) {
            return StepOutcome.advance(null);
        }
        return dropDatabases(sql, context, pacing, List.of(context.temporaryDatabase()),
                "Deleted temporary database " + context.temporaryDatabase());
    }

    /**
     * Asks for each of {@code databases} that still exists to be deleted, and advances with {@code done} once none
     * exists; otherwise checks again later. Azure SQL drops a database in the background: Databases_Delete answers 202
     * and Databases_Get still finds the database until the drop is over (recorded in azure-sdk-for-java's
     * SqlServerOperationsTests.canCRUDSqlDatabase.json), so no delivery waits for it. Level-triggered: a later run (or
     * one after a crash) asks again for what is still listed, which is harmless, and a database already gone is done.
     * A database still listed past the database time limit fails the stage with what to check.
     */
    static StepOutcome dropDatabases(SqlCloud sql, StepContext context, Pacing pacing, List<DatabaseRef> databases,
                                     String done) {
        List<DatabaseRef> listed = new ArrayList<>();
        for (DatabaseRef database : databases) {
            if (sql.getDatabase(database).isEmpty()) {
                continue;
            }
            try {
                sql.deleteDatabase(database);
            } catch (CloudException e) {
                if (!e.isBusy()) {
                    throw e;
                }
            }
            if (sql.getDatabase(database).isPresent()) {
                listed.add(database);
            }
        }
        if (listed.isEmpty()) {
            return StepOutcome.advance(done);
        }
        if (context.pastDeadline(pacing.databaseTimeout())) {
            return StepOutcome.fail(FailureKind.DATABASE, "database(s) " + names(listed) + " still exist "
                    + pacing.databaseTimeout().toMinutes() + " minutes after they were asked to be deleted; check the "
                    + "SQL server's activity log for the drop, delete them by hand if they are left, then run the step "
                    + "again");
        }
        return StepOutcome.checkAgain(pacing.databasePoll(), "Deleting database(s) " + names(listed)
                + ": Azure SQL drops them in the background");
    }

    private static String names(List<DatabaseRef> databases) {
        return String.join(", ", databases.stream().map(DatabaseRef::toString).toList());
    }
}
