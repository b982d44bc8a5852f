package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.emulator.AppInstance;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * App Service restarts a slot asynchronously after a settings write: the old instance (old package, old settings, or
 * a new slot's empty default site) keeps answering for a while. Warm-up runs right after the deploy step wrote the
 * new package, so its first 200 may come from the old instance; it must not count. The emulator's restart lag is set
 * long here (30 s, six warm-up polls) so that every early round meets the old instance.
 */
class AsynchronousRestartWarmUpTest {

    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0");

    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        azure.close();
    }

    @Test
    void aBrokenReleaseIsNotReportedWarmFromTheOldInstancesAnswer() {
        // Arrange: the new release fails at startup; the staging slot answers 200 until its restart takes effect
        SamplePackage broken = SamplePackage.of("cms", "2.0")
                .startupFailure("System.InvalidOperationException: Unable to resolve service for type 'ICache'");
        azure = new EmulatorHarness(OLD, broken);
        azure.emulator.setRestartLag(Duration.ofSeconds(30));
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();

        // Assert: warm-up failed on the new instance's error, and production still runs the old code
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("Failed", status.get("status").asText(), "a broken release is never warm: " + status);
        assertTrue(status.toString().contains("Unable to resolve service"), status.toString());
        assertEquals("cms/1.0", azure.productionPackage());
    }

    @Test
    void aGoodReleaseIsWarmOnlyAfterItsNewInstanceAnswered() {
        // Arrange: the new release has a 3 s cold start
        SamplePackage good = SamplePackage.of("cms", "2.0").coldStartSeconds(3);
        azure = new EmulatorHarness(OLD, good);
        azure.emulator.setRestartLag(Duration.ofSeconds(30));
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();

        // Assert: awaiting verification, the staging slot runs 2.0, and the step called it warm only once that
        // instance was past its cold start
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("AwaitingVerification", status.get("status").asText(), status.toString());
        AppInstance staging = azure.emulator.appInstance(azure.cmsSite, "staging").orElseThrow();
        assertEquals("2.0", staging.manifest().version());
        List<Instant> warm = new ArrayList<>();
        azure.http.get("/deployments/" + id + "/log").json().get("lines").forEach(line -> {
            String message = line.get("message").asText();
            if (message.startsWith("Slot ") && message.contains("staging") && message.contains(" is warm")) {
                warm.add(Instant.parse(line.get("at").asText()));
            }
        });
        assertEquals(1, warm.size(), "one warm-up verdict: " + warm);
        Instant answeredFrom = staging.startedAt().plus(staging.manifest().coldStart());
        assertFalse(warm.get(0).isBefore(answeredFrom), "called warm at " + warm.get(0)
                + ", but the new instance answered only from " + answeredFrom);
    }
}
