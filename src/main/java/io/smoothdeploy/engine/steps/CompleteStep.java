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
 * maintenance slot. Then, once: drop the temporary database.
 */
final class CompleteStep implements StageStep {

    private final AppServiceCloud appService;
    private final SqlCloud sql;
    private final CloneWriteGuard writeGuard;

    CompleteStep(AppServiceCloud appService, SqlCloud sql, CloneWriteGuard writeGuard) {
        this.appService = appService;
        this.sql = sql;
        this.writeGuard = writeGuard;
    }

    @Override
    public StepOutcome run(StepContext context) {
        if (context.message().stage() == Stage.COMPLETE_CLEANUP) {
            return CloudChecks.dropTemporaryDatabase(sql, context);
        }
        Optional<SlotInfo> production = appService.getSlot(context.production());
        if (production.isEmpty()) {
            return CloudChecks.missingProduction(context);
        }
        if (!SlotMarkers.carries(production.get(), SlotMarkers.release(context.deployment().lineageId()))) {
            Optional<StepOutcome> wait = writeGuard.holdBack(context);
            if (wait.isPresent()) {
                return wait.get();
            }
            appService.swapWithProduction(context.staging());
        }
        appService.stopSlot(context.maintenance());
        return StepOutcome.advance("Site " + context.webAppConfig().name() + " now runs the new package");
    }

}
