package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.notify.WebhookNotifier;
import io.smoothdeploy.notify.WebhookSignature;
import io.smoothdeploy.outbound.GuardedHttp;
import io.smoothdeploy.testing.QueueSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Signed webhooks, checked by a receiver that verifies them with its own code ({@link WebhookReceiver}): a post
 * from the notifier verifies; the same signature on a changed body, an old timestamp, another secret or no
 * signature at all does not.
 */
class SignedWebhookTest {

    private static final String SECRET = QueueSettings.WEBHOOK_SECRET;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final WebhookReceiver receiver = new WebhookReceiver(clock::instant);
    private final HttpClient raw = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void aPostFromTheNotifierVerifies() {
        // Arrange
        WebhookNotifier notifier = new WebhookNotifier(GuardedHttp.localHost(), SECRET, clock, 1, Duration.ofMillis(1));

        // Act
        boolean delivered = notifier.post(receiver.url(), Map.of("event", "statusChanged", "newStatus", "Failed"));

        // Assert
        assertTrue(delivered, receiver.rejected().toString());
        assertEquals(List.of(), receiver.rejected());
        assertEquals("Failed", receiver.received("statusChanged").get(0).get("newStatus").asText());
    }

    @Test
    void aChangedBodyFailsVerification() throws Exception {
        // Arrange: a genuine signature of one body
        long now = clock.instant().getEpochSecond();
        byte[] body = "{\"event\":\"statusChanged\",\"newStatus\":\"Failed\"}".getBytes(StandardCharsets.UTF_8);
        String signature = WebhookSignature.sign(SECRET, now, body);

        // Act
        int genuine = send(now, signature, body);
        int changed = send(now, signature, "{\"event\":\"statusChanged\",\"newStatus\":\"Succeeded\"}"
                .getBytes(StandardCharsets.UTF_8));

        // Assert
        assertEquals(204, genuine, receiver.rejected().toString());
        assertEquals(401, changed);
        assertEquals(List.of("signature does not match"), receiver.rejected());
        assertEquals(1, receiver.received().size());
    }

    @Test
    void aTimestampOutsideTheReplayWindowFailsVerification() throws Exception {
        // Arrange: a post signed six minutes ago, and the notifier on a clock ten minutes slow
        byte[] body = "{\"event\":\"statusChanged\"}".getBytes(StandardCharsets.UTF_8);
        long old = clock.instant().minus(Duration.ofMinutes(6)).getEpochSecond();
        ManualClock slow = new ManualClock(clock.instant().minus(Duration.ofMinutes(10)));
        WebhookNotifier late = new WebhookNotifier(GuardedHttp.localHost(), SECRET, slow, 1, Duration.ofMillis(1));

        // Act
        int replayed = send(old, WebhookSignature.sign(SECRET, old, body), body);
        boolean delivered = late.post(receiver.url(), Map.of("event", "statusChanged"));
        long edge = clock.instant().minus(Duration.ofMinutes(4)).getEpochSecond();
        int withinWindow = send(edge, WebhookSignature.sign(SECRET, edge, body), body);

        // Assert
        assertEquals(401, replayed);
        assertFalse(delivered, "a 401 is final");
        assertEquals(List.of("timestamp outside the replay window", "timestamp outside the replay window"),
                receiver.rejected());
        assertEquals(204, withinWindow, "four minutes is inside the five-minute window");
    }

    @Test
    void anotherSecretOrNoSecretIsNotAccepted() {
        // Arrange
        WebhookNotifier impostor = new WebhookNotifier(GuardedHttp.localHost(), "another-secret-of-enough-length",
                clock, 1, Duration.ofMillis(1));
        WebhookNotifier unconfigured = new WebhookNotifier(GuardedHttp.localHost(), null, clock, 1,
                Duration.ofMillis(1));

        // Act
        boolean forged = impostor.post(receiver.url(), Map.of("event", "statusChanged"));
        boolean unsigned = unconfigured.post(receiver.url(), Map.of("event", "statusChanged"));

        // Assert
        assertFalse(forged);
        assertFalse(unsigned, "without a secret nothing is posted");
        assertEquals(1, receiver.attempts(), "the unconfigured notifier never called");
        assertEquals(List.of("signature does not match"), receiver.rejected());
    }

    private int send(long timestamp, String signature, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(receiver.url()))
                .header("Content-Type", "application/json")
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSignature.SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return raw.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
