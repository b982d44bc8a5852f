package io.smoothdeploy.local.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    @Test
    void percentilesCountFailuresAndFindTheFirstRequestAfterAnInstant() {
        // Arrange
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        List<LoadReport.Sample> samples = List.of(
                new LoadReport.Sample(t0, Duration.ofMillis(10), 200),
                new LoadReport.Sample(t0.plusSeconds(1), Duration.ofMillis(20), 200),
                new LoadReport.Sample(t0.plusSeconds(2), Duration.ofMillis(30), 503),
                new LoadReport.Sample(t0.plusSeconds(30), Duration.ofMillis(400), 200));

        // Act
        LoadReport report = new LoadReport(samples);

        // Assert
        assertEquals(4, report.sent());
        assertEquals(1, report.failed());
        assertEquals(Duration.ofMillis(20), report.percentile(0.5));
        assertEquals(Duration.ofMillis(400), report.percentile(0.99));
        assertEquals(3, report.countAround(t0.plusSeconds(1), Duration.ofSeconds(5)));
        assertEquals(Duration.ofMillis(30), report.percentileAround(t0.plusSeconds(1), Duration.ofSeconds(5), 0.99));
        assertEquals(Duration.ofMillis(400), report.firstAfter(t0.plusSeconds(3)).orElseThrow().latency());
    }

    @Test
    void generatorRecordsEveryAnswerAndStopsWhenAsked() throws Exception {
        // Arrange
        AtomicInteger served = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            int n = served.incrementAndGet();
            exchange.sendResponseHeaders(n % 10 == 0 ? 500 : 200, -1);
            exchange.close();
        });
        server.start();
        LoadGenerator load = new LoadGenerator(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), 2,
                Duration.ofSeconds(5));

        // Act
        load.start();
        while (load.sentSoFar() < 200) {
            Thread.onSpinWait();
        }
        LoadReport report = load.stop();
        server.stop(0);

        // Assert
        assertEquals(served.get(), report.sent(), "every request sent is recorded");
        assertEquals(report.sent() / 10, report.failed(), 1.0);
    }

    @Test
    void generatorNamesTheGivenHostInEveryRequest() throws Exception {
        // Arrange: a visitor names the custom domain; the listener it reaches routes by Host
        java.util.Set<String> hosts = java.util.concurrent.ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        LoadGenerator load = new LoadGenerator(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                "www.example.com", 2, Duration.ofSeconds(5));

        // Act
        load.start();
        while (load.sentSoFar() < 50) {
            Thread.onSpinWait();
        }
        LoadReport report = load.stop();
        server.stop(0);

        // Assert
        assertEquals(0, report.failed());
        assertEquals(java.util.Set.of("www.example.com"), hosts);
    }

    @Test
    void generatorRefusesAnythingButThisMachine() {
        assertThrows(IllegalArgumentException.class,
                () -> new LoadGenerator(URI.create("http://10.0.0.1/"), 1, Duration.ofSeconds(1)));
    }
}
