package io.smoothdeploy.engine;

import java.util.Locale;

/**
 * The package one web app's staging slot gets in a deployment.
 *
 * @param uri    an https URI (may carry a SAS query string: never log it whole, see {@link Redact#uri})
 * @param sha256 its SHA-256 as the caller gave it, lower-case hex; null for a kept package, which no caller named
 * @param kept   true when the caller gave this web app no package and it keeps the one its production slot ran
 *               when the deployment started (named by the package check, before anything changed)
 * @param verified true once the package check found this package's bytes to match {@code sha256} in this run (the
 *               check reads one package per run, and this says which are done, whatever retries came between)
 */
public record WebAppPackage(String uri, String sha256, boolean kept, boolean verified) {

    public WebAppPackage {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("a web app's package needs a URI");
        }
        sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
    }

    /** A package the caller gave, with its SHA-256. */
    public static WebAppPackage given(String uri, String sha256) {
        return new WebAppPackage(uri, sha256, false, false);
    }

    /** The package production ran at start, kept for a web app the caller gave none. */
    public static WebAppPackage keptFrom(String uri) {
        return new WebAppPackage(uri, null, true, false);
    }

    /** The same package, found to match its SHA-256. */
    public WebAppPackage asVerified() {
        return new WebAppPackage(uri, sha256, kept, true);
    }

    /** The URI without its query string, as it may be shown. */
    public String shown() {
        return Redact.uri(uri);
    }

    /**
     * True when {@code other} names the same package: the same URI once its query string (a SAS that a re-run may
     * renew) is left out, and the same SHA-256 when both have one.
     */
    public boolean samePackageAs(WebAppPackage other) {
        if (other == null) {
            return false;
        }
        if (!withoutQuery(uri).equals(withoutQuery(other.uri))) {
            return false;
        }
        return sha256 == null || other.sha256 == null || sha256.equals(other.sha256);
    }

    /**
     * True when {@code other} is exactly this package (the same URI, query string included, and the same SHA-256):
     * what a staging slot that already holds it needs to be left alone.
     */
    public boolean sameAs(WebAppPackage other) {
        return other != null && uri.equals(other.uri) && java.util.Objects.equals(sha256, other.sha256);
    }

    static String withoutQuery(String uri) {
        String shown = Redact.uri(uri);
        return shown.endsWith("?<redacted>") ? shown.substring(0, shown.length() - "?<redacted>".length()) : shown;
    }
}
