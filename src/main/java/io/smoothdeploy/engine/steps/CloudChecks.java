package io.smoothdeploy.engine.steps;

import io.smoothdeploy.cloud.SqlCloud;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.StepOutcome;

/** Small pieces several steps share. */
final class CloudChecks {

    private CloudChecks() {
    }

    static StepOutcome missingProduction(StepContext context) {
        return StepOutcome.fail(FailureKind.CONFIGURATION, "site " + context.production().siteName()
                + " has no production slot; check the web app's resource id in the environment");
    }

    /** Drops the deployment's temporary database (nothing to drop in MaintenancePage mode). */
    static StepOutcome dropTemporaryDatabase(SqlCloud sql, StepContext context) {
        if (!context.deployment().mode().usesDatabaseClone()) {
            return StepOutcome.advance(null);
        }
        sql.deleteDatabase(context.temporaryDatabase());
        return StepOutcome.advance("Deleted temporary database " + context.temporaryDatabase());
    }
}
