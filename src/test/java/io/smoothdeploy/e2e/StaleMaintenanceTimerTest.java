package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.SQL_SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.local.LocalExecutionContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stale-maintenance timer, ticked by hand on a manual clock (its schedule turned off): each kind of stuck environment is
 * reported once per episode, to a webhook on loopback, and the resume and reset policies act.
 */
class StaleMaintenanceTimerTest {

    private final LocalHostHarness host = new LocalHostHarness();
    private static final String STALE = "staleMaintenance";

    private final WebhookReceiver webhook = new WebhookReceiver(host.clock::instant);

    {
        // These tests tick the timer by hand and count what each tick reports: the schedule stays off.
        host.stack.timerScheduler().enabled(false);
    }

    @AfterEach
    void stop() {
        webhook.close();
        host.close();
    }

    @Test
    void failedDeploymentWithSitesInMaintenanceIsReportedOnceAndNotifiedOnce() {
        // Arrange
        register("Nothing");
        String failed = failDeploySlotOnCommerce();
        webhook.failNext(1);
        int attemptsBefore = webhook.attempts();

        // Act
        tick();
        tick();

        // Assert
        List<JsonNode> posts = webhook.received(STALE);
        assertEquals(1, posts.size(), "notified once over two ticks");
        assertEquals(2, webhook.attempts() - attemptsBefore, "the first post got a 503 and was tried again");
        JsonNode post = posts.get(0);
        assertEquals("FailedInMaintenance", post.get("kind").asText());
        assertEquals(failed, post.get("deploymentId").asText());
        assertEquals(List.of("cms", "commerce", "scheduler"), names(post.get("inMaintenance")));
        JsonNode status = host.get("/deployments/" + failed).json();
        assertEquals(1, status.get("warnings").size());
        assertTrue(status.get("warnings").get(0).asText().contains("left cms, commerce, scheduler in maintenance"));
        assertEquals(1, logCount(failed, "in maintenance; start again to resume it"));
    }

    @Test
    void deploymentAwaitingVerificationTooLongIsReportedOnce() {
        // Arrange
        register("Nothing");
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json().get("id").asText();
        host.runQueues();

        // Act
        host.clock.advance(Duration.ofMinutes(50));
        tick();
        int beforeLimit = webhook.received(STALE).size();
        host.clock.advance(Duration.ofMinutes(20));
        tick();
        tick();

        // Assert
        assertEquals(0, beforeLimit, "within the 60-minute limit nothing is reported");
        assertEquals(1, webhook.received(STALE).size());
        assertEquals("VerificationOverdue", webhook.received(STALE).get(0).get("kind").asText());
        assertEquals(id, webhook.received(STALE).get(0).get("deploymentId").asText());
    }

    @Test
    void verificationLimitWithTheResetPolicyResetsTheDeployment() {
        // Arrange
        register("Nothing", "Reset");
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json().get("id").asText();
        host.runQueues();
        assertEquals("AwaitingVerification", host.get("/deployments/" + id).json().get("status").asText());

        // Act: within the limit, then past it
        host.clock.advance(Duration.ofMinutes(59));
        tick();
        String withinLimit = host.get("/deployments/" + id).json().get("status").asText();
        host.clock.advance(Duration.ofMinutes(2));
        tick();
        host.runQueues();

        // Assert
        assertEquals("AwaitingVerification", withinLimit);
        JsonNode status = host.get("/deployments/" + id).json();
        assertEquals("Reset", status.get("status").asText());
        status.get("webApps").forEach(w -> assertFalse(w.get("inMaintenance").asBoolean(), w.toString()));
        List<JsonNode> posts = webhook.received(STALE);
        assertEquals(1, posts.size());
        assertEquals("VerificationOverdue", posts.get(0).get("kind").asText());
        assertEquals("Reset", posts.get(0).get("action").asText());
    }

    @Test
    void deploymentWithNoProgressIsReportedOnce() {
        // Arrange: started, but its messages are never delivered
        register("Nothing");
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json().get("id").asText();

        // Act
        host.clock.advance(Duration.ofMinutes(31));
        tick();
        tick();

        // Assert
        assertEquals(1, webhook.received(STALE).size());
        assertEquals("NoProgress", webhook.received(STALE).get(0).get("kind").asText());
        assertEquals(id, webhook.received(STALE).get(0).get("deploymentId").asText());
        assertTrue(webhook.received(STALE).get(0).get("message").asText().contains("VERIFY_PACKAGE"));
    }

    @Test
    void resumePolicyStartsTheFailedRunAgainAndItReachesVerification() {
        // Arrange
        register("Resume");
        String failed = failDeploySlotOnCommerce();

        // Act
        tick();
        host.runQueues();

        // Assert
        JsonNode environment = host.get("/environments/prod").json();
        String resumed = environment.get("lastDeployment").get("id").asText();
        assertFalse(resumed.equals(failed), "a new run resumed the failed one");
        assertEquals("AwaitingVerification", host.get("/deployments/" + resumed).json().get("status").asText());
        assertEquals("Resume", webhook.received(STALE).get(0).get("action").asText());
        assertEquals(1, host.cloud.calls().stream().filter(c -> c.equals("beginSwapWithProduction cms-prod/maintenance")).count());
    }

    @Test
    void resetPolicyResetsTheFailedRunAndTakesEverySiteOutOfMaintenance() {
        // Arrange
        register("Reset");
        String failed = failDeploySlotOnCommerce();

        // Act
        tick();
        host.runQueues();

        // Assert
        JsonNode status = host.get("/deployments/" + failed).json();
        assertEquals("Reset", status.get("status").asText());
        status.get("webApps").forEach(w -> assertFalse(w.get("inMaintenance").asBoolean(), w.toString()));
        assertEquals(List.of("cmsdb"), host.cloud.databaseNames(SQL_SERVER));
        tick();
        assertEquals(1, webhook.received(STALE).size(), "a reset environment is no longer reported");
    }

    private void register(String action) {
        register(action, "Notify");
    }

    private void register(String action, String onVerificationLimit) {
        String staleness = ",\"webhookUrl\":\"" + webhook.url() + "\",\"verification\":{\"limitMinutes\":60,"
                + "\"onLimit\":\"" + onVerificationLimit + "\"},"
                + "\"staleness\":{\"noProgressLimitMinutes\":30,\"action\":\"" + action + "\"}}";
        String body = LocalHostHarness.threeWebAppBody();
        ApiClient.Response registered = host.put("/environments/prod", body.substring(0, body.length() - 1) + staleness);
        assertEquals(201, registered.status(), registered.body());
    }

    /** Commerce fails its staging deployment after every web app entered maintenance. */
    private String failDeploySlotOnCommerce() {
        host.cloud.failNext("deployPackage", "commerce-prod/staging", 1, new CloudException("Conflict", "busy", false));
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json().get("id").asText();
        host.runQueues();
        assertEquals("Failed", host.get("/deployments/" + id).json().get("status").asText());
        return id;
    }

    private void tick() {
        host.stack.timer().staleMaintenance("{}", LocalExecutionContext.forFunction("StaleMaintenanceTimer"));
    }

    private long logCount(String id, String text) {
        return java.util.stream.StreamSupport.stream(host.get("/deployments/" + id + "/log").json().get("lines").spliterator(), false)
                .filter(l -> l.get("message").asText().contains(text)).count();
    }

    private static List<String> names(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

}
