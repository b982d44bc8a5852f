package io.smoothdeploy.engine;

import java.util.Arrays;
import java.util.Optional;

/** How a web app is treated while its environment is deployed. */
public enum WebAppRole {
    /** A main site: keeps serving, on a clone of the database, through the whole deployment. */
    ZERO_DOWNTIME("ZeroDowntime"),
    /** A scheduler, manager or failover app: shows a maintenance page while it changes. */
    MAINTENANCE_PAGE("MaintenancePage");

    private final String wireName;

    WebAppRole(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<WebAppRole> parse(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(name)).findFirst();
    }
}
