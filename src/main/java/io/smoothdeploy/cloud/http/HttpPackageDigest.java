package io.smoothdeploy.cloud.http;

import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.PackageDigest;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.outbound.GuardedHttp;
import io.smoothdeploy.outbound.OutboundException;
import io.smoothdeploy.outbound.OutboundRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The package digest port over {@link GuardedHttp}: one GET of the package (https, a public address, the
 * environment's allow-list, every redirect hop checked), whose body goes chunk by chunk through a SHA-256 digest
 * and is then dropped.
 *
 * <h2>Caps</h2>
 * A download stops at the size cap ({@code PackageDownloadMaxMegabytes}) and at the time cap
 * ({@code PackageDownloadMaxSeconds}), and fails when nothing arrives for the idle limit. A body that does not begin
 * with a zip signature ({@code PK\3\4}, or {@code PK\5\6} for an empty archive: PKWARE's APPNOTE.TXT, 4.3.7 and
 * 4.3.16) is stopped at its first bytes: App Service runs a package only from a zip
 * (https://learn.microsoft.com/azure/app-service/deploy-run-package).
 *
 * <h2>What a failure says</h2>
 * Only "not reachable", "not a zip", "bigger than the cap" or "took longer than N s" (with a hint for a missing
 * package or a denied SAS): never the digest of what answered, its status or its body, so the orchestrator cannot
 * be used to fingerprint what answers at some address. The URI is named by {@link Redact#uri} only.
 *
 * <h2>The rewrite function</h2>
 * Every request goes to {@code rewrite.apply(packageUri)}: the identity in Azure; the local emulator's
 * {@code packageDownloadUri} sends {@code https://packages.example.com/x.zip?sig=…} to its own loopback server,
 * keeping the query string so that the redaction is exercised for real. The original URI must be https and on the
 * allow-list; the rewritten one is checked by the guarded client like any other (loopback only in the local host).
 *
 * <p>Thread-safe.
 */
public final class HttpPackageDigest implements PackageDigest {

    private static final Logger LOG = Logger.getLogger(HttpPackageDigest.class.getName());

    public static final Duration DEFAULT_CONNECT_TIMEOUT = GuardedHttp.DEFAULT_CONNECT_TIMEOUT;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** The default size cap: {@code PackageDownloadMaxMegabytes}. */
    public static final long DEFAULT_MAX_MEGABYTES = 1024;
    /** The default time cap: {@code PackageDownloadMaxSeconds}, well below the 10-minute function timeout. */
    public static final long DEFAULT_MAX_SECONDS = 300;

    /** A progress line is logged each time a download passes another multiple of this many bytes. */
    public static final long PROGRESS_INTERVAL_BYTES = 50L * 1024 * 1024;

    private static final long MB = 1024L * 1024;

    /** The caps of one download. */
    public record Limits(long maxBytes, Duration timeCap, Duration idleTimeout) {
        public static final Limits DEFAULT = new Limits(DEFAULT_MAX_MEGABYTES * MB,
                Duration.ofSeconds(DEFAULT_MAX_SECONDS), DEFAULT_IDLE_TIMEOUT);

        public Limits {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be positive");
            }
            Objects.requireNonNull(timeCap, "timeCap");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
        }

        /** From the settings' values: megabytes and seconds, null or blank for the default. */
        public static Limits fromSettings(String maxMegabytes, String maxSeconds) {
            return new Limits(positive(maxMegabytes, DEFAULT_MAX_MEGABYTES, "PackageDownloadMaxMegabytes") * MB,
                    Duration.ofSeconds(positive(maxSeconds, DEFAULT_MAX_SECONDS, "PackageDownloadMaxSeconds")),
                    DEFAULT_IDLE_TIMEOUT);
        }

        private static long positive(String value, long fallback, String setting) {
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                long parsed = Long.parseLong(value.trim());
                if (parsed > 0 && parsed < 1_000_000) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalStateException("the app setting " + setting + " must be a whole number from 1 to 999999");
        }
    }

    private final GuardedHttp http;
    private final UnaryOperator<URI> rewrite;
    private final Limits limits;
    private final long progressInterval;

    /** What Azure uses: the Azure guard, no rewrite, the default caps. */
    public HttpPackageDigest() {
        this(GuardedHttp.azure(), UnaryOperator.identity(), Limits.DEFAULT);
    }

    /**
     * @param http    the guarded client ({@link GuardedHttp#azure()} in Azure)
     * @param rewrite where the request for a package URI really goes (the identity in Azure)
     * @param limits  the size, time and idle caps
     */
    public HttpPackageDigest(GuardedHttp http, UnaryOperator<URI> rewrite, Limits limits) {
        this(http, rewrite, limits, PROGRESS_INTERVAL_BYTES);
    }

    /** As the public constructor, with another progress interval so a test can see the progress lines. */
    HttpPackageDigest(GuardedHttp http, UnaryOperator<URI> rewrite, Limits limits, long progressInterval) {
        this.http = Objects.requireNonNull(http, "http");
        this.rewrite = Objects.requireNonNull(rewrite, "rewrite");
        this.limits = Objects.requireNonNull(limits, "limits");
        if (progressInterval <= 0) {
            throw new IllegalArgumentException("progressInterval must be positive");
        }
        this.progressInterval = progressInterval;
    }

    @Override
    public String sha256(String packageUri) {
        return sha256(packageUri, List.of());
    }

    @Override
    public String sha256(String packageUri, List<String> allowedHosts) {
        String named = Redact.uri(packageUri);
        URI original = parse(packageUri, named);
        List<String> allowed = allowedHosts == null ? List.of() : allowedHosts;
        if (!GuardedHttp.allowed(original.getHost(), allowed)) {
            throw new CloudException("PackageUriRefused", "Package " + named + " has host " + original.getHost()
                    + ", which is not on the environment's allowedHosts", false);
        }
        URI target;
        try {
            target = rewrite.apply(original);
        } catch (RuntimeException e) {
            throw new CloudException("InvalidPackageUri", "Package URI " + named + " cannot be requested", false);
        }
        if (!allowed.isEmpty() && !target.equals(original)) {
            // The local emulator's route stands in for the package's host.
            List<String> withRoute = new ArrayList<>(allowed);
            withRoute.add(target.getHost());
            allowed = withRoute;
        }
        Digesting digesting = new Digesting(named);
        GuardedHttp.Response response;
        long started = System.nanoTime();
        try {
            response = http.send(OutboundRequest.get(target).withAllowedHosts(allowed)
                    .withMaxBodyBytes(limits.maxBytes()).withTimeCap(limits.timeCap())
                    .withIdleTimeout(limits.idleTimeout()).withBodySink(digesting::accept));
        } catch (OutboundException e) {
            throw failure(e, named);
        }
        if (response.status() != 200) {
            throw statusFailure(response.status(), named);
        }
        if (!digesting.looksLikeZip()) {
            throw notZip(named);
        }
        long bytes = response.bodyBytes();
        if (bytes >= progressInterval) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            LOG.info(() -> "Downloaded package " + named + ": " + size(bytes) + " in " + millis + " ms");
        }
        return HexFormat.of().formatHex(digesting.sha256.digest());
    }

    private static URI parse(String packageUri, String named) {
        if (packageUri == null || packageUri.isBlank()) {
            throw new CloudException("InvalidPackageUri", "No package URI was given", false);
        }
        URI uri;
        try {
            uri = new URI(packageUri.trim());
        } catch (URISyntaxException e) {
            throw new CloudException("InvalidPackageUri", "Package URI " + named + " is not a valid URI", false);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") || uri.getHost() == null) {
            throw new CloudException("InvalidPackageUri", "Package URI " + named + " is not an https URL", false);
        }
        return uri;
    }

    private static CloudException failure(OutboundException e, String named) {
        String code = switch (e.reason()) {
            case REFUSED -> "PackageUriRefused";
            case NOT_REACHABLE -> "PackageNotReachable";
            case TOO_BIG -> "PackageTooBig";
            case TOO_SLOW -> "PackageDownloadTooSlow";
        };
        if (e.reason() == OutboundException.Reason.NOT_REACHABLE && "not a zip".equals(e.getMessage())) {
            return notZip(named);
        }
        return new CloudException(code, "Package " + named + " " + e.getMessage(), e.retryable());
    }

    private static CloudException notZip(String named) {
        return new CloudException("PackageNotZip", "Package " + named + " is not a zip", false);
    }

    /** A final answer that is not 200, in the words the user needs; the status itself is not reported. */
    static CloudException statusFailure(int status, String named) {
        if (status == 404) {
            return new CloudException("PackageNotFound", "Package " + named
                    + " is not reachable: nothing is there; check the URI", false);
        }
        if (status == 401 || status == 403) {
            return new CloudException("PackageAccessDenied", "Package " + named
                    + " is not reachable: access was denied; its SAS token may have expired, or may not grant read"
                    + " permission", false);
        }
        boolean transientFailure = status == 408 || status == 429 || status >= 500;
        return new CloudException("PackageNotReachable", "Package " + named + " is not reachable"
                + (transientFailure ? " for now (it will be tried again)" : ""), transientFailure);
    }

    private static String size(long bytes) {
        return bytes >= MB ? bytes / MB + " MB" : bytes + " bytes";
    }

    /** Digests the body as it arrives, checks that it starts like a zip, and logs progress. */
    private final class Digesting {
        final String named;
        final MessageDigest sha256;
        final byte[] signature = new byte[4];
        long bytes;
        long nextReport = progressInterval;

        Digesting(String named) {
            this.named = named;
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        void accept(byte[] buffer, int offset, int length) {
            for (int i = 0; i < length && bytes + i < 4; i++) {
                signature[(int) bytes + i] = buffer[offset + i];
            }
            long before = bytes;
            bytes += length;
            if (before < 4 && bytes >= 4 && !looksLikeZip()) {
                throw new OutboundException(OutboundException.Reason.NOT_REACHABLE, "not a zip", false);
            }
            sha256.update(buffer, offset, length);
            if (bytes >= nextReport) {
                nextReport = (bytes / progressInterval + 1) * progressInterval;
                long read = bytes;
                LOG.info(() -> "Downloading package " + named + ": " + size(read));
            }
        }

        boolean looksLikeZip() {
            return bytes >= 4 && signature[0] == 'P' && signature[1] == 'K'
                    && ((signature[2] == 3 && signature[3] == 4) || (signature[2] == 5 && signature[3] == 6));
        }
    }
}
