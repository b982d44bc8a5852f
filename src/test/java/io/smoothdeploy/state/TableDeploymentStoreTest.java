package io.smoothdeploy.state;

import io.smoothdeploy.engine.port.LogPage;

import io.smoothdeploy.engine.port.HistoryPage;

import io.smoothdeploy.engine.port.ConcurrencyConflictException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableErrorCode;
import com.azure.data.tables.models.TableServiceException;
import io.smoothdeploy.engine.DatabaseConfig;
import io.smoothdeploy.engine.CloneWriteCount;
import io.smoothdeploy.engine.Decision;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentError;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppPhase;
import io.smoothdeploy.engine.WebAppRole;
import io.smoothdeploy.engine.WebAppState;
import io.smoothdeploy.testing.TestAzurite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class TableDeploymentStoreTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:15:30.123456Z");
    private static final String ENV = "contoso-prod";

    private TestAzurite.Tables tables;
    private TableDeploymentStore store;
    private ExecutorService pool;

    @BeforeEach
    void freshTables() {
        tables = TestAzurite.newStore();
        store = tables.store();
    }

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ environments

    @Test
    void loadWithTheEnvironmentNamedFindsTheSameSnapshotAndAWrongOneStillFindsIt() {
        // Arrange
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        store.saveEnvironment(config("other"), null);
        store.createDeployment(env.withHold("d1"), deployment("d1", ENV, null), webApps("d1"),
                List.of(LogLine.info(T0, null, "started")));

        // Act
        DeploymentSnapshot plain = store.load("d1").orElseThrow();
        DeploymentSnapshot hinted = store.load("d1", ENV).orElseThrow();
        DeploymentSnapshot wrong = store.load("d1", "other").orElseThrow();
        DeploymentSnapshot missing = store.load("d1", "no-such-environment").orElseThrow();

        // Assert
        assertEquals(plain, hinted);
        assertEquals(plain, wrong, "a hint that names another environment falls back to the index");
        assertEquals(plain, missing);
        assertTrue(store.load("d2", ENV).isEmpty());
    }

    @Test
    void loadRowsGivesTheDeploymentsOwnRowsWithTheConfigurationItStartedOnAndNoHold() {
        // Arrange: d1 starts, fails (releasing the hold), and the environment is registered again, changed;
        // d1-2 has an id that d1 is a prefix of
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        store.createDeployment(env.withHold("d1"), deployment("d1", ENV, null), webApps("d1"),
                List.of(LogLine.info(T0, null, "started")));
        DeploymentSnapshot d1 = store.load("d1").orElseThrow();
        store.commit(new Decision(d1.deployment().withStatus(DeploymentStatus.FAILED), List.of(),
                d1.environment().withoutHold(), List.of(), List.of()));
        EnvironmentRecord free = store.findEnvironment(ENV).orElseThrow();
        EnvironmentConfig changed = new EnvironmentConfig(ENV, config(ENV).webApps().subList(0, 1),
                config(ENV).database(), "OtherConnection", "DatabaseMode", "https://pkgs/maintenance.zip",
                Duration.ofMinutes(3));
        EnvironmentRecord reRegistered = store.saveEnvironment(changed, free.etag());
        store.createDeployment(reRegistered.withHold("d1-2"), deployment("d1-2", ENV, null),
                List.of(webApp("d1-2", "cms")), List.of());

        // Act
        DeploymentSnapshot rows = store.loadRows("d1", ENV).orElseThrow();
        DeploymentSnapshot unhinted = store.loadRows("d1", null).orElseThrow();
        DeploymentSnapshot full = store.load("d1", ENV).orElseThrow();

        // Assert
        assertFalse(rows.environmentRead());
        assertEquals(config(ENV), rows.environment().config(), "the copy written when d1 started");
        assertNull(rows.environment().etag());
        assertNull(rows.environment().activeDeploymentId());
        assertEquals(List.of("cms", "scheduler"), rows.webApps().stream().map(WebAppState::name).toList(),
                "only d1's web apps, not those of d1-2");
        assertEquals(DeploymentStatus.FAILED, rows.deployment().status());
        assertEquals(rows, unhinted, "without a hint the index names the partition");
        assertTrue(full.environmentRead());
        assertEquals(changed, full.environment().config(), "load reads the environment row as it is now");
        assertEquals("d1-2", full.environment().activeDeploymentId());
        assertEquals(rows.deployment(), full.deployment());
        assertEquals(rows.webApps(), full.webApps());
        assertEquals(changed, store.loadRows("d1-2", "other").orElseThrow().environment().config());
        assertTrue(store.loadRows("d1-3", ENV).isEmpty());
    }

    @Test
    void registeredEnvironmentRoundTripsWithItsWholeConfigAndNoHold() {
        // Arrange
        EnvironmentConfig config = config(ENV);

        // Act
        EnvironmentRecord saved = store.saveEnvironment(config, null);
        Optional<EnvironmentRecord> found = store.findEnvironment(ENV);

        // Assert
        assertTrue(found.isPresent());
        assertEquals(config, found.get().config());
        assertNull(found.get().activeDeploymentId());
        assertNull(found.get().lastDeploymentId());
        assertNotNull(saved.etag());
        assertEquals(saved.etag(), found.get().etag());
        assertEquals(Duration.ofMinutes(7), found.get().config().warmUpTimeout());
    }

    @Test
    void registeringAnEnvironmentThatExistsWithoutAnEtagIsAConflictAndKeepsTheStoredConfig() {
        // Arrange
        EnvironmentRecord first = store.saveEnvironment(config(ENV), null);
        EnvironmentConfig other = new EnvironmentConfig(ENV, config(ENV).webApps().subList(0, 1),
                new DatabaseConfig("/servers/other", "otherdb"), "Other", "OtherMode", null, null);

        // Act + Assert
        assertThrows(ConcurrencyConflictException.class, () -> store.saveEnvironment(other, null));
        EnvironmentRecord stored = store.findEnvironment(ENV).orElseThrow();
        assertEquals(config(ENV), stored.config());
        assertEquals(first.etag(), stored.etag());
    }

    @Test
    void reRegisteringWithTheCurrentEtagReplacesTheConfigAndKeepsTheHold() {
        // Arrange
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        Deployment d = deployment("d1", ENV, "key-1");
        store.createDeployment(env.withHold("d1"), d, webApps("d1"), List.of(LogLine.info(T0, null, "started")));
        EnvironmentRecord held = store.findEnvironment(ENV).orElseThrow();
        EnvironmentConfig changed = new EnvironmentConfig(ENV, config(ENV).webApps(),
                new DatabaseConfig("/servers/new", "newdb"), "Main", "DbMode", null, Duration.ofMinutes(3));

        // Act
        EnvironmentRecord saved = store.saveEnvironment(changed, held.etag());

        // Assert
        EnvironmentRecord stored = store.findEnvironment(ENV).orElseThrow();
        assertEquals(changed, stored.config());
        assertEquals("d1", stored.activeDeploymentId());
        assertEquals("d1", stored.lastDeploymentId());
        assertEquals(stored, saved);
        assertNotEquals(held.etag(), saved.etag());
    }

    @Test
    void reRegisteringWithAStaleEtagIsAConflictAndKeepsTheStoredConfig() {
        // Arrange
        EnvironmentRecord first = store.saveEnvironment(config(ENV), null);
        EnvironmentConfig changed = new EnvironmentConfig(ENV, config(ENV).webApps(),
                new DatabaseConfig("/servers/new", "newdb"), "Main", "DbMode", null, null);
        EnvironmentRecord second = store.saveEnvironment(changed, first.etag());
        EnvironmentConfig third = new EnvironmentConfig(ENV, config(ENV).webApps(),
                new DatabaseConfig("/servers/third", "thirddb"), "Main", "DbMode", null, null);

        // Act + Assert
        assertThrows(ConcurrencyConflictException.class, () -> store.saveEnvironment(third, first.etag()));
        EnvironmentRecord stored = store.findEnvironment(ENV).orElseThrow();
        assertEquals(changed, stored.config());
        assertEquals(second.etag(), stored.etag());
    }

    @Test
    void unknownEnvironmentIsEmpty() {
        // Act + Assert
        assertTrue(store.findEnvironment("nobody").isEmpty());
        assertTrue(store.findEnvironment("bad/name#?").isEmpty());
    }

    // ------------------------------------------------------------------ create + load

    @Test
    void createdDeploymentRoundTripsEveryFieldOfEveryRow() {
        // Arrange
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        Deployment d = fullDeployment("d20250301t101530-3f9a1c2b", ENV);
        List<WebAppState> webApps = List.of(
                new WebAppState(d.id(), "cms", WebAppRole.ZERO_DOWNTIME, WebAppPhase.DEPLOYED, true,
                        Stage.WARM_UP, 3, T0.plusSeconds(5),
                        Map.of(Stage.ENTER_MAINTENANCE, new WebAppState.StageTiming(T0, T0.plusSeconds(1), 1),
                                Stage.DEPLOY_SLOT, new WebAppState.StageTiming(T0.plusSeconds(2), T0.plusSeconds(4), 2)),
                        new DeploymentError(FailureKind.WARM_UP, Stage.WARM_UP, "cms", "503 from /health", T0,
                                io.smoothdeploy.engine.FailureEvidence.probe(new io.smoothdeploy.engine.FailureEvidence
                                        .Probe("staging", "cms.example.com", "/health", 503, "warming up"))),
                        null),
                new WebAppState(d.id(), "scheduler", WebAppRole.MAINTENANCE_PAGE, WebAppPhase.PENDING, false,
                        null, 0, null, Map.of(), null, null));
        List<LogLine> log = List.of(LogLine.info(T0, null, "Deployment started"),
                LogLine.warning(T0, "cms", "slow"), LogLine.error(T0.plusMillis(1), "scheduler", "boom"),
                // the fields the diagnosis and the reports read instead of the words
                LogLine.retry(T0.plusMillis(2), "cms", "tried again").inStage(Stage.WARM_UP),
                LogLine.info(T0.plusMillis(3), null, "rolled").as(LogLine.Event.ROLL_FORWARD));

        // Act
        store.createDeployment(env.withHold(d.id()), d, webApps, log);
        DeploymentSnapshot snapshot = store.load(d.id()).orElseThrow();

        // Assert
        assertEquals(withEtag(d, snapshot.deployment().etag()), snapshot.deployment());
        assertNotNull(snapshot.deployment().etag());
        assertEquals(d.id(), snapshot.environment().activeDeploymentId());
        assertEquals(d.id(), snapshot.environment().lastDeploymentId());
        assertEquals(config(ENV), snapshot.environment().config());
        assertEquals(2, snapshot.webApps().size());
        for (int i = 0; i < webApps.size(); i++) {
            WebAppState loaded = snapshot.webApps().get(i);
            assertNotNull(loaded.etag());
            assertEquals(withEtag(webApps.get(i), loaded.etag()), loaded);
        }
        assertEquals(log, store.readLog(d.id()));
        assertEquals(Optional.of(d.id()), store.findDeploymentIdByIdempotencyKey(ENV, "caller-key-42"));
    }

    @Test
    void absentOptionalFieldsRoundTripAsNullAndEmpty() {
        // Arrange
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        Deployment d = new Deployment("d2", ENV, DeploymentStatus.IN_PROGRESS, Stage.CLONE_DB, 0,
                DeploymentMode.MAINTENANCE_PAGE, "https://pkg/app.zip", "ab12", null, T0, T0, null, false,
                List.of(), List.of(), List.of(), null, null, null, 0, null, null);

        // Act
        store.createDeployment(env.withHold("d2"), d, webApps("d2"), List.of(new LogLine(T0, LogLine.Level.INFO,
                null, "no web app")));
        DeploymentSnapshot snapshot = store.load("d2").orElseThrow();

        // Assert
        assertEquals(withEtag(d, snapshot.deployment().etag()), snapshot.deployment());
        assertNull(snapshot.deployment().idempotencyKey());
        assertNull(snapshot.deployment().stageStartedAt());
        assertNull(snapshot.deployment().cloneWriteCount(), "a row without a write count reads as not counted");
        WebAppState cms = snapshot.webApp("cms").orElseThrow();
        assertNull(cms.workingStage());
        assertNull(cms.error());
        assertNull(cms.stageStartedAt());
        assertTrue(cms.timings().isEmpty());
        assertNull(store.readLog("d2").get(0).webApp());
        assertEquals(0, tables.countStateRows("idem_"));
    }

    @Test
    void aPackagePerWebAppRoundTripsWithItsKeptOneAndARollForwardToOnePackageForAllDropsThem() {
        // Arrange: cms and commerce given their own, the scheduler kept production's
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        Map<String, io.smoothdeploy.engine.WebAppPackage> packages = Map.of(
                "cms", io.smoothdeploy.engine.WebAppPackage.given("https://pkg/cms.zip?sig=A", "AB".repeat(32)),
                "commerce", io.smoothdeploy.engine.WebAppPackage.given("https://pkg/commerce.zip", "cd".repeat(32)),
                "scheduler", io.smoothdeploy.engine.WebAppPackage.keptFrom("https://pkg/scheduler-1.zip"));
        Deployment d = new Deployment("d4", ENV, DeploymentStatus.IN_PROGRESS, Stage.VERIFY_PACKAGE, 0,
                DeploymentMode.READ_ONLY, null, null, null, T0, T0, null, false, List.of(), List.of(), List.of(), null,
                null, null, 0, null, null).withPackages(packages);
        store.createDeployment(env.withHold(d.id()), d, webApps(d.id()), List.of());

        // Act
        Deployment stored = store.load(d.id()).orElseThrow().deployment();
        store.commit(new Decision(stored.rolledForward("https://pkg/all.zip", "ef".repeat(32), Map.of(),
                T0.plusSeconds(60)), List.of(), null, List.of(), List.of()));
        Deployment rolled = store.load(d.id()).orElseThrow().deployment();

        // Assert
        assertEquals(withEtag(d, stored.etag()), stored);
        assertEquals("ab".repeat(32), stored.packageFor("cms").orElseThrow().sha256(), "kept lower case");
        assertTrue(stored.packageFor("scheduler").orElseThrow().kept());
        assertNull(stored.packageUri());
        assertTrue(rolled.packages().isEmpty(), "replacing the row drops the map");
        assertEquals("https://pkg/all.zip", rolled.packageFor("scheduler").orElseThrow().uri());
    }

    @Test
    void aWriteCountRoundTripsWithItsTimeAndAnUncountedOneKeepsOnlyItsTime() {
        // Arrange
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        Deployment d = fullDeployment("d3", ENV).withCloneWriteCount(new CloneWriteCount(12L, T0.plusSeconds(90)));
        store.createDeployment(env.withHold(d.id()), d, webApps(d.id()), List.of());
        Deployment stored = store.load(d.id()).orElseThrow().deployment();

        // Act
        store.commit(new Decision(stored.withCloneWriteCount(new CloneWriteCount(null, T0.plusSeconds(390))),
                List.of(), null, List.of(), List.of()));
        Deployment recounted = store.load(d.id()).orElseThrow().deployment();

        // Assert
        assertEquals(new CloneWriteCount(12L, T0.plusSeconds(90)), stored.cloneWriteCount());
        assertEquals(new CloneWriteCount(null, T0.plusSeconds(390)), recounted.cloneWriteCount(),
                "replacing the row drops the old number: an uncounted moment never shows an earlier count");
        assertEquals(stored.updatedAt(), recounted.updatedAt());
    }

    @Test
    void createDeploymentWithAStaleEnvironmentEtagIsAConflictAndWritesNoRowAtAll() {
        // Arrange
        EnvironmentRecord stale = store.saveEnvironment(config(ENV), null);
        EnvironmentRecord current = store.saveEnvironment(config(ENV), stale.etag());
        int stateRowsBefore = tables.countStateRows();
        Deployment d = deployment("d3", ENV, "retry-key");

        // Act
        ConcurrencyConflictException conflict = assertThrows(ConcurrencyConflictException.class,
                () -> store.createDeployment(stale.withHold("d3"), d, webApps("d3"),
                        List.of(LogLine.info(T0, null, "started"))));

        // Assert
        assertTrue(conflict.getCause() instanceof TableServiceException, "a real service answer: " + conflict);
        assertEquals(stateRowsBefore, tables.countStateRows());
        assertEquals(1, tables.countStateRows(), "only the environment row");
        assertEquals(0, tables.countStateRows("dep_"));
        assertEquals(0, tables.countStateRows("idem_"));
        assertEquals(0, tables.countStateRows("log_"));
        assertEquals(0, tables.countIndexRows(), "the index row is removed again");
        assertTrue(store.load("d3").isEmpty());
        assertTrue(store.findDeploymentIdByIdempotencyKey(ENV, "retry-key").isEmpty());
        EnvironmentRecord stored = store.findEnvironment(ENV).orElseThrow();
        assertNull(stored.activeDeploymentId());
        assertEquals(current.etag(), stored.etag());
    }

    @Test
    void twoStartsFromTheSameEnvironmentReadHoldItOnceAndTheLoserWritesNothing() {
        // Arrange
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        store.createDeployment(env.withHold("first"), deployment("first", ENV, "k1"), webApps("first"),
                List.of(LogLine.info(T0, null, "first started")));
        int rowsAfterFirst = tables.countStateRows();

        // Act
        assertThrows(ConcurrencyConflictException.class,
                () -> store.createDeployment(env.withHold("second"), deployment("second", ENV, "k2"),
                        webApps("second"), List.of(LogLine.info(T0, null, "second started"))));

        // Assert
        assertEquals(rowsAfterFirst, tables.countStateRows());
        assertEquals("first", store.findEnvironment(ENV).orElseThrow().activeDeploymentId());
        assertTrue(store.load("second").isEmpty());
        assertTrue(store.readLog("second").isEmpty());
        assertTrue(store.findDeploymentIdByIdempotencyKey(ENV, "k2").isEmpty());
        assertEquals(1, tables.countIndexRows());
    }

    @Test
    void reusedIdempotencyKeyInTheSameEnvironmentIsAConflictAndWritesNothing() {
        // Arrange
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        store.createDeployment(env.withHold("a1"), deployment("a1", ENV, "same-key"), webApps("a1"), List.of());
        DeploymentSnapshot a1 = store.load("a1").orElseThrow();
        store.commit(new Decision(a1.deployment().withStatus(DeploymentStatus.FAILED), List.of(),
                a1.environment().withoutHold(), List.of(), List.of()));
        EnvironmentRecord free = store.findEnvironment(ENV).orElseThrow();
        int rowsBefore = tables.countStateRows();

        // Act
        assertThrows(ConcurrencyConflictException.class, () -> store.createDeployment(free.withHold("a2"),
                deployment("a2", ENV, "same-key"), webApps("a2"), List.of(LogLine.info(T0, null, "x"))));

        // Assert
        assertEquals(rowsBefore, tables.countStateRows());
        assertEquals(Optional.of("a1"), store.findDeploymentIdByIdempotencyKey(ENV, "same-key"));
        assertTrue(store.load("a2").isEmpty());
        assertEquals(1, tables.countIndexRows(), "only a1 is indexed");
        assertNull(store.findEnvironment(ENV).orElseThrow().activeDeploymentId());
    }

    @Test
    void idempotencyKeyFindsTheDeploymentItStartedOnlyInItsEnvironment() {
        // Arrange
        EnvironmentRecord prod = store.saveEnvironment(config(ENV), null);
        EnvironmentRecord test = store.saveEnvironment(config("contoso-test"), null);
        store.createDeployment(prod.withHold("p1"), deployment("p1", ENV, "pipeline-run/17#a?"), webApps("p1"),
                List.of());
        store.createDeployment(test.withHold("t1"), deployment("t1", "contoso-test", "other"), webApps("t1"),
                List.of());

        // Act + Assert
        assertEquals(Optional.of("p1"), store.findDeploymentIdByIdempotencyKey(ENV, "pipeline-run/17#a?"));
        assertEquals(Optional.of("t1"), store.findDeploymentIdByIdempotencyKey("contoso-test", "other"));
        assertTrue(store.findDeploymentIdByIdempotencyKey("contoso-test", "pipeline-run/17#a?").isEmpty());
        assertTrue(store.findDeploymentIdByIdempotencyKey(ENV, "unknown").isEmpty());
        assertTrue(store.findDeploymentIdByIdempotencyKey("no-such-env", "other").isEmpty());
    }

    @Test
    void loadOfAnUnknownIdIsEmptyAndItsLogIsEmpty() {
        // Arrange
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        store.createDeployment(env.withHold("known"), deployment("known", ENV, null), webApps("known"),
                List.of(LogLine.info(T0, null, "x")));

        // Act + Assert
        assertTrue(store.load("unknown").isEmpty());
        assertTrue(store.load("kno").isEmpty());
        assertTrue(store.load("bad/id#with?chars'").isEmpty());
        assertTrue(store.load("").isEmpty());
        assertTrue(store.readLog("unknown").isEmpty());
        assertTrue(store.readLog("kno").isEmpty());
    }

    @Test
    void idsAndNamesWithSeparatorCharactersDoNotCollide() {
        // Arrange: without escaping, both web app rows would have the RowKey web_x_y_z
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        store.createDeployment(env.withHold("x"), deployment("x", ENV, null),
                List.of(webApp("x", "y_z")), List.of(LogLine.info(T0, null, "of x")));
        DeploymentSnapshot x = store.load("x").orElseThrow();
        store.commit(new Decision(x.deployment().withStatus(DeploymentStatus.FAILED), List.of(),
                x.environment().withoutHold(), List.of(), List.of()));
        EnvironmentRecord free = store.findEnvironment(ENV).orElseThrow();

        // Act
        store.createDeployment(free.withHold("x_y"), deployment("x_y", ENV, null),
                List.of(webApp("x_y", "z")), List.of(LogLine.info(T0, null, "of x_y")));

        // Assert
        assertEquals(List.of("y_z"), store.load("x").orElseThrow().webApps().stream().map(WebAppState::name).toList());
        assertEquals(List.of("z"), store.load("x_y").orElseThrow().webApps().stream().map(WebAppState::name).toList());
        assertEquals(List.of("of x"), store.readLog("x").stream().map(LogLine::message).toList());
        assertEquals(List.of("of x_y"), store.readLog("x_y").stream().map(LogLine::message).toList());
    }

    // ------------------------------------------------------------------ commit

    @Test
    void aHoldReleasedWithoutReadingTheRowClearsOnlyTheHoldAndAStaleDeploymentRowReleasesNothing() {
        // Arrange: the environment is re-registered after the start (its row's etag changes; the hold stays)
        DeploymentSnapshot before = started("u1");
        EnvironmentRecord reRegistered = store.saveEnvironment(config(ENV), before.environment().etag());
        Deployment stale = before.deployment();
        store.commit(new Decision(stale.touchedAt(T0.plusSeconds(5)), List.of(), null, List.of(), List.of()));
        Deployment current = store.load("u1").orElseThrow().deployment();

        // Act
        org.junit.jupiter.api.function.Executable staleRelease = () -> store.commit(new Decision(
                stale.withStatus(DeploymentStatus.SUCCEEDED), List.of(),
                EnvironmentRecord.releaseUnread(config(ENV)), List.of(), List.of()));
        assertThrows(ConcurrencyConflictException.class, staleRelease);
        EnvironmentRecord stillHeld = store.findEnvironment(ENV).orElseThrow();
        store.commit(new Decision(current.withStatus(DeploymentStatus.SUCCEEDED), List.of(),
                EnvironmentRecord.releaseUnread(config(ENV)), List.of(), List.of()));
        EnvironmentRecord released = store.findEnvironment(ENV).orElseThrow();

        // Assert
        assertEquals("u1", reRegistered.activeDeploymentId());
        assertEquals("u1", stillHeld.activeDeploymentId(), "a transaction that lost the race released nothing");
        assertNull(released.activeDeploymentId());
        assertEquals("u1", released.lastDeploymentId());
        assertEquals(config(ENV), released.config());
        assertEquals(DeploymentStatus.SUCCEEDED, store.load("u1").orElseThrow().deployment().status());
        // the released row takes a new start (a conditional write on the etag as read)
        store.createDeployment(released.withHold("u2"), deployment("u2", ENV, null), webApps("u2"), List.of());
        assertEquals("u2", store.findEnvironment(ENV).orElseThrow().activeDeploymentId());
    }

    @Test
    void commitWritesEveryRowOfTheDecisionAndReleasesTheHold() {
        // Arrange
        DeploymentSnapshot before = started("c1");
        WebAppState cms = before.webApp("cms").orElseThrow();
        Deployment failed = before.deployment().withStatus(DeploymentStatus.FAILED)
                .withError(new DeploymentError(FailureKind.CLOUD_OPERATION, Stage.ENTER_MAINTENANCE, "cms",
                        "swap failed", T0.plusSeconds(9)))
                .touchedAt(T0.plusSeconds(9));
        WebAppState cmsFailed = cms.finished(Stage.ENTER_MAINTENANCE, T0.plusSeconds(9))
                .failed(new DeploymentError(FailureKind.CLOUD_OPERATION, Stage.DEPLOY_SLOT, "cms", "x", T0));
        Decision decision = new Decision(failed, List.of(cmsFailed), before.environment().withoutHold(),
                List.of(LogLine.error(T0.plusSeconds(9), "cms", "swap failed")), List.of());

        // Act
        store.commit(decision);

        // Assert
        DeploymentSnapshot after = store.load("c1").orElseThrow();
        assertEquals(withEtag(failed, after.deployment().etag()), after.deployment());
        assertEquals(withEtag(cmsFailed, after.webApp("cms").orElseThrow().etag()), after.webApp("cms").orElseThrow());
        assertEquals(before.webApp("scheduler"), after.webApp("scheduler"), "untouched row keeps its etag");
        assertNull(after.environment().activeDeploymentId());
        assertEquals("c1", after.environment().lastDeploymentId());
        assertEquals(config(ENV), after.environment().config());
        assertNotEquals(before.deployment().etag(), after.deployment().etag());
        assertNotEquals(cms.etag(), after.webApp("cms").orElseThrow().etag());
        assertNotEquals(before.environment().etag(), after.environment().etag());
        assertEquals(List.of("started", "swap failed"), store.readLog("c1").stream().map(LogLine::message).toList());
    }

    @Test
    void aCommitDeletesTheOutboxRowsItNamesInItsOwnTransactionAndARowAlreadyGoneIsAConflict() {
        // Arrange: the start wrote two messages to the outbox
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);
        OutgoingMessage cms = OutgoingMessage.now(new StepMessage("o1", ENV, Stage.ENTER_MAINTENANCE, "cms", 0));
        OutgoingMessage scheduler = OutgoingMessage.now(new StepMessage("o1", ENV, Stage.ENTER_MAINTENANCE,
                "scheduler", 0));
        store.createDeployment(env.withHold("o1"), deployment("o1", ENV, null), webApps("o1"), List.of(),
                List.of(cms, scheduler));
        DeploymentSnapshot read = store.loadRows("o1", ENV).orElseThrow();
        assertEquals(List.of(cms, scheduler), read.outbox());
        WebAppState cmsRow = read.webApp("cms").orElseThrow();
        OutgoingMessage next = OutgoingMessage.now(new StepMessage("o1", ENV, Stage.ENTER_MAINTENANCE, "cms", 1));

        // Act: the cms delivery's write clears its own row and adds the message it sends
        store.commit(new Decision(null, List.of(cmsRow.finished(Stage.ENTER_MAINTENANCE, T0)), null, List.of(), List.of(next))
                .clearingOutbox(List.of(cms.message().messageId())));

        // Assert
        DeploymentSnapshot after = store.loadRows("o1", ENV).orElseThrow();
        assertEquals(java.util.Set.of(scheduler, next), java.util.Set.copyOf(after.outbox()));
        // a second writer that read the old outbox names the row that is gone: nothing of its write is kept
        WebAppState schedulerRow = after.webApp("scheduler").orElseThrow();
        assertThrows(ConcurrencyConflictException.class, () -> store.commit(new Decision(null,
                List.of(schedulerRow.finished(Stage.ENTER_MAINTENANCE, T0)), null, List.of(LogLine.info(T0, null, "late")), List.of())
                .clearingOutbox(List.of(cms.message().messageId(), scheduler.message().messageId()))));
        DeploymentSnapshot unchanged = store.loadRows("o1", ENV).orElseThrow();
        assertEquals(after.outbox().size(), unchanged.outbox().size());
        assertEquals(schedulerRow, unchanged.webApp("scheduler").orElseThrow());
        assertTrue(store.readLog("o1").isEmpty());
    }

    @Test
    void commitWithAStaleDeploymentEtagIsAConflictAndWritesNothing() {
        // Arrange
        DeploymentSnapshot read = started("c2");
        store.commit(new Decision(read.deployment().touchedAt(T0.plusSeconds(1)), List.of(), null, List.of(),
                List.of()));
        DeploymentSnapshot current = store.load("c2").orElseThrow();
        int rowsBefore = tables.countStateRows();
        Decision stale = new Decision(read.deployment().withStatus(DeploymentStatus.FAILED),
                List.of(current.webApp("cms").orElseThrow().checkedAgain(Stage.ENTER_MAINTENANCE, T0)),
                current.environment().withoutHold(), List.of(LogLine.info(T0, null, "lost")), List.of());

        // Act
        ConcurrencyConflictException conflict = assertThrows(ConcurrencyConflictException.class,
                () -> store.commit(stale));

        // Assert
        assertEquals(current, store.load("c2").orElseThrow(), "no row changed, not even the fresh ones");
        assertEquals(store.loadRows("c2", ENV).orElseThrow(), conflict.current().orElseThrow(),
                "the conflict carries the deployment's rows as they are now, read back in one query");
        assertEquals(rowsBefore, tables.countStateRows());
        assertEquals(List.of("started"), store.readLog("c2").stream().map(LogLine::message).toList());
    }

    @Test
    void commitWithAStaleWebAppEtagIsAConflictAndWritesNothing() {
        // Arrange
        DeploymentSnapshot read = started("c3");
        WebAppState cms = read.webApp("cms").orElseThrow();
        store.commit(new Decision(null, List.of(cms.checkedAgain(Stage.ENTER_MAINTENANCE, T0)), null, List.of(),
                List.of()));
        DeploymentSnapshot current = store.load("c3").orElseThrow();

        // Act
        assertThrows(ConcurrencyConflictException.class, () -> store.commit(new Decision(
                current.deployment().touchedAt(T0.plusSeconds(3)),
                List.of(current.webApp("scheduler").orElseThrow().checkedAgain(Stage.ENTER_MAINTENANCE, T0),
                        cms.finished(Stage.ENTER_MAINTENANCE, T0)),
                null, List.of(LogLine.info(T0, "cms", "lost")), List.of())));

        // Assert
        assertEquals(current, store.load("c3").orElseThrow());
        assertEquals(1, store.readLog("c3").size());
    }

    @Test
    void commitWithAStaleEnvironmentEtagIsAConflictAndWritesNothing() {
        // Arrange
        DeploymentSnapshot read = started("c4");
        store.saveEnvironment(config(ENV), read.environment().etag());
        DeploymentSnapshot current = store.load("c4").orElseThrow();

        // Act
        assertThrows(ConcurrencyConflictException.class, () -> store.commit(new Decision(
                current.deployment().withStatus(DeploymentStatus.SUCCEEDED), List.of(),
                read.environment().withoutHold(), List.of(LogLine.info(T0, null, "lost")), List.of())));

        // Assert
        assertEquals(current, store.load("c4").orElseThrow());
        assertEquals("c4", current.environment().activeDeploymentId());
        assertEquals(1, store.readLog("c4").size());
    }

    @Test
    void aRowWithoutAnEtagIsRejectedBeforeAnythingIsWritten() {
        // Arrange
        DeploymentSnapshot read = started("c5");
        int rowsBefore = tables.countStateRows();
        Deployment noEtag = withEtag(read.deployment().withStatus(DeploymentStatus.FAILED), null);

        // Act
        assertThrows(IllegalArgumentException.class, () -> store.commit(new Decision(noEtag, List.of(), null,
                List.of(LogLine.info(T0, null, "x")), List.of())));

        // Assert
        assertEquals(rowsBefore, tables.countStateRows());
        assertEquals(read, store.load("c5").orElseThrow());
    }

    @Test
    void decisionThatWritesNothingLeavesEveryRowAsItWas() {
        // Arrange
        DeploymentSnapshot read = started("c6");

        // Act
        store.commit(Decision.sendOnly(List.of()));

        // Assert
        assertEquals(read, store.load("c6").orElseThrow());
    }

    @RepeatedTest(3)
    void twoConcurrentWritersOnOneWebAppRowExactlyOneWinsAndTheLoserSeesTheWinner() throws Exception {
        // Arrange
        started("race");
        DeploymentSnapshot first = store.load("race").orElseThrow();
        DeploymentSnapshot second = store.load("race").orElseThrow();
        WebAppState base = first.webApp("cms").orElseThrow();
        assertEquals(base.etag(), second.webApp("cms").orElseThrow().etag());
        CyclicBarrier bothReady = new CyclicBarrier(2);
        pool = Executors.newFixedThreadPool(2);
        Callable<String> writerA = () -> write(first, bothReady, base.finished(Stage.ENTER_MAINTENANCE,
                T0.plusSeconds(1)), "A");
        Callable<String> writerB = () -> write(second, bothReady, base.checkedAgain(Stage.ENTER_MAINTENANCE,
                T0.plusSeconds(2)), "B");

        // Act
        Future<String> a = pool.submit(writerA);
        Future<String> b = pool.submit(writerB);
        List<String> outcomes = List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));

        // Assert
        assertEquals(1, outcomes.stream().filter(o -> o.startsWith("won")).count(), outcomes.toString());
        assertEquals(1, outcomes.stream().filter(o -> o.startsWith("conflict")).count(), outcomes.toString());
        String winner = outcomes.stream().filter(o -> o.startsWith("won")).findFirst().orElseThrow().substring(4);
        String loserSaw = outcomes.stream().filter(o -> o.startsWith("conflict")).findFirst().orElseThrow();
        WebAppState stored = store.load("race").orElseThrow().webApp("cms").orElseThrow();
        if (winner.equals("A")) {
            assertEquals(WebAppPhase.IN_MAINTENANCE, stored.phase());
            assertTrue(stored.maintenance());
            assertEquals("conflict saw InMaintenance/0", loserSaw);
        } else {
            assertEquals(WebAppPhase.PENDING, stored.phase());
            assertEquals(1, stored.checks());
            assertEquals("conflict saw Pending/1", loserSaw);
        }
        assertEquals(List.of("started", "written by " + winner),
                store.readLog("race").stream().map(LogLine::message).toList());
    }

    /** Commits {@code change} to one web app row once both writers are ready; reports what happened. */
    private String write(DeploymentSnapshot read, CyclicBarrier bothReady, WebAppState change, String who)
            throws Exception {
        Decision decision = new Decision(null, List.of(change), null,
                List.of(LogLine.info(T0.plusSeconds(3), change.name(), "written by " + who)), List.of());
        bothReady.await(30, TimeUnit.SECONDS);
        try {
            store.commit(decision);
            return "won " + who;
        } catch (ConcurrencyConflictException conflict) {
            // The service's answer to the losing If-Match: 412 UpdateConditionNotSatisfied. (The SDK reports a
            // failed transaction without its HTTP response; the error code is what identifies the 412.)
            if (!(conflict.getCause() instanceof TableServiceException service) || service.getValue() == null
                    || !TableErrorCode.UPDATE_CONDITION_NOT_SATISFIED.equals(service.getValue().getErrorCode())) {
                return "unexpected " + conflict.getCause();
            }
            WebAppState now = store.load(read.deployment().id()).orElseThrow().webApp(change.name()).orElseThrow();
            return "conflict saw " + now.phase().wireName() + "/" + now.checks();
        }
    }

    // ------------------------------------------------------------------ log

    @Test
    void logIsReadOldestFirstAcrossSeveralCommitsEvenWhenTheClockStandsStill() {
        // Arrange
        DeploymentSnapshot read = started("l1");
        List<String> expected = new ArrayList<>(List.of("started"));
        Deployment current = read.deployment();

        // Act: 3 commits of 3 lines each, all at the same instant (a fixed test clock), then one later line
        for (int commit = 0; commit < 3; commit++) {
            List<LogLine> lines = new ArrayList<>();
            for (int line = 0; line < 3; line++) {
                String message = "commit " + commit + " line " + line;
                lines.add(LogLine.info(T0, null, message));
                expected.add(message);
            }
            store.commit(new Decision(current.touchedAt(T0), List.of(), null, lines, List.of()));
            current = store.load("l1").orElseThrow().deployment();
        }
        store.commit(new Decision(current, List.of(), null, List.of(LogLine.info(T0.plusMillis(1), null, "last")),
                List.of()));
        expected.add("last");

        // Assert
        assertEquals(expected, store.readLog("l1").stream().map(LogLine::message).toList());
    }

    @Test
    void logLinesOfALongWriteKeepTheirOrder() {
        // Arrange
        DeploymentSnapshot read = started("l2");
        List<LogLine> lines = IntStream.range(0, 60)
                .mapToObj(i -> LogLine.info(T0.plusMillis(i % 7 == 0 ? 0 : 5), null, "line " + i)).toList();

        // Act
        store.commit(new Decision(read.deployment(), List.of(), null, lines, List.of()));

        // Assert: sorted by time first (stable within one time), then by position
        List<String> expected = new ArrayList<>(List.of("started"));
        lines.stream().filter(l -> l.at().equals(T0)).map(LogLine::message).forEach(expected::add);
        lines.stream().filter(l -> !l.at().equals(T0)).map(LogLine::message).forEach(expected::add);
        assertEquals(expected, store.readLog("l2").stream().map(LogLine::message).toList());
    }

    @Test
    void theLogIsPagedFromATimeOnWithoutSplittingAMillisecondAndThePagesTogetherAreTheWholeLog() {
        // Arrange: "started" at T0, then 3 lines at T0+1ms, 2 at T0+2ms and 4 more 1 ms apart
        DeploymentSnapshot read = started("p1");
        List<LogLine> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lines.add(LogLine.info(T0.plusMillis(1), null, "a" + i));
        }
        lines.add(LogLine.info(T0.plusMillis(2), null, "b0"));
        lines.add(LogLine.info(T0.plusMillis(2), null, "b1"));
        for (int i = 0; i < 4; i++) {
            lines.add(LogLine.info(T0.plusMillis(3 + i), null, "c" + i));
        }
        store.commit(new Decision(read.deployment(), List.of(), null, lines, List.of()));
        List<String> whole = store.readLog("p1").stream().map(LogLine::message).toList();

        // Act: pages of 2 from the start, each from the next of the page before
        List<List<String>> pages = new ArrayList<>();
        LogPage page = store.readLog("p1", null, 2);
        pages.add(page.lines().stream().map(LogLine::message).toList());
        while (page.more()) {
            page = store.readLog("p1", page.next(), 2);
            pages.add(page.lines().stream().map(LogLine::message).toList());
        }
        LogPage after = store.readLog("p1", page.next(), 2);
        LogPage fromMiddle = store.readLog("p1", T0.plusMillis(2), 100);
        LogPage subMillisecond = store.readLog("p1", T0.plusNanos(1), 100);

        // Assert
        assertEquals(List.of(List.of("started", "a0", "a1", "a2"), List.of("b0", "b1"), List.of("c0", "c1"),
                List.of("c2", "c3")), pages, "a page holds its last line's whole millisecond");
        assertEquals(whole, pages.stream().flatMap(List::stream).toList());
        assertFalse(page.more());
        assertEquals(T0.plusMillis(7).truncatedTo(java.time.temporal.ChronoUnit.MILLIS), page.next());
        assertEquals(List.of(), after.lines(), "nothing after the end yet");
        assertEquals(page.next(), after.next(), "an empty page answers the since it was asked with");
        assertEquals(List.of("b0", "b1", "c0", "c1", "c2", "c3"),
                fromMiddle.lines().stream().map(LogLine::message).toList());
        assertEquals(whole.subList(1, whole.size()), subMillisecond.lines().stream().map(LogLine::message).toList(),
                "a line before since in since's own millisecond is left out");
        assertEquals(List.of(), store.readLog("unknown", null, 5).lines());
        assertThrows(IllegalArgumentException.class, () -> store.readLog("p1", null, 0));
    }

    @Test
    void aTwoPhaseResetsRecordRoundTripsAndARowWithoutOneReadsAsNone() {
        // Arrange
        DeploymentSnapshot read = started("rv");
        io.smoothdeploy.engine.ResetVerification verification = new io.smoothdeploy.engine.ResetVerification(
                DeploymentStatus.AWAITING_VERIFICATION, List.of("https://cms-staging.example/", "https://b.example/"));

        // Act
        store.commit(new Decision(read.deployment().withResetVerification(verification), List.of(), null, List.of(),
                List.of()));
        Deployment stored = store.load("rv").orElseThrow().deployment();
        store.commit(new Decision(stored.withResetVerification(null), List.of(), null, List.of(), List.of()));

        // Assert
        assertEquals(verification, stored.resetVerification());
        assertNull(read.deployment().resetVerification());
        assertNull(store.load("rv").orElseThrow().deployment().resetVerification());
    }

    @Test
    void anOversizedLogMessageIsCutShortInsteadOfFailingTheWrite() {
        // Arrange
        DeploymentSnapshot read = started("l4");
        String huge = "x".repeat(100_000);

        // Act
        store.commit(new Decision(read.deployment(), List.of(), null, List.of(LogLine.error(T0, "cms", huge)),
                List.of()));

        // Assert
        String stored = store.readLog("l4").get(1).message();
        assertTrue(stored.startsWith("x".repeat(16_000) + "... ("), stored.substring(0, 20));
        assertTrue(stored.endsWith("84000 more characters not stored)"), stored.substring(16_000));
    }

    @Test
    void aWriteOfMoreRowsThanOneTransactionTakesIsRejectedBeforeAnythingIsWritten() {
        // Arrange
        DeploymentSnapshot read = started("l3");
        int rowsBefore = tables.countStateRows();
        List<LogLine> lines = IntStream.range(0, 100).mapToObj(i -> LogLine.info(T0, null, "line " + i)).toList();

        // Act
        assertThrows(IllegalArgumentException.class, () -> store.commit(new Decision(read.deployment(),
                List.of(), null, lines, List.of())));

        // Assert
        assertEquals(rowsBefore, tables.countStateRows());
    }

    @Test
    void storedRowsFollowTheDecidedLayout() {
        // Arrange
        EnvironmentRecord env = store.saveEnvironment(config(ENV), null);

        // Act
        store.createDeployment(env.withHold("layout"), deployment("layout", ENV, "key-layout"), webApps("layout"),
                List.of(LogLine.info(T0, null, "started"), LogLine.info(T0, "cms", "second")));

        // Assert
        List<String> keys = tables.stateRows().stream()
                .map(e -> e.getPartitionKey() + "|" + e.getRowKey()).sorted().toList();
        assertEquals(9, keys.size(), keys.toString());
        assertEquals(ENV + "|dep_layout_deployment", keys.get(0));
        assertEquals(ENV + "|dep_layout_environment", keys.get(1));
        assertEquals(ENV + "|dep_layout_web_cms", keys.get(2));
        assertEquals(ENV + "|dep_layout_web_scheduler", keys.get(3));
        assertEquals(ENV + "|environment", keys.get(4));
        // newest first: Long.MAX_VALUE minus the start's epoch milliseconds, 19 digits
        assertEquals(ENV + "|hist_" + String.format("%019d", Long.MAX_VALUE - T0.toEpochMilli()) + "_layout", keys.get(5));
        assertEquals(ENV + "|idem_key-layout", keys.get(6));
        assertTrue(keys.get(7).matches(ENV + "\\|log_layout_\\d{15}_\\d{15}_0000_[0-9a-f]{6}"), keys.get(7));
        assertTrue(keys.get(8).matches(ENV + "\\|log_layout_\\d{15}_\\d{15}_0001_[0-9a-f]{6}"), keys.get(8));
        TableEntity history = tables.stateRows().stream().filter(e -> e.getRowKey().startsWith("hist_")).findFirst()
                .orElseThrow();
        assertEquals("layout", history.getProperty("deploymentId"));
        assertEquals("InProgress", history.getProperty("status"));
        TableEntity index = TestAzurite.rows(tables.indexTable()).get(0);
        assertEquals("layout", index.getPartitionKey());
        assertEquals(ENV, index.getProperty("environment"));
        TableEntity dep = tables.stateRows().stream().filter(e -> e.getRowKey().equals("dep_layout_deployment")).findFirst()
                .orElseThrow();
        assertEquals("InProgress", dep.getProperty("status"));
        assertEquals("ENTER_MAINTENANCE", dep.getProperty("stage"));
        assertEquals("ReadOnly", dep.getProperty("mode"));
        assertEquals(T0, ((java.time.OffsetDateTime) dep.getProperty("createdAt")).toInstant());
    }

    @Test
    void aDeploymentWrittenBeforeHistoryRowsExistedIsListedFromItsNextWriteOn() {
        // Arrange: a deployment whose history row is missing, as one a build before history rows would have left
        DeploymentSnapshot read = started("old");
        TableEntity history = tables.stateRows().stream().filter(e -> e.getRowKey().startsWith("hist_")).findFirst()
                .orElseThrow();
        TestAzurite.serviceClient().getTableClient(tables.stateTable()).deleteEntity(history.getPartitionKey(),
                history.getRowKey());
        HistoryPage before = store.listDeployments(ENV, null, 10, null);

        // Act
        store.commit(new Decision(read.deployment().withStatus(DeploymentStatus.FAILED), List.of(), null, List.of(),
                List.of()));

        // Assert
        assertEquals(List.of(), before.entries());
        HistoryPage after = store.listDeployments(ENV, DeploymentStatus.FAILED, 10, null);
        assertEquals(1, after.entries().size(), after.toString());
        assertEquals("old", after.entries().get(0).deploymentId());
        assertEquals(T0, after.entries().get(0).createdAt());
        assertNull(after.after());
        assertThrows(IllegalArgumentException.class, () -> store.listDeployments(ENV, null, 10, "dep_old_deployment"));
    }

    // ------------------------------------------------------------------ fixtures

    /** A registered environment with a started deployment {@code id} (cms + scheduler, one log line). */
    private DeploymentSnapshot started(String id) {
        EnvironmentRecord env = store.findEnvironment(ENV).orElseGet(() -> store.saveEnvironment(config(ENV), null));
        store.createDeployment(env.withHold(id), deployment(id, ENV, "key-" + id), webApps(id),
                List.of(LogLine.info(T0, null, "started")));
        return store.load(id).orElseThrow();
    }

    static EnvironmentConfig config(String name) {
        WebAppConfig cms = new WebAppConfig("cms", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/"
                + name + "-cms", WebAppRole.ZERO_DOWNTIME, "staging", "maintenance",
                new WebAppConfig.WarmUpConfig(List.of(name + ".contoso.com"), List.of("/", "/health"), List.of(200, 302)));
        WebAppConfig scheduler = new WebAppConfig("scheduler", "/subscriptions/s/resourceGroups/rg/providers/"
                + "Microsoft.Web/sites/" + name + "-scheduler", WebAppRole.MAINTENANCE_PAGE, "staging",
                "maintenance", new WebAppConfig.WarmUpConfig(List.of(), List.of("/"), null));
        return new EnvironmentConfig(name, List.of(cms, scheduler),
                new DatabaseConfig("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql1", "cmsdb"),
                "EPiServerDB", "DatabaseMode", "https://pkgs/maintenance.zip", Duration.ofMinutes(7));
    }

    static Deployment deployment(String id, String env, String idempotencyKey) {
        return new Deployment(id, env, DeploymentStatus.IN_PROGRESS, Stage.ENTER_MAINTENANCE, 0,
                DeploymentMode.READ_ONLY, "https://pkgs/app.zip?sig=secret", "0f".repeat(32), idempotencyKey, T0, T0,
                null, false, List.of(), List.of(), List.of(), null, null, null, 0, null, null);
    }

    static Deployment fullDeployment(String id, String env) {
        return new Deployment(id, env, DeploymentStatus.AWAITING_VERIFICATION, Stage.AWAIT_VERIFICATION, 4,
                DeploymentMode.READ_WRITE, "https://pkgs/app.zip?sv=1&sig=abc", "ab".repeat(32), "caller-key-42",
                T0, T0.plusSeconds(60), T0.plusSeconds(30), true,
                List.of(new DeploymentError(FailureKind.DATABASE, Stage.CLONE_DB, null, "copy slow", T0),
                        new DeploymentError(FailureKind.WARM_UP, Stage.WARM_UP, "cms", "503 \"quoted\" é", T0.plusNanos(1000))),
                List.of("warning one", "warning two"),
                List.of("https://cms-staging.azurewebsites.net/", "https://scheduler-staging.azurewebsites.net/"),
                "d-lineage-1", "d-failed-2", T0.minusSeconds(3600), 2, "NoProgress@2026", null);
    }

    static List<WebAppState> webApps(String deploymentId) {
        return List.of(webApp(deploymentId, "cms"), webApp(deploymentId, "scheduler"));
    }

    static WebAppState webApp(String deploymentId, String name) {
        WebAppRole role = name.equals("cms") ? WebAppRole.ZERO_DOWNTIME : WebAppRole.MAINTENANCE_PAGE;
        return new WebAppState(deploymentId, name, role, WebAppPhase.PENDING, false, null, 0, null, Map.of(), null,
                null);
    }

    static Deployment withEtag(Deployment d, String etag) {
        return new Deployment(d.id(), d.environment(), d.status(), d.stage(), d.checks(), d.mode(), d.packageUri(),
                d.packageSha256(), d.idempotencyKey(), d.createdAt(), d.updatedAt(), d.stageStartedAt(),
                d.rollbackDatabase(), d.errors(), d.warnings(), d.validationLinks(), d.lineageId(), d.resumedFrom(),
                d.lineageStartedAt(), d.round(), d.staleEpisode(), d.commitId(), d.pipelineRunUrl(),
                d.packageVerifiedAt(), d.smokeChecks(), d.timings(), d.cloneWritesAccepted(), d.maintenancePackages(),
                d.audit(), d.cloneWriteCount(), d.cancelReason(), d.rollbackWindow(), d.packages(),
                d.resetVerification(), etag);
    }

    static WebAppState withEtag(WebAppState w, String etag) {
        return new WebAppState(w.deploymentId(), w.name(), w.role(), w.phase(), w.maintenance(), w.workingStage(),
                w.checks(), w.stageStartedAt(), w.timings(), w.error(), w.swapRequestedAt(), w.previewAppliedAt(), etag);
    }
}
