package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A step message that keeps failing is dead-lettered, and its deployment ends Failed with the reason. */
class DeadLetterTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void messageThatKeepsFailingIsDeadLetteredAndFailsItsDeployment() {
        // Arrange: the step itself keeps throwing (a bug, not a cloud answer), past the queue's max delivery count
        host.put("/environments/prod", LocalHostHarness.environmentBody(false));
        host.cloud.failNext("deployPackage", "cms-prod/staging", 50,
                new IllegalStateException("unexpected answer from the deployment endpoint"));

        // Act
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", LocalHostHarness.NEW_PACKAGE, null))
                .json().get("id").asText();
        host.runQueues();

        // Assert
        assertEquals(1, host.queue().deadLetters().size());
        JsonNode status = host.get("/deployments/" + id).json();
        assertEquals("Failed", status.get("status").asText());
        JsonNode error = status.get("errors").get(0);
        assertEquals("DEAD_LETTERED", error.get("kind").asText());
        assertEquals("DEPLOY_SLOT", error.get("stage").asText());
        assertEquals("cms", error.get("webApp").asText());
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("delivery count (\\d+)")
                .matcher(error.get("message").asText());
        assertTrue(count.find(), error.toString());
        assertTrue(Integer.parseInt(count.group(1)) >= 10, "at least the queue's max delivery count: " + error);
        assertTrue(host.get("/environments/prod").json().get("currentDeploymentId").isNull(),
                "the failed deployment frees its environment for a retry");
    }
}
