package io.smoothdeploy.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.cloud.http.HttpPackageDigest;
import io.smoothdeploy.notify.WebhookNotifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guarded client, on loopback only: host names come from a fixed mapping, so a name can "resolve" to any
 * range without DNS, and a refused address is refused before any connection (a connection to one of them would
 * time out instead, and be reported as not reachable, not refused). Both callers are exercised: the package digest
 * and the webhook notifier.
 */
class GuardedHttpTest {

    private static final String SECRET = "a-webhook-secret-for-these-tests";
    private static final Duration SHORT = Duration.ofMillis(500);
    private static final byte[] ZIP = {'P', 'K', 3, 4};

    private final FixedResolver resolver = new FixedResolver();
    private final GuardedHttp azure = new GuardedHttp(false, resolver, SHORT);
    private final GuardedHttp local = new GuardedHttp(true, resolver, SHORT);
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger notifierLog = Logger.getLogger(WebhookNotifier.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        notifierLog.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        notifierLog.removeHandler(capture);
    }

    /** Every range that must never be called, by an address in it; loopback ones are refused outside local mode. */
    static Stream<Arguments> inwardAddresses() {
        return Stream.of(
                Arguments.of("loopback 127.0.0.1", FixedResolver.address("127.0.0.1")),
                Arguments.of("loopback 127.8.9.10", FixedResolver.address("127.8.9.10")),
                Arguments.of("this network 0.0.0.0", FixedResolver.address("0.0.0.0")),
                Arguments.of("private 10/8", FixedResolver.address("10.20.30.40")),
                Arguments.of("private 172.16/12 (low end)", FixedResolver.address("172.16.0.1")),
                Arguments.of("private 172.16/12 (high end)", FixedResolver.address("172.31.255.254")),
                Arguments.of("private 192.168/16", FixedResolver.address("192.168.1.1")),
                Arguments.of("shared 100.64/10", FixedResolver.address("100.127.0.1")),
                Arguments.of("link-local 169.254/16", FixedResolver.address("169.254.1.1")),
                Arguments.of("metadata 169.254.169.254", FixedResolver.address("169.254.169.254")),
                Arguments.of("Azure platform 168.63.129.16", FixedResolver.address("168.63.129.16")),
                Arguments.of("multicast 224/4", FixedResolver.address("224.0.0.251")),
                Arguments.of("broadcast", FixedResolver.address("255.255.255.255")),
                Arguments.of("loopback ::1", FixedResolver.address("::1")),
                Arguments.of("unique local fc00::/7", FixedResolver.address("fc00::1")),
                Arguments.of("unique local fd00::/8", FixedResolver.address("fd12:3456:789a::1")),
                Arguments.of("link-local fe80::/10", FixedResolver.address("fe80::1")),
                Arguments.of("multicast ff00::/8", FixedResolver.address("ff02::1")),
                Arguments.of("IPv4-mapped 10/8", FixedResolver.mapped("10.0.0.1")),
                Arguments.of("IPv4-mapped metadata", FixedResolver.mapped("169.254.169.254")),
                Arguments.of("IPv4-mapped loopback", FixedResolver.mapped("127.0.0.1")),
                Arguments.of("IPv4-mapped 192.168/16", FixedResolver.mapped("192.168.0.1")),
                Arguments.of("NAT64 of 10/8", FixedResolver.address("64:ff9b::a00:1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inwardAddresses")
    void aPackageUrlResolvingInwardIsRefusedBeforeAnyConnection(String range, InetAddress address) {
        // Arrange
        resolver.map("packages.example.test", address);
        HttpPackageDigest digest = new HttpPackageDigest(azure, UnaryOperator.identity(), limits(1024 * 1024));

        // Act
        CloudException e = assertThrows(CloudException.class,
                () -> digest.sha256("https://packages.example.test/cms.zip?sig=SECRETSIG"));
        OutboundException direct = assertThrows(OutboundException.class,
                () -> azure.send(OutboundRequest.get(URI.create("https://packages.example.test/cms.zip"))));

        // Assert
        assertEquals("PackageUriRefused", e.code(), range + ": " + e.getMessage());
        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("only public internet addresses"), e.getMessage());
        assertFalse(e.getMessage().contains("SECRETSIG"), e.getMessage());
        assertEquals(OutboundException.Reason.REFUSED, direct.reason(), direct.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inwardAddresses")
    void aWebhookUrlResolvingInwardIsRefusedAtRegistrationAndWhenPosting(String range, InetAddress address) {
        // Arrange
        resolver.map("hooks.example.test", address);
        WebhookNotifier notifier = new WebhookNotifier(azure, SECRET, Clock.systemUTC(), 3, Duration.ofMillis(1));

        // Act
        boolean delivered = notifier.post("https://hooks.example.test/hook?code=HOOKSECRET", Map.of("event", "x"));

        // Assert
        assertTrue(azure.refusal("https://hooks.example.test/hook", List.of()).isPresent(), range);
        assertFalse(delivered);
        assertEquals(1, warnings.size(), "refused once, not tried again: " + warnings);
        assertTrue(warnings.get(0).contains("only public internet addresses"), warnings.get(0));
        assertFalse(warnings.get(0).contains("HOOKSECRET"), warnings.get(0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inwardAddresses")
    void aRedirectLeadingInwardIsRefused(String range, InetAddress address) throws IOException {
        // Arrange: the first hop is a loopback server (local mode allows it), which redirects to the inward name
        resolver.map("start.test", "127.0.0.1").map("inward.test", address);
        boolean loopback = address.isLoopbackAddress() || range.contains("mapped loopback");
        try (LoopbackServer server = new LoopbackServer((head, out, written) -> LoopbackServer.write(out,
                "HTTP/1.1 " + (head.startsWith("POST") ? 307 : 302) + " Found\r\nLocation: https://inward.test/"
                        + "next?sig=X\r\nContent-Length: 0\r\n\r\n"))) {
            HttpPackageDigest digest = new HttpPackageDigest(local, uri -> URI.create(server.url("start.test",
                    "/cms.zip")), limits(1024 * 1024));
            WebhookNotifier notifier = new WebhookNotifier(local, SECRET, Clock.systemUTC(), 1, Duration.ofMillis(1));

            // Act
            CloudException e = assertThrows(CloudException.class, () -> digest.sha256("https://start.test/cms.zip"));
            boolean delivered = notifier.post(server.url("start.test", "/hook"), Map.of("event", "x"));

            // Assert
            assertEquals(2, server.requests.size(), "each first hop reached the server once: " + server.requests);
            assertEquals(2, resolver.lookups("inward.test"), "each redirect hop was resolved and checked");
            assertFalse(delivered);
            if (loopback) {
                // Local mode allows loopback: the hop is checked, then fails to connect over https.
                assertEquals("PackageNotReachable", e.code(), e.getMessage());
            } else {
                assertEquals("PackageUriRefused", e.code(), range + ": " + e.getMessage());
                assertTrue(warnings.stream().anyMatch(w -> w.contains("only public internet addresses")),
                        warnings.toString());
            }
        }
    }

    @Test
    void loopbackIsRefusedInAzureAndAllowedInTheLocalHost() throws IOException {
        // Arrange
        resolver.map("receiver.test", "127.0.0.1");
        try (LoopbackServer server = new LoopbackServer((head, out, written) -> LoopbackServer.write(out,
                "HTTP/1.1 204 No Content\r\n\r\n"))) {
            OutboundRequest request = OutboundRequest.post(URI.create(server.url("receiver.test", "/hook")),
                    new byte[] {'{', '}'});

            // Act
            OutboundException refused = assertThrows(OutboundException.class, () -> azure.send(request));
            GuardedHttp.Response answered = local.send(request);

            // Assert
            assertEquals(OutboundException.Reason.REFUSED, refused.reason());
            assertTrue(refused.getMessage().contains("https"), refused.getMessage());
            assertEquals(204, answered.status());
            assertEquals(1, server.requests.size(), "Azure's refusal made no connection");
            assertTrue(server.requests.get(0).contains("Host: receiver.test:" + server.port()),
                    "the Host header names the host, while the connection went to the checked address: "
                            + server.requests.get(0));
        }
    }

    @Test
    void theConnectionGoesToTheAddressThatWasCheckedWithNoSecondLookup() throws IOException {
        // Arrange: a resolver that would answer a private address to any later lookup (a DNS rebind)
        try (LoopbackServer server = new LoopbackServer((head, out, written) -> LoopbackServer.write(out,
                "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nPK\u0003\u0004"))) {
            HostResolver rebinding = new HostResolver() {
                int calls;

                @Override
                public synchronized List<InetAddress> resolve(String host) {
                    calls++;
                    return List.of(FixedResolver.address(calls == 1 ? "127.0.0.1" : "10.0.0.1"));
                }
            };
            GuardedHttp client = new GuardedHttp(true, rebinding, SHORT);

            // Act
            GuardedHttp.Response response = client.send(OutboundRequest.get(URI.create(server.url("rebind.test",
                    "/p.zip"))).withBodySink((b, o, l) -> { }));

            // Assert
            assertEquals(200, response.status());
            assertEquals(4, response.bodyBytes());
            assertEquals(1, server.requests.size());
        }
    }

    @Test
    void aNameWithOnePublicAndOnePrivateAddressIsRefused() {
        // Arrange
        resolver.map("mixed.test", "93.184.216.34", "10.0.0.7");

        // Act
        OutboundException e = assertThrows(OutboundException.class,
                () -> azure.send(OutboundRequest.get(URI.create("https://mixed.test/p.zip"))));

        // Assert
        assertEquals(OutboundException.Reason.REFUSED, e.reason());
        assertTrue(e.getMessage().contains("10.0.0.0/8"), e.getMessage());
    }

    @Test
    void literalAddressesAndPlainHttpAreRefusedInAzure() {
        for (String url : List.of("https://169.254.169.254/metadata/instance", "https://[::ffff:a9fe:a9fe]/",
                "https://10.0.0.1/x", "http://localhost:7071/x", "https://127.0.0.1/", "https://[::1]/",
                "https://2130706433/", "http://93.184.216.34/")) {
            assertTrue(azure.refusal(url, List.of()).isPresent(), url);
        }
        assertEquals(List.of(), Stream.of("https://hooks.unresolvable.test/x").filter(u -> azure.refusal(u,
                List.of()).isPresent()).toList(), "a name without an address cannot lead inward: left to the call");
    }

    @Test
    void theAllowListIsCheckedOnTheFirstHopAndOnEveryRedirect() throws IOException {
        // Arrange
        resolver.map("start.test", "127.0.0.1").map("elsewhere.test", "127.0.0.1");
        try (LoopbackServer server = new LoopbackServer((head, out, written) -> LoopbackServer.write(out,
                "HTTP/1.1 302 Found\r\nLocation: http://elsewhere.test:1/x\r\nContent-Length: 0\r\n\r\n"))) {
            URI start = URI.create(server.url("start.test", "/p.zip"));

            // Act
            OutboundException offList = assertThrows(OutboundException.class, () -> local.send(
                    OutboundRequest.get(start).withAllowedHosts(List.of("hooks.example.com"))));
            OutboundException redirected = assertThrows(OutboundException.class, () -> local.send(
                    OutboundRequest.get(start).withAllowedHosts(List.of("start.test"))));

            // Assert
            assertEquals(OutboundException.Reason.REFUSED, offList.reason());
            assertTrue(offList.getMessage().contains("allowedHosts"), offList.getMessage());
            assertEquals(OutboundException.Reason.REFUSED, redirected.reason());
            assertTrue(redirected.getMessage().contains("elsewhere.test"), redirected.getMessage());
            assertEquals(1, server.requests.size(), "only the allowed first hop was connected to");
            assertTrue(GuardedHttp.allowed("a.b.example.com", List.of("*.example.com")));
            assertFalse(GuardedHttp.allowed("example.com.evil.test", List.of("*.example.com")));
            assertFalse(GuardedHttp.allowed("badexample.com", List.of("*.example.com")));
        }
    }

    @Test
    void aPackageOffTheAllowListIsRefusedAtFetchTimeWithoutAConnection() {
        // Arrange
        resolver.map("packages.example.test", "93.184.216.34");
        HttpPackageDigest digest = new HttpPackageDigest(azure, UnaryOperator.identity(), limits(1024));

        // Act
        CloudException e = assertThrows(CloudException.class, () -> digest.sha256(
                "https://packages.example.test/cms.zip?sig=SECRETSIG", List.of("blobs.example.com")));

        // Assert
        assertEquals("PackageUriRefused", e.code());
        assertFalse(e.isTransient());
        assertEquals(0, resolver.lookups("packages.example.test"), "refused before it was even resolved");
        assertFalse(e.getMessage().contains("SECRETSIG"), e.getMessage());
    }

    @Test
    void moreThanThreeRedirectsIsNotReachable() throws IOException {
        // Arrange
        resolver.map("loop.test", "127.0.0.1");
        try (LoopbackServer server = new LoopbackServer((head, out, written) -> LoopbackServer.write(out,
                "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n"))) {
            // Act
            OutboundException e = assertThrows(OutboundException.class, () -> local.send(
                    OutboundRequest.get(URI.create(server.url("loop.test", "/p.zip")))));

            // Assert
            assertEquals(OutboundException.Reason.NOT_REACHABLE, e.reason());
            assertEquals(GuardedHttp.MAX_REDIRECTS + 1, server.requests.size());
        }
    }

    @Test
    void anEndlessPackageStopsAtTheSizeCap() throws IOException {
        // Arrange: a body with no length that never ends
        long cap = 1024 * 1024;
        resolver.map("endless.test", "127.0.0.1");
        try (LoopbackServer server = new LoopbackServer((head, out, written) -> {
            LoopbackServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\n\r\n");
            out.write(ZIP);
            byte[] chunk = new byte[8192];
            while (true) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
        })) {
            AtomicLong delivered = new AtomicLong();
            URI uri = URI.create(server.url("endless.test", "/p.zip"));
            HttpPackageDigest digest = new HttpPackageDigest(local, u -> uri, limits(cap));

            // Act
            OutboundException direct = assertThrows(OutboundException.class, () -> local.send(OutboundRequest.get(uri)
                    .withMaxBodyBytes(cap).withBodySink((b, o, l) -> delivered.addAndGet(l))));
            CloudException e = assertThrows(CloudException.class, () -> digest.sha256("https://endless.test/p.zip"));

            // Assert
            assertEquals(OutboundException.Reason.TOO_BIG, direct.reason());
            assertTrue(delivered.get() <= cap, "read " + delivered.get() + " bytes past a cap of " + cap);
            assertTrue(delivered.get() > cap - 16 * 1024, "read up to the cap: " + delivered.get());
            assertEquals("PackageTooBig", e.code());
            assertFalse(e.isTransient());
            assertTrue(e.getMessage().endsWith("is bigger than the cap of 1 MB"), e.getMessage());
        }
    }

    @Test
    void aPackageAnnouncedOverTheCapIsNotReadAtAll() throws IOException {
        // Arrange
        resolver.map("big.test", "127.0.0.1");
        try (LoopbackServer server = new LoopbackServer((head, out, written) -> LoopbackServer.write(out,
                "HTTP/1.1 200 OK\r\nContent-Length: 5000000000\r\n\r\nPK\u0003\u0004"))) {
            AtomicLong delivered = new AtomicLong();

            // Act
            OutboundException e = assertThrows(OutboundException.class, () -> local.send(OutboundRequest.get(
                    URI.create(server.url("big.test", "/p.zip"))).withMaxBodyBytes(1024)
                    .withBodySink((b, o, l) -> delivered.addAndGet(l))));

            // Assert
            assertEquals(OutboundException.Reason.TOO_BIG, e.reason());
            assertEquals(0, delivered.get());
        }
    }

    @Test
    void aSlowEndlessStreamStopsAtTheTimeCap() throws IOException {
        // Arrange: a byte every 20 ms, so the idle limit is never reached
        resolver.map("slow.test", "127.0.0.1");
        try (LoopbackServer server = new LoopbackServer((head, out, written) -> {
            LoopbackServer.write(out, "HTTP/1.1 200 OK\r\n\r\n");
            out.write(ZIP);
            while (true) {
                out.write(0);
                out.flush();
                written.incrementAndGet();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        })) {
            URI uri = URI.create(server.url("slow.test", "/p.zip"));
            HttpPackageDigest digest = new HttpPackageDigest(local, u -> uri,
                    new HttpPackageDigest.Limits(1024L * 1024 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(5)));

            // Act
            long started = System.nanoTime();
            CloudException e = assertThrows(CloudException.class, () -> digest.sha256("https://slow.test/p.zip"));
            long millis = (System.nanoTime() - started) / 1_000_000;

            // Assert
            assertEquals("PackageDownloadTooSlow", e.code(), e.getMessage());
            assertTrue(e.getMessage().endsWith("took longer than 1 s"), e.getMessage());
            assertFalse(e.isTransient(), "a redelivery would only be held as long again");
            assertTrue(millis >= 900 && millis < 2500, "stopped after " + millis + " ms");
            assertTrue(server.bodyBytesWritten.get() > 10, "the stream was moving: " + server.bodyBytesWritten.get());
        }
    }

    @Test
    void somethingThatIsNotAZipIsStoppedAndNoHashOfItIsReported() throws IOException {
        // Arrange
        resolver.map("html.test", "127.0.0.1");
        try (LoopbackServer server = new LoopbackServer((head, out, written) -> LoopbackServer.write(out,
                "HTTP/1.1 200 OK\r\nContent-Length: 26\r\n\r\n<html>internal admin</html"))) {
            URI uri = URI.create(server.url("html.test", "/"));
            HttpPackageDigest digest = new HttpPackageDigest(local, u -> uri, limits(1024 * 1024));

            // Act
            CloudException e = assertThrows(CloudException.class, () -> digest.sha256("https://html.test/p.zip"));

            // Assert
            assertEquals("PackageNotZip", e.code());
            assertFalse(e.getMessage().matches(".*[0-9a-f]{64}.*"), e.getMessage());
            assertFalse(e.getMessage().contains("internal admin") || e.getMessage().contains("200"), e.getMessage());
        }
    }

    @Test
    void aChunkedPackageIsDigestedWhole() throws Exception {
        // Arrange
        resolver.map("chunked.test", "127.0.0.1");
        try (LoopbackServer server = new LoopbackServer((head, out, written) -> LoopbackServer.write(out,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nPK\u0003\u0004\r\n3;x=y\r\nabc\r\n0\r\n\r\n"))) {
            URI uri = URI.create(server.url("chunked.test", "/p.zip"));
            HttpPackageDigest digest = new HttpPackageDigest(local, u -> uri, limits(1024 * 1024));

            // Act
            String sha = digest.sha256("https://chunked.test/p.zip");

            // Assert
            byte[] body = {'P', 'K', 3, 4, 'a', 'b', 'c'};
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(body)), sha);
        }
    }

    private static HttpPackageDigest.Limits limits(long maxBytes) {
        return new HttpPackageDigest.Limits(maxBytes, Duration.ofSeconds(10), Duration.ofSeconds(5));
    }
}
