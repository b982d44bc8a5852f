package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code GET /environments/{name}} answers can be edited and sent back with {@code PUT}: the fields the GET
 * adds (name, each web app's inMaintenance, currentDeploymentId, lastDeployment) are ignored, and a value the GET
 * redacted is refused with 422 naming the field, with nothing written.
 */
class EnvironmentRoundTripTest {

    private static final String WITH_SAS = "https://packages.example.com/maintenance.zip?sv=2024&sig=PAGESECRET";

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void whatGetAnswersAfterADeploymentIsAcceptedBackByPutAndChangesNothing() {
        // Arrange: a registration with every optional field, and a deployment that went live
        String body = LocalHostHarness.environmentBody(true).replace("}]}],", "}],\"expectedStatuses\":[200,204]}],")
                .replace("\"maintenancePagePackageUri\"", "\"warmUpTimeoutSeconds\":300,\"transientRetryLimit\":2,"
                        + "\"webhookUrl\":\"http://127.0.0.1:9/hook\",\"staleness\":{\"noProgressLimitMinutes\":30,"
                        + "\"action\":\"Nothing\"},\"verification\":{\"smokeChecks\":[{\"path\":\"/health\","
                        + "\"bodyContains\":\"Healthy\"}],\"limitMinutes\":60},\"maintenancePagePackageUri\"");
        assertEquals(201, host.put("/environments/prod", body).status(), body);
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", LocalHostHarness.NEW_PACKAGE, null))
                .json().get("id").asText();
        host.runQueues();
        assertEquals(202, host.post("/deployments/" + id + "/complete", null).status());
        host.runQueues();
        ApiClient.Response before = host.get("/environments/prod");
        assertEquals(id, before.json().path("lastDeployment").path("id").asText(), before.body());
        assertEquals("Succeeded", before.json().path("lastDeployment").path("status").asText(), before.body());

        // Act
        ApiClient.Response put = host.put("/environments/prod", before.body());
        ApiClient.Response after = host.get("/environments/prod");

        // Assert
        assertEquals(200, put.status(), put.body());
        assertEquals(before.json(), after.json(), "sending back what GET answered changes nothing");
    }

    @Test
    void anEditedGetAnswerIsAcceptedBackWithTheEdit() {
        // Arrange
        assertEquals(201, host.put("/environments/prod", LocalHostHarness.environmentBody(true)).status());
        ObjectNode edited = (ObjectNode) host.get("/environments/prod").json();
        edited.put("warmUpTimeoutSeconds", 900);

        // Act
        ApiClient.Response put = host.put("/environments/prod", edited.toString());

        // Assert
        assertEquals(200, put.status(), put.body());
        assertEquals(900, host.get("/environments/prod").json().get("warmUpTimeoutSeconds").asInt());
    }

    @Test
    void aNameThatIsNotThePathsIsRefused() {
        // Arrange
        assertEquals(201, host.put("/environments/prod", LocalHostHarness.environmentBody(true)).status());
        ObjectNode copied = (ObjectNode) host.get("/environments/prod").json();
        int rows = host.rowsWritten();

        // Act: the GET of prod sent to another environment's path
        ApiClient.Response put = host.put("/environments/staging", copied.toString());

        // Assert
        assertEquals(400, put.status(), put.body());
        assertEquals("name", put.json().get("field").asText(), put.body());
        assertTrue(put.json().get("detail").asText().contains("staging"), put.body());
        assertEquals(rows, host.rowsWritten(), "a refused request writes nothing");
    }

    @Test
    void aRedactedMaintenancePageUriSentBackIsRefusedNamingTheFieldAndWritesNothing() {
        // Arrange
        assertEquals(201, host.put("/environments/prod", LocalHostHarness.environmentBody(true)
                .replace("https://packages.example.com/maintenance.zip", WITH_SAS)).status());
        ApiClient.Response before = host.get("/environments/prod");
        assertTrue(before.body().contains("maintenance.zip?<redacted>"), before.body());
        int rows = host.rowsWritten();

        // Act
        ApiClient.Response put = host.put("/environments/prod", before.body());

        // Assert
        assertRedactedRefusal(put, "maintenancePagePackageUri");
        assertEquals(rows, host.rowsWritten(), "a refused request writes nothing");
        assertEquals(before.json(), host.get("/environments/prod").json());
    }

    @Test
    void aRedactedWebhookUrlSentBackIsRefusedNamingTheField() {
        // Arrange
        assertEquals(201, host.put("/environments/prod", LocalHostHarness.environmentBody(true).replace(
                "\"maintenancePagePackageUri\"", "\"webhookUrl\":\"https://hooks.example.com/x?code=HOOKSECRET\","
                        + "\"maintenancePagePackageUri\"")).status());
        ApiClient.Response before = host.get("/environments/prod");

        // Act
        ApiClient.Response put = host.put("/environments/prod", before.body());

        // Assert
        assertRedactedRefusal(put, "webhookUrl");
        assertEquals(before.json(), host.get("/environments/prod").json());
    }

    private static void assertRedactedRefusal(ApiClient.Response put, String field) {
        assertEquals(422, put.status(), put.body());
        assertEquals("application/problem+json", put.contentType());
        JsonNode problem = put.json();
        assertEquals("urn:smoothdeploy:problem:redacted-value", problem.get("type").asText());
        assertEquals(field, problem.get("field").asText(), put.body());
        String detail = problem.get("detail").asText();
        assertTrue(detail.contains(field) && detail.contains("redacted") && detail.contains("send"), detail);
        assertFalse(put.body().contains("SECRET"), put.body());
    }
}
