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

    public EnvironmentRecord withoutHold() {
        return new EnvironmentRecord(config, null, lastDeploymentId, etag);
    }
}
