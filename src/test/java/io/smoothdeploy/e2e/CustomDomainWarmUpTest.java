package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.emulator.SamplePackage;
import io.smoothdeploy.warmup.HttpWarmUpProber;
import io.smoothdeploy.engine.port.ProbeResult;
import io.smoothdeploy.engine.port.WarmUpTarget;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A web app registered with a custom host name ({@code warmUp.hostNames}) whose domain is bound to production, on
 * the emulator that routes by Host as App Service does: warm-up and smoke checks must reach the staging slot (by its
 * own host name), never production's maintenance content that the custom domain reaches.
 */
class CustomDomainWarmUpTest {

    private static final String CUSTOM = "www.example.com";
    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0").page("/health", 200, "healthy 1.0");

    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        azure.close();
    }

    @Test
    void warmUpWithACustomHostNameAgainstABrokenStagingSlotFails() {
        // Arrange: the new release fails at startup; production (maintenance content, old code) is healthy
        SamplePackage broken = SamplePackage.of("cms", "2.0")
                .startupFailure("System.InvalidOperationException: Unable to resolve service for type 'ICache'");
        azure = new EmulatorHarness(OLD, broken);
        azure.emulator.bindCustomDomain(azure.cmsSite, CUSTOM);
        azure.warmUp = "{\"hostNames\":[\"" + CUSTOM + "\"],\"paths\":[\"/\",\"/health\"]}";
        azure.environmentExtras = ",\"warmUpTimeoutSeconds\":30";
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();

        // Assert
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("Failed", status.get("status").asText(), "a broken release is never warm: " + status);
        assertTrue(status.toString().contains("Unable to resolve service"), status.toString());
        assertEquals("cms/1.0", azure.productionPackage());
    }

    @Test
    void smokeChecksReachTheStagingSlotNotProduction() {
        // Arrange: the smoke check wants text only the new release serves
        SamplePackage healthy = SamplePackage.of("cms", "2.0").page("/health", 200, "healthy 2.0");
        azure = new EmulatorHarness(OLD, healthy);
        azure.emulator.bindCustomDomain(azure.cmsSite, CUSTOM);
        azure.warmUp = "{\"hostNames\":[\"" + CUSTOM + "\"],\"paths\":[\"/health\"]}";
        azure.environmentExtras = ",\"verification\":{\"smokeChecks\":[{\"path\":\"/health\",\"bodyContains\":\"2.0\"}],"
                + "\"onPass\":\"Complete\",\"onFail\":\"Reset\"}";
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();

        // Assert: the check saw 2.0 on staging, so the policy completed, and the domain now reaches 2.0
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("Succeeded", status.get("status").asText(), status.toString());
        JsonNode check = status.get("smokeChecks").get(0);
        assertTrue(check.get("passed").asBoolean(), check.toString());
        assertEquals("cms/2.0", azure.productionPackage());
        String productionUrl = azure.emulator.slotUrl(azure.cmsSite, "production").orElseThrow().toString();
        List<ProbeResult> viaDomain = new HttpWarmUpProber(Duration.ofSeconds(5)).probe(
                new WarmUpTarget(productionUrl, List.of(CUSTOM), List.of("/health"), List.of(200)));
        assertTrue(viaDomain.get(0).ok(), viaDomain.toString());
        assertEquals(0, status.get("warnings").size(), "every custom host name answered after going live: " + status);
    }

    @Test
    void aCustomHostNameThatDoesNotAnswerAfterGoingLiveIsAWarningNotAFailure() {
        // Arrange: the registration names a domain nobody bound to the site, so App Service answers it with 404
        SamplePackage healthy = SamplePackage.of("cms", "2.0").page("/health", 200, "healthy 2.0");
        azure = new EmulatorHarness(OLD, healthy);
        azure.warmUp = "{\"hostNames\":[\"" + CUSTOM + "\"],\"paths\":[\"/health\"]}";
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();

        // Act
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert: warm-up went to the slot's own name and passed; the domain's 404 is reported once live
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("Succeeded", status.get("status").asText(), status.toString());
        assertEquals("cms/2.0", azure.productionPackage());
        JsonNode warnings = status.get("warnings");
        assertEquals(1, warnings.size(), status.toString());
        assertTrue(warnings.get(0).asText().contains(CUSTOM + "/health: HTTP 404"), warnings.toString());
    }
}
