package io.smoothdeploy.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * The app roles a caller can hold (declared in the app registration, assigned in Entra ID, and carried in the
 * token's {@code roles} claim).
 *
 * <p>Every role can read: a pipeline that starts a deployment follows it, and a person who approves reads what
 * they approve. Beyond that the roles are separate on purpose, and {@code Admin} does <b>not</b> imply
 * {@code Deployer} or {@code Approver}: whoever registers environments (which sites and packages the
 * orchestrator may touch) should not also be able to push and approve a release alone. A person who needs
 * more is assigned more roles.
 */
public enum Role {
    /** Reads environments, deployments, logs, timelines, diagnoses and support bundles. */
    READER("Reader"),
    /** Starts deployments (and rolls them forward). */
    DEPLOYER("Deployer"),
    /** Completes or resets deployments, and accepts data loss. */
    APPROVER("Approver"),
    /** Registers and changes environments. */
    ADMIN("Admin");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The role's value in the app registration and the token, such as {@code Deployer}. */
    public String wireName() {
        return wireName;
    }

    /** True when holding this role allows what {@code needed} allows. */
    boolean grants(Role needed) {
        return this == needed || needed == READER;
    }

    /** The role with this value, exactly as the app registration spells it; empty for any other text. */
    public static Optional<Role> parse(String value) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(value)).findFirst();
    }
}
