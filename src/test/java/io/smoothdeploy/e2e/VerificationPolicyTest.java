package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Smoke checks against the staging slots once they are warm, and the verification policy that acts on their
 * results, on the real Azure path (the ARM adapter against the local Azure emulator). The verification limit
 * is tested with the stale-maintenance timer ({@code StaleMaintenanceTimerTest}).
 */
class VerificationPolicyTest {

    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0").page("/health", 200, "healthy 1.0");
    private static final SamplePackage NEW = SamplePackage.of("cms", "2.0").page("/health", 200, "healthy 2.0");

    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        azure.close();
    }

    @Test
    void autoCompleteWhenEverySmokeCheckPassesEndsSucceededWithoutAnyoneCompleting() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        azure.environmentExtras = ",\"verification\":{\"smokeChecks\":[{\"path\":\"/health\",\"bodyContains\":\"2.0\"},"
                + "{\"webApp\":\"cms\",\"path\":\"/\"}],\"onPass\":\"Complete\",\"onFail\":\"Reset\"}";
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act: nobody calls complete
        azure.runQueues();

        // Assert
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("Succeeded", status.get("status").asText(), status.toString());
        assertEquals("cms/2.0", azure.productionPackage());
        JsonNode checks = status.get("smokeChecks");
        assertEquals(2, checks.size(), checks.toString());
        checks.forEach(c -> assertTrue(c.get("passed").asBoolean(), c.toString()));
        assertEquals(200, checks.get(0).get("status").asInt());
        assertTrue(log(id).contains("Completing, as the environment's verification policy says when every smoke check passes"));
    }

    @Test
    void autoResetWhenASmokeCheckFailsEndsResetWithProductionOnTheOldPackage() {
        // Arrange: the check wants text the new release does not serve
        azure = new EmulatorHarness(OLD, NEW);
        azure.environmentExtras = ",\"verification\":{\"smokeChecks\":[{\"path\":\"/health\",\"bodyContains\":\"3.0\"}],"
                + "\"onPass\":\"Complete\",\"onFail\":\"Reset\"}";
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();

        // Assert
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("Reset", status.get("status").asText(), status.toString());
        assertEquals("cms/1.0", azure.productionPackage());
        JsonNode check = status.get("smokeChecks").get(0);
        assertFalse(check.get("passed").asBoolean());
        assertTrue(check.get("detail").asText().contains("does not contain '3.0'"), check.toString());
        status.get("webApps").forEach(w -> assertFalse(w.get("inMaintenance").asBoolean(), w.toString()));
        assertEquals(List.of("cmsdb"), azure.emulator.databaseNames(azure.sqlServer), "the clone is dropped");
    }

    @Test
    void byDefaultTheResultsAreShownAndTheDeploymentWaitsForAPerson() {
        // Arrange: one passing and one failing check, no policy
        azure = new EmulatorHarness(OLD, NEW);
        azure.environmentExtras = ",\"verification\":{\"smokeChecks\":[{\"path\":\"/health\"},"
                + "{\"path\":\"/missing\",\"expectedStatus\":200}]}";
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();

        // Assert
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("AwaitingVerification", status.get("status").asText(), status.toString());
        assertTrue(status.get("smokeChecks").get(0).get("passed").asBoolean());
        assertEquals(404, status.get("smokeChecks").get(1).get("status").asInt());
        assertTrue(log(id).contains("1 of 2 smoke checks failed"), log(id));
        assertEquals("cms/1.0", azure.productionPackage());
    }

    @Test
    void aPolicyThatActsOnSmokeChecksWithoutAnyIsRefusedAndNothingIsWritten() {
        // Arrange
        azure = new EmulatorHarness(OLD, NEW);
        azure.environmentExtras = ",\"verification\":{\"onPass\":\"Complete\"}";

        // Act
        ApiClient.Response answer = azure.http.put("/environments/prod", azure.environmentBody());

        // Assert
        assertEquals(400, answer.status(), answer.body());
        assertEquals("verification.smokeChecks", answer.json().get("field").asText());
        assertEquals(404, azure.http.get("/environments/prod").status());
    }

    private String log(String id) {
        StringBuilder text = new StringBuilder();
        azure.http.get("/deployments/" + id + "/log").json().get("lines")
                .forEach(l -> text.append(l.get("message").asText()).append('\n'));
        return text.toString();
    }
}
