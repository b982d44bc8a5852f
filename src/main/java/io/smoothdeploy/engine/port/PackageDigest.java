package io.smoothdeploy.engine.port;

import io.smoothdeploy.engine.Redact;
import java.net.URI;
import java.util.List;

/**
 * Fingerprints a deployment package where it is stored, so the orchestrator can tell whether the package a
 * slot will run is the one that was approved (a blob overwritten under the same name gets another digest).
 *
 * <p>A package URI usually carries a SAS token in its query string. Implementations never put the query string
 * in an exception message or a log line: they name the package by {@code io.smoothdeploy.engine.Redact#uri}. A
 * failure says only what the user needs (not reachable, not a zip, bigger than the cap, took too long), never the
 * digest of what answered nor its status or body.
 */
public interface PackageDigest {

    /**
     * Downloads the package and returns the SHA-256 of its bytes as 64 lower-case hex digits. The package is
     * streamed through the digest, never held in memory whole.
     *
     * @throws CloudException transient when trying again may help (no connection, throttling, 5xx); permanent for
     *                        a refused URI, a missing package, denied access, a body that is not a zip, bigger
     *                        than the size cap or slower than the time cap
     */
    String sha256(String packageUri);

    /**
     * The same, with the environment's allow-list of hosts (empty: any public host). By default the package's own
     * host is checked against the list, then {@link #sha256(String)} runs; an adapter that follows redirects checks
     * every hop.
     */
    default String sha256(String packageUri, List<String> allowedHosts) {
        if (allowedHosts != null && !allowedHosts.isEmpty()) {
            String host;
            try {
                host = URI.create(packageUri).getHost();
            } catch (IllegalArgumentException e) {
                host = null;
            }
            if (host == null || !io.smoothdeploy.outbound.GuardedHttp.allowed(host, allowedHosts)) {
                throw new CloudException("PackageUriRefused", "Package " + Redact.uri(packageUri)
                        + " is not on a host in the environment's allowedHosts", false);
            }
        }
        return sha256(packageUri);
    }
}
