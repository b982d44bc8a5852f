package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.DatabaseInfo;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SqlCloud;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.StepOutcome;
import java.util.Optional;

/** Copies the production database P to the deployment's temporary database T, and waits until T is online. */
final class CloneDbStep implements StageStep {

    private final SqlCloud sql;
    private final Pacing pacing;

    CloneDbStep(SqlCloud sql, Pacing pacing) {
        this.sql = sql;
        this.pacing = pacing;
    }

    @Override
    public StepOutcome run(StepContext context) {
        if (!context.deployment().mode().usesDatabaseClone()) {
            return StepOutcome.advance("MaintenancePage mode: every site shows a maintenance page, no database clone");
        }
        DatabaseRef production = context.productionDatabase();
        DatabaseRef clone = context.temporaryDatabase();
        Optional<DatabaseInfo> existing = sql.getDatabase(clone);
        if (existing.isEmpty()) {
            if (context.deployment().checks() > 0 && context.message().retry() == 0) {
                // Started on an earlier run and now gone: Azure removes the target of a copy that failed, and a
                // failed copy this step deleted (below) is gone once Azure SQL has dropped it, in the background.
                // Either way it is copied again, as a failed copy is, until the database time limit. (After a
                // transient failure, a retry, the copy may never have been asked for: it is asked for below.)
                if (context.pastDeadline(pacing.databaseTimeout())) {
                    return StepOutcome.fail(FailureKind.DATABASE, "the copy of " + production + " to " + clone
                            + " disappeared before it came online, which is how a failed copy shows, and copying again"
                            + " kept failing for " + pacing.databaseTimeout().toMinutes() + " minutes; check the"
                            + " server's activity log and its capacity, then start again");
                }
                if (sql.getDatabase(production).isEmpty()) {
                    return StepOutcome.fail(FailureKind.CONFIGURATION, "production database " + production
                            + " does not exist; check the environment's database registration");
                }
                sql.beginCopy(production, clone);
                return StepOutcome.checkAgain(pacing.databasePoll(), "Copy " + clone + " is not there (a failed copy"
                        + " Azure removed, or one deleted after it failed); copying " + production + " again");
            }
            if (sql.getDatabase(production).isEmpty()) {
                return StepOutcome.fail(FailureKind.CONFIGURATION, "production database " + production
                        + " does not exist; check the environment's database registration");
            }
            sql.beginCopy(production, clone);
            return StepOutcome.checkAgain(pacing.databasePoll(), "Copying database " + production + " to " + clone);
        }
        DatabaseInfo info = existing.get();
        switch (info.state()) {
            case ONLINE:
                return StepOutcome.advance("Database copy " + clone + " is online");
            case FAILED:
                // a copy that ends in a failed state (Suspect, …) is left behind by Azure: it is deleted and copied
                // again, as the restore path does, until the database time limit
                if (context.pastDeadline(pacing.databaseTimeout())) {
                    return StepOutcome.fail(FailureKind.DATABASE, "copying " + production + " to " + clone
                            + " failed: " + info.detail() + "; it kept failing for " + pacing.databaseTimeout().toMinutes()
                            + " minutes. Check the server's activity log and its capacity, then start again");
                }
                // Azure SQL drops it in the background: copied again here when it is gone at once, else by the
                // run that finds it gone (above)
                sql.deleteDatabase(clone);
                if (sql.getDatabase(clone).isPresent()) {
                    return StepOutcome.checkAgain(pacing.databasePoll(), "Copy " + clone + " failed ("
                            + info.detail() + "); deleting it, to copy again once it is gone");
                }
                sql.beginCopy(production, clone);
                return StepOutcome.checkAgain(pacing.databasePoll(), "Copy " + clone + " failed (" + info.detail()
                        + "); deleted it, and copying again");
            default:
                if (context.pastDeadline(pacing.databaseTimeout())) {
                    return StepOutcome.fail(FailureKind.DATABASE, "copying " + production + " to " + clone
                            + " did not finish within " + pacing.databaseTimeout().toMinutes() + " minutes");
                }
                return StepOutcome.checkAgain(pacing.databasePoll(), "Waiting for database copy " + clone + " ("
                        + info.detail() + ")");
        }
    }
}
