package io.smoothdeploy.engine;

import java.util.Map;
import java.util.Optional;

/**
 * A validated request to start a deployment.
 *
 * @param environment    the environment to deploy
 * @param packageUri     the new package for every web app, an https URI (may carry a SAS token); null when
 *                       {@code packages} gives one per web app
 * @param packageSha256  its SHA-256, lower-case hex; null with {@code packages}
 * @param mode           ReadOnly, ReadWrite or MaintenancePage
 * @param idempotencyKey the caller's key, or null
 * @param commitId       the commit the package was built from, or null
 * @param pipelineRunUrl the pipeline run that asks for the deployment, or null
 * @param currentPackages per main site (by web app name): the https URI of the package its production slot runs
 *                       now, for a production whose {@code WEBSITE_RUN_FROM_PACKAGE} does not name one (values may
 *                       carry a SAS token); empty when not given
 * @param packages       per web app (by name): its new package, each given with its SHA-256; a web app of the
 *                       environment not named keeps production's package. Empty when {@code packageUri} is given
 */
public record StartRequest(String environment, String packageUri, String packageSha256, DeploymentMode mode,
                           String idempotencyKey, String commitId, String pipelineRunUrl,
                           Map<String, String> currentPackages, Map<String, WebAppPackage> packages) {

    public StartRequest {
        currentPackages = currentPackages == null ? Map.of() : Map.copyOf(currentPackages);
        packages = packages == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(packages));
    }

    public StartRequest(String environment, String packageUri, String packageSha256, DeploymentMode mode,
                        String idempotencyKey, String commitId, String pipelineRunUrl,
                        Map<String, String> currentPackages) {
        this(environment, packageUri, packageSha256, mode, idempotencyKey, commitId, pipelineRunUrl, currentPackages,
                null);
    }

    public StartRequest(String environment, String packageUri, String packageSha256, DeploymentMode mode,
                        String idempotencyKey, String commitId, String pipelineRunUrl) {
        this(environment, packageUri, packageSha256, mode, idempotencyKey, commitId, pipelineRunUrl, null);
    }

    public StartRequest(String environment, String packageUri, String packageSha256, DeploymentMode mode,
                        String idempotencyKey) {
        this(environment, packageUri, packageSha256, mode, idempotencyKey, null, null);
    }

    /** A request that gives each named web app its own package ({@code packages} not empty). */
    public static StartRequest perWebApp(String environment, Map<String, WebAppPackage> packages, DeploymentMode mode,
                                         String idempotencyKey) {
        return new StartRequest(environment, null, null, mode, idempotencyKey, null, null, null, packages);
    }

    /** True when the request gives a package per web app. */
    public boolean perWebAppPackages() {
        return !packages.isEmpty();
    }

    /** The package the request gives {@code webApp}: its own, or the one for all; empty when it keeps its own. */
    public Optional<WebAppPackage> packageFor(String webApp) {
        if (!packages.isEmpty()) {
            return Optional.ofNullable(packages.get(webApp));
        }
        return packageUri == null ? Optional.empty() : Optional.of(WebAppPackage.given(packageUri, packageSha256));
    }

    /** Every package URI the request names (for the outbound checks), each once. */
    public java.util.List<String> packageUris() {
        if (packages.isEmpty()) {
            return packageUri == null ? java.util.List.of() : java.util.List.of(packageUri);
        }
        return packages.values().stream().map(WebAppPackage::uri).distinct().toList();
    }

    /** The packages in words for a log line, with no SAS. */
    public String describePackages() {
        return Deployment.describePackages(packageUri, packages);
    }
}
