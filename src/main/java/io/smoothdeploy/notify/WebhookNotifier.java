package io.smoothdeploy.notify;

import io.smoothdeploy.app.Json;
import io.smoothdeploy.engine.Redact;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Posts notifications as JSON to a webhook, trying again with a growing pause when the receiver is down or
 * answers 5xx or 429. A 4xx answer is final. The URL's query string (often a secret) is never logged.
 */
public final class WebhookNotifier implements Notifier {

    private static final Logger LOG = Logger.getLogger(WebhookNotifier.class.getName());

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final int attempts;
    private final Duration firstPause;

    /** @param attempts how many tries in all; @param firstPause the pause after the first failure, doubled after each */
    public WebhookNotifier(int attempts, Duration firstPause) {
        this.attempts = attempts;
        this.firstPause = firstPause;
    }

    public WebhookNotifier() {
        this(3, Duration.ofSeconds(2));
    }

    @Override
    public boolean post(String url, Object notification) {
        String body;
        try {
            body = Json.mapper().writeValueAsString(notification);
        } catch (IOException e) {
            throw new IllegalStateException("a notification could not be written as JSON", e);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        Duration pause = firstPause;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            String outcome;
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return true;
                }
                outcome = "HTTP " + status;
                if (status / 100 == 4 && status != 429) {
                    LOG.warning("webhook " + Redact.uri(url) + " refused the notification: " + outcome);
                    return false;
                }
            } catch (IOException e) {
                outcome = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
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
