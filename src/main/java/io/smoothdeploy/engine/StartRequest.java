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
 * @param currentPackages per main site (by web app name): the https URI of the package its production slot runs
 *                       now, for a production whose {@code WEBSITE_RUN_FROM_PACKAGE} does not name one (values may
 *                       carry a SAS token); empty when not given
 */
public record StartRequest(String environment, String packageUri, String packageSha256, DeploymentMode mode,
                           String idempotencyKey, String commitId, String pipelineRunUrl,
                           java.util.Map<String, String> currentPackages) {

    public StartRequest {
        currentPackages = currentPackages == null ? java.util.Map.of() : java.util.Map.copyOf(currentPackages);
    }

    public StartRequest(String environment, String packageUri, String packageSha256, DeploymentMode mode,
                        String idempotencyKey, String commitId, String pipelineRunUrl) {
        this(environment, packageUri, packageSha256, mode, idempotencyKey, commitId, pipelineRunUrl, null);
    }

    public StartRequest(String environment, String packageUri, String packageSha256, DeploymentMode mode,
                        String idempotencyKey) {
        this(environment, packageUri, packageSha256, mode, idempotencyKey, null, null);
    }
}
