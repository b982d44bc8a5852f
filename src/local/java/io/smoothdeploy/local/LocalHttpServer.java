package io.smoothdeploy.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Serves a {@link FunctionCatalog}'s HTTP-triggered functions on the loopback interface, as the Functions
 * host does: {@code /api/} + each function's route template, the function's own method running the request.
 *
 * <p>Routing: the request path is matched against the route templates; when several match, a literal
 * segment wins over a {@code {param}} segment, and the first of them that accepts the request's method runs.
 * An unknown path answers 404 and a known path with another method 405 (with {@code Allow}), both as RFC 9457
 * {@code application/problem+json}. A function that throws answers 500 with a generic problem; the
 * exception, which may carry a secret, only goes to the log, under the invocation id the answer names.
 *
 * <p><b>Keys:</b> routes declared {@code AuthorizationLevel.FUNCTION} (or {@code ADMIN}) need a function
 * key in Azure. Locally no key is required, as with the Functions Core Tools: the server listens on
 * 127.0.0.1 only, so only this machine can reach it. A {@code code} query parameter or
 * {@code x-functions-key} header is accepted and ignored. (Our own API routes are ANONYMOUS and check the
 * caller's roles in code; locally the caller is the development user, see {@link LocalUser}.)
 *
 * <p><b>Body size:</b> a body over {@link #DEFAULT_MAX_BODY_BYTES} is answered 413 once the limit is passed,
 * never read to its end; in Azure the Functions host's request size limit is the matching guard.
 *
 * <p>What a function returns is written as: an {@link HttpResponseMessage} (its status, headers and body);
 * a String or byte[] as a 200 body; null as 204; anything else as 200 JSON. A String body gets
 * {@code text/plain; charset=utf-8} unless the function set a Content-Type; another object body is
 * serialized as JSON.
 */
public final class LocalHttpServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalHttpServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEM_JSON = "application/problem+json";
    /** Headers read from a response that is not a {@link LocalHttpResponse} (whose headers cannot be listed). */
    private static final List<String> WELL_KNOWN_HEADERS = List.of("Content-Type", "Location", "ETag",
            "Retry-After", "Cache-Control", "Content-Disposition", "Last-Modified", "WWW-Authenticate");

    /** The most a request body may hold; larger bodies are refused (413) without being read to their end. */
    public static final int DEFAULT_MAX_BODY_BYTES = io.smoothdeploy.api.HttpApi.MAX_BODY_BYTES;

    /** How much of a refused body is read and dropped after the 413, so the client gets to read the answer. */
    static final long DISCARD_BYTES = 4L * 1024 * 1024;
    static final java.time.Duration DISCARD_TIME = java.time.Duration.ofSeconds(2);

    private final FunctionCatalog catalog;
    private final int requestedPort;
    private final int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private HttpServer server;
    private ExecutorService executor;

    /**
     * @param catalog the functions to serve
     * @param port    the port to listen on; 0 for any free port (see {@link #port()} once started)
     */
    public LocalHttpServer(FunctionCatalog catalog, int port) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (any free port) or 1-65535, not " + port);
        }
        this.requestedPort = port;
    }

    /**
     * Binds 127.0.0.1 and starts answering.
     *
     * @return this server
     * @throws IOException when the port cannot be bound (in use, say)
     */
    public synchronized LocalHttpServer start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("the server is already started, on " + baseUrl());
        }
        HttpServer created;
        try {
            created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 0);
        } catch (IOException e) {
            throw new IOException("cannot listen on 127.0.0.1:" + requestedPort + " (" + e.getMessage()
                    + "); is another host running? Choose another port, or 0 for any free one", e);
        }
        executor = Executors.newCachedThreadPool(daemonThreads());
        created.setExecutor(executor);
        created.createContext("/", this::handle);
        created.start();
        server = created;
        LOG.fine(() -> "local HTTP server listening on " + baseUrl());
        return this;
    }

    /** The port listened on. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the server is not started; call start() first");
        }
        return server.getAddress().getPort();
    }

    /** E.g. {@code http://127.0.0.1:7071}; function routes are under {@code baseUrl() + "/api/"}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Stops answering and frees the port. Idempotent. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String rawPath = exchange.getRequestURI().getRawPath();
            String methodName = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            try {
                route(exchange, rawPath, methodName);
            } catch (Exception | LinkageError | AssertionError e) {
                String invocationId = UUID.randomUUID().toString();
                LOG.log(Level.SEVERE, "request " + methodName + " " + rawPath + " failed in the local host"
                        + " (invocation " + invocationId + ")", e);
                sendProblem(exchange, methodName, 500, "Internal Server Error", "The local host could not answer"
                        + " this request. Its log has the details under invocation " + invocationId + ".", Map.of());
            }
        }
    }

    private void route(HttpExchange exchange, String rawPath, String methodName) throws IOException {
        List<FunctionCatalog.RouteMatch> matches = catalog.routesFor(rawPath);
        if (matches.isEmpty()) {
            sendProblem(exchange, methodName, 404, "Not Found", notFoundDetail(methodName, rawPath), Map.of());
            return;
        }
        HttpMethod method = parseMethod(methodName);
        FunctionCatalog.RouteMatch chosen = null;
        if (method != null) {
            for (FunctionCatalog.RouteMatch match : matches) {
                if (match.route().accepts(method)) {
                    chosen = match;
                    break;
                }
            }
        }
        if (chosen == null) {
            Set<HttpMethod> allowed = EnumSet.noneOf(HttpMethod.class);
            matches.forEach(match -> allowed.addAll(match.route().methods()));
            String allow = allowed.stream().map(Enum::name).collect(Collectors.joining(", "));
            String functions = matches.stream().map(match -> match.route().functionName()).distinct()
                    .collect(Collectors.joining(", "));
            sendProblem(exchange, methodName, 405, "Method Not Allowed", methodName + " is not allowed on " + rawPath
                    + ". This path is served by " + functions + ", which accept " + allow + "; send one of those.",
                    Map.of("Allow", allow));
            return;
        }
        invoke(exchange, chosen, method, methodName, rawPath);
    }

    private void invoke(HttpExchange exchange, FunctionCatalog.RouteMatch match, HttpMethod method,
                        String methodName, String rawPath) throws IOException {
        String body = readBody(exchange, maxBodyBytes);
        if (body == null) {
            // Stop at the limit: the rest is never kept (a bounded tail is read and dropped after the answer, then
            // the connection closes), so a huge or endless body cannot fill memory or hold a thread for long.
            // The same problem the API answers for a body over its limit, so a client sees one shape either way.
            io.smoothdeploy.api.ApiResponse tooLarge = io.smoothdeploy.api.Problem.tooLarge(maxBodyBytes)
                    .toResponse(rawPath);
            Map<String, String> headers = new LinkedHashMap<>(tooLarge.headers());
            headers.put("Connection", "close");
            sendThenDiscard(exchange, 413, headers, tooLarge.body().getBytes(StandardCharsets.UTF_8));
            return;
        }
        LocalHttpRequest request = new LocalHttpRequest(requestUri(exchange), method, headersOf(exchange), body);
        String functionName = match.route().functionName();
        LocalExecutionContext context = LocalExecutionContext.forFunction(functionName);
        Object result;
        try {
            LOG.fine(() -> "executing " + functionName + " for " + methodName + " " + rawPath
                    + " (invocation " + context.getInvocationId() + ")");
            result = match.route().invoke(request, match.pathValues(), context);
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.log(Level.SEVERE, "function " + functionName + " threw while answering " + methodName + " " + rawPath
                    + " (invocation " + context.getInvocationId() + ")", e);
            sendProblem(exchange, methodName, 500, "Internal Server Error", "The function " + functionName
                    + " failed. The local host's log has the details under invocation " + context.getInvocationId()
                    + ".", Map.of());
            return;
        }
        writeResult(exchange, methodName, functionName, result);
    }

    private static void writeResult(HttpExchange exchange, String methodName, String functionName, Object result)
            throws IOException {
        if (result == null) {
            send(exchange, methodName, 204, Map.of(), new byte[0]);
            return;
        }
        int status = 200;
        Map<String, String> headers = new LinkedHashMap<>();
        Object body = result;
        if (result instanceof HttpResponseMessage) {
            HttpResponseMessage response = (HttpResponseMessage) result;
            status = response.getStatusCode();
            if (response instanceof LocalHttpResponse) {
                headers.putAll(((LocalHttpResponse) response).headers());
            } else {
                for (String name : WELL_KNOWN_HEADERS) {
                    String value = response.getHeader(name);
                    if (value != null) {
                        headers.put(name, value);
                    }
                }
            }
            body = response.getBody();
        }
        if (status < 100 || status > 599) {
            throw new IllegalStateException("function " + functionName + " answered status " + status
                    + ", which is not an HTTP status");
        }
        send(exchange, methodName, status, headers, bodyBytes(body, headers));
    }

    private static byte[] bodyBytes(Object body, Map<String, String> headers) throws JsonProcessingException {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[]) {
            return (byte[]) body;
        }
        if (body instanceof String) {
            if (!hasHeader(headers, "Content-Type")) {
                headers.put("Content-Type", "text/plain; charset=utf-8");
            }
            return ((String) body).getBytes(StandardCharsets.UTF_8);
        }
        if (!hasHeader(headers, "Content-Type")) {
            headers.put("Content-Type", "application/json; charset=utf-8");
        }
        return JSON.writeValueAsBytes(body);
    }

    private static boolean hasHeader(Map<String, String> headers, String name) {
        return headers.keySet().stream().anyMatch(existing -> existing.equalsIgnoreCase(name));
    }

    private static void sendProblem(HttpExchange exchange, String methodName, int status, String title, String detail,
                                    Map<String, String> extraHeaders) throws IOException {
        ObjectNode problem = JSON.createObjectNode();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put("Content-Type", PROBLEM_JSON);
        send(exchange, methodName, status, headers, JSON.writeValueAsBytes(problem));
    }

    private static void send(HttpExchange exchange, String methodName, int status, Map<String, String> headers,
                             byte[] body) throws IOException {
        Headers responseHeaders = exchange.getResponseHeaders();
        headers.forEach((name, value) -> {
            if (value != null && !name.equalsIgnoreCase("Content-Length")
                    && !name.equalsIgnoreCase("Transfer-Encoding")) {
                responseHeaders.set(name, value);
            }
        });
        boolean noBody = body.length == 0 || "HEAD".equals(methodName) || status == 204 || status == 304
                || status < 200;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * Sends the answer, then reads and drops what is left of the request body, at most {@link #DISCARD_BYTES} bytes
     * and for at most {@link #DISCARD_TIME}, before the connection closes. A client that writes its whole body before
     * it reads the answer (the JDK's HttpClient does) would otherwise see the connection reset and lose the 413:
     * closing a socket with unread input resets it (RFC 9112 section 9.6 asks a server to keep reading for this
     * reason). Nothing is kept, so the memory bound holds; a body longer than the bound still gets the reset.
     */
    private static void sendThenDiscard(HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        Headers responseHeaders = exchange.getResponseHeaders();
        headers.forEach((name, value) -> {
            if (value != null && !name.equalsIgnoreCase("Content-Length")) {
                responseHeaders.set(name, value);
            }
        });
        exchange.sendResponseHeaders(status, body.length);
        OutputStream out = exchange.getResponseBody();
        out.write(body);
        out.flush();
        InputStream in = exchange.getRequestBody();
        byte[] sink = new byte[16 * 1024];
        long left = DISCARD_BYTES;
        long until = System.nanoTime() + DISCARD_TIME.toNanos();
        int read;
        while (left > 0 && System.nanoTime() < until
                && (read = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
            left -= read;
        }
        out.close();
    }

    private String notFoundDetail(String methodName, String rawPath) {
        String known = catalog.httpRoutes().stream()
                .map(route -> route.methods().stream().map(Enum::name).collect(Collectors.joining("|")) + " "
                        + route.path())
                .collect(Collectors.joining(", "));
        return "No function serves " + methodName + " " + rawPath + ". Function routes live under /"
                + FunctionCatalog.ROUTE_PREFIX + "/; " + (known.isEmpty() ? "this host serves no HTTP functions."
                : "the routes here are: " + known + ".");
    }

    private static HttpMethod parseMethod(String methodName) {
        try {
            return HttpMethod.valueOf(methodName);
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    private URI requestUri(HttpExchange exchange) {
        URI requested = exchange.getRequestURI();
        String host = exchange.getRequestHeaders().getFirst("Host");
        String authority = host == null || host.isBlank() ? "127.0.0.1:" + server.getAddress().getPort() : host.trim();
        String rawQuery = requested.getRawQuery();
        String text = "http://" + authority + requested.getRawPath() + (rawQuery == null ? "" : "?" + rawQuery);
        try {
            return new URI(text);
        } catch (URISyntaxException badHost) {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + requested.getRawPath()
                    + (rawQuery == null ? "" : "?" + rawQuery));
        }
    }

    private static Map<String, String> headersOf(HttpExchange exchange) {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        return headers;
    }

    /**
     * The body as text, or null when it is larger than {@code limit} bytes: a declared Content-Length over the
     * limit is refused without reading, and a chunked body is read only up to one byte past the limit.
     */
    static String readBody(HttpExchange exchange, int limit) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > limit) {
                    return null;
                }
            } catch (NumberFormatException ignored) {
                // the JDK server refuses a malformed Content-Length before we get here
            }
        }
        InputStream in = exchange.getRequestBody();
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) {
            return null;
        }
        in.close();
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "local-http-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
