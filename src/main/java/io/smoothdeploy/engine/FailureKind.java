package io.smoothdeploy.engine;

/** The classes of failure a step reports. */
public enum FailureKind {
    /** A cloud operation answered with an error that retrying the same call will not fix. */
    CLOUD_OPERATION,
    /** The environment is not as its registration says (a missing site, slot or database). */
    CONFIGURATION,
    /** The database copy or restore failed or did not finish in time. */
    DATABASE,
    /** Warm-up got answers, but not the expected ones, until its deadline. */
    WARM_UP,
    /**
     * The orchestrator's own credentials failed: a token could not be fetched, or the cloud refused it (401),
     * still after the environment's transient retries.
     */
    CREDENTIALS,
    /** The package's bytes do not match the SHA-256 given at start, or the package could not be read. */
    PACKAGE,
    /** A step message kept failing and was dead-lettered. */
    DEAD_LETTERED,
    /** Anything the step could not classify. */
    UNKNOWN
}
