package io.smoothdeploy.engine;

/**
 * An environment as stored: its configuration and the one-deployment-at-a-time hold.
 *
 * @param config             the registered configuration
 * @param activeDeploymentId the deployment that holds the environment, or null when none runs
 * @param lastDeploymentId   the most recent deployment started, or null
 * @param etag               the store's version of this row, for conditional writes
 */
public record EnvironmentRecord(EnvironmentConfig config, String activeDeploymentId, String lastDeploymentId,
                                String etag) {

    public EnvironmentRecord withHold(String deploymentId) {
        return new EnvironmentRecord(config, deploymentId, deploymentId, etag);
    }

    /**
     * The etag of {@link #releaseUnread}: not a version the store ever gives (those are
     * {@code W/"datetime'...'"}), so it is never mistaken for one.
     */
    public static final String RELEASE_WITHOUT_READ = "release-hold-without-read";

    /**
     * The write that releases {@code deploymentId}'s hold on the environment without reading the row: the store
     * clears the row's hold with an unconditional merge, in the same transaction as the deployment's own row,
     * which is conditional on the etag read. Safe only for a deployment that is running as read (see
     * {@code Transitions.releaseHold}): while a deployment is not terminal it holds its environment, and no one
     * else can take the hold (a start or a reset takes it only with the row read free, on its etag).
     */
    public static EnvironmentRecord releaseUnread(EnvironmentConfig config) {
        return new EnvironmentRecord(config, null, null, RELEASE_WITHOUT_READ);
    }

    /** True for {@link #releaseUnread}: a hold release made without reading the row. */
    public boolean releasesUnread() {
        return RELEASE_WITHOUT_READ.equals(etag);
    }

    public EnvironmentRecord withoutHold() {
        return new EnvironmentRecord(config, null, lastDeploymentId, etag);
    }
}
