package io.smoothdeploy.state;

import io.smoothdeploy.engine.port.HistoryEntry;

import io.smoothdeploy.engine.port.ConcurrencyConflictException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.Decision;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.RetentionPurge;
import io.smoothdeploy.engine.WebAppPhase;
import io.smoothdeploy.engine.WebAppRole;
import io.smoothdeploy.engine.WebAppState;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.testing.TestAzurite;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The retention purge's rules, on the Azurite-backed store: what it removes, and what it never removes. */
class RetentionPurgeTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:15:30.123Z");
    private static final String ENV = "contoso-prod";

    private TableDeploymentStore store;

    @BeforeEach
    void freshTables() {
        store = TestAzurite.newStore().store();
    }

    @Test
    void removesOnlyAFinishedOldDeploymentThatIsNotTheLastNorInMaintenanceNorRunning() {
        // Arrange, all started at T0: a Succeeded; b Failed with a web app still in maintenance; c left InProgress
        // without the hold; d Succeeded, the environment's last
        store.saveEnvironment(TableDeploymentStoreTest.config(ENV), null);
        finish("a", DeploymentStatus.SUCCEEDED, false);
        finish("b", DeploymentStatus.FAILED, true);
        finish("c", DeploymentStatus.IN_PROGRESS, false);
        finish("d", DeploymentStatus.SUCCEEDED, false);
        ManualClock clock = new ManualClock(T0.plus(Duration.ofDays(91)));
        RetentionPurge purge = new RetentionPurge(store, clock, Duration.ofDays(90));

        // Act
        RetentionPurge.Outcome outcome = purge.runOnce();

        // Assert
        assertEquals(new RetentionPurge.Outcome(1, 3, 3), outcome);
        assertTrue(store.loadRows("a", ENV).isEmpty());
        assertTrue(store.readLog("a").isEmpty());
        assertTrue(store.findDeploymentIdByIdempotencyKey(ENV, "key-a").isEmpty(), "a's key went with it");
        for (String kept : List.of("b", "c", "d")) {
            assertTrue(store.load(kept).isPresent(), kept);
            assertEquals(3, store.readLog(kept).size(), kept);
            assertEquals(kept, store.findDeploymentIdByIdempotencyKey(ENV, "key-" + kept).orElseThrow(),
                    "the key of a kept deployment still guards it");
        }
        assertEquals(List.of("b", "c", "d"), store.listDeployments(ENV, null, 10, null).entries().stream()
                .map(HistoryEntry::deploymentId).toList());
    }

    @Test
    void nothingIsRemovedBeforeTheRetentionHasPassedSinceTheDeploymentLastChanged() {
        // Arrange: a started at T0, last changed 80 days later
        store.saveEnvironment(TableDeploymentStoreTest.config(ENV), null);
        finish("a", DeploymentStatus.FAILED, false);
        DeploymentSnapshot a = store.load("a").orElseThrow();
        store.commit(new Decision(a.deployment().withStatus(DeploymentStatus.RESET).touchedAt(T0.plus(Duration.ofDays(80))),
                List.of(), null, List.of(), List.of()));
        finish("b", DeploymentStatus.SUCCEEDED, false);

        // Act: 91 days after the start, 11 after the change
        RetentionPurge.Outcome outcome = new RetentionPurge(store, new ManualClock(T0.plus(Duration.ofDays(91))),
                Duration.ofDays(90)).runOnce();

        // Assert
        assertEquals(0, outcome.deployments());
        assertTrue(store.load("a").isPresent());
    }

    @Test
    void aDeploymentThatChangedSinceItWasReadIsNotPurgedAndKeepsItsLog() {
        // Arrange
        store.saveEnvironment(TableDeploymentStoreTest.config(ENV), null);
        finish("a", DeploymentStatus.SUCCEEDED, false);
        DeploymentSnapshot read = store.loadRows("a", ENV).orElseThrow();
        store.commit(new Decision(store.load("a").orElseThrow().deployment().withWarning("changed"), List.of(), null,
                List.of(), List.of()));

        // Act / Assert
        assertThrows(ConcurrencyConflictException.class, () -> store.purgeDeployment(read));
        assertEquals(3, store.readLog("a").size());
        assertTrue(store.load("a").isPresent());
    }

    @Test
    void theRetentionSettingIsWholeDaysFromOneAndZeroNegativeOrTextIsRefusedSayingWhy() {
        assertEquals(Duration.ofDays(90), RetentionPurge.fromSetting(null));
        assertEquals(Duration.ofDays(90), RetentionPurge.fromSetting(" "));
        assertEquals(Duration.ofDays(7), RetentionPurge.fromSetting(" 7 "));
        for (String bad : List.of("0", "-5", "36501")) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> RetentionPurge.fromSetting(bad));
            assertTrue(refused.getMessage().startsWith("the app setting DeploymentRetentionDays is " + bad.trim()
                    + ": deployments and their logs are kept at least 1 day"), refused.getMessage());
            assertTrue(refused.getMessage().contains("remove it for 90"), refused.getMessage());
        }
        IllegalStateException text = assertThrows(IllegalStateException.class, () -> RetentionPurge.fromSetting("90d"));
        assertEquals("the app setting DeploymentRetentionDays is '90d', not a whole number of days: set it to how many "
                + "days deployments and their logs are kept (1 to 36500), or remove it for 90", text.getMessage());
    }

    /**
     * Starts {@code id} at T0 (key {@code key-<id>}, two web apps, one log line), then writes it with {@code status}
     * and two more log lines, releasing the hold; with {@code maintenance} its cms web app is left in maintenance.
     */
    private void finish(String id, DeploymentStatus status, boolean maintenance) {
        EnvironmentRecord env = store.findEnvironment(ENV).orElseThrow();
        List<WebAppState> webApps = List.of(new WebAppState(id, "cms", WebAppRole.ZERO_DOWNTIME, WebAppPhase.PENDING,
                maintenance, null, 0, null, Map.of(), null, null), TableDeploymentStoreTest.webApp(id, "scheduler"));
        store.createDeployment(env.withHold(id), TableDeploymentStoreTest.deployment(id, ENV, "key-" + id), webApps,
                List.of(LogLine.info(T0, null, "started")));
        DeploymentSnapshot started = store.load(id).orElseThrow();
        Deployment ended = started.deployment().withStatus(status);
        store.commit(new Decision(ended, List.of(), started.environment().withoutHold(),
                List.of(LogLine.info(T0, "cms", "one"), LogLine.info(T0, null, "two")), List.of()));
    }
}
