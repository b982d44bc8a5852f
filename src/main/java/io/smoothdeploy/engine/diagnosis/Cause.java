package io.smoothdeploy.engine.diagnosis;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a deployment failed, in the terms a person fixing it thinks in. A {@link io.smoothdeploy.engine.FailureKind}
 * says which part of the orchestrator gave up; a cause says what is wrong in the application or the environment,
 * which is what decides the next move (retry, change a setting, or ship another package).
 */
public enum Cause {
    /** The version now in production fails on the read-only database clone, so maintenance could not begin. */
    READ_ONLY_NOT_SUPPORTED("ReadOnlyNotSupported"),
    /** A slot did not answer its warm-up requests as expected before the deadline (slow, stopped, wrong path). */
    WARM_UP_FAILED("WarmUpFailed"),
    /** The application threw while starting: every request gets the exception instead of a page. */
    STARTUP_ERROR("StartupError"),
    /** The warm-up requests were refused with 403 by an IP allow-list or access restrictions. */
    IP_FILTER("IpFilter"),
    /** The application's database migration (schema update) failed while it started. */
    MIGRATION_FAILURE("MigrationFailure"),
    /** The orchestrator's own Azure credentials were refused or could not be fetched. */
    DEPLOYMENT_CREDENTIALS("DeploymentCredentials"),
    /** The package's bytes are not the ones whose SHA-256 the deployment was started with. */
    PACKAGE_MISMATCH("PackageMismatch"),
    /** None of the above fits; the evidence and the failure kind are all there is to go on. */
    UNKNOWN("Unknown");

    private final String wireName;

    Cause(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON and on the command line. */
    public String wireName() {
        return wireName;
    }

    /** The cause with this wire name, if there is one. */
    public static Optional<Cause> fromWireName(String name) {
        return Arrays.stream(values()).filter(c -> c.wireName.equals(name)).findFirst();
    }
}
