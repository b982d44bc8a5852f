package io.smoothdeploy.engine.port;

import java.util.List;

/** The notification port: tells people about a status change, or an environment that needs them. */
public interface Notifier {

    /**
     * Posts the notification to {@code url}, as JSON.
     *
     * @return true when it was delivered, false when every attempt failed (already logged)
     */
    boolean post(String url, Object notification);

    /**
     * The same, where {@code url} must be on the environment's allow-list of hosts (empty: any public host). By
     * default the list is not consulted: an adapter that calls out checks it on every hop.
     */
    default boolean post(String url, Object notification, List<String> allowedHosts) {
        return post(url, notification);
    }
}
