package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.WebAppState;
import io.smoothdeploy.local.emulator.EmulatedSlot;
import io.smoothdeploy.local.emulator.SamplePackage;
import io.smoothdeploy.local.faults.CrashPoint;
import io.smoothdeploy.local.faults.CrashRule;
import io.smoothdeploy.local.faults.FaultInjector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Swap with preview on the real Azure path (ArmCloud against the emulator): production has a sticky app setting
 * that is not about the database (an Application Insights connection), so every swap into production would apply
 * it to the source and restart it. The engine applies production's slot settings to the staging slot before it
 * warms it, so the swap at Complete has nothing left to apply and restarts nothing; Reset cancels a pending
 * preview; App Service's own warm-up during the swap (WEBSITE_SWAP_WARMUP_PING_PATH/_STATUSES) stops a swap whose
 * source does not answer as expected.
 */
class SwapWithPreviewTest {

    private static final String STICKY = "APPINSIGHTS_CONNECTION";
    private static final String PRODUCTION_VALUE = "InstrumentationKey=production";
    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0");
    private static final SamplePackage NEW = SamplePackage.of("cms", "2.0").coldStartSeconds(20);

    private final HttpClient client = HttpClient.newHttpClient();
    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        azure.close();
    }

    private String awaitingVerification(FaultInjector crashes) {
        azure = new EmulatorHarness(Map.of(STICKY, PRODUCTION_VALUE), crashes, OLD, NEW);
        azure.emulator.setSlotSettingNames(azure.cmsSite, Set.of(STICKY), Set.of());
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        return id;
    }

    @Test
    void completeSwapsTheWarmedStagingInstanceWithoutRestartingItAndTheFirstRequestIsWarm() {
        // Arrange
        String id = awaitingVerification(null);
        JsonNode awaiting = azure.http.get("/deployments/" + id).json();
        EmulatedSlot staging = azure.emulator.slot(azure.cmsSite, "staging").orElseThrow();
        long warmedInstance = azure.emulator.appInstance(azure.cmsSite, "staging").orElseThrow().id();

        // Act
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();
        HttpResponse<String> first = get(azure.emulator.slotUrl(azure.cmsSite, "production").orElseThrow());

        // Assert
        assertEquals("AwaitingVerification", awaiting.get("status").asText(), awaiting.toString());
        assertEquals(PRODUCTION_VALUE, staging.appSettings().get(STICKY),
                "staging was warmed with production's slot settings (swap with preview)");
        assertEquals("production", staging.previewTargetSlot().orElse(null));
        assertEquals("Succeeded", azure.http.get("/deployments/" + id).json().get("status").asText());
        assertEquals(warmedInstance, azure.emulator.appInstance(azure.cmsSite, "production").orElseThrow().id(),
                "production serves the very instance that was warmed: the swap restarted nothing");
        assertEquals(200, first.statusCode(), "the first request after going live is warm: " + first.body());
        assertEquals("cms/2.0", first.headers().firstValue("X-Package").orElse(null));
        EmulatedSlot live = azure.emulator.slot(azure.cmsSite, "production").orElseThrow();
        assertEquals("/", live.appSettings().get("WEBSITE_SWAP_WARMUP_PING_PATH"),
                "App Service warms the host names during the swap on the first warm-up path");
        assertEquals("200", live.appSettings().get("WEBSITE_SWAP_WARMUP_PING_STATUSES"));
    }

    @Test
    void resetCancelsAPendingPreviewAndTheStagingSlotHasItsOwnSlotSettingsBack() {
        // Arrange
        String id = awaitingVerification(null);
        boolean previewing = azure.emulator.slot(azure.cmsSite, "staging").orElseThrow().previewTargetSlot().isPresent();

        // Act
        azure.http.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":false}");
        azure.runQueues();

        // Assert
        assertTrue(previewing, "the staging slot was in a swap with preview");
        assertEquals("Reset", azure.http.get("/deployments/" + id).json().get("status").asText());
        EmulatedSlot staging = azure.emulator.slot(azure.cmsSite, "staging").orElseThrow();
        assertTrue(staging.previewTargetSlot().isEmpty(), "the preview was cancelled");
        assertFalse(staging.appSettings().containsKey(STICKY),
                "the staging slot's own value (none: a new slot gets no sticky settings) is back: " + staging.appSettings());
        assertEquals("cms/1.0", azure.productionPackage());
        assertEquals(PRODUCTION_VALUE, azure.emulator.slot(azure.cmsSite, "production").orElseThrow().appSettings()
                .get(STICKY), "production keeps its own sticky value");
    }

    @Test
    void aSwapWhoseWarmUpPingNeverAnswersAnAcceptedStatusEndsFailedAndTheEngineSaysWhy() {
        // Arrange: someone stops the staging slot while the release awaits verification
        String id = awaitingVerification(null);
        azure.emulator.stopSlotByHand(azure.cmsSite, "staging");

        // Act
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        JsonNode deployment = azure.http.get("/deployments/" + id).json();
        assertEquals("Failed", deployment.get("status").asText(), deployment.toString());
        JsonNode error = deployment.get("errors").get(0);
        assertEquals("WARM_UP", error.get("kind").asText(), error.toString());
        assertEquals("COMPLETE_SWAP", error.get("stage").asText(), error.toString());
        String message = error.get("message").asText();
        assertTrue(message.contains("App Service stopped the swap"), message);
        assertTrue(message.contains("HTTP 503"), message);
        assertFalse(message.contains("NEWSECRET") || message.contains("OLDSECRET"), message);
        assertEquals("cms/1.0", azure.productionPackage(), "production still serves the maintenance content");
        assertEquals("ReadOnly", azure.emulator.slot(azure.cmsSite, "production").orElseThrow().appSettings()
                .get("Cms__DatabaseMode"));
        assertTrue(azure.emulator.requests().stream().anyMatch(r -> r.operation().equals("swapSlot")
                && r.status() == 202), "a swap was accepted, and App Service stopped it");
    }

    @Test
    void aCrashAfterApplyingThePreviewBeforeRecordingItIsRedeliveredToAConsistentState() {
        // Arrange: the process dies right after App Service applied production's slot settings to staging
        FaultInjector crashes = new FaultInjector()
                .crash(CrashRule.at(CrashPoint.AFTER_CLOUD_CALL).after("applyProductionConfiguration"));

        // Act
        String id = awaitingVerification(crashes);
        WebAppState row = azure.stack.store().load(id).orElseThrow().webApp("cms").orElseThrow();
        EmulatedSlot staging = azure.emulator.slot(azure.cmsSite, "staging").orElseThrow();
        azure.http.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":false}");
        azure.runQueues();

        // Assert
        assertEquals(1, crashes.crashesInjected(CrashPoint.AFTER_CLOUD_CALL), "the crash was injected");
        assertNotNull(row.previewAppliedAt(), "the redelivery recorded the preview in the web app's row");
        assertEquals(PRODUCTION_VALUE, staging.appSettings().get(STICKY));
        assertEquals("Reset", azure.http.get("/deployments/" + id).json().get("status").asText());
        EmulatedSlot after = azure.emulator.slot(azure.cmsSite, "staging").orElseThrow();
        assertTrue(after.previewTargetSlot().isEmpty(), "Reset knew of the preview and cancelled it");
        assertFalse(after.appSettings().containsKey(STICKY), after.appSettings().toString());
        assertEquals("cms/1.0", azure.productionPackage());
    }

    private HttpResponse<String> get(URI base) {
        try {
            return client.send(HttpRequest.newBuilder(base.resolve("/")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
