package io.smoothdeploy.warmup;

import io.smoothdeploy.engine.port.SmokeProber;

import io.smoothdeploy.engine.SmokeCheck;
import io.smoothdeploy.engine.SmokeCheckResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import javax.net.ssl.SSLException;

/**
 * The smoke-check port on {@code java.net.http}: one {@link #check} call sends one GET to
 * {@code baseUrl + path} with the given host name in the {@code Host} header, and compares the answer with the
 * check. It sends requests the way {@link HttpWarmUpProber} does, so a slot that warmed up answers its smoke
 * checks over the same road: HTTP/1.1, redirects not followed (a 302 is a status like any other, because a
 * staging slot that redirects to a login page is exactly what a smoke check should catch), a connect timeout
 * of at most {@link #MAX_CONNECT_TIMEOUT 10 s}, and the whole request, body included, bounded by the request
 * timeout.
 *
 * <h2>The body</h2>
 * At most {@value #MAX_BODY_BYTES} bytes are read; then the connection is dropped rather than drained, so a
 * slot that streams an endless page cannot hold a deployment. The text a check looks for is searched in what
 * was read, decoded with the response's charset (UTF-8 when it names none), case-sensitively. When the status
 * is not the expected one, only the first {@value #ERROR_BODY_BYTES} bytes are read: the first line is all the
 * detail needs.
 *
 * <h2>The Host header</h2>
 * Whether {@code Host} can be set is decided once for the JVM by {@link HttpWarmUpProber} (see its class
 * comment); this class asks it, which also makes its static initialiser run before this class sends anything.
 * When the JDK refuses the header, an {@code http} slot is reached as a proxy so that the JDK writes the host
 * name itself; an {@code https} slot under another host name then fails with an {@link IllegalStateException}
 * that says how to start the JVM.
 *
 * <h2>Failures</h2>
 * Nothing that goes wrong on the network escapes as an exception: refused, timed out, unknown host, TLS or a
 * dropped connection are failed results with status 0. Only a base URL that is not an http(s) URL (a bug in
 * the caller, not the slot) and the https case above throw. A result's detail never carries a query string
 * (a SAS token can hide in one) and at most {@value #MAX_EXCERPT_CHARS} characters of the body.
 */
public final class HttpSmokeProber implements SmokeProber {

    /** The most of a body read when looking for a check's text. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    /** The most of a body read when only its first line is wanted (a status other than the expected one). */
    public static final int ERROR_BODY_BYTES = 64 * 1024;

    /** The most of the body quoted in a detail. */
    public static final int MAX_EXCERPT_CHARS = 200;

    /** The most of a check's text quoted in a detail. */
    static final int MAX_QUOTED_TEXT_CHARS = 80;

    public static final Duration DEFAULT_REQUEST_TIMEOUT = HttpWarmUpProber.DEFAULT_REQUEST_TIMEOUT;
    public static final Duration MAX_CONNECT_TIMEOUT = HttpWarmUpProber.MAX_CONNECT_TIMEOUT;

    private static final boolean HOST_HEADER_ACCEPTED = HttpWarmUpProber.hostHeaderAccepted();

    private final Duration requestTimeout;
    private final HttpWarmUpProber.HostRouting routing;
    private final HttpClient client;
    private final Map<String, HttpClient> proxyClients = new ConcurrentHashMap<>();

