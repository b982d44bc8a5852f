package io.smoothdeploy.engine;

/**
 * A validated request to start a deployment.
 *
 * @param environment    the environment to deploy
 * @param packageUri     the new package, an https URI (may carry a SAS token)
 * @param packageSha256  its SHA-256, lower-case hex
 * @param mode           ReadOnly, ReadWrite or MaintenancePage
 * @param idempotencyKey the caller's key, or null
 * @param commitId       the commit the package was built from, or null
 * @param pipelineRunUrl the pipeline run that asks for the deployment, or null
 */
public record StartRequest(String environment, String packageUri, String packageSha256, DeploymentMode mode,
                           String idempotencyKey, String commitId, String pipelineRunUrl) {

    public StartRequest(String environment, String packageUri, String packageSha256, DeploymentMode mode,
                        String idempotencyKey) {
        this(environment, packageUri, packageSha256, mode, idempotencyKey, null, null);
    }
}
