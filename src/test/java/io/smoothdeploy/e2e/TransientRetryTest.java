package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.CloudException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Throttling and 5xx answers from ARM are retried by the step, with a growing pause, before anything fails. */
class TransientRetryTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void twoTransientFailuresAreRetriedAndTheThirdTrySucceeds() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.environmentBody(false));
        host.cloud.failNext("deployPackage", "cms-prod/staging", 2,
                new CloudException("TooManyRequests", "the subscription is throttled", true));

        // Act
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", LocalHostHarness.NEW_PACKAGE, null))
                .json().get("id").asText();
        host.runQueues();

        // Assert
        assertEquals("AwaitingVerification", host.get("/deployments/" + id).json().get("status").asText());
        List<String> retries = new ArrayList<>();
        host.get("/deployments/" + id + "/log").json().get("lines").forEach(l -> {
            if (l.get("message").asText().contains("Transient failure")) {
                retries.add(l.get("message").asText());
            }
        });
        assertEquals(2, retries.size(), retries.toString());
        assertTrue(retries.get(0).contains("TooManyRequests") && retries.get(0).contains("retry 1 of 5"), retries.get(0));
        assertTrue(host.queue().deadLetters().isEmpty());
    }

    @Test
    void transientFailuresPastTheLimitFailTheDeploymentWithoutDeadLettering() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.environmentBody(false));
        host.cloud.failNext("deployPackage", "cms-prod/staging", 20,
                new CloudException("ServiceUnavailable", "the service is temporarily unavailable", true));

        // Act
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", LocalHostHarness.NEW_PACKAGE, null))
                .json().get("id").asText();
        host.runQueues();

        // Assert
        var error = host.get("/deployments/" + id).json().get("errors").get(0);
        assertEquals("CLOUD_OPERATION", error.get("kind").asText());
        assertTrue(error.get("message").asText().startsWith("still failing after 5 retries: ServiceUnavailable"),
                error.toString());
        assertEquals(6, host.cloud.calls().stream().filter(c -> c.equals("deployPackage cms-prod/staging (failed)")).count());
        assertTrue(host.queue().deadLetters().isEmpty());
    }
}