    /** A prober with a {@link #DEFAULT_REQUEST_TIMEOUT 30 s} request timeout. */
    public HttpSmokeProber() {
        this(DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * @param requestTimeout how long one check may take, from connecting to the end of its (capped) body;
     *                       connecting alone gets at most {@link #MAX_CONNECT_TIMEOUT 10 s}
     */
    public HttpSmokeProber(Duration requestTimeout) {
        this(requestTimeout, HOST_HEADER_ACCEPTED ? HttpWarmUpProber.HostRouting.HEADER
                : HttpWarmUpProber.HostRouting.PROXY);
    }

    HttpSmokeProber(Duration requestTimeout, HttpWarmUpProber.HostRouting routing) {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
        }
        Objects.requireNonNull(routing, "routing");
        if (routing == HttpWarmUpProber.HostRouting.HEADER && !HOST_HEADER_ACCEPTED) {
            throw new IllegalStateException("this JVM will not send a Host header; start it with -D"
                    + HttpWarmUpProber.ALLOW_RESTRICTED_HEADERS + "=host");
        }
        this.requestTimeout = requestTimeout;
        this.routing = routing;
        this.client = newClient(null);
    }

    @Override
    public SmokeCheckResult check(String baseUrl, String hostName, String webApp, SmokeCheck check) {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(check, "check");
        URI base = baseUri(baseUrl);
        long started = System.nanoTime();
        Routed routed;
        try {
            routed = route(base, hostName, check.path());
        } catch (IllegalArgumentException e) {
            // The path passed SmokeCheck's checks but is still no URL (a stray % for one): the check's fault,
            // so a failed check that says so rather than a crashed step.
            return SmokeCheckResult.fail(webApp, check, 0, "the path is not a valid URL path: "
                    + HttpWarmUpProber.clean(check.path()), elapsedMillis(started));
        }
        CompletableFuture<HttpResponse<Body>> pending = routed.client().sendAsync(routed.request(),
                info -> new CappedBody(bodyLimit(info.statusCode(), check), charsetOf(info.headers())));
        try {
            HttpResponse<Body> response = pending.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
            return judge(webApp, check, response, elapsedMillis(started));
        } catch (TimeoutException e) {
            pending.cancel(true);
            return SmokeCheckResult.fail(webApp, check, 0, "timed out after " + timeout(), elapsedMillis(started));
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            return SmokeCheckResult.fail(webApp, check, 0, "interrupted before an answer", elapsedMillis(started));
        } catch (ExecutionException e) {
            return SmokeCheckResult.fail(webApp, check, 0, noAnswer(base, e.getCause()), elapsedMillis(started));
        }
    }

    /** Reads the long body only when it will be searched: the status is right and there is text to look for. */
    private static int bodyLimit(int status, SmokeCheck check) {
        return status == check.expectedStatus() && check.bodyContains() != null ? MAX_BODY_BYTES : ERROR_BODY_BYTES;
    }

    // ----- the verdict -----

    private static SmokeCheckResult judge(String webApp, SmokeCheck check, HttpResponse<Body> response,
                                          long millis) {
        int status = response.statusCode();
        Body body = response.body();
        if (status != check.expectedStatus()) {
            String excerpt = excerpt(status, response.headers(), body);
            String detail = "expected HTTP " + check.expectedStatus() + ", got " + status
                    + (excerpt == null ? "" : ": " + excerpt);
            return SmokeCheckResult.fail(webApp, check, status, HttpWarmUpProber.clean(detail), millis);
        }
        String wanted = check.bodyContains();
        if (wanted != null && !body.text().contains(wanted)) {
            String where = body.truncated() ? "the first " + (MAX_BODY_BYTES / (1024 * 1024)) + " MB of the body"
                    : body.text().isEmpty() ? "the body (empty)" : "the body";
            String detail = where + " does not contain '" + quoted(wanted) + "'";
            return SmokeCheckResult.fail(webApp, check, status, HttpWarmUpProber.clean(detail), millis);
        }
        return SmokeCheckResult.pass(webApp, check, status, millis);
    }

    /**
     * What to quote from an unexpected answer: a redirect's target (more use than "Object moved" HTML), else
     * the body's first line; at most {@value #MAX_EXCERPT_CHARS} characters, query strings removed later.
     */
    private static String excerpt(int status, HttpHeaders headers, Body body) {
        String excerpt = null;
        if (status >= 300 && status <= 399) {
            excerpt = headers.firstValue("Location").map(to -> "redirect to " + to).orElse(null);
        }
        if (excerpt == null) {
            excerpt = HttpWarmUpProber.firstLine(body.text().getBytes(StandardCharsets.UTF_8));
        }
        if (excerpt != null && excerpt.length() > MAX_EXCERPT_CHARS) {
            excerpt = excerpt.substring(0, MAX_EXCERPT_CHARS);
        }
        return excerpt;
    }

    private static String quoted(String text) {
        return text.length() > MAX_QUOTED_TEXT_CHARS ? text.substring(0, MAX_QUOTED_TEXT_CHARS) + "..." : text;
    }

    /** Why nothing answered, in words; the connect and request timeouts are this prober's own. */
    private String noAnswer(URI base, Throwable error) {
        if (HttpWarmUpProber.find(error, HttpConnectTimeoutException.class) != null) {
            return "could not connect within " + format(connectTimeout());
        }
        if (HttpWarmUpProber.find(error, HttpTimeoutException.class) != null) {
            return "timed out after " + timeout();
        }
        if (HttpWarmUpProber.find(error, ConnectException.class) != null) {
            return "connection refused";
        }
        if (HttpWarmUpProber.find(error, UnresolvedAddressException.class) != null
                || HttpWarmUpProber.find(error, UnknownHostException.class) != null) {
            return "unknown host " + base.getHost();
        }
        SSLException tls = HttpWarmUpProber.find(error, SSLException.class);
        if (tls != null) {
            return HttpWarmUpProber.clean("TLS failed: " + HttpWarmUpProber.describe(tls));
        }
        return HttpWarmUpProber.clean("no answer: " + HttpWarmUpProber.describe(error));
    }

    private Duration connectTimeout() {
        return requestTimeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? requestTimeout : MAX_CONNECT_TIMEOUT;
    }

    private String timeout() {
        return format(requestTimeout);
    }

    /** "30 s" for whole seconds, "300 ms" otherwise. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static long elapsedMillis(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    // ----- routing: the same as warm-up's -----

    private record Routed(HttpClient client, HttpRequest request) {
    }

    private Routed route(URI base, String hostName, String path) {
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        URI direct = URI.create(base.getScheme() + "://" + base.getRawAuthority() + basePath + path);
        if (hostName.equalsIgnoreCase(base.getHost()) || hostName.equalsIgnoreCase(base.getRawAuthority())) {
            return new Routed(client, request(direct).build());
        }
        if (routing == HttpWarmUpProber.HostRouting.HEADER) {
            return new Routed(client, request(direct).header("Host", hostName).build());
        }
        if (!"http".equalsIgnoreCase(base.getScheme())) {
            throw new IllegalStateException("cannot send Host " + hostName + " to " + base.getScheme() + "://"
                    + base.getRawAuthority() + ": this JVM will not send a Host header; start it with -D"
                    + HttpWarmUpProber.ALLOW_RESTRICTED_HEADERS + "=host");
        }
        URI viaHostName = URI.create("http://" + hostName + basePath + path);
        return new Routed(proxyClient(base), request(viaHostName).build());
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).GET().timeout(requestTimeout).header("User-Agent", "smooth-deploy-smoke");
    }

    private HttpClient proxyClient(URI base) {
        int port = base.getPort() == -1 ? 80 : base.getPort();
        return proxyClients.computeIfAbsent(base.getHost() + ":" + port,
                key -> newClient(ProxySelector.of(new InetSocketAddress(base.getHost(), port))));
    }

    private HttpClient newClient(ProxySelector proxy) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout());
        if (proxy != null) {
            builder.proxy(proxy);
        }
        return builder.build();
    }

    private static URI baseUri(String baseUrl) {
        if (baseUrl == null) {
            throw new IllegalArgumentException("smoke check base URL is missing");
        }
        URI base;
        try {
            base = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("smoke check base URL is not a URL: " + HttpWarmUpProber.clean(baseUrl),
                    e);
        }
        String scheme = base.getScheme();
        if (base.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException("smoke check base URL needs http(s) and a host: "
                    + HttpWarmUpProber.clean(baseUrl));
        }
        return base;
    }

    // ----- the body, capped -----

    /** What was read of a body, decoded, and whether there was more that was not read. */
    record Body(String text, boolean truncated) {
    }

    /** The charset a response names in its Content-Type, or UTF-8 when it names none (or one the JVM lacks). */
    static Charset charsetOf(HttpHeaders headers) {
        String type = headers.firstValue("Content-Type").orElse("");
        for (String parameter : type.split(";")) {
            String[] pair = parameter.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
                String name = pair[1].trim();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                try {
                    return Charset.forName(name);
                } catch (IllegalArgumentException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /**
     * Collects a body up to {@code limit} bytes. When a byte past the limit arrives, it stops: the subscription
     * is cancelled, which closes the connection instead of reading the rest to reuse it.
     */
    private static final class CappedBody implements HttpResponse.BodySubscriber<Body> {

        private final int limit;
        private final Charset charset;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int limit, Charset charset) {
            this.limit = limit;
            this.charset = charset;
        }

        @Override
        public CompletionStage<Body> getBody() {
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
                if (!buffer.hasRemaining()) {
                    continue;
                }
                if (bytes.size() >= limit) {
                    // A byte beyond the limit: the body is longer than we will read.
                    finish(true);
                    subscription.cancel();
                    return;
                }
                int take = Math.min(buffer.remaining(), limit - bytes.size());
                byte[] chunk = new byte[take];
                buffer.get(chunk);
                bytes.write(chunk, 0, take);
                if (buffer.hasRemaining()) {
                    finish(true);
                    subscription.cancel();
                    return;
                }
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable error) {
            // A body cut short still has its first line (and maybe the text): keep what arrived.
            if (bytes.size() > 0 && error instanceof IOException) {
                finish(false);
            } else {
                result.completeExceptionally(error);
            }
        }

        @Override
        public void onComplete() {
            finish(false);
        }

        private void finish(boolean truncated) {
            result.complete(new Body(new String(bytes.toByteArray(), charset), truncated));
        }
    }

    @Override
    public String toString() {
        return "HttpSmokeProber[timeout=" + requestTimeout.toMillis() + " ms, host=" + routing.name()
                .toLowerCase(Locale.ROOT) + "]";
    }
}
