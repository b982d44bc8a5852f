package io.smoothdeploy.cloud.http;

import io.smoothdeploy.cloud.CloudException;
import io.smoothdeploy.cloud.PackageDigest;
import io.smoothdeploy.engine.Redact;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The package digest port on {@code java.net.http}: one GET of the package, whose body goes chunk by chunk
 * through a SHA-256 digest and is then dropped, so a package of any size costs a few buffers of memory.
 *
 * <h2>Time limits</h2>
 * A package can be hundreds of megabytes, so there is no limit on the whole download; instead the connection
 * must be made within the connect timeout, and then something (the response headers, or more of the body) must
 * arrive at least once per idle limit. A download that keeps moving, however slowly, finishes; one that stalls
 * fails as transient ({@code PackageDownloadTimeout}) after one idle limit, instead of holding a function until
 * the host kills it. The JDK's request timeout only covers waiting for the headers, hence the watchdog in
 * {@link #await}.
 *
 * <h2>Secrets</h2>
 * The URI of a package usually carries a SAS token in its query string. Messages and log lines name the package
 * by {@link Redact#uri} only, and an exception from the JDK is described by its class name (and its message only
 * when that cannot hold the URI); it is not attached as a cause, so a stack trace printed later cannot leak it
 * either.
 *
 * <h2>The rewrite function</h2>
 * Every request goes to {@code rewrite.apply(packageUri)}: the identity in Azure; the local emulator's
 * {@code packageDownloadUri} sends {@code https://packages.example.com/x.zip?sig=…} to its own loopback server,
 * keeping the query string so that the redaction is exercised for real. Messages still name the original URI.
 *
 * <p>Thread-safe: one client is shared by concurrent calls.
 */
public final class HttpPackageDigest implements PackageDigest {

    private static final Logger LOG = Logger.getLogger(HttpPackageDigest.class.getName());

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** A progress line is logged each time a download passes another multiple of this many bytes. */
    public static final long PROGRESS_INTERVAL_BYTES = 50L * 1024 * 1024;

    private static final long MB = 1024L * 1024;
    /** An error code from Azure Storage's {@code x-ms-error-code} header is kept only when it looks like one. */
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9]{1,80}");
    private static final Pattern SECRET_HINT = Pattern.compile("(?i)(\\?|sig=|sv=|se=|sp=|token|secret)");

    private final UnaryOperator<URI> rewrite;
    private final Duration idleTimeout;
    private final long progressInterval;
    private final HttpClient client;

    /** Downloads from the package's own URI, with the default timeouts: what Azure uses. */
    public HttpPackageDigest() {
        this(UnaryOperator.identity(), DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * @param rewrite        where the request for a package URI really goes (the identity in Azure)
     * @param connectTimeout the longest wait for a connection
     * @param idleTimeout    the longest wait for the response headers, and then between two pieces of the body
     */
    public HttpPackageDigest(UnaryOperator<URI> rewrite, Duration connectTimeout, Duration idleTimeout) {
        this(rewrite, connectTimeout, idleTimeout, PROGRESS_INTERVAL_BYTES);
    }

    /** As the public constructor, with another progress interval so a test can see the progress lines. */
    HttpPackageDigest(UnaryOperator<URI> rewrite, Duration connectTimeout, Duration idleTimeout,
                      long progressInterval) {
        this.rewrite = Objects.requireNonNull(rewrite, "rewrite");
        this.idleTimeout = positive(idleTimeout, "idleTimeout");
        if (progressInterval <= 0) {
            throw new IllegalArgumentException("progressInterval must be positive");
        }
        this.progressInterval = progressInterval;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(positive(connectTimeout, "connectTimeout"))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    private static Duration positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return duration;
    }

    @Override
    public String sha256(String packageUri) {
        String named = Redact.uri(packageUri);
        URI original = parse(packageUri, named);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(rewrite.apply(original)).GET().build();
        } catch (RuntimeException e) {
            // Neither the rewrite's nor the JDK's message is used: either may quote the URI.
            throw new CloudException("InvalidPackageUri", "Package URI " + named + " cannot be requested ("
                    + e.getClass().getSimpleName() + ")", false);
        }
        Download download = new Download(named);
        CompletableFuture<HttpResponse<String>> future;
        try {
            future = client.sendAsync(request, download::subscriber);
        } catch (IllegalArgumentException e) {
            throw new CloudException("InvalidPackageUri", "Package URI " + named + " cannot be requested ("
                    + e.getClass().getSimpleName() + ")", false);
        }
        HttpResponse<String> response = await(future, download, original.getRawQuery());
        if (response.statusCode() == 200) {
            return response.body();
        }
        throw statusFailure(response.statusCode(), response.headers(), named);
    }

    private static URI parse(String packageUri, String named) {
        if (packageUri == null || packageUri.isBlank()) {
            throw new CloudException("InvalidPackageUri", "No package URI was given", false);
        }
        URI uri;
        try {
            uri = new URI(packageUri.trim());
        } catch (java.net.URISyntaxException e) {
            throw new CloudException("InvalidPackageUri", "Package URI " + named + " is not a valid URI", false);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw new CloudException("InvalidPackageUri", "Package URI " + named + " is not an http(s) URL", false);
        }
        return uri;
    }

    /**
     * Waits for the download, failing it when nothing has arrived for one idle limit: each wait lasts until the
     * idle limit would be reached counting from the last piece that arrived, so a download that keeps moving
     * waits again, and one that does not is cancelled.
     */
    private HttpResponse<String> await(CompletableFuture<HttpResponse<String>> future, Download download,
                                       String rawQuery) {
        long idleNanos = idleTimeout.toNanos();
        while (true) {
            long remaining = idleNanos - (System.nanoTime() - download.lastActivity);
            if (remaining <= 0) {
                download.abort();
                future.cancel(true);
                throw new CloudException("PackageDownloadTimeout", "Downloading package " + download.named
                        + " stalled: nothing arrived for " + idleTimeout.toMillis() + " ms"
                        + download.progressText(), true);
            }
            try {
                return future.get(remaining, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // Look again: a piece may have arrived while waiting, which moves the deadline.
            } catch (InterruptedException e) {
                download.abort();
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new CloudException("PackageDownloadInterrupted", "Downloading package " + download.named
                        + " was interrupted" + download.progressText(), true);
            } catch (ExecutionException e) {
                throw transportFailure(e.getCause(), download, rawQuery);
            }
        }
    }

    private static CloudException transportFailure(Throwable failure, Download download, String rawQuery) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String reason = describe(cause, rawQuery);
        if (cause instanceof HttpTimeoutException) {
            return new CloudException("PackageDownloadTimeout", "Downloading package " + download.named
                    + " timed out (" + reason + ")" + download.progressText(), true);
        }
        if (cause instanceof IOException) {
            return new CloudException("PackageDownloadFailed", "Downloading package " + download.named
                    + " failed (" + reason + ")" + download.progressText(), true);
        }
        if (cause instanceof IllegalArgumentException) {
            return new CloudException("InvalidPackageUri", "Package URI " + download.named
                    + " cannot be requested (" + reason + ")", false);
        }
        return new CloudException("PackageDownloadFailed", "Downloading package " + download.named
                + " failed (" + reason + ")" + download.progressText(), false);
    }

    /**
     * The class of a JDK failure and its message, when that message cannot be quoting the request: anything
     * with a query-string mark or SAS-looking text is left out.
     */
    static String describe(Throwable cause, String rawQuery) {
        if (cause == null) {
            return "unknown failure";
        }
        String name = cause.getClass().getSimpleName();
        String message = cause.getMessage();
        if (message == null || message.isBlank() || SECRET_HINT.matcher(message).find()
                || (rawQuery != null && !rawQuery.isEmpty() && message.contains(rawQuery))) {
            return name;
        }
        message = message.strip();
        return name + ": " + (message.length() > 200 ? message.substring(0, 200) + "…" : message);
    }

    static CloudException statusFailure(int status, HttpHeaders headers, String named) {
        String errorCode = headers.firstValue("x-ms-error-code").filter(c -> ERROR_CODE.matcher(c).matches())
                .orElse(null);
        String answer = "HTTP " + status + (errorCode == null ? "" : " " + errorCode);
        if (status == 404) {
            return new CloudException("PackageNotFound", "Package " + named + " was not found (" + answer + ")",
                    false);
        }
        if (status == 401 || status == 403) {
            return new CloudException("PackageAccessDenied", "Access to package " + named + " was denied ("
                    + answer + "): its SAS token may have expired, or may not grant read permission", false);
        }
        boolean transientFailure = status == 408 || status == 429 || status >= 500;
        return new CloudException("PackageDownloadFailed", "Downloading package " + named + " failed (" + answer
                + ")", transientFailure);
    }

    private static String size(long bytes) {
        return bytes >= MB ? bytes / MB + " MB" : bytes + " bytes";
    }

    /** One download's progress: what the watchdog reads and the subscriber writes. */
    private final class Download {
        final String named;
        volatile long lastActivity = System.nanoTime();
        volatile long bytes;
        volatile Flow.Subscription subscription;

        Download(String named) {
            this.named = named;
        }

        BodySubscriber<String> subscriber(ResponseInfo info) {
            lastActivity = System.nanoTime();
            if (info.statusCode() != 200) {
                // An error body is small and says nothing we report; drain it so the connection can be reused.
                return BodySubscribers.replacing(null);
            }
            return new DigestSubscriber(this, info.headers().firstValueAsLong("Content-Length"));
        }

        void abort() {
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
        }

        String progressText() {
            long read = bytes;
            return read == 0 ? "" : " after " + read + " bytes";
        }
    }

    /** Digests the body as it arrives, asking for one piece at a time so nothing piles up in memory. */
    private final class DigestSubscriber implements BodySubscriber<String> {
        private final Download download;
        private final OptionalLong length;
        private final MessageDigest sha256;
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final long started = System.nanoTime();
        private long nextReport = progressInterval;

        DigestSubscriber(Download download, OptionalLong length) {
            this.download = download;
            this.length = length;
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            download.subscription = subscription;
            download.lastActivity = System.nanoTime();
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            long read = download.bytes;
            for (ByteBuffer item : items) {
                read += item.remaining();
                sha256.update(item);
            }
            download.bytes = read;
            download.lastActivity = System.nanoTime();
            if (read >= nextReport) {
                nextReport = (read / progressInterval + 1) * progressInterval;
                String progress = size(read) + (length.isPresent() ? " of " + size(length.getAsLong()) : "");
                LOG.info(() -> "Downloading package " + download.named + ": " + progress);
            }
            download.subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            String hex = HexFormat.of().formatHex(sha256.digest());
            long read = download.bytes;
            if (read >= progressInterval) {
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                LOG.info(() -> "Downloaded package " + download.named + ": " + size(read) + " in " + millis
                        + " ms, SHA-256 " + hex);
            }
            result.complete(hex);
        }
    }
}
