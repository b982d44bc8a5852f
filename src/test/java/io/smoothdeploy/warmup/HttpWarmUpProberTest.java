package io.smoothdeploy.warmup;

import io.smoothdeploy.engine.port.WarmUpTarget;

import io.smoothdeploy.engine.port.ProbeResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the prober against real loopback servers. */
class HttpWarmUpProberTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final List<Integer> OK_200 = List.of(200);

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(server -> server.stop(0));
        executors.forEach(ExecutorService::shutdownNow);
    }

    @Test
    void coldStartAnswering503ForThreeSecondsEventuallyWarms() throws Exception {
        // Arrange
        long startedAt = System.nanoTime();
        String baseUrl = serve(exchange -> {
            boolean cold = System.nanoTime() - startedAt < Duration.ofSeconds(3).toNanos();
            respond(exchange, cold ? 503 : 200, cold ? "Service Unavailable" : "Welcome");
        });
        HttpWarmUpProber prober = new HttpWarmUpProber(TIMEOUT);
        WarmUpTarget target = target(baseUrl, List.of("127.0.0.1"), List.of("/", "/health"), OK_200);
        List<List<ProbeResult>> rounds = new ArrayList<>();

        // Act: a round every 250 ms (real time: the server's cold start is real), for at most 10 s
        long giveUpAt = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < giveUpAt) {
            List<ProbeResult> round = prober.probe(target);
            rounds.add(round);
            if (round.stream().allMatch(ProbeResult::ok)) {
                break;
            }
            Thread.sleep(250);
        }

        // Assert
        List<ProbeResult> last = rounds.get(rounds.size() - 1);
        assertEquals(2, last.size());
        assertTrue(last.stream().allMatch(r -> r.outcome() == ProbeResult.Outcome.OK && r.status() == 200),
                last::toString);
        ProbeResult cold = rounds.get(0).get(0);
        assertEquals(ProbeResult.Outcome.SERVER_ERROR, cold.outcome());
        assertEquals(503, cold.status());
        assertEquals("Service Unavailable", cold.detail());
        assertTrue(rounds.size() > 2, "expected several cold rounds, got " + rounds.size());
    }

    @Test
    void startupFailureIsAServerErrorWithTheExceptionLineAsDetail() {
        // Arrange
        String body = "\n  System.InvalidOperationException: Unable to resolve service for type 'ICache'\n"
                + "   at Microsoft.Extensions.DependencyInjection.ServiceLookup.CallSiteFactory.Create()\n";
        String baseUrl = serve(exchange -> respond(exchange, 500, body));

        // Act
        List<ProbeResult> results = new HttpWarmUpProber(TIMEOUT).probe(target(baseUrl, "/"));

        // Assert
        ProbeResult result = results.get(0);
        assertEquals(ProbeResult.Outcome.SERVER_ERROR, result.outcome());
        assertEquals(500, result.status());
        assertEquals("System.InvalidOperationException: Unable to resolve service for type 'ICache'", result.detail());
        assertFalse(result.ok());
    }

    @Test
    void ipFilterThatRejectsTheProberIsForbidden() {
        // Arrange
        String baseUrl = serve(exchange -> {
            boolean allowed = "yes".equals(exchange.getRequestHeaders().getFirst("X-Allowed"));
            respond(exchange, allowed ? 200 : 403,
                    allowed ? "ok" : "Error 403 - This web app is stopped or your IP is blocked.");
        });

        // Act
        List<ProbeResult> results = new HttpWarmUpProber(TIMEOUT).probe(target(baseUrl, "/"));

        // Assert
        ProbeResult result = results.get(0);
        assertEquals(ProbeResult.Outcome.FORBIDDEN, result.outcome());
        assertEquals(403, result.status());
        assertEquals("Error 403 - This web app is stopped or your IP is blocked.", result.detail());
    }

    @Test
    void nothingListeningIsConnectionRefused() throws IOException {
        // Arrange
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        // Act
        List<ProbeResult> results = new HttpWarmUpProber(TIMEOUT).probe(target("http://127.0.0.1:" + port, "/"));

        // Assert
        ProbeResult result = results.get(0);
        assertEquals(ProbeResult.Outcome.CONNECTION_REFUSED, result.outcome());
        assertEquals(0, result.status());
        assertEquals("connection refused", result.detail());
    }

    @Test
    void slowAnswerPastTheRequestTimeoutIsATimeout() {
        // Arrange
        String baseUrl = serve(exchange -> {
            try {
                Thread.sleep(2_000); // the server is slow in real time; the prober must not wait for it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "late");
        });
        HttpWarmUpProber prober = new HttpWarmUpProber(Duration.ofMillis(300));

        // Act
        long before = System.nanoTime();
        List<ProbeResult> results = prober.probe(target(baseUrl, "/"));
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        // Assert
        ProbeResult result = results.get(0);
        assertEquals(ProbeResult.Outcome.TIMEOUT, result.outcome());
        assertEquals(0, result.status());
        assertEquals("no answer within 300 ms", result.detail());
        assertTrue(took.compareTo(Duration.ofMillis(1_500)) < 0, "took " + took);
    }

    @Test
    void notFoundIsAnUnexpectedStatus() {
        // Arrange
        String baseUrl = serve(exchange -> respond(exchange, 404, "Not Found"));

        // Act
        List<ProbeResult> results = new HttpWarmUpProber(TIMEOUT).probe(target(baseUrl, "/missing"));

        // Assert
        ProbeResult result = results.get(0);
        assertEquals(ProbeResult.Outcome.UNEXPECTED_STATUS, result.outcome());
        assertEquals(404, result.status());
        assertEquals("Not Found", result.detail());
    }

    @Test
    void notFoundIsOkWhenTheExpectedStatusesContainIt() {
        // Arrange
        String baseUrl = serve(exchange -> respond(exchange, 404, "Not Found"));
        WarmUpTarget target = target(baseUrl, List.of("127.0.0.1"), List.of("/missing"), List.of(200, 404));

        // Act
        List<ProbeResult> results = new HttpWarmUpProber(TIMEOUT).probe(target);

        // Assert
        ProbeResult result = results.get(0);
        assertEquals(ProbeResult.Outcome.OK, result.outcome());
        assertEquals(404, result.status());
        assertNull(result.detail());
    }

    @Test
    void redirectIsNotFollowedAndIsAnUnexpectedStatus() {
        // Arrange
        Queue<String> paths = new ConcurrentLinkedQueue<>();
        String baseUrl = serve(exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            if (exchange.getRequestURI().getPath().equals("/login")) {
                respond(exchange, 200, "login page");
                return;
            }
            exchange.getResponseHeaders().add("Location", "/login?returnUrl=%2F&token=secret");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });

        // Act
        List<ProbeResult> results = new HttpWarmUpProber(TIMEOUT).probe(target(baseUrl, "/"));

        // Assert
        ProbeResult result = results.get(0);
        assertEquals(ProbeResult.Outcome.UNEXPECTED_STATUS, result.outcome());
        assertEquals(302, result.status());
        assertEquals("redirect to /login", result.detail());
        assertEquals(List.of("/"), List.copyOf(paths));
    }

    @Test
    void sendsEachHostNameInTheHostHeaderForEveryPath() {
        // Arrange
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        String baseUrl = serve(exchange -> {
            seen.add(hostHeaders(exchange) + " " + exchange.getRequestURI().getPath());
            respond(exchange, 200, "ok");
        });
        WarmUpTarget target = target(baseUrl, List.of("cms.example.com", "www.example.com"), List.of("/", "/health"),
                OK_200);
        List<String> expected = List.of("cms.example.com /", "cms.example.com /health", "www.example.com /",
                "www.example.com /health");

        // Act
        List<ProbeResult> results = new HttpWarmUpProber(TIMEOUT).probe(target);

        // Assert
        assertEquals(expected, List.copyOf(seen));
        assertEquals(4, results.size());
        assertEquals(expected, results.stream().map(r -> r.hostName() + " " + r.path()).collect(Collectors.toList()));
        assertTrue(results.stream().allMatch(ProbeResult::ok));
    }

    @Test
    void hostHeaderArrivesWhenSetAsAHeader() {
        // Arrange: the static initialiser allows Host, unless java.net.http was used earlier in this JVM
        assertTrue(HttpWarmUpProber.hostHeaderAccepted(),
                "the build runs tests with -Djdk.httpclient.allowRestrictedHeaders=host (see pom.xml)");
        Queue<String> hosts = new ConcurrentLinkedQueue<>();
        String baseUrl = serve(exchange -> {
            hosts.add(hostHeaders(exchange) + " " + exchange.getRequestURI());
            respond(exchange, 200, "ok");
        });
        HttpWarmUpProber prober = new HttpWarmUpProber(TIMEOUT, HttpWarmUpProber.HostRouting.HEADER);

        // Act
        WarmUpTarget target = target(baseUrl, List.of("cms.example.com"), List.of("/health"), OK_200);
        List<ProbeResult> results = prober.probe(target);

        // Assert
        assertEquals(List.of("cms.example.com /health"), List.copyOf(hosts));
        assertTrue(results.get(0).ok());
    }

    @Test
    void hostHeaderArrivesWhenRoutedThroughTheSlotAsAProxy() {
        // Arrange
        Queue<String> hosts = new ConcurrentLinkedQueue<>();
        String baseUrl = serve(exchange -> {
            hosts.add(hostHeaders(exchange) + " " + exchange.getRequestURI().getPath());
            respond(exchange, 200, "ok");
        });
        HttpWarmUpProber prober = new HttpWarmUpProber(TIMEOUT, HttpWarmUpProber.HostRouting.PROXY);

        // Act
        WarmUpTarget target = target(baseUrl, List.of("cms.example.com"), List.of("/health"), OK_200);
        List<ProbeResult> results = prober.probe(target);

        // Assert
        assertEquals(List.of("cms.example.com /health"), List.copyOf(hosts));
        assertTrue(results.get(0).ok());
    }

    @Test
    void baseUrlsOwnHostNameIsSentWithoutOverride() {
        // Arrange
        Queue<String> hosts = new ConcurrentLinkedQueue<>();
        String baseUrl = serve(exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            respond(exchange, 200, "ok");
        });

        // Act
        List<ProbeResult> results = new HttpWarmUpProber(TIMEOUT, HttpWarmUpProber.HostRouting.PROXY)
                .probe(target(baseUrl, "/"));

        // Assert
        assertEquals(List.of(baseUrl.substring("http://".length())), List.copyOf(hosts));
        assertTrue(results.get(0).ok());
    }

    @Test
    void httpsUnderAnotherHostNameWithoutHostHeaderSupportSaysHowToEnableIt() {
        // Arrange
        HttpWarmUpProber prober = new HttpWarmUpProber(TIMEOUT, HttpWarmUpProber.HostRouting.PROXY);
        WarmUpTarget target = target("https://site-staging.azurewebsites.net", List.of("cms.example.com"),
                List.of("/"), OK_200);

        // Act
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> prober.probe(target));

        // Assert
        assertTrue(error.getMessage().contains("-Djdk.httpclient.allowRestrictedHeaders=host"), error.getMessage());
    }

    @Test
    void detailNeverCarriesAQueryString() {
        // Arrange
        String baseUrl = serve(exchange -> respond(exchange, 500,
                "Failed to fetch https://store.blob.core.windows.net/packages/site.zip?sv=2022&sig=SECRET: 403\n"));

        // Act
        List<ProbeResult> results = new HttpWarmUpProber(TIMEOUT).probe(target(baseUrl, "/"));

        // Assert
        String detail = results.get(0).detail();
        assertEquals("Failed to fetch https://store.blob.core.windows.net/packages/site.zip 403", detail);
        assertFalse(detail.contains("sig") || detail.contains("SECRET") || detail.contains("?"), detail);
    }

    @Test
    void longBodyIsReadOnlyInPartAndTheDetailIsCapped() {
        // Arrange
        String huge = "x".repeat(1024 * 1024);
        String baseUrl = serve(exchange -> respond(exchange, 500, huge));

        // Act
        List<ProbeResult> results = new HttpWarmUpProber(TIMEOUT).probe(target(baseUrl, "/"));

        // Assert
        ProbeResult result = results.get(0);
        assertEquals(ProbeResult.Outcome.SERVER_ERROR, result.outcome());
        assertNotNull(result.detail());
        assertEquals(HttpWarmUpProber.MAX_DETAIL_CHARS, result.detail().length());
        assertTrue(result.detail().chars().allMatch(c -> c == 'x'));
    }

    @Test
    void proberIsReusableAcrossRoundsAndServers() {
        // Arrange
        String first = serve(exchange -> respond(exchange, 200, "one"));
        String second = serve(exchange -> respond(exchange, 503, "two"));
        HttpWarmUpProber prober = new HttpWarmUpProber(TIMEOUT);

        // Act
        List<ProbeResult> one = prober.probe(target(first, "/"));
        List<ProbeResult> two = prober.probe(target(second, "/"));
        List<ProbeResult> again = prober.probe(target(first, "/"));

        // Assert
        assertTrue(one.get(0).ok());
        assertEquals(ProbeResult.Outcome.SERVER_ERROR, two.get(0).outcome());
        assertTrue(again.get(0).ok());
        assertTrue(again.get(0).latency().compareTo(Duration.ZERO) > 0);
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

    /** Every Host header the request carried, joined: a duplicate would show. */
    private static String hostHeaders(HttpExchange exchange) {
        return String.join(",", exchange.getRequestHeaders().get("Host"));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        } catch (IOException e) {
            // The prober stops reading long bodies: a broken pipe here is expected.
        }
        exchange.close();
    }

    private static WarmUpTarget target(String baseUrl, String path) {
        return target(baseUrl, List.of("127.0.0.1"), List.of(path), OK_200);
    }

    private static WarmUpTarget target(String baseUrl, List<String> hostNames, List<String> paths,
                                       List<Integer> statuses) {
        return new WarmUpTarget(baseUrl, hostNames, paths, statuses);
    }
}
