package io.smoothdeploy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.testing.QueueSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook on loopback that records what it receives; it can answer 503 to the first few posts.
 *
 * <p>It checks every post the way README's "Signed webhooks" tells a receiver to, with code of its own (not the
 * notifier's): {@code X-SmoothDeploy-Signature} must be {@code v1=} and the hex HMAC-SHA256, keyed with the
 * secret, of {@code X-SmoothDeploy-Timestamp + "." + body}, and the timestamp within five minutes of its clock. A
 * post that fails is answered 401, and counted in {@link #rejected()}, not in {@link #received()}.
 */
final class WebhookReceiver implements AutoCloseable {

    static final Duration REPLAY_WINDOW = Duration.ofMinutes(5);

    private final HttpServer server;
    private final String secret;
    private final Supplier<Instant> now;
    private final List<JsonNode> received = new ArrayList<>();
    private final List<String> rejected = new ArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();

    /** Checks signatures with the tests' secret against {@code now} (the host's clock). */
    WebhookReceiver(Supplier<Instant> now) {
        this(QueueSettings.WEBHOOK_SECRET, now);
    }

    WebhookReceiver(String secret, Supplier<Instant> now) {
        this.secret = secret;
        this.now = now;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            attempts.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String why = verify(exchange, body);
            if (why != null) {
                synchronized (received) {
                    rejected.add(why);
                }
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            int status = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 204;
            if (status == 204) {
                synchronized (received) {
                    received.add(Json.mapper().readTree(new String(body, StandardCharsets.UTF_8)));
                }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** Why the post does not verify, or null when it does. */
    private String verify(HttpExchange exchange, byte[] body) {
        String timestamp = exchange.getRequestHeaders().getFirst("X-SmoothDeploy-Timestamp");
        String signature = exchange.getRequestHeaders().getFirst("X-SmoothDeploy-Signature");
        if (timestamp == null || signature == null) {
            return "unsigned";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return "timestamp is not a number";
        }
        if (Duration.between(Instant.ofEpochSecond(seconds), now.get()).abs().compareTo(REPLAY_WINDOW) > 0) {
            return "timestamp outside the replay window";
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            expected = ("v1=" + HexFormat.of().formatHex(mac.doFinal(body))).getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8))) {
            return "signature does not match";
        }
        return null;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void failNext(int posts) {
        failuresLeft.set(posts);
    }

    int attempts() {
        return attempts.get();
    }

    List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Why each refused post did not verify. */
    List<String> rejected() {
        synchronized (received) {
            return List.copyOf(rejected);
        }
    }

    /** The posts whose {@code event} is {@code event}, such as staleMaintenance or statusChanged. */
    List<JsonNode> received(String event) {
        return received().stream().filter(p -> event.equals(p.path("event").asText())).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
