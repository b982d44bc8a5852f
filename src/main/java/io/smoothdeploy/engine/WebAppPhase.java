package io.smoothdeploy.engine;

/** The last piece of work a web app has finished in its deployment. */
public enum WebAppPhase {
    PENDING("Pending"),
    IN_MAINTENANCE("InMaintenance"),
    DEPLOYED("Deployed"),
    WARMED_UP("WarmedUp"),
    LIVE("Live"),
    ROLLED_BACK("RolledBack");

    private final String wireName;

    WebAppPhase(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static WebAppPhase fromWireName(String name) {
        for (WebAppPhase p : values()) {
            if (p.wireName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown web app phase: " + name);
    }
}
