package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.smoothdeploy.api.ApiResponse;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.port.StatusChange;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who did it, after the fact: a deployment's log, its timeline and the webhook posts name who started it and who
 * completed or reset it, with the role that allowed each command. The commands come through the API as it runs
 * behind App Service authentication ({@link PlatformApi}); the steps' webhook posts reach a real receiver on
 * loopback, as the local host posts them.
 */
class AuditTrailTest {

    private static final String DEPLOYER_ID = "3b0e6c1a-5d2f-4e8a-9c7b-1f2e3d4c5b6a";
    private static final String APPROVER_ID = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
    private static final AtomicInteger ENVIRONMENTS = new AtomicInteger();
    private static LocalHostHarness host;
    private static PlatformApi platform;
    private static HttpServer receiver;
    private static final List<JsonNode> RECEIVED = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        host = new LocalHostHarness();
        host.stack.timerScheduler().enabled(false);
        platform = new PlatformApi(host, true);
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                JsonNode post = Json.mapper().readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                synchronized (RECEIVED) {
                    RECEIVED.add(post);
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
        host.close();
    }

    @Test
    void theLogTimelineAndWebhookPostsNameWhoStartedAndWhoCompletedWithTheirRoles() {
        // Arrange
        String environment = register();

        // Act
        String id = startAndAwaitVerification(environment);
        ApiResponse completed = platform.api.completeDeployment(id, null, approver());
        host.runQueues();

        // Assert
        assertEquals(202, completed.status(), completed.body());
        assertEquals("Succeeded", status(id).get("status").asText());
        assertTrailNames(id, "complete", "Completing", "Succeeded");
    }

    @Test
    void theLogTimelineAndWebhookPostsNameWhoStartedAndWhoResetWithTheirRoles() {
        // Arrange
        String environment = register();

        // Act
        String id = startAndAwaitVerification(environment);
        ApiResponse reset = platform.api.resetDeployment(id, "{\"rollbackDatabase\":false}", approver());
        host.runQueues();

        // Assert
        assertEquals(202, reset.status(), reset.body());
        assertEquals("Reset", status(id).get("status").asText());
        assertTrailNames(id, "reset", "Resetting", "Reset");
    }

    @Test
    void theLogTimelineAndWebhookPostsNameWhoStartedAndWhoCancelledWithTheirRoles() {
        // Arrange
        String environment = register();
        ApiResponse started = platform.api.startDeployment(LocalHostHarness.startBody(environment,
                LocalHostHarness.NEW_PACKAGE, null), PlatformApi.as("dee@example.com", DEPLOYER_ID, "Deployer"));
        String id = json(started).get("id").asText();

        // Act
        ApiResponse cancelled = platform.api.cancelDeployment(id, "{\"reason\":\"wrong ticket\"}", approver());
        host.runQueues();

        // Assert
        assertEquals(202, cancelled.status(), cancelled.body());
        assertEquals("Cancelled", status(id).get("status").asText());
        assertEquals("wrong ticket", json(platform.api.getTimeline(id, reader())).get("cancelReason").asText());
        assertTrailNames(id, "cancel", "Cancelling", "Cancelled");
    }

