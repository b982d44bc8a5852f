package io.smoothdeploy.engine;

/**
 * The last piece of work a web app has finished in its deployment. {@link #order} is the forward order (a web app
 * in a later phase has done the work of every earlier one); it is set here, not taken from the declaration order,
 * so adding a phase cannot reorder the others by accident.
 */
public enum WebAppPhase {
    PENDING("Pending", 0),
    IN_MAINTENANCE("InMaintenance", 10),
    DEPLOYED("Deployed", 20),
    WARMED_UP("WarmedUp", 30),
    LIVE("Live", 40),
    /** Off the forward order: a web app back on its previous package (see {@link Stage#isFinishedBy}). */
    ROLLED_BACK("RolledBack", 50);

    private final String wireName;
    private final int order;

    WebAppPhase(String wireName, int order) {
        this.wireName = wireName;
        this.order = order;
    }

    /** The place in the forward order: a higher one has done the work of every lower one. */
    public int order() {
        return order;
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
