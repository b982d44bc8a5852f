package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.SmokeCheck;
import io.smoothdeploy.engine.SmokeCheckResult;
import io.smoothdeploy.engine.StepOutcome;
import io.smoothdeploy.engine.VerificationPolicy;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.port.SmokeProber;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks after going live ({@code verification.afterComplete}): one round per run, each smoke check asked of
 * each web app's production slot under its own default host name (the slot that now serves the release). A round
 * with a failure ends the watch at once, with the results, and the transition rolls back by policy; a round that
 * passes checks again after the interval, until the watch has lasted its minutes. Nothing waits inside a run.
 */
final class WatchLiveStep implements StageStep {

    private final AppServiceCloud appService;
    private final SmokeProber smoke;

    WatchLiveStep(AppServiceCloud appService, SmokeProber smoke) {
        this.appService = appService;
        this.smoke = smoke;
    }

    @Override
    public StepOutcome run(StepContext context) {
        VerificationPolicy.AfterComplete policy = context.environment().verification().afterComplete();
        if (policy == null) {
            return new StepOutcome.Advance("No checks after going live are configured any more", List.of(), List.of(),
                    null);
        }
        List<SmokeCheckResult> results = new ArrayList<>();
        for (WebAppConfig webApp : context.environment().webApps()) {
            List<SmokeCheck> checks = policy.checksFor(webApp.name());
            if (checks.isEmpty()) {
                continue;
            }
            Optional<SlotInfo> production = appService.getSlot(SlotRef.production(webApp.resourceId()));
            if (production.isEmpty()) {
                return StepOutcome.fail(io.smoothdeploy.engine.FailureKind.CONFIGURATION, "site " + webApp.name()
                        + " has no production slot to check after going live; check the web app's resource id");
            }
            for (SmokeCheck check : checks) {
                results.add(smoke.check(production.get().baseUrl(), production.get().defaultHostName(), webApp.name(),
                        check));
            }
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        if (failed > 0) {
            return new StepOutcome.Advance(failed + " check(s) against production failed", List.of(), results, null);
        }
        if (context.pastDeadline(policy.duration())) {
            return new StepOutcome.Advance("The checks after going live are over", List.of(), results, null);
        }
        return StepOutcome.checkAgain(policy.interval(), "Checked production after going live: " + results.size()
                + " check(s) passed");
    }
}
