package io.smoothdeploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpMethod;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.local.LocalExecutionContext;
import io.smoothdeploy.local.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Table requests a deployment costs, counted exactly by a pipeline policy on the Table client (they do not
 * depend on the machine, so a regression fails the build; timings stay in {@link Bench}). Deliveries run one at
 * a time in virtual time, so none of them meets a conflict here.
 */
class TableRoundTripsTest {

    /**
     * Requests of one delivery that meets no conflict, outbox included: one range read, one batch. The delivery
     * that ends the deployment too: it releases the environment's hold in its batch without reading the row.
     */
    static final int MAX_PER_DELIVERY = 2;
    /** Average requests of a web-app delivery of a 3-web-app deployment (the fan-in). */
    static final double MAX_AVERAGE_PER_WEB_APP_DELIVERY = 2;
    /** The first start of an environment: its row (read once), the index row, the batch. */
    static final int MAX_START = 3;
    /** A later start also reads the last deployment's rows (resume, the maintenance packages it names). */
    static final int MAX_LATER_START = 4;
    static final int MAX_COMPLETE = 3;
    static final int MAX_STATUS_POLL = 2;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T09:00:00Z"));
    private BenchHost host;

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    private Run deployOnce(int webApps) {
        host = new BenchHost(clock, Pacing.DEFAULT, webApps);
        host.stack.timerScheduler().enabled(false);
        DeliveryCounts deliveries = new DeliveryCounts();
        host.queue().observeDeliveries(deliveries);
        host.register(1);
        String id;
        int start;
        try (TableRequestCounter.Scope scope = TableRequestCounter.open()) {
            id = host.start(1);
            start = scope.requests();
        }
        host.queue().runUntilIdle(Duration.ofHours(2));
        int poll;
        long sqlBefore = host.sqlCalls.get();
        try (TableRequestCounter.Scope scope = TableRequestCounter.open()) {
            assertEquals("AwaitingVerification", host.status(id));
            poll = scope.requests();
        }
        long sqlCalls = host.sqlCalls.get() - sqlBefore;
        int complete;
        try (TableRequestCounter.Scope scope = TableRequestCounter.open()) {
            host.complete(id);
            complete = scope.requests();
        }
        host.queue().runUntilIdle(Duration.ofHours(2));
        assertEquals("Succeeded", host.status(id));
        int environmentPoll;
        try (TableRequestCounter.Scope scope = TableRequestCounter.open()) {
            assertEquals(200, host.call(com.microsoft.azure.functions.HttpMethod.GET, "/environments/e1", null).status());
            environmentPoll = scope.requests();
        }
        List<DeliveryCounts.Delivery> delivered = deliveries.deliveries();
        int laterStart;
        try (TableRequestCounter.Scope scope = TableRequestCounter.open()) {
            host.start(1);
            laterStart = scope.requests();
        }
        Run run = new Run(start, laterStart, complete, poll, environmentPoll, sqlCalls, delivered);
        if (System.getenv("ROUND_TRIPS_PRINT") != null) {
            System.out.println("ROUNDTRIPS webApps=" + webApps + " start=" + start + " laterStart=" + laterStart
                    + " complete=" + complete + " poll=" + poll + " environmentPoll=" + environmentPoll
                    + " sql=" + sqlCalls);
            run.deliveries().forEach(d -> System.out.println("ROUNDTRIPS   " + d.stage() + " " + d.webApp() + " "
                    + d.requests() + " conflicts=" + d.conflicts()));
        }
        return run;
    }

    record Run(int start, int laterStart, int complete, int poll, int environmentPoll, long sqlCalls,
               List<DeliveryCounts.Delivery> deliveries) {
    }

    @Test
    void aConflictFreeDeliveryCostsAtMostItsBudget() {
        Run run = deployOnce(1);

        assertFalse(run.deliveries().isEmpty());
        for (DeliveryCounts.Delivery delivery : run.deliveries()) {
            assertEquals(0, delivery.conflicts(), "deliveries run one at a time: " + delivery);
            assertTrue(delivery.requests() <= MAX_PER_DELIVERY, delivery + " sent more than " + MAX_PER_DELIVERY);
        }
    }

    @Test
    void webAppDeliveriesOfAThreeWebAppDeploymentAverageAtMostTheirBudget() {
        Run run = deployOnce(3);

        List<DeliveryCounts.Delivery> webAppDeliveries = run.deliveries().stream()
                .filter(d -> d.webApp() != null).toList();
        double average = webAppDeliveries.stream().mapToInt(DeliveryCounts.Delivery::requests).average().orElseThrow();
        assertTrue(webAppDeliveries.size() >= 9, "each of 3 web apps has its steps: " + webAppDeliveries);
        assertTrue(average <= MAX_AVERAGE_PER_WEB_APP_DELIVERY, "average " + average + " over " + webAppDeliveries);
    }

