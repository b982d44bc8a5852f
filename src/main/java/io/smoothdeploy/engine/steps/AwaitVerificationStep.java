package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.DatabaseActivity;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.SmokeCheck;
import io.smoothdeploy.engine.SmokeCheckResult;
import io.smoothdeploy.engine.StepOutcome;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.port.SmokeProber;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Collects the staging slots' URLs for people to verify and runs the environment's smoke checks against
 * them. For a ReadWrite run it also reads how many writes reached the temporary database, which going live
 * would lose. What follows (wait, complete or reset) is the environment's verification policy, decided in
 * the transition.
 */
final class AwaitVerificationStep implements StageStep {

    private final AppServiceCloud appService;
    private final SmokeProber smoke;
    private final DatabaseActivity activity;

    AwaitVerificationStep(AppServiceCloud appService, SmokeProber smoke, DatabaseActivity activity) {
        this.appService = appService;
        this.smoke = smoke;
        this.activity = activity;
    }

    @Override
    public StepOutcome run(StepContext context) {
        List<String> links = new ArrayList<>();
        List<SmokeCheckResult> results = new ArrayList<>();
        for (WebAppConfig webApp : context.environment().webApps()) {
            SlotRef staging = new SlotRef(webApp.resourceId(), webApp.stagingSlot());
            Optional<SlotInfo> slot = appService.getSlot(staging);
            if (slot.isEmpty()) {
                continue;
            }
            String path = webApp.warmUp().paths().isEmpty() ? "/" : webApp.warmUp().paths().get(0);
            links.add(slot.get().baseUrl() + path);
            // the slot's own host name: a custom domain sent to the slot's address reaches production instead
            String hostName = slot.get().defaultHostName();
            for (SmokeCheck check : context.environment().verification().checksFor(webApp.name())) {
                results.add(smoke.check(slot.get().baseUrl(), hostName, webApp.name(), check));
            }
        }
        Long writes = null;
        if (context.deployment().mode() == DeploymentMode.READ_WRITE) {
            OptionalLong count = activity.writesSinceCreated(context.temporaryDatabase());
            writes = count.isPresent() ? count.getAsLong() : null;
        }
        return new StepOutcome.Advance("Validation links: " + String.join(", ", links), links, results, writes);
    }
}
