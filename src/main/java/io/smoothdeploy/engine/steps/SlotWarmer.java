package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.port.ProbeResult;
import io.smoothdeploy.engine.port.WarmUpProber;
import io.smoothdeploy.engine.port.WarmUpTarget;
import java.util.List;

/** One warm-up round against a slot, and words for what it found. */
final class SlotWarmer {

    private final WarmUpProber prober;

    SlotWarmer(WarmUpProber prober) {
        this.prober = prober;
    }

    /**
     * Warms {@code slot} with the web app's paths, addressed by the slot's own default host name. App Service's
     * front end picks the app by Host: a custom domain sent to the slot's address reaches the app the domain is
     * bound to (production), so it would measure production, not this slot. The configured custom host names
     * ({@code warmUp.hostNames}) are production's; see {@link #probeLive}.
     */
    Round probe(SlotInfo slot, WebAppConfig webApp) {
        return probe(slot, List.of(slot.defaultHostName()), webApp);
    }

    /**
     * A warm-up round that counts only answers from the slot's current content: {@link #probe}, and when that round
     * looks warm, {@link AppServiceCloud#awaitCurrentInstance} and a second round, whose result is the answer.
     *
     * <p>Why: App Service restarts a slot asynchronously after a settings write (app settings, connection strings,
     * {@code WEBSITE_RUN_FROM_PACKAGE}, a swap preview's sticky values). The write is answered at once and the old
     * process keeps serving for a while, so a 200 right after deploying may come from the previous package (or from
     * the empty default site of a new slot) and would call a broken release warm. What holds on Azure: a restart with
     * {@code softRestart=true&synchronous=true} applies the configuration, restarts only if necessary, and returns
     * once the app is restarted ({@code WebApps_Restart}, https://learn.microsoft.com/rest/api/appservice/web-apps/restart);
     * every request sent after it returns reaches a process that runs the current settings. The alternatives do not
     * hold there: a probe cannot tell which content answered (App Service adds nothing to the response, and the
     * engine's content marker is an app setting the app does not echo); {@code lastModifiedTimeUtc} and the slot's
     * {@code state} say when the configuration changed, not when the new process took over; and a settle time after
     * the last write is a guess App Service documents nothing for. The soft restart keeps one restart per package
     * change: when the write's own restart has taken effect, it restarts nothing; when it has not, it is that
     * restart. It is sent only when a round looks warm, so a slot that is still cold costs no extra call, and it
     * needs no state: a delivery that runs again after a crash asks again, which restarts nothing more.
     */
    Round probeCurrent(AppServiceCloud appService, SlotInfo slot, WebAppConfig webApp) {
        Round first = probe(slot, webApp);
        if (!first.warm()) {
            return first;
        }
        appService.awaitCurrentInstance(slot.slot());
        return probe(slot, webApp);
    }

    /**
     * Asks production under each configured custom host name (none: nothing to ask), for the check after a swap has
     * gone live: the domains then reach the new content, and an answer other than expected is worth a warning.
     */
    Round probeLive(SlotInfo production, WebAppConfig webApp) {
        if (webApp.warmUp().hostNames().isEmpty()) {
            return new Round(List.of());
        }
        try {
            return probe(production, webApp.warmUp().hostNames(), webApp);
        } catch (RuntimeException e) {
            // The swap is done: a check that cannot even be sent (the JVM refuses the Host header over https) is a
            // warning for a person, never a failed delivery that would run the finished step again.
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : io.smoothdeploy.engine.Redact.text(e.getMessage());
            List<ProbeResult> notSent = new java.util.ArrayList<>();
            for (String hostName : webApp.warmUp().hostNames()) {
                notSent.add(new ProbeResult(hostName, "/", ProbeResult.Outcome.CONNECTION_REFUSED, 0,
                        java.time.Duration.ZERO, "not sent: " + reason));
            }
            return new Round(notSent);
        }
    }

    /**
     * Asks the slot, by its own host name, what App Service's warm-up during a swap asks it: the ping path and
     * statuses of {@link SwapWarmUp}. Used to say why App Service stopped a swap.
     */
    Round probeSwapWarmUp(SlotInfo slot, WebAppConfig webApp) {
        WarmUpTarget target = new WarmUpTarget(slot.baseUrl(), List.of(slot.defaultHostName()),
                List.of(SwapWarmUp.path(webApp)), webApp.warmUp().expectedStatuses());
        return new Round(prober.probe(target));
    }

    private Round probe(SlotInfo slot, List<String> hostNames, WebAppConfig webApp) {
        List<String> paths = webApp.warmUp().paths().isEmpty() ? List.of("/") : webApp.warmUp().paths();
        WarmUpTarget target = new WarmUpTarget(slot.baseUrl(), hostNames, paths, webApp.warmUp().expectedStatuses());
        return new Round(prober.probe(target));
    }

    record Round(List<ProbeResult> results) {

        boolean warm() {
            return !results.isEmpty() && results.stream().allMatch(ProbeResult::ok);
        }

        /**
         * The first request that was not answered as expected, as evidence for a failure on {@code slot} (null when
         * every request was).
         */
        io.smoothdeploy.engine.FailureEvidence failing(String slot) {
            return results.stream().filter(r -> !r.ok()).findFirst()
                    .map(r -> io.smoothdeploy.engine.FailureEvidence.probe(new io.smoothdeploy.engine.FailureEvidence.Probe(
                            slot, r.hostName(), r.path(), r.status(),
                            r.status() == 0 && (r.detail() == null || r.detail().isBlank())
                                    ? r.outcome().name().toLowerCase().replace('_', ' ') : r.detail())))
                    .orElse(null);
        }

        /** For example {@code 1 of 2 paths ready; cms.example.com/health: 503 Service Unavailable}. */
        String summary() {
            long ready = results.stream().filter(ProbeResult::ok).count();
            StringBuilder text = new StringBuilder(ready + " of " + results.size() + " warm-up requests ready");
            results.stream().filter(r -> !r.ok()).findFirst().ifPresent(r -> text.append("; ")
                    .append(r.hostName()).append(r.path()).append(": ").append(describe(r)));
            return text.toString();
        }

        private static String describe(ProbeResult result) {
            String status = result.status() > 0 ? "HTTP " + result.status() : result.outcome().name().toLowerCase()
                    .replace('_', ' ');
            return result.detail() == null || result.detail().isBlank() ? status : status + " " + result.detail();
        }
    }
}
