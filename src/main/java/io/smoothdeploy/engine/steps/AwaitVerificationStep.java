package io.smoothdeploy.engine.steps;

import io.smoothdeploy.cloud.AppServiceCloud;
import io.smoothdeploy.cloud.SlotInfo;
import io.smoothdeploy.cloud.SlotRef;
import io.smoothdeploy.engine.StepOutcome;
import io.smoothdeploy.engine.WebAppConfig;
import java.util.ArrayList;
import java.util.List;

/** Collects the staging slots' URLs for people to verify; the deployment then waits for Complete or Reset. */
final class AwaitVerificationStep implements StageStep {

    private final AppServiceCloud appService;

    AwaitVerificationStep(AppServiceCloud appService) {
        this.appService = appService;
    }

    @Override
    public StepOutcome run(StepContext context) {
        List<String> links = new ArrayList<>();
        for (WebAppConfig webApp : context.environment().webApps()) {
            SlotRef staging = new SlotRef(webApp.resourceId(), webApp.stagingSlot());
            appService.getSlot(staging).map(SlotInfo::baseUrl).ifPresent(base -> {
                String path = webApp.warmUp().paths().isEmpty() ? "/" : webApp.warmUp().paths().get(0);
                links.add(base + path);
            });
        }
        return new StepOutcome.Advance("Validation links: " + String.join(", ", links), links);
    }
}
