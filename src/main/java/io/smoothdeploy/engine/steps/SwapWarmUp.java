package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.WebAppConfig;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The app settings that make App Service warm a slot itself during a swap into production, set on every slot the
 * engine swaps in (the staging slot and the maintenance slot). During a swap App Service requests
 * {@value #PING_PATH} on each instance of the source slot and goes on only when it answers; with
 * {@value #PING_STATUSES} set, an answer whose status is not in that comma-separated list stops the warm-up and the
 * swap, and production keeps its content (without it any status counts, so a stopped or failing slot would be
 * swapped in). Source: https://learn.microsoft.com/azure/app-service/deploy-staging-slots ("Specify custom
 * warm-up", and "Troubleshoot swaps": each request waits 90 s and is retried up to five times).
 *
 * <p>The values come from the web app's own warm-up: its first path (or {@code /}) and its expected statuses, so
 * App Service asks what the engine asked the slot by its own host name, now under the host names the slot will
 * serve. They are not slot settings: they travel with the content, and the next swap out of production uses the
 * values of the slot it swaps in.
 */
final class SwapWarmUp {

    static final String PING_PATH = "WEBSITE_SWAP_WARMUP_PING_PATH";
    static final String PING_STATUSES = "WEBSITE_SWAP_WARMUP_PING_STATUSES";

    private SwapWarmUp() {
    }

    static String path(WebAppConfig webApp) {
        return webApp.warmUp().paths().isEmpty() ? "/" : webApp.warmUp().paths().get(0);
    }

    static String statuses(WebAppConfig webApp) {
        return webApp.warmUp().expectedStatuses().stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** The two settings for {@code webApp}. */
    static Map<String, String> settings(WebAppConfig webApp) {
        return Map.of(PING_PATH, path(webApp), PING_STATUSES, statuses(webApp));
    }
}
