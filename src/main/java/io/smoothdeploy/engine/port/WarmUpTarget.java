package io.smoothdeploy.engine.port;

import java.util.List;

/**
 * What to warm: a slot reached at {@code baseUrl}, asked for each path under each host name it will serve.
 *
 * @param baseUrl          where to send requests (scheme, host and port of the slot)
 * @param hostNames        Host header values to send: the slot's own default host name when warming a slot (App
 *                         Service routes by Host, so a custom domain would reach production), the custom
 *                         domains only when asking production after a swap
 * @param paths            warm-up paths, each starting with {@code /}
 * @param expectedStatuses the statuses that count as warm
 */
public record WarmUpTarget(String baseUrl, List<String> hostNames, List<String> paths,
                           List<Integer> expectedStatuses) {

    public WarmUpTarget {
        hostNames = List.copyOf(hostNames);
        paths = List.copyOf(paths);
        expectedStatuses = List.copyOf(expectedStatuses);
    }
}
