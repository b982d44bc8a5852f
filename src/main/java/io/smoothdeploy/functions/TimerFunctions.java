package io.smoothdeploy.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.smoothdeploy.app.Orchestrator;
import io.smoothdeploy.engine.RetentionPurge;
import io.smoothdeploy.engine.StaleMaintenanceMonitor;
import java.util.List;

/**
 * The stale-maintenance timer, on the schedule of its app setting: finds environments stuck in maintenance, then
 * purges the deployments and logs older than the retention ({@code DeploymentRetentionDays}).
 */
public class TimerFunctions {

    private final Orchestrator orchestrator;

    public TimerFunctions(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
    }

    @FunctionName("StaleMaintenanceTimer")
    public void staleMaintenance(@TimerTrigger(name = "timer", schedule = "%StaleMaintenanceSchedule%") String timer,
                                 ExecutionContext context) {
        List<StaleMaintenanceMonitor.Reported> reported = orchestrator.staleMonitor().runOnce();
        context.getLogger().info("stale-maintenance check: " + reported.size() + " new finding(s)");
        if (orchestrator.retention() != null) {
            RetentionPurge.Outcome purged = orchestrator.retention().runOnce();
            context.getLogger().info(purged.describe(orchestrator.retention().retention()));
        }
    }
}
