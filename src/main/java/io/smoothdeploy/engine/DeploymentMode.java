package io.smoothdeploy.engine;

import java.util.Arrays;
import java.util.Optional;

/**
 * How the live site behaves while the database changes. ReadOnly and ReadWrite keep the main sites up on a
 * clone of the database; MaintenancePage shows every site a maintenance page and clones nothing.
 */
public enum DeploymentMode {
    READ_ONLY("ReadOnly"),
    READ_WRITE("ReadWrite"),
    MAINTENANCE_PAGE("MaintenancePage");

    private final String wireName;

    DeploymentMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** True when main sites keep serving from a clone of the database during the deployment. */
    public boolean usesDatabaseClone() {
        return this != MAINTENANCE_PAGE;
    }

    public static Optional<DeploymentMode> parse(String name) {
        return Arrays.stream(values()).filter(m -> m.wireName.equals(name)).findFirst();
    }
}
