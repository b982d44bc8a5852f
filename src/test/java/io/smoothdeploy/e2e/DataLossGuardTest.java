package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.LocalExecutionContext;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * In ReadWrite mode the old code keeps taking writes, on the temporary database, until Complete switches to the
 * production database: Complete refuses while writes reached the clone, unless someone accepts losing them.
 */
class DataLossGuardTest {

    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0");
    private static final SamplePackage NEW = SamplePackage.of("cms", "2.0");

    private final HttpClient client = HttpClient.newHttpClient();
    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        azure.close();
    }

    @Test
    void completeIsRefusedWhileWritesReachedTheCloneAndSucceedsWhenTheLossIsAccepted() {
        // Arrange: a ReadWrite deployment awaiting verification; traffic writes twice through production
        azure = new EmulatorHarness(OLD, NEW);
        String id = azure.start("cms-2.0.zip", "ReadWrite");
        azure.runQueues();
        assertEquals(200, writeThroughProduction());
        assertEquals(200, writeThroughProduction());

        // Act
        JsonNode counted = azure.http.get("/deployments/" + id).json();
        azure.stack.timer().staleMaintenance("{}", LocalExecutionContext.forFunction("StaleMaintenanceTimer"));
        JsonNode status = azure.http.get("/deployments/" + id).json();
        ApiClient.Response refused = azure.http.post("/deployments/" + id + "/complete", null);
        String stillAwaiting = azure.http.get("/deployments/" + id).json().get("status").asText();
        ApiClient.Response accepted = azure.http.post("/deployments/" + id + "/complete",
                "{\"acceptDataLoss\":true,\"acceptedBy\":\"jane@example.com\"}");
        azure.runQueues();

        // Assert: a poll shows the count as last stored, with its time: the step's (before the writes), then the
        // timer's; Complete counts again itself
        assertEquals(0, counted.get("temporaryDatabase").get("writesSinceClone").asInt(), counted.toString());
        assertTrue(counted.get("temporaryDatabase").get("writesCountedAt").isTextual(), counted.toString());
        assertEquals(2, status.get("temporaryDatabase").get("writesSinceClone").asInt(), status.toString());
        assertTrue(status.get("temporaryDatabase").get("writesCountedAt").isTextual(), status.toString());
        assertEquals(409, refused.status(), refused.body());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals("urn:smoothdeploy:problem:data-loss", refused.json().get("type").asText());
        assertEquals(2, refused.json().get("writesToTemporaryDatabase").asInt());
        assertTrue(refused.json().get("detail").asText().contains("2 write(s) reached the temporary database"),
                refused.body());
        assertEquals("AwaitingVerification", stillAwaiting, "a refused Complete changes nothing");
        assertEquals(202, accepted.status(), accepted.body());
        assertEquals("Succeeded", azure.http.get("/deployments/" + id).json().get("status").asText());
        assertEquals("cms/2.0", azure.productionPackage());
        String log = azure.http.get("/deployments/" + id + "/log").body();
        // the signed-in caller (the local host's development user) is who accepted it; acceptedBy says for whom
        assertTrue(log.contains("Data loss accepted by local-developer as Approver, from User-Agent "), log);
        assertTrue(log.contains(", for jane@example.com: 2 write(s) made to the temporary database"), log);
    }

    @Test
    void completeWithoutWritesToTheCloneNeedsNoAcceptance() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        String id = azure.start("cms-2.0.zip", "ReadWrite");
        azure.runQueues();

        // Act
        JsonNode status = azure.http.get("/deployments/" + id).json();
        ApiClient.Response completed = azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        assertEquals(0, status.get("temporaryDatabase").get("writesSinceClone").asInt(), status.toString());
        assertEquals(202, completed.status(), completed.body());
        assertEquals("Succeeded", azure.http.get("/deployments/" + id).json().get("status").asText());
        JsonNode timeline = azure.http.get("/deployments/" + id + "/timeline").json();
        assertEquals(azure.sha256("cms-2.0.zip"), timeline.get("package").get("sha256").asText());
        assertTrue(timeline.get("package").get("verifiedAt").isTextual(), timeline.toString());
        java.util.List<String> steps = new java.util.ArrayList<>();
        timeline.get("steps").forEach(s -> {
            assertEquals("Succeeded", s.get("outcome").asText(), s.toString());
            assertTrue(s.get("attempts").asInt() >= 1, s.toString());
            steps.add(s.get("stage").asText() + (s.get("webApp").isNull() ? "" : "/" + s.get("webApp").asText()));
        });
        assertEquals(java.util.List.of("VERIFY_PACKAGE", "CLONE_DB", "ENTER_MAINTENANCE/cms", "DEPLOY_SLOT/cms",
                "WARM_UP/cms", "AWAIT_VERIFICATION", "COMPLETE_SWAP/cms", "COMPLETE_CLEANUP"), steps, timeline.toString());
    }

    /** A write by a site visitor: production answers from whichever slot is live (the old code, on the clone). */
    private int writeThroughProduction() {
        URI live = azure.emulator.slotUrl(azure.cmsSite, "production").orElseThrow().resolve("/write");
        try {
            return client.send(HttpRequest.newBuilder(live).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