    /** Both commands in the log, the timeline, the command's webhook post and the steps' final post. */
    private static void assertTrailNames(String id, String action, String commandStatus, String finalStatus) {
        // the log: one line per command, naming the caller, the object id and the role
        String log = platform.api.getDeploymentLog(id, reader()).body();
        assertTrue(log.contains("dee@example.com (object id " + DEPLOYER_ID + ") as Deployer"), log);
        assertTrue(log.contains("mia@example.com (object id " + APPROVER_ID + ") as Approver"), log);

        // the timeline's audit, in order
        JsonNode audit = json(platform.api.getTimeline(id, reader())).get("audit");
        assertNotNull(audit, "the timeline has an audit");
        assertEquals(2, audit.size(), audit.toString());
        assertEntry(audit.get(0), "start", "dee@example.com", DEPLOYER_ID, "Deployer");
        assertEntry(audit.get(1), action, "mia@example.com", APPROVER_ID, "Approver");

        // the webhook posts the commands made: each names who asked, with the role
        StatusChange started = post(id, "InProgress");
        assertEquals("dee@example.com", started.requestedBy().actor().name());
        assertEquals("Deployer", started.requestedBy().actor().role());
        assertTrue(started.message().contains("asked by dee@example.com"), started.message());
        StatusChange commanded = post(id, commandStatus);
        assertEquals(action, commanded.requestedBy().action());
        assertEquals("mia@example.com", commanded.requestedBy().actor().name());
        assertEquals("Approver", commanded.requestedBy().actor().role());

        // the steps' post at the end, as a receiver gets it, carries the whole audit
        JsonNode last = received(id, finalStatus);
        JsonNode trail = last.get("audit");
        assertEquals(2, trail.size(), last.toString());
        assertEquals("start", trail.get(0).get("action").asText());
        assertEquals("dee@example.com", trail.get(0).get("actor").get("name").asText(), last.toString());
        assertEquals("Deployer", trail.get(0).get("actor").get("role").asText(), last.toString());
        assertEquals(action, trail.get(1).get("action").asText());
        assertEquals("mia@example.com", trail.get(1).get("actor").get("name").asText(), last.toString());
        assertEquals("Approver", trail.get(1).get("actor").get("role").asText(), last.toString());
    }

    private static void assertEntry(JsonNode entry, String action, String name, String objectId, String role) {
        assertEquals(action, entry.get("action").asText(), entry.toString());
        assertEquals(name, entry.get("by").get("name").asText(), entry.toString());
        assertEquals(objectId, entry.get("by").get("objectId").asText(), entry.toString());
        assertEquals(role, entry.get("by").get("role").asText(), entry.toString());
    }

    private static String register() {
        int n = ENVIRONMENTS.incrementAndGet();
        String environment = "audited-" + n;
        String webhook = "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
                + receiver.getAddress().getPort() + "/hook";
        String body = host.environmentOnOwnSite(100 + n).replaceFirst("\\}$", ",\"webhookUrl\":\"" + webhook + "\"}");
        ApiResponse registered = platform.api.putEnvironment(environment, body,
                PlatformApi.as("ada@example.com", "1a2b3c4d-0000-4000-8000-000000000001", "Admin"));
        assertEquals(201, registered.status(), registered.body());
        return environment;
    }

    private static String startAndAwaitVerification(String environment) {
        ApiResponse started = platform.api.startDeployment(LocalHostHarness.startBody(environment,
                LocalHostHarness.NEW_PACKAGE, null), PlatformApi.as("dee@example.com", DEPLOYER_ID, "Deployer"));
        assertEquals(202, started.status(), started.body());
        String id = json(started).get("id").asText();
        host.runQueues();
        assertEquals("AwaitingVerification", status(id).get("status").asText());
        return id;
    }

    private static Map<String, String> approver() {
        return PlatformApi.as("mia@example.com", APPROVER_ID, "Approver");
    }

    private static Map<String, String> reader() {
        return PlatformApi.as("rita@example.com", "5e6f7a8b-0000-4000-8000-000000000002", "Reader");
    }

    private static JsonNode status(String id) {
        return json(platform.api.getDeployment(id, reader()));
    }

    private static JsonNode json(ApiResponse response) {
        return PlatformApi.json(response);
    }

    private static StatusChange post(String id, String newStatus) {
        synchronized (platform.posts) {
            return platform.posts.stream().filter(p -> p.deploymentId().equals(id) && p.newStatus().equals(newStatus))
                    .findFirst().orElseThrow(() -> new AssertionError("no post for " + newStatus + " of " + id + ": "
                            + platform.posts));
        }
    }

    private static JsonNode received(String id, String newStatus) {
        synchronized (RECEIVED) {
            return RECEIVED.stream().filter(p -> p.path("deploymentId").asText().equals(id)
                            && p.path("newStatus").asText().equals(newStatus)).findFirst()
                    .orElseThrow(() -> new AssertionError("the receiver got no post for " + newStatus + " of " + id
                            + ": " + RECEIVED));
        }
    }
}
