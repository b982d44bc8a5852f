package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.CMS;
import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.OLD_PACKAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.testing.DeliveryClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Case 7 of "Crash-safe by construction": a swap that runs for minutes. No delivery waits for it, none swaps
 * twice, and the step checks again until production carries the content that was swapped in.
 */
class SlowSwapTest {

    /** Far below Service Bus's default one-minute message lock. */
    private static final Duration DELIVERY_BUDGET = Duration.ofSeconds(60);

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void aFiveMinuteSwapFinishesWithOneSwapRequestAndNoDeliveryLongerThanTheBudget() {
        // Arrange: every swap takes five minutes
        host.cloud.setSwapDuration(Duration.ofMinutes(5));
        String id = host.registerAndStart("prod", false);

        // Act
        Duration longestToVerification = DeliveryClock.runMeasuringDeliveries(host.queue(), host.clock, Duration.ofHours(2));
        JsonNode awaiting = host.get("/deployments/" + id).json();
        int swapsToEnterMaintenance = host.cloud.swapRequests(CMS);
        host.post("/deployments/" + id + "/complete", null);
        Duration longestToLive = DeliveryClock.runMeasuringDeliveries(host.queue(), host.clock, Duration.ofHours(2));
        JsonNode done = host.get("/deployments/" + id).json();

        // Assert
        assertEquals("AwaitingVerification", awaiting.get("status").asText(), awaiting.toString());
        assertEquals(1, swapsToEnterMaintenance, host.cloud.calls().toString());
        assertTrue(awaiting.get("webApps").get(0).get("timings").get("ENTER_MAINTENANCE").get("seconds").asDouble() >= 300,
                "entering maintenance lasted the whole swap: " + awaiting);
        assertEquals("Succeeded", done.get("status").asText(), done.toString());
        assertEquals(2, host.cloud.swapRequests(CMS), "one swap in, one swap live: " + host.cloud.calls());
        assertEquals(NEW_PACKAGE, host.cloud.inspect(SlotRef.production(CMS)).orElseThrow().packageUri());
        assertEquals(OLD_PACKAGE, host.cloud.inspect(new SlotRef(CMS, "staging")).orElseThrow().packageUri(),
                "the maintenance content (old package) left production exactly once");
        assertTrue(longestToVerification.compareTo(DELIVERY_BUDGET) <= 0, "longest delivery " + longestToVerification);
        assertTrue(longestToLive.compareTo(DELIVERY_BUDGET) <= 0, "longest delivery " + longestToLive);
        // The runs that check a requested swap only read production: no second request, not even a refused one.
        assertEquals(2, host.cloud.calls().stream().filter(c -> c.startsWith("beginSwapWithProduction")).count(),
                host.cloud.calls().toString());
    }

    @Test
    void aSwapThatAppServiceStopsIsStartedAgainAndMaintenanceIsReportedOnlyOnceProductionCarriesIt() {
        // Arrange: the first maintenance swap runs five minutes, then App Service stops it and nothing changes
        host.cloud.setSwapDuration(Duration.ofMinutes(5));
        host.cloud.stopNextSwaps(CMS, 1);
        String id = host.registerAndStart("prod", false);

        // Act
        DeliveryClock.runMeasuringDeliveries(host.queue(), host.clock, Duration.ofHours(2));

        // Assert
        JsonNode awaiting = host.get("/deployments/" + id).json();
        assertEquals("AwaitingVerification", awaiting.get("status").asText(), awaiting.toString());
        assertEquals(2, host.cloud.swapRequests(CMS), "the stopped swap was asked for again: " + host.cloud.calls());
        assertTrue(host.cloud.calls().contains("swap stopped cms-prod/maintenance"), host.cloud.calls().toString());
        assertEquals("ReadOnly", host.cloud.inspect(SlotRef.production(CMS)).orElseThrow().appSettings()
                .get("Cms__DatabaseMode"), "the maintenance content serves");
        assertTrue(awaiting.get("webApps").get(0).get("timings").get("ENTER_MAINTENANCE").get("seconds").asDouble() >= 600,
                "maintenance was reported after the second swap: " + awaiting);
    }

    @Test
    void aResetDuringASlowMaintenanceSwapWaitsForItThenSwapsBackOnce() {
        // Arrange: the maintenance swap has been started and runs for five minutes
        host.cloud.setSwapDuration(Duration.ofMinutes(5));
        String id = host.registerAndStart("prod", false);
        DeliveryClock.runMeasuringDeliveries(host.queue(), host.clock, Duration.ofHours(2));

        // Act
        host.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":false}");
        Duration longest = DeliveryClock.runMeasuringDeliveries(host.queue(), host.clock, Duration.ofHours(2));

        // Assert
        assertEquals("Reset", host.get("/deployments/" + id).json().get("status").asText());
        assertEquals(OLD_PACKAGE, host.cloud.inspect(SlotRef.production(CMS)).orElseThrow().packageUri());
        assertEquals(2, host.cloud.swapRequests(CMS), host.cloud.calls().toString());
        assertTrue(longest.compareTo(DELIVERY_BUDGET) <= 0, "longest delivery " + longest);
    }
}
