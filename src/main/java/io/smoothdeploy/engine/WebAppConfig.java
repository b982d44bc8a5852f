package io.smoothdeploy.engine;

import java.util.List;

/**
 * One web app of an environment.
 *
 * @param name            short name, unique in the environment (used in logs and message ids)
 * @param resourceId      the App Service site's ARM resource id
 * @param role            zero-downtime main site, or maintenance-page app
 * @param stagingSlot     the slot that receives the new package
 * @param maintenanceSlot the slot that serves during the deployment (old code on the clone, or the page)
 * @param warmUp          how to warm the new package before it goes live
 */
public record WebAppConfig(
        String name,
        String resourceId,
        WebAppRole role,
        String stagingSlot,
        String maintenanceSlot,
        WarmUpConfig warmUp) {

    public record WarmUpConfig(List<String> hostNames, List<String> paths, List<Integer> expectedStatuses) {
        public WarmUpConfig {
            hostNames = List.copyOf(hostNames);
            paths = List.copyOf(paths);
            expectedStatuses = expectedStatuses == null || expectedStatuses.isEmpty()
                    ? List.of(200) : List.copyOf(expectedStatuses);
        }
    }
}
