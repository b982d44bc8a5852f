package io.smoothdeploy.notify;

import io.smoothdeploy.engine.port.Notifier;

import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.outbound.GuardedHttp;
import io.smoothdeploy.outbound.OutboundException;
import io.smoothdeploy.outbound.OutboundRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Posts notifications as JSON to a webhook, signed ({@link WebhookSignature}), through the guarded client (https,
 * public addresses only, the environment's allow-list, each redirect hop checked), trying again with a growing pause
 * when the receiver is down or answers 5xx or 429. A 4xx answer, or a URL the guard refuses, is final. The URL's
 * query string (often a secret) and the signing secret are never logged.
 *
 * <p>Without a signing secret of at least {@value WebhookSignature#MIN_SECRET_LENGTH} characters nothing is posted:
 * an unsigned post would teach receivers to accept unsigned posts, which anyone can forge.
 */
public final class WebhookNotifier implements Notifier {

    /** The app setting that holds the signing secret (in Azure, a Key Vault reference). */
    public static final String SECRET_SETTING = "SMOOTHDEPLOY_WEBHOOK_SECRET";

    private static final Logger LOG = Logger.getLogger(WebhookNotifier.class.getName());
    private static final Duration TIME_CAP = Duration.ofSeconds(30);

    private final GuardedHttp http;
    private final String secret;
    private final Clock clock;
    private final int attempts;
    private final Duration firstPause;

    /**
     * @param http       the guarded client
     * @param secret     the signing secret (null or too short: nothing is posted, and each post says why)
     * @param clock      the time of the signature's timestamp
     * @param attempts   how many tries in all
     * @param firstPause the pause after the first failure, doubled after each
     */
    public WebhookNotifier(GuardedHttp http, String secret, Clock clock, int attempts, Duration firstPause) {
        this.http = Objects.requireNonNull(http, "http");
        this.secret = secret == null || secret.strip().length() < WebhookSignature.MIN_SECRET_LENGTH ? null
                : secret.strip();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.attempts = attempts;
        this.firstPause = firstPause;
    }

    @Override
    public boolean post(String url, Object notification) {
        return post(url, notification, List.of());
    }

    @Override
    public boolean post(String url, Object notification, List<String> allowedHosts) {
        if (secret == null) {
            LOG.warning("webhook " + Redact.uri(url) + " not notified: the app setting " + SECRET_SETTING
                    + " is not set (or shorter than " + WebhookSignature.MIN_SECRET_LENGTH
                    + " characters), and posts are only sent signed");
            return false;
        }
        byte[] body;
        try {
            body = Json.mapper().writeValueAsString(notification).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("a notification could not be written as JSON", e);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            LOG.warning("webhook " + Redact.uri(url) + " is not a valid URI; the notification was not sent");
            return false;
        }
        Duration pause = firstPause;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            String outcome;
            try {
                long now = clock.instant().getEpochSecond();
                int status = http.send(OutboundRequest.post(uri, body)
                        .withHeader("Content-Type", "application/json")
                        .withHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
                        .withHeader(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, now, body))
                        .withAllowedHosts(allowedHosts).withTimeCap(TIME_CAP).withIdleTimeout(TIME_CAP)).status();
                if (status / 100 == 2) {
                    return true;
                }
                outcome = "HTTP " + status;
                if (status / 100 != 5 && status != 429) {
                    LOG.warning("webhook " + Redact.uri(url) + " refused the notification: " + outcome);
                    return false;
                }
            } catch (OutboundException e) {
                outcome = e.getMessage();
                if (!e.retryable()) {
                    LOG.warning("webhook " + Redact.uri(url) + " not notified: it " + outcome);
                    return false;
                }
            }
            LOG.warning("webhook " + Redact.uri(url) + " attempt " + attempt + " of " + attempts + " failed: " + outcome);
            if (attempt < attempts && !pause(pause)) {
                return false;
            }
            pause = pause.multipliedBy(2);
        }
        return false;
    }

    private static boolean pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
