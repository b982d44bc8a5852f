package io.smoothdeploy.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a webhook post is signed, so its receiver can tell it came from this orchestrator and was not replayed.
 *
 * <p>{@value #TIMESTAMP_HEADER}: the time of sending, in whole seconds since 1970-01-01T00:00:00Z.
 * {@value #SIGNATURE_HEADER}: {@code v1=} and the lower-case hex of HMAC-SHA256, keyed with the UTF-8 bytes of the
 * secret ({@code SMOOTHDEPLOY_WEBHOOK_SECRET}), over the UTF-8 bytes of the timestamp header's value, a {@code .},
 * and the request body exactly as sent. A receiver recomputes it, compares in constant time, and refuses a
 * timestamp more than {@link #REPLAY_WINDOW} away from its own clock. Each attempt of a post is signed afresh.
 */
public final class WebhookSignature {

    public static final String TIMESTAMP_HEADER = "X-SmoothDeploy-Timestamp";
    public static final String SIGNATURE_HEADER = "X-SmoothDeploy-Signature";
    public static final String VERSION = "v1=";
    /** How far a receiver should let the timestamp be from its own clock, either way. */
    public static final Duration REPLAY_WINDOW = Duration.ofMinutes(5);
    /** The shortest secret the notifier signs with. */
    public static final int MIN_SECRET_LENGTH = 16;

    private WebhookSignature() {
    }

    /** The value of {@value #SIGNATURE_HEADER} for a post of {@code body} at {@code epochSeconds}. */
    public static String sign(String secret, long epochSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((epochSeconds + ".").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return VERSION + HexFormat.of().formatHex(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }
}
