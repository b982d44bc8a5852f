package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each diagnosis cause, reproduced on the real Azure path (the ARM adapter against the local Azure emulator), and
 * then its advice followed as a person would: the test first checks that the advice says the very thing the test
 * then does (so advice that cannot be followed, or that leaves out a step, fails here), does it through the API,
 * and reaches the outcome the advice promises.
 */
class FollowTheAdviceTest {

    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0");
    private static final SamplePackage NEW = SamplePackage.of("cms", "2.0");

    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        if (azure != null) {
            azure.close();
        }
    }

    @Test
    void readOnlyNotSupportedWithAnotherWebAppInMaintenanceIsResetThenStartedInReadWriteAndSucceeds() {
        // Arrange: the scheduler enters maintenance; the CMS's old release fails on the read-only clone
        azure = new EmulatorHarness(SamplePackage.of("cms", "1.0").supportsReadOnly(false), NEW);
        azure.addScheduler();
        String failed = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        JsonNode status = azure.http.get("/deployments/" + failed).json();
        assertEquals("Failed", status.get("status").asText(), status.toString());
        assertEquals("ReadOnlyNotSupported", status.get("diagnosis").get("cause").asText(), status.toString());
        assertTrue(inMaintenance(status).contains("scheduler"), status.toString());
        String fix = status.get("diagnosis").get("fix").asText();

        // Act 1: what the advice says first, and what the refusal of a plain ReadWrite start says
        says(fix, "reset deployment " + failed);
        says(fix, "then start again in ReadWrite mode");
        ApiClient.Response refused = azure.http.post("/deployments", startBody("cms-2.0.zip", "ReadWrite"));
        ApiClient.Response reset = azure.http.post("/deployments/" + failed + "/reset", null);
        azure.runQueues();

        // Act 2: then a start in ReadWrite mode, checked and completed
        ApiClient.Response started = azure.http.post("/deployments", startBody("cms-2.0.zip", "ReadWrite"));
        azure.runQueues();
        String id = started.json().path("id").asText();
        String awaiting = azure.http.get("/deployments/" + id).json().path("status").asText();
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        assertEquals(422, refused.status(), refused.body());
        String detail = refused.json().get("detail").asText();
        says(detail, "reset deployment " + failed);
        says(detail, "then start again in ReadWrite mode");
        assertEquals(202, reset.status(), reset.body());
        assertEquals("Reset", azure.http.get("/deployments/" + failed).json().get("status").asText());
        assertEquals(202, started.status(), started.body());
        assertEquals("AwaitingVerification", awaiting, log(id));
        assertEquals("Succeeded", azure.http.get("/deployments/" + id).json().get("status").asText(), log(id));
        assertEquals("cms/2.0", azure.productionPackage());
    }

    /** Fails unless {@code advice} says {@code step} (ignoring case): the test only does what it was told. */
    private static void says(String advice, String step) {
        assertTrue(advice.toLowerCase(java.util.Locale.ROOT).contains(step.toLowerCase(java.util.Locale.ROOT)),
                "the advice says '" + step + "': " + advice);
    }

    private String startBody(String packageFile, String mode) {
        return startBody(packageFile, mode, azure.sha256(packageFile));
    }

    private static String startBody(String packageFile, String mode, String sha256) {
        return "{\"environment\":\"prod\",\"packageUri\":\"" + EmulatorHarness.PACKAGES + packageFile
                + "?sv=2024&sig=NEWSECRET\",\"packageSha256\":\"" + sha256 + "\",\"mode\":\"" + mode + "\"}";
    }

    private static List<String> inMaintenance(JsonNode status) {
        List<String> names = new ArrayList<>();
        status.get("webApps").forEach(w -> {
            if (w.path("inMaintenance").asBoolean()) {
                names.add(w.get("name").asText());
            }
        });
        return names;
    }

    private String log(String id) {
        return azure.http.get("/deployments/" + id + "/log").body();
    }
}