    @Test
    void startCompleteAndStatusPollCostAtMostTheirBudgets() {
        Run run = deployOnce(3);

        assertTrue(run.start() <= MAX_START, "start sent " + run.start());
        assertTrue(run.laterStart() <= MAX_LATER_START, "a later start sent " + run.laterStart());
        assertTrue(run.environmentPoll() <= MAX_STATUS_POLL, "the environment GET sent " + run.environmentPoll());
        assertTrue(run.complete() <= MAX_COMPLETE, "complete sent " + run.complete());
        assertTrue(run.poll() <= MAX_STATUS_POLL, "a status poll sent " + run.poll());
        assertEquals(0, run.sqlCalls(), "a status poll asks SQL nothing");
    }

    /** A poll of a ReadWrite deployment: its Table requests, its SQL calls and what it showed. */
    private record Poll(int requests, long sqlCalls, JsonNode status) {
        JsonNode temporaryDatabase() {
            return status.get("temporaryDatabase");
        }
    }

    private Poll poll(String id) {
        long sqlBefore = host.sqlCalls.get();
        try (TableRequestCounter.Scope scope = TableRequestCounter.open()) {
            JsonNode status = host.statusDocument(id);
            return new Poll(scope.requests(), host.sqlCalls.get() - sqlBefore, status);
        }
    }

    @Test
    void aReadWriteStatusPollAsksSqlNothingAndShowsTheCountTheStepsAndTheTimerStoredWithItsTime() {
        // Arrange: a ReadWrite deployment awaiting verification; the await-verification step counted 0 writes
        host = new BenchHost(clock, Pacing.DEFAULT, 1);
        host.stack.timerScheduler().enabled(false);
        host.register(1);
        String id = host.start(1, "ReadWrite");
        host.queue().runUntilIdle(Duration.ofHours(2));
        Poll counted = poll(id);
        assertEquals("AwaitingVerification", counted.status().get("status").asText(), counted.status().toString());
        Instant countedAt = Instant.parse(counted.temporaryDatabase().get("writesCountedAt").asText());
        DatabaseRef temporary = new DatabaseRef(BenchHost.SQL_SERVER, counted.temporaryDatabase().get("name").asText());
        // visitors write to the clone after that count
        host.cloud.setWrites(temporary, 3);
        clock.advance(Duration.ofMinutes(5));

        // Act: a poll, a timer tick, a poll, then Complete after more writes
        Poll beforeTick = poll(id);
        host.stack.timer().staleMaintenance("{}", LocalExecutionContext.forFunction("StaleMaintenanceTimer"));
        Poll afterTick = poll(id);
        host.cloud.setWrites(temporary, 5);
        BenchHost.Answer refused = host.call(HttpMethod.POST, "/deployments/" + id + "/complete", null);

        // Assert: polls ask SQL nothing and show the stored count with its time, old until the timer counts again
        assertEquals(0, counted.temporaryDatabase().get("writesSinceClone").asLong(), counted.status().toString());
        assertTrue(!countedAt.isAfter(clock.instant()), "counted at " + countedAt);
        for (Poll p : List.of(counted, beforeTick, afterTick)) {
            assertEquals(0, p.sqlCalls(), "a status poll asks SQL nothing: " + p.status());
            assertTrue(p.requests() <= MAX_STATUS_POLL, "a status poll sent " + p.requests());
        }
        assertEquals(0, beforeTick.temporaryDatabase().get("writesSinceClone").asLong(), beforeTick.status().toString());
        assertEquals(countedAt.toString(), beforeTick.temporaryDatabase().get("writesCountedAt").asText());
        assertEquals(3, afterTick.temporaryDatabase().get("writesSinceClone").asLong(), afterTick.status().toString());
        assertEquals(clock.instant(), Instant.parse(afterTick.temporaryDatabase().get("writesCountedAt").asText()));
        assertEquals(counted.status().get("updatedAt").asText(), afterTick.status().get("updatedAt").asText(),
                "a count is not progress");
        // Complete's data-loss guard counts fresh, whatever is stored
        assertEquals(409, refused.status(), String.valueOf(refused.body()));
        assertEquals(5, refused.body().get("writesToTemporaryDatabase").asLong(), refused.body().toString());
    }
}
