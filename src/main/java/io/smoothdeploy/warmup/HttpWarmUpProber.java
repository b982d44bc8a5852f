package io.smoothdeploy.warmup;

import io.smoothdeploy.engine.port.WarmUpTarget;

import io.smoothdeploy.engine.port.ProbeResult;

import io.smoothdeploy.engine.port.WarmUpProber;

import io.smoothdeploy.engine.Redact;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The warm-up port on {@code java.net.http}: one {@link #probe} call sends one GET per host name and path,
 * one after another, to {@code baseUrl + path} with that host name in the {@code Host} header. HTTP/1.1,
 * redirects are not followed (a 301/302 is a status like any other), at most {@value #MAX_BODY_BYTES} bytes
 * of a body are read, and every request (connect, headers and body) is bounded by the request timeout.
 *
 * <h2>The Host header</h2>
 * {@code java.net.http} refuses to set {@code Host} unless the system property
 * {@code jdk.httpclient.allowRestrictedHeaders} names it, and the JDK reads that property only once, when
 * its HTTP client internals are first used. This class's static initialiser therefore adds {@code host} to the
 * property (keeping whatever else it names) and then checks whether the JDK accepted it. The most reliable
 * set-up is still to start the JVM with {@code -Djdk.httpclient.allowRestrictedHeaders=host}.
 * <ul>
 *   <li>When a host name is the base URL's own host, no header is overridden.</li>
 *   <li>When the JDK accepts a {@code Host} header, it is set on the request ({@link HostRouting#HEADER}).</li>
 *   <li>Otherwise, because something in this JVM used {@code java.net.http} before this class was loaded, an
 *       {@code http} base URL is reached as a proxy: the request asks for {@code http://<hostName><path>}
 *       through a connection to the base URL's address, so the JDK writes that host name into {@code Host}
 *       itself ({@link HostRouting#PROXY}). That cannot work over TLS, so an {@code https} target with another
 *       host name fails with an {@link IllegalStateException} that says how to set the property.</li>
 * </ul>
 *
 * <p>Query strings never appear in a result's detail: they can carry SAS tokens.
 */
public final class HttpWarmUpProber implements WarmUpProber {

    /** The JDK property that lifts the restriction on {@code Host} (and other headers). */
    public static final String ALLOW_RESTRICTED_HEADERS = "jdk.httpclient.allowRestrictedHeaders";

    /** The most of a response body read; the first line of an error is in there. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    /** The longest detail kept. */
    public static final int MAX_DETAIL_CHARS = 300;

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private static final boolean HOST_HEADER_ACCEPTED = allowHostHeader();

    /** How a request gets a host name other than the base URL's own into its {@code Host} header. */
    enum HostRouting {
        /** Set the {@code Host} header: needs the JDK to accept it. */
        HEADER,
        /** Ask for {@code http://<hostName><path>} through the base URL's address used as an HTTP proxy. */
        PROXY
    }

    private final Duration requestTimeout;
    private final HostRouting routing;
    private final HttpClient client;
    private final Map<String, HttpClient> proxyClients = new ConcurrentHashMap<>();

    /** A prober with a {@link #DEFAULT_REQUEST_TIMEOUT 30 s} request timeout. */
    public HttpWarmUpProber() {
        this(DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * @param requestTimeout how long one request may take, from connecting to the end of its (capped) body;
     *                       connecting alone gets at most {@link #MAX_CONNECT_TIMEOUT 10 s}
     */
    public HttpWarmUpProber(Duration requestTimeout) {
        this(requestTimeout, HOST_HEADER_ACCEPTED ? HostRouting.HEADER : HostRouting.PROXY);
    }

    HttpWarmUpProber(Duration requestTimeout, HostRouting routing) {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
        }
        if (routing == HostRouting.HEADER && !HOST_HEADER_ACCEPTED) {
            throw new IllegalStateException(hostHeaderAdvice());
        }
        this.requestTimeout = requestTimeout;
        this.routing = Objects.requireNonNull(routing, "routing");
        this.client = newClient(null);
    }

    /**
     * Whether this JVM lets {@code java.net.http} send a {@code Host} header of our choosing; when false, only
     * {@code http} targets can be warmed under other host names (see the class comment).
     */
    public static boolean hostHeaderAccepted() {
        return HOST_HEADER_ACCEPTED;
    }

    HostRouting routing() {
        return routing;
    }

    @Override
    public List<ProbeResult> probe(WarmUpTarget target) {
        URI base = baseUri(target.baseUrl());
        List<ProbeResult> results = new ArrayList<>(target.hostNames().size() * target.paths().size());
        for (String hostName : target.hostNames()) {
            for (String path : target.paths()) {
                results.add(probeOne(base, hostName, path, target.expectedStatuses()));
            }
        }
        return results;
    }

    // ----- one request -----

    private ProbeResult probeOne(URI base, String hostName, String path, List<Integer> expectedStatuses) {
        Routed routed = route(base, hostName, path);
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> pending = routed.client()
                .sendAsync(routed.request(), info -> new CappedBody(MAX_BODY_BYTES));
        try {
            HttpResponse<byte[]> response = pending.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
            Duration latency = Duration.ofNanos(System.nanoTime() - started);
            return answered(hostName, path, response, latency, expectedStatuses);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return failed(hostName, path, ProbeResult.Outcome.TIMEOUT, started, "no answer within " + millis());
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            return failed(hostName, path, ProbeResult.Outcome.TIMEOUT, started, "interrupted before an answer");
        } catch (ExecutionException e) {
            return noAnswer(hostName, path, started, e.getCause());
        }
    }

    private ProbeResult answered(String hostName, String path, HttpResponse<byte[]> response, Duration latency,
                                 List<Integer> expectedStatuses) {
        int status = response.statusCode();
        if (expectedStatuses.contains(status)) {
            return new ProbeResult(hostName, path, ProbeResult.Outcome.OK, status, latency, null);
        }
        ProbeResult.Outcome outcome = status == 403 ? ProbeResult.Outcome.FORBIDDEN
                : status >= 500 && status <= 599 ? ProbeResult.Outcome.SERVER_ERROR
                : ProbeResult.Outcome.UNEXPECTED_STATUS;
        String detail = firstLine(response.body());
        if (detail == null && status >= 300 && status <= 399) {
            detail = response.headers().firstValue("Location").map(to -> "redirect to " + to).orElse(null);
        }
        return new ProbeResult(hostName, path, outcome, status, latency, clean(detail));
    }

    private ProbeResult noAnswer(String hostName, String path, long started, Throwable error) {
        if (find(error, HttpConnectTimeoutException.class) != null) {
            return failed(hostName, path, ProbeResult.Outcome.TIMEOUT, started, "could not connect within "
                    + millis());
        }
        if (find(error, HttpTimeoutException.class) != null) {
            return failed(hostName, path, ProbeResult.Outcome.TIMEOUT, started, "no answer within " + millis());
        }
        ConnectException refused = find(error, ConnectException.class);
        if (refused != null) {
            String message = refused.getMessage();
            String detail = message == null || message.isBlank() || message.equalsIgnoreCase("connection refused")
                    ? "connection refused" : "connection refused: " + message;
            return failed(hostName, path, ProbeResult.Outcome.CONNECTION_REFUSED, started, detail);
        }
        // No outcome fits better than "no connection" for these: status 0, and the detail says what it was.
        String detail;
        if (find(error, UnresolvedAddressException.class) != null || find(error, UnknownHostException.class) != null) {
            detail = "unknown host";
        } else if (find(error, SSLException.class) != null) {
            detail = "TLS failed: " + describe(find(error, SSLException.class));
        } else {
            detail = "no answer: " + describe(error);
        }
        return failed(hostName, path, ProbeResult.Outcome.CONNECTION_REFUSED, started, detail);
    }

    private ProbeResult failed(String hostName, String path, ProbeResult.Outcome outcome, long started,
                               String detail) {
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        return new ProbeResult(hostName, path, outcome, 0, latency, clean(detail));
    }

    private String millis() {
        return requestTimeout.toMillis() + " ms";
    }

    // ----- routing: where the request goes, and which Host it carries -----

    private record Routed(HttpClient client, HttpRequest request) {
    }

    private Routed route(URI base, String hostName, String path) {
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        URI direct = URI.create(base.getScheme() + "://" + base.getRawAuthority() + basePath + path);
        if (isOwnHost(base, hostName)) {
            return new Routed(client, request(direct).build());
        }
        if (routing == HostRouting.HEADER) {
            return new Routed(client, request(direct).header("Host", hostName).build());
        }
        if (!"http".equalsIgnoreCase(base.getScheme())) {
            throw new IllegalStateException("cannot send Host " + hostName + " to " + base.getScheme() + "://"
                    + base.getRawAuthority() + ": " + hostHeaderAdvice());
        }
        URI viaHostName = URI.create("http://" + hostName + basePath + path);
        return new Routed(proxyClient(base), request(viaHostName).build());
    }

    private static boolean isOwnHost(URI base, String hostName) {
        return hostName.equalsIgnoreCase(base.getHost()) || hostName.equalsIgnoreCase(base.getRawAuthority());
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).GET().timeout(requestTimeout).header("User-Agent", "smooth-deploy-warmup");
    }

    private HttpClient proxyClient(URI base) {
        int port = base.getPort() == -1 ? 80 : base.getPort();
        String key = base.getHost() + ":" + port;
        return proxyClients.computeIfAbsent(key, k -> newClient(ProxySelector.of(new InetSocketAddress(base.getHost(),
                port))));
    }

    private HttpClient newClient(ProxySelector proxy) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(requestTimeout.compareTo(MAX_CONNECT_TIMEOUT) < 0
                        ? requestTimeout : MAX_CONNECT_TIMEOUT);
        if (proxy != null) {
            builder.proxy(proxy);
        }
        return builder.build();
    }

    private static URI baseUri(String baseUrl) {
        URI base;
        try {
            base = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("warm-up base URL is not a URL: " + clean(baseUrl), e);
        }
        String scheme = base.getScheme();
        if (base.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException("warm-up base URL needs http(s) and a host: " + clean(baseUrl));
        }
        return base;
    }

    // ----- the Host header switch -----

    /** Adds {@code host} to the JDK property if it is missing, then checks whether the JDK took it. */
    private static boolean allowHostHeader() {
        try {
            String current = System.getProperty(ALLOW_RESTRICTED_HEADERS);
            if (current == null || current.isBlank()) {
                System.setProperty(ALLOW_RESTRICTED_HEADERS, "host");
            } else if (!namesHost(current)) {
                System.setProperty(ALLOW_RESTRICTED_HEADERS, current.trim() + ",host");
            }
        } catch (SecurityException e) {
            // Fall through: the check below says what the JDK accepts.
        }
        try {
            HttpRequest.newBuilder(URI.create("http://localhost/")).header("Host", "localhost");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean namesHost(String value) {
        // The JDK splits on commas and does not trim the names, so only an exact "host" token counts.
        for (String name : value.trim().split(",")) {
            if (name.equalsIgnoreCase("host")) {
                return true;
            }
        }
        return false;
    }

    private static String hostHeaderAdvice() {
        return "java.net.http was used in this JVM before " + HttpWarmUpProber.class.getSimpleName()
                + " was loaded, so it will not send a Host header; start the JVM with -D"
                + ALLOW_RESTRICTED_HEADERS + "=host";
    }

    // ----- details -----

    private static final Pattern LINE_BREAK = Pattern.compile("\\R");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    /** A URL or a path, then its query string: the query string goes. */
    private static final Pattern QUERY =
            Pattern.compile("((?:[a-zA-Z][a-zA-Z0-9+.-]{0,31}://|/)[^\\s?#\"'<>]*)\\?[^\\s#\"'<>]*");

    /** The first non-blank line of a body, trimmed, or null when there is none. */
    static String firstLine(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        for (String line : LINE_BREAK.split(text)) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return null;
    }

    /** Removes query strings and control characters, and caps the length. */
    static String clean(String detail) {
        if (detail == null) {
            return null;
        }
        // Cut first so the patterns only ever see a short text; a query string cut in two is still removed.
        String text = detail.length() > 4 * MAX_DETAIL_CHARS ? detail.substring(0, 4 * MAX_DETAIL_CHARS) : detail;
        text = QUERY.matcher(text).replaceAll("$1");
        // An error page may quote a connection string or a token: keys, passwords and bearer tokens go too.
        text = Redact.text(text);
        text = CONTROL.matcher(text).replaceAll(" ").strip();
        if (text.length() > MAX_DETAIL_CHARS) {
            text = text.substring(0, MAX_DETAIL_CHARS);
        }
        return text.isEmpty() ? null : text;
    }

    /** The exception's type and message, for a probe's detail (shared with the smoke prober). */
    static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        String message = error.getMessage();
        String name = error.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : name + ": " + message;
    }

    /** The first exception of {@code type} in the cause chain, or null. */
    static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    // ----- the body, capped -----

    /** Collects a body up to {@code limit} bytes, then stops reading (the connection is closed, not reused). */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), limit - bytes.size());
                byte[] chunk = new byte[take];
                buffer.get(chunk);
                bytes.write(chunk, 0, take);
                if (bytes.size() >= limit) {
                    result.complete(bytes.toByteArray());
                    subscription.cancel();
                    return;
                }
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable error) {
            // A body cut short still has its first line: keep what arrived.
            if (bytes.size() > 0 && error instanceof IOException) {
                result.complete(bytes.toByteArray());
            } else {
                result.completeExceptionally(error);
            }
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }

    @Override
    public String toString() {
        return "HttpWarmUpProber[timeout=" + requestTimeout.toMillis() + " ms, host=" + routing.name()
                .toLowerCase(Locale.ROOT) + "]";
    }
}
