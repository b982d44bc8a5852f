package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.models.TableEntity;
import io.smoothdeploy.local.LocalExecutionContext;
import io.smoothdeploy.testing.TestAzurite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retention purge through the local host, on Azurite: the timer removes the finished deployments older than the
 * retention (90 days by default) with every row they had, logs the count, and keeps new ones, the environment's last
 * one, and the idempotency key of a kept deployment.
 */
class RetentionTest {

    private final LocalHostHarness host = new LocalHostHarness();
    private final List<String> timerLog = new ArrayList<>();
    private final Logger timerLogger = Logger.getLogger("Function.StaleMaintenanceTimer");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            timerLog.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void tickByHand() {
        host.stack.timerScheduler().enabled(false);
        timerLogger.addHandler(capture);
    }

    @AfterEach
    void stop() {
        timerLogger.removeHandler(capture);
        host.close();
    }

    @Test
    void theTimerPurgesFinishedDeploymentsOlderThanTheRetentionWithAllTheirRowsAndKeepsNewOnesAndTheLast() {
        // Arrange: in prod, one deployment that went live and one reset, both with keys; in keep, one that went live
        // (its environment's last); then 91 days on, a new deployment in prod that goes live
        assertEquals(201, host.put("/environments/prod", LocalHostHarness.environmentBody(true)).status());
        assertEquals(201, host.put("/environments/keep", host.environmentOnOwnSite(2)).status());
        String live = runTo("prod", "old-live", "complete", "Succeeded");
        String reset = runTo("prod", "old-reset", "reset", "Reset");
        String keptLast = runTo("keep", "keep-last", "complete", "Succeeded");
        // the rollback windows (30 minutes by default) close first, so the tick below only purges: closing a window
        // stops its slot and logs a line, which would count as a row here
        host.clock.advance(Duration.ofMinutes(31));
        host.stack.timer().staleMaintenance("{}", LocalExecutionContext.forFunction("StaleMaintenanceTimer"));
        host.clock.advance(Duration.ofDays(91));
        String fresh = runTo("prod", "new-live", "complete", "Succeeded");
        int oldRows = rowsOf(live) + rowsOf(reset);
        int rowsBefore = host.rowsWritten();
        assertTrue(rowsOf(live) > 10 && rowsOf(reset) > 10, "the old deployments have rows to purge");

        // Act
        host.stack.timer().staleMaintenance("{}", LocalExecutionContext.forFunction("StaleMaintenanceTimer"));

        // Assert: the old finished ones are gone, every row of them
        for (String gone : List.of(live, reset)) {
            assertEquals(404, host.get("/deployments/" + gone).status(), gone);
            assertEquals(404, host.get("/deployments/" + gone + "/log").status(), gone);
            assertEquals(0, rowsOf(gone), "no row of " + gone + " is left: " + rowsNaming(gone));
        }
        assertEquals(rowsBefore - oldRows, host.rowsWritten(), "only their rows went");
        // the new one and the other environment's last one stay, with their logs
        assertEquals(200, host.get("/deployments/" + fresh).status());
        assertTrue(host.get("/deployments/" + fresh + "/log").json().get("lines").size() > 5);
        assertEquals(200, host.get("/deployments/" + keptLast).status());
        assertTrue(host.get("/deployments/" + keptLast + "/log").json().get("lines").size() > 5);
        List<String> history = new ArrayList<>();
        host.get("/environments/prod/deployments").json().get("deployments")
                .forEach(d -> history.add(d.get("id").asText()));
        assertEquals(List.of(fresh), history);
        // a purged deployment's key is free again; a kept one's still names its deployment
        assertEquals(fresh, host.post("/deployments", LocalHostHarness.startBody("prod", LocalHostHarness.NEW_PACKAGE,
                "new-live")).json().get("id").asText());
        ApiClient.Response again = host.post("/deployments", LocalHostHarness.startBody("prod",
                LocalHostHarness.NEW_PACKAGE, "old-live"));
        assertEquals(202, again.status(), again.toString());
        assertTrue(!again.json().get("id").asText().equals(live), "a new deployment, not the purged one");
        // the count is logged
        assertTrue(timerLog.stream().anyMatch(l -> l.startsWith("retention purge: 2 deployment(s) and ")
                && l.contains("older than 90 day(s) removed; 1 old one(s) kept")), timerLog.toString());
    }

    @Test
    void aSecondTickFindsNothingMoreToPurgeAndADeploymentYoungerThanTheRetentionStays() {
        // Arrange
        assertEquals(201, host.put("/environments/prod", LocalHostHarness.environmentBody(true)).status());
        String first = runTo("prod", "first", "complete", "Succeeded");
        host.clock.advance(Duration.ofDays(89));
        String second = runTo("prod", "second", "complete", "Succeeded");

        // Act: 89 days after the first, then 2 more days
        tick();
        int afterFirstTick = host.rowsWritten();
        host.clock.advance(Duration.ofDays(2));
        tick();
        tick();

        // Assert: the first tick found it 89 days old, the second 91, the third nothing left
        List<String> purges = timerLog.stream().filter(l -> l.startsWith("retention purge: ")).toList();
        assertEquals(3, purges.size(), timerLog.toString());
        assertTrue(purges.get(0).startsWith("retention purge: 0 deployment(s) and 0 log line(s)"), purges.toString());
        assertTrue(purges.get(1).startsWith("retention purge: 1 deployment(s) and "), purges.toString());
        assertTrue(purges.get(2).startsWith("retention purge: 0 deployment(s) and 0 log line(s)"), purges.toString());
        assertEquals(404, host.get("/deployments/" + first).status(), "91 days old at the second tick");
        assertEquals(200, host.get("/deployments/" + second).status());
        assertTrue(host.rowsWritten() < afterFirstTick);
    }

    private void tick() {
        host.stack.timer().staleMaintenance("{}", LocalExecutionContext.forFunction("StaleMaintenanceTimer"));
    }

    /** Starts a deployment with {@code key}, runs it to AwaitingVerification, then completes or resets it. */
    private String runTo(String environment, String key, String action, String status) {
        ApiClient.Response started = host.post("/deployments", LocalHostHarness.startBody(environment,
                LocalHostHarness.NEW_PACKAGE, key));
        assertEquals(202, started.status(), started.toString());
        String id = started.json().get("id").asText();
        host.runQueues();
        assertEquals("AwaitingVerification", host.get("/deployments/" + id).json().get("status").asText());
        assertEquals(202, host.post("/deployments/" + id + "/" + action, null).status());
        host.runQueues();
        assertEquals(status, host.get("/deployments/" + id).json().get("status").asText());
        return id;
    }

    private int rowsOf(String id) {
        return rowsNaming(id).size();
    }

    /** Every row of the state and index tables that names the deployment (in its key or as its deploymentId). */
    private List<String> rowsNaming(String id) {
        List<String> keys = new ArrayList<>();
        for (String table : List.of(host.settings.get("StateTableName"), host.settings.get("DeploymentIndexTableName"))) {
            for (TableEntity row : TestAzurite.rows(table)) {
                if (row.getPartitionKey().contains(id) || row.getRowKey().contains(id)
                        || id.equals(row.getProperty("deploymentId"))) {
                    keys.add(row.getPartitionKey() + "/" + row.getRowKey());
                }
            }
        }
        return keys;
    }
}
