package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.emulator.RecordedRequest;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The package is checked against its SHA-256 before anything in the cloud changes, and no SAS query string
 * (nor any other secret the test planted) leaves in a status, log, timeline, diagnosis, support bundle,
 * webhook post or log record.
 */
class PackageIntegrityTest {

    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0");
    private static final SamplePackage NEW = SamplePackage.of("cms", "2.0").page("/health", 200, "healthy");
    private static final List<String> SECRETS = List.of("NEWSECRET", "OLDSECRET", "HOOKSECRET", "PIPESECRET", "sig=",
            io.smoothdeploy.testing.QueueSettings.WEBHOOK_SECRET);

    private EmulatorHarness azure;
    private final WebhookReceiver webhook = new WebhookReceiver(() -> azure.clock.instant());

    @AfterEach
    void stop() {
        webhook.close();
        azure.close();
    }

    @Test
    void aPackageWhoseBytesDoNotMatchFailsBeforeAnySlotIsTouched() {
        // Arrange: the uploaded package was changed after its hash was taken
        azure = new EmulatorHarness(OLD, NEW);
        String expected = azure.sha256("cms-2.0.zip");
        azure.emulator.tamperPackage("cms-2.0.zip");
        azure.emulator.clearRequests();

        // Act
        String id = azure.start("cms-2.0.zip", "ReadOnly", expected);
        azure.runQueues();

        // Assert
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("Failed", status.get("status").asText(), status.toString());
        JsonNode error = status.get("errors").get(0);
        assertEquals("PACKAGE", error.get("kind").asText());
        assertEquals("VERIFY_PACKAGE", error.get("stage").asText());
        String message = error.get("message").asText();
        assertTrue(message.contains("does not match the SHA-256 the deployment was started with (" + expected + ")"),
                error.toString());
        java.util.regex.Matcher hashes = java.util.regex.Pattern.compile("[0-9a-f]{64}").matcher(message);
        while (hashes.find()) {
            assertEquals(expected, hashes.group(), "the SHA-256 of what answered is never reported: " + message);
        }
        assertTrue(error.get("message").asText().contains("nothing was changed"), error.toString());
        List<RecordedRequest> requests = azure.emulator.requests();
        assertFalse(requests.isEmpty(), "the package was read");
        requests.forEach(r -> assertEquals("downloadPackage", r.operation(), "only the package was read: " + requests));
        status.get("webApps").forEach(w -> assertFalse(w.get("inMaintenance").asBoolean()));
        assertEquals(List.of("cmsdb"), azure.emulator.databaseNames(azure.sqlServer), "no clone was made");
        assertEquals("cms/1.0", azure.productionPackage());
    }

    @Test
    void noSecretAppearsInAnyStatusLogTimelineDiagnosisBundleWebhookPostOrLogRecord() {
        // Arrange: SAS tokens on both packages (the harness's), a webhook and a pipeline URL with secrets
        List<String> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String thrown = record.getThrown() == null ? "" : " " + record.getThrown();
                synchronized (records) {
                    records.add(record.getMessage() + thrown);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            azure = new EmulatorHarness(OLD, NEW, SamplePackage.of("cms", "3.0").startupFailure(
                    "System.InvalidOperationException: connection string Password=HOOKSECRET refused"));
            azure.environmentExtras = ",\"webhookUrl\":\"" + webhook.url() + "?code=HOOKSECRET\","
                    + "\"verification\":{\"smokeChecks\":[{\"path\":\"/health\"}]}";
            List<String> outputs = new ArrayList<>();

            // Act: one run that awaits verification and goes live, one that fails and is reset
            String live = startWithPipeline("cms-2.0.zip");
            azure.runQueues();
            collect(outputs, live);
            azure.http.post("/deployments/" + live + "/complete", null);
            azure.runQueues();
            collect(outputs, live);
            String failed = startWithPipeline("cms-3.0.zip");
            azure.runQueues();
            collect(outputs, failed);
            azure.http.post("/deployments/" + failed + "/reset", null);
            azure.runQueues();
            collect(outputs, failed);
            outputs.add(azure.http.get("/environments/prod").body());
            webhook.received().forEach(p -> outputs.add(p.toString()));

            // Assert
            JsonNode diagnosis = azure.http.get("/deployments/" + failed + "/diagnosis").json();
            assertEquals("StartupError", diagnosis.get("diagnosis").get("cause").asText(),
                    "a reset run keeps its diagnosis: " + diagnosis);
            assertTrue(diagnosis.toString().contains("Password=<redacted>"), diagnosis.toString());
            assertTrue(webhook.received("statusChanged").size() >= 6, webhook.received().toString());
            assertEquals(List.of(), webhook.rejected(), "every post is signed and verifies");
            for (String output : outputs) {
                for (String secret : SECRETS) {
                    assertFalse(output.contains(secret), "'" + secret + "' leaked in: " + output);
                }
            }
            synchronized (records) {
                for (String record : records) {
                    for (String secret : SECRETS) {
                        assertFalse(record != null && record.contains(secret), "'" + secret + "' leaked in a log record: "
                                + record);
                    }
                }
            }
        } finally {
            root.removeHandler(capture);
        }
    }

    private String startWithPipeline(String packageFile) {
        ApiClient.Response registered = azure.http.put("/environments/prod", azure.environmentBody());
        assertTrue(registered.status() / 100 == 2, registered.body());
        ApiClient.Response started = azure.http.post("/deployments", "{\"environment\":\"prod\",\"packageUri\":\""
                + EmulatorHarness.PACKAGES + packageFile + "?sv=2024&sig=NEWSECRET\",\"packageSha256\":\""
                + azure.sha256(packageFile) + "\",\"mode\":\"ReadOnly\",\"commitId\":\"3f2a9c1\","
                + "\"pipelineRunUrl\":\"https://dev.azure.com/org/project/_build/results?buildId=7&token=PIPESECRET\"}");
        assertEquals(202, started.status(), started.body());
        return started.json().get("id").asText();
    }

    private void collect(List<String> outputs, String id) {
        for (String path : List.of("", "/log", "/timeline", "/diagnosis", "/support-bundle")) {
            ApiClient.Response answer = azure.http.get("/deployments/" + id + path);
            assertEquals(200, answer.status(), path + ": " + answer.body());
            outputs.add(answer.body());
        }
    }
}
