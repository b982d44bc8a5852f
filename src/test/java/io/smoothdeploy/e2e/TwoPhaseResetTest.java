package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two-phase reset ({@code "validateBeforeSwap": true}) through the local host on the Azure emulator: the reset
 * stops at AwaitingResetVerification with links to the previous code on its slot, pointed at the production
 * database; Complete then swaps it back and ends Reset, and cancel, when nothing was restored, goes back to
 * AwaitingVerification.
 */
class TwoPhaseResetTest {

    private final EmulatorHarness azure = new EmulatorHarness(SamplePackage.of("cms", "1.0"),
            SamplePackage.of("cms", "2.0"));
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        azure.close();
    }

    @Test
    void aResetThatValidatesBeforeTheSwapWaitsWithThePreviousCodeOnItsSlotOnProductionsDatabaseThenCompletesToReset()
            throws Exception {
        // Arrange: a deployment awaiting verification
        String id = awaitingVerification();

        // Act 1: the reset, validating before the swap
        ApiClient.Response reset = azure.http.post("/deployments/" + id + "/reset", "{\"validateBeforeSwap\":true}");
        azure.runQueues();
        JsonNode waiting = azure.http.get("/deployments/" + id).json();
        String production = azure.productionPackage();

        // Assert 1: it waits, production still on the maintenance content, the link answering with the previous code
        assertEquals(202, reset.status(), reset.body());
        assertEquals("AwaitingResetVerification", waiting.get("status").asText(), log(id));
        assertEquals("[\"complete\",\"cancel\"]", waiting.get("allowedActions").toString());
        assertEquals("cms/1.0", production, "production serves the old code on the clone, in maintenance");
        assertTrue(waiting.get("webApps").get(0).get("inMaintenance").asBoolean(), waiting.toString());
        String link = waiting.get("validationLinks").get(0).asText();
        assertEquals(azure.emulator.slotUrl(azure.cmsSite, "maintenance").orElseThrow().resolve("/").toString(), link);
        assertEquals("cms/1.0", packageAt(link));
        String connection = azure.emulator.slot(azure.cmsSite, "maintenance").orElseThrow().connectionStrings()
                .get("EPiServerDB");
        assertTrue(connection.contains("Initial Catalog=cmsdb;"), "the previous code is on P: " + connection);

        // Act 2: complete swaps it back
        ApiClient.Response complete = azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();
        JsonNode done = azure.http.get("/deployments/" + id).json();

        // Assert 2
        assertEquals(202, complete.status(), complete.body());
        assertEquals("Reset", done.get("status").asText(), log(id));
        assertEquals("cms/1.0", azure.productionPackage());
        assertTrue(!done.get("webApps").get(0).get("inMaintenance").asBoolean(), done.toString());
        assertTrue(log(id).contains("Reset verified by "), log(id));
    }

    @Test
    void cancellingAResetThatRestoredNothingGoesBackToAwaitingVerificationAndTheReleaseCanStillGoLive() {
        // Arrange
        String id = awaitingVerification();
        JsonNode before = azure.http.get("/deployments/" + id).json();
        azure.http.post("/deployments/" + id + "/reset", "{\"validateBeforeSwap\":true}");
        azure.runQueues();
        assertEquals("AwaitingResetVerification", azure.http.get("/deployments/" + id).json().get("status").asText());

        // Act
        ApiClient.Response cancelled = azure.http.post("/deployments/" + id + "/cancel", null);
        JsonNode after = azure.http.get("/deployments/" + id).json();
        ApiClient.Response complete = azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        assertEquals(202, cancelled.status(), cancelled.body());
        assertEquals("AwaitingVerification", after.get("status").asText(), after.toString());
        assertEquals(before.get("validationLinks"), after.get("validationLinks"), "the new release's links again");
        assertEquals(202, complete.status(), complete.body());
        assertEquals("Succeeded", azure.http.get("/deployments/" + id).json().get("status").asText(), log(id));
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void aResetThatRestoredTheDatabaseCannotBeCancelledAndSaysWhyThenCompletesToReset() {
        // Arrange
        String id = awaitingVerification();
        azure.http.post("/deployments/" + id + "/reset", "{\"validateBeforeSwap\":true,\"rollbackDatabase\":true}");
        azure.runQueues();
        JsonNode waiting = azure.http.get("/deployments/" + id).json();

        // Act
        ApiClient.Response refused = azure.http.post("/deployments/" + id + "/cancel", null);
        String afterRefusal = azure.http.get("/deployments/" + id).json().get("status").asText();
        ApiClient.Response complete = azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        assertEquals("AwaitingResetVerification", waiting.get("status").asText(), log(id));
        assertTrue(log(id).contains("Restored database"), log(id));
        assertEquals(409, refused.status(), refused.body());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals("urn:smoothdeploy:problem:reset-not-cancellable", refused.json().get("type").asText());
        assertTrue(refused.json().get("detail").asText().contains("restored the production database"), refused.body());
        assertEquals("AwaitingResetVerification", afterRefusal, "a refused cancel writes nothing");
        assertEquals(202, complete.status(), complete.body());
        assertEquals("Reset", azure.http.get("/deployments/" + id).json().get("status").asText(), log(id));
        assertEquals("cms/1.0", azure.productionPackage());
    }

    @Test
    void cancelOnADeploymentThatIsNotInATwoPhaseResetIsA409WithItsAllowedActions() {
        // Arrange
        String id = awaitingVerification();

        // Act
        ApiClient.Response refused = azure.http.post("/deployments/" + id + "/cancel", null);

        // Assert
        assertEquals(409, refused.status(), refused.body());
        assertEquals("urn:smoothdeploy:problem:action-not-allowed", refused.json().get("type").asText());
        assertEquals(List.of("complete", "reset"), List.of(refused.json().get("allowedActions").get(0).asText(),
                refused.json().get("allowedActions").get(1).asText()));
    }

    private String awaitingVerification() {
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        assertEquals("AwaitingVerification", azure.http.get("/deployments/" + id).json().get("status").asText(), log(id));
        return id;
    }

    private String packageAt(String url) throws IOException, InterruptedException {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.headers().firstValue("X-Package").orElse("status " + answer.statusCode());
    }

    private String log(String id) {
        return azure.http.get("/deployments/" + id + "/log").body();
    }
}
