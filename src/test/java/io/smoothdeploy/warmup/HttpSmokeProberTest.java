package io.smoothdeploy.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.smoothdeploy.engine.SmokeCheck;
import io.smoothdeploy.engine.SmokeCheckResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the smoke prober against real loopback servers. */
class HttpSmokeProberTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String HOST = "127.0.0.1";

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(server -> server.stop(0));
        executors.forEach(ExecutorService::shutdownNow);
    }

    @Test
    void expectedStatusAndTextPass() {
        // Arrange
        String baseUrl = serve(exchange -> respond(exchange, 200, "<html><h1>Welcome to the shop</h1></html>"));
        SmokeCheck check = new SmokeCheck(null, "/", 200, "Welcome");

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms", check);

        // Assert
        assertTrue(result.passed(), result::toString);
        assertEquals(200, result.status());
        assertEquals("HTTP 200", result.detail());
        assertEquals("cms", result.webApp());
        assertEquals("/", result.path());
        assertEquals(200, result.expectedStatus());
        assertEquals("Welcome", result.bodyContains());
        assertTrue(result.millis() >= 0);
    }

    @Test
    void wrongStatusFailsWithTheBodysFirstLine() {
        // Arrange
        String body = "\n  System.InvalidOperationException: Unable to resolve service for type 'ICache'\n"
                + "   at Microsoft.Extensions.DependencyInjection.ServiceLookup.CallSiteFactory.Create()\n";
        String baseUrl = serve(exchange -> respond(exchange, 500, body));

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms",
                new SmokeCheck(null, "/health", 200, "Healthy"));

        // Assert
        assertFalse(result.passed());
        assertEquals(500, result.status());
        assertEquals("expected HTTP 200, got 500: System.InvalidOperationException: Unable to resolve service for "
                + "type 'ICache'", result.detail());
    }

    @Test
    void wrongStatusWithoutABodySaysOnlyTheStatuses() {
        // Arrange
        String baseUrl = serve(exchange -> respond(exchange, 503, ""));

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms", SmokeCheck.of("/"));

        // Assert
        assertFalse(result.passed());
        assertEquals(503, result.status());
        assertEquals("expected HTTP 200, got 503", result.detail());
    }

    @Test
    void missingTextFails() {
        // Arrange
        String baseUrl = serve(exchange -> respond(exchange, 200, "<html>Maintenance in progress</html>"));

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms",
                new SmokeCheck("cms", "/", 200, "Welcome"));

        // Assert
        assertFalse(result.passed());
        assertEquals(200, result.status());
        assertEquals("the body does not contain 'Welcome'", result.detail());
    }

    @Test
    void textIsMatchedCaseSensitively() {
        // Arrange
        String baseUrl = serve(exchange -> respond(exchange, 200, "welcome"));

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms",
                new SmokeCheck(null, "/", 200, "Welcome"));

        // Assert
        assertFalse(result.passed());
        assertEquals("the body does not contain 'Welcome'", result.detail());
    }

    @Test
    void textIsDecodedWithTheResponsesCharset() {
        // Arrange
        byte[] latin1 = "Willkommen im Gärtnerladen".getBytes(StandardCharsets.ISO_8859_1);
        String baseUrl = serve(exchange -> respond(exchange, 200, "text/html; charset=ISO-8859-1", latin1));

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms",
                new SmokeCheck(null, "/", 200, "Gärtner"));

        // Assert
        assertTrue(result.passed(), result::toString);
    }

    @Test
    void expected404PassesOnA404() {
        // Arrange
        String baseUrl = serve(exchange -> respond(exchange, 404, "Not Found"));

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms",
                new SmokeCheck(null, "/wp-admin", 404, null));

        // Assert
        assertTrue(result.passed(), result::toString);
        assertEquals(404, result.status());
        assertEquals("HTTP 404", result.detail());
        assertNull(result.bodyContains());
    }

    @Test
    void redirectIsNotFollowedAndItsTargetLosesItsQueryString() {
        // Arrange
        Queue<String> paths = new ConcurrentLinkedQueue<>();
        String baseUrl = serve(exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            if (exchange.getRequestURI().getPath().equals("/login")) {
                respond(exchange, 200, "Welcome");
                return;
            }
            exchange.getResponseHeaders().add("Location", "/login?returnUrl=%2F&token=secret");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms",
                new SmokeCheck(null, "/", 200, "Welcome"));

        // Assert
        assertFalse(result.passed());
        assertEquals(302, result.status());
        assertEquals("expected HTTP 200, got 302: redirect to /login", result.detail());
        assertEquals(List.of("/"), List.copyOf(paths));
    }

    @Test
    void expected302PassesOnARedirect() {
        // Arrange
        String baseUrl = serve(exchange -> {
            exchange.getResponseHeaders().add("Location", "/login");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms",
                new SmokeCheck(null, "/admin", 302, null));

        // Assert
        assertTrue(result.passed(), result::toString);
    }

    @Test
    void nothingListeningIsConnectionRefused() throws IOException {
        // Arrange
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check("http://127.0.0.1:" + port, HOST, "cms",
                SmokeCheck.of("/"));

        // Assert
        assertFalse(result.passed());
        assertEquals(0, result.status());
        assertEquals("connection refused", result.detail());
    }

    @Test
    void slowAnswerPastTheRequestTimeoutFails() {
        // Arrange
        String baseUrl = serve(exchange -> {
            try {
                Thread.sleep(2_000); // the server is slow in real time; the prober must not wait for it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "late");
        });
        HttpSmokeProber prober = new HttpSmokeProber(Duration.ofMillis(300));

        // Act
        long before = System.nanoTime();
        SmokeCheckResult result = prober.check(baseUrl, HOST, "cms", SmokeCheck.of("/"));
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        // Assert
        assertFalse(result.passed());
        assertEquals(0, result.status());
        assertEquals("timed out after 300 ms", result.detail());
        assertTrue(took.compareTo(Duration.ofMillis(1_500)) < 0, "took " + took);
    }

    @Test
    void timeoutsInWholeSecondsAreSaidInSeconds() {
        assertEquals("30 s", HttpSmokeProber.format(Duration.ofSeconds(30)));
        assertEquals("1500 ms", HttpSmokeProber.format(Duration.ofMillis(1_500)));
    }

    @Test
    void hostHeaderArrivesAsGiven() {
        // Arrange
        assertTrue(HttpWarmUpProber.hostHeaderAccepted(),
                "the build runs tests with -Djdk.httpclient.allowRestrictedHeaders=host (see pom.xml)");
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        String baseUrl = serve(exchange -> {
            seen.add(String.join(",", exchange.getRequestHeaders().get("Host")) + " " + exchange.getRequestURI());
            respond(exchange, 200, "ok");
        });

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT, HttpWarmUpProber.HostRouting.HEADER)
                .check(baseUrl, "www.example.com", "cms", new SmokeCheck(null, "/health?deep=1", 200, "ok"));

        // Assert
        assertTrue(result.passed(), result::toString);
        assertEquals(List.of("www.example.com /health?deep=1"), List.copyOf(seen));
    }

    @Test
    void hostHeaderArrivesWhenRoutedThroughTheSlotAsAProxy() {
        // Arrange
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        String baseUrl = serve(exchange -> {
            seen.add(String.join(",", exchange.getRequestHeaders().get("Host")) + " "
                    + exchange.getRequestURI().getPath());
            respond(exchange, 200, "ok");
        });

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT, HttpWarmUpProber.HostRouting.PROXY)
                .check(baseUrl, "www.example.com", "cms", SmokeCheck.of("/health"));

        // Assert
        assertTrue(result.passed(), result::toString);
        assertEquals(List.of("www.example.com /health"), List.copyOf(seen));
    }

    @Test
    void httpsUnderAnotherHostNameWithoutHostHeaderSupportSaysHowToEnableIt() {
        // Arrange
        HttpSmokeProber prober = new HttpSmokeProber(TIMEOUT, HttpWarmUpProber.HostRouting.PROXY);

        // Act
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> prober.check(
                "https://site-staging.azurewebsites.net", "www.example.com", "cms", SmokeCheck.of("/")));

        // Assert
        assertTrue(error.getMessage().contains("-Djdk.httpclient.allowRestrictedHeaders=host"), error.getMessage());
    }

    @Test
    void textPastTheFirstMegabyteIsNotFoundAndTheRestIsNotRead() throws Exception {
        // Arrange: 1 MB of padding, then the text, then 63 MB more that the prober must not wait for
        long total = 64L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        CountDownLatch handlerDone = new CountDownLatch(1);
        String baseUrl = serve(exchange -> {
            try {
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, total);
                byte[] padding = new byte[64 * 1024];
                Arrays.fill(padding, (byte) 'x');
                byte[] welcome = "Welcome".getBytes(StandardCharsets.UTF_8);
                try (OutputStream out = exchange.getResponseBody()) {
                    long sent = 0;
                    while (sent < total) {
                        byte[] chunk = sent == HttpSmokeProber.MAX_BODY_BYTES ? welcome : padding;
                        int length = (int) Math.min(chunk.length, total - sent);
                        out.write(chunk, 0, length);
                        sent += length;
                        written.set(sent);
                    }
                } catch (IOException e) {
                    // Expected: the prober hangs up after the first megabyte.
                }
                exchange.close();
            } finally {
                handlerDone.countDown();
            }
        });

        // Act
        long before = System.nanoTime();
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms",
                new SmokeCheck(null, "/", 200, "Welcome"));
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        // Assert
        assertFalse(result.passed());
        assertEquals(200, result.status());
        assertEquals("the first 1 MB of the body does not contain 'Welcome'", result.detail());
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
        assertTrue(handlerDone.await(5, TimeUnit.SECONDS), "the server is still writing: the body is being read");
        assertTrue(written.get() < total, "the whole body was read: " + written.get() + " bytes");
    }

    @Test
    void textJustInsideTheFirstMegabyteIsFound() {
        // Arrange
        String body = "x".repeat(HttpSmokeProber.MAX_BODY_BYTES - "Welcome".length()) + "Welcome" + "y".repeat(4096);
        String baseUrl = serve(exchange -> respond(exchange, 200, body));

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms",
                new SmokeCheck(null, "/", 200, "Welcome"));

        // Assert
        assertTrue(result.passed(), result::toString);
    }

    @Test
    void detailQuotesAtMost200CharactersOfTheBodyAndNoQueryString() {
        // Arrange
        String line = "Failed to fetch https://store.blob.core.windows.net/packages/site.zip?sv=2022&sig=SECRET: "
                + "z".repeat(1000);
        String baseUrl = serve(exchange -> respond(exchange, 500, line));

        // Act
        SmokeCheckResult result = new HttpSmokeProber(TIMEOUT).check(baseUrl, HOST, "cms", SmokeCheck.of("/"));

        // Assert
        String detail = result.detail();
        assertTrue(detail.startsWith("expected HTTP 200, got 500: Failed to fetch "
                + "https://store.blob.core.windows.net/packages/site.zip "), detail);
        assertFalse(detail.contains("SECRET") || detail.contains("sig") || detail.contains("?"), detail);
        assertTrue(detail.length() <= "expected HTTP 200, got 500: ".length() + HttpSmokeProber.MAX_EXCERPT_CHARS,
                "too long: " + detail.length());
    }

    @Test
    void proberIsReusableAcrossChecksAndServers() {
        // Arrange
        String first = serve(exchange -> respond(exchange, 200, "one"));
        String second = serve(exchange -> respond(exchange, 503, "two"));
        HttpSmokeProber prober = new HttpSmokeProber(TIMEOUT);

        // Act
        SmokeCheckResult one = prober.check(first, HOST, "cms", new SmokeCheck(null, "/", 200, "one"));
        SmokeCheckResult two = prober.check(second, HOST, "commerce", SmokeCheck.of("/"));
        SmokeCheckResult again = prober.check(first, HOST, "cms", new SmokeCheck(null, "/", 200, "one"));

        // Assert
        assertTrue(one.passed());
        assertEquals("expected HTTP 200, got 503: two", two.detail());
        assertEquals("commerce", two.webApp());
        assertTrue(again.passed());
    }

    @Test
    void smokeCheckDefaultsAndRules() {
        SmokeCheck defaulted = new SmokeCheck(" ", "/health", 0, "");
        assertNull(defaulted.webApp());
        assertEquals(200, defaulted.expectedStatus());
        assertNull(defaulted.bodyContains());
        assertTrue(defaulted.appliesTo("anything"));
        assertTrue(new SmokeCheck("cms", "/", 200, null).appliesTo("cms"));
        assertFalse(new SmokeCheck("cms", "/", 200, null).appliesTo("commerce"));
        assertThrows(IllegalArgumentException.class, () -> new SmokeCheck(null, "health", 200, null));
        assertThrows(IllegalArgumentException.class, () -> new SmokeCheck(null, "/a b", 200, null));
        assertThrows(IllegalArgumentException.class, () -> new SmokeCheck(null, "/", 42, null));
    }

    // ----- helpers -----

    private String serve(HttpHandler handler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newCachedThreadPool();
            server.setExecutor(executor);
            server.createContext("/", handler);
            server.start();
            servers.add(server);
            executors.add(executor);
            return "http://127.0.0.1:" + server.getAddress().getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        respond(exchange, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] bytes)
            throws IOException {
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        } catch (IOException e) {
            // The prober stops reading long bodies: a broken pipe here is expected.
        }
        exchange.close();
    }
}
