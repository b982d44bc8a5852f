package io.smoothdeploy.cloud;

/**
 * Fingerprints a deployment package where it is stored, so the orchestrator can tell whether the package a
 * slot will run is the one that was approved (a blob overwritten under the same name gets another digest).
 *
 * <p>A package URI usually carries a SAS token in its query string. Implementations never put the query string
 * in an exception message or a log line: they name the package by {@code io.smoothdeploy.engine.Redact#uri}.
 */
public interface PackageDigest {

    /**
     * Downloads the package and returns the SHA-256 of its bytes as 64 lower-case hex digits. The package is
     * streamed through the digest, never held in memory whole, so its size does not matter.
     *
     * @throws CloudException transient for throttling (429), server errors (5xx), timeouts and connection
     *                        failures; permanent for {@code PackageNotFound} (404), {@code PackageAccessDenied}
     *                        (401/403: an expired SAS, or one without read permission) and any other 4xx or
     *                        malformed URI
     */
    String sha256(String packageUri);
}
