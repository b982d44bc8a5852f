package io.smoothdeploy.engine.diagnosis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.DatabaseConfig;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentError;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.FailureEvidence;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppPhase;
import io.smoothdeploy.engine.WebAppRole;
import io.smoothdeploy.engine.WebAppState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClassifierTest {

    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
    private static final Instant FAILED_AT = T0.plusSeconds(120);

    private static final String READ_ONLY = "maintenance slot cms/maintenance did not warm up within 60 s: 0 of 1"
            + " warm-up requests ready; cms-prod.azurewebsites.net/: HTTP 500 Database is in read-only mode";
    private static final String STARTUP = "slot cms/staging did not warm up within 60 s: 0 of 1 warm-up requests"
            + " ready; cms.example.com/: HTTP 500 System.InvalidOperationException: Unable to resolve service for"
            + " type 'ICache'";
    private static final String MIGRATION = "slot cms/staging did not warm up within 60 s: 0 of 1 warm-up requests"
            + " ready; cms.example.com/: HTTP 500 Migration 42 failed: cannot drop column Title";
    private static final String SCHEMA_EXCEPTION = "slot cms/staging did not warm up within 60 s: 0 of 1 warm-up"
            + " requests ready; cms.example.com/: HTTP 500 EPiServer.Data.DatabaseSchemaUpgradeException: column"
            + " Title is in use";
    private static final String IP_FILTER = "slot cms/staging did not warm up within 60 s: 0 of 1 warm-up requests"
            + " ready; cms.example.com/: HTTP 403 Forbidden: IP address not allowed";
    private static final String SLOW = "slot cms/staging did not warm up within 60 s: 0 of 1 warm-up requests ready;"
            + " cms.example.com/: HTTP 503 Service Unavailable: warming up";
    private static final String REFUSED = "slot cms/staging did not warm up within 60 s: 0 of 1 warm-up requests"
            + " ready; cms.example.com/: connection refused";
    private static final String NOT_FOUND = "slot cms/staging did not warm up within 60 s: 1 of 2 warm-up requests"
            + " ready; cms.example.com/health: HTTP 404 Not Found";
    private static final String TOKEN = "ExpiredAuthenticationToken: The access token expiry UTC time"
            + " '11/23/2026 9:01:00 AM' is earlier than current UTC time '11/23/2026 9:02:00 AM'.";
    private static final String CREDENTIALS = "still failing after 5 retries: " + TOKEN;
    private static final String HASH = "package https://packages.example.com/cms-2.0.zip has SHA-256 1a2b3c but the"
            + " deployment was started with 3c4d5e; nothing was changed";
    private static final String UNREADABLE = "package https://packages.example.com/cms-2.0.zip could not be read:"
            + " HTTP 404 BlobNotFound";
    private static final String NO_SLOT = "slot cms/staging is gone";

    /** The log line that shows how each failure came about, and that the evidence must quote. */
    private static final String WARMING = "Warming up slot cms/staging: 0 of 1 warm-up requests ready;"
            + " cms.example.com/: HTTP 503 Service Unavailable: warming up";
    private static final String WARMING_MAINTENANCE = "Warming maintenance slot cms/maintenance: 0 of 1 warm-up"
            + " requests ready; cms-prod.azurewebsites.net/: HTTP 500 Database is in read-only mode";
    private static final String TRANSIENT = "Transient failure in deploying to the staging slot (" + TOKEN
            + "); retry 2 of 5 in 8 s";
    private static final String VERIFYING = "Verifying package https://packages.example.com/cms-2.0.zip";

    record Case(String name, FailureKind kind, Stage stage, String webApp, String message, String logLine,
                Cause cause, Advice advice, String fixSays) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("old package without read-only support", FailureKind.WARM_UP, Stage.ENTER_MAINTENANCE,
                        "cms", READ_ONLY, WARMING_MAINTENANCE, Cause.READ_ONLY_NOT_SUPPORTED,
                        Advice.RETRY_SAME_PACKAGE, "MaintenancePage mode"),
                new Case("exception at startup", FailureKind.WARM_UP, Stage.WARM_UP, "cms", STARTUP, WARMING,
                        Cause.STARTUP_ERROR, Advice.DEPLOY_FIXED_PACKAGE, "deploy the fixed package"),
                new Case("failed migration", FailureKind.WARM_UP, Stage.WARM_UP, "cms", MIGRATION, WARMING,
                        Cause.MIGRATION_FAILURE, Advice.DEPLOY_FIXED_PACKAGE, "rollbackDatabase"),
                new Case("schema upgrade exception", FailureKind.WARM_UP, Stage.WARM_UP, "cms", SCHEMA_EXCEPTION,
                        WARMING, Cause.MIGRATION_FAILURE, Advice.DEPLOY_FIXED_PACKAGE, "partly migrated"),
                new Case("IP filter", FailureKind.WARM_UP, Stage.WARM_UP, "cms", IP_FILTER, WARMING,
                        Cause.IP_FILTER, Advice.RETRY_SAME_PACKAGE, "access restrictions"),
                new Case("slow cold start", FailureKind.WARM_UP, Stage.WARM_UP, "cms", SLOW, WARMING,
                        Cause.WARM_UP_FAILED, Advice.RETRY_SAME_PACKAGE, "warmUpTimeoutSeconds"),
                new Case("connection refused", FailureKind.WARM_UP, Stage.WARM_UP, "cms", REFUSED, WARMING,
                        Cause.WARM_UP_FAILED, Advice.RETRY_SAME_PACKAGE, "warmUpTimeoutSeconds"),
                new Case("warm-up path not found", FailureKind.WARM_UP, Stage.WARM_UP, "cms", NOT_FOUND, WARMING,
                        Cause.WARM_UP_FAILED, Advice.RETRY_SAME_PACKAGE,
                        "cms.example.com/health answered HTTP 404: the warm-up path may not exist in the new package"),
                new Case("expired token", FailureKind.CREDENTIALS, Stage.DEPLOY_SLOT, "cms", CREDENTIALS, TRANSIENT,
                        Cause.DEPLOYMENT_CREDENTIALS, Advice.RETRY_SAME_PACKAGE, "AZURE_CLIENT_ID"),
                new Case("expired token reported as a cloud operation", FailureKind.CLOUD_OPERATION, Stage.DEPLOY_SLOT,
                        "cms", CREDENTIALS, TRANSIENT, Cause.DEPLOYMENT_CREDENTIALS, Advice.RETRY_SAME_PACKAGE,
                        "AZURE_CLIENT_ID"),
                new Case("package hash mismatch", FailureKind.PACKAGE, Stage.VERIFY_PACKAGE, null, HASH, VERIFYING,
                        Cause.PACKAGE_MISMATCH, Advice.DEPLOY_FIXED_PACKAGE, "Upload the package again"),
                new Case("package not readable", FailureKind.PACKAGE, Stage.VERIFY_PACKAGE, null, UNREADABLE,
                        VERIFYING, Cause.UNKNOWN, Advice.RETRY_SAME_PACKAGE, "could not be read"),
                new Case("missing slot", FailureKind.CONFIGURATION, Stage.WARM_UP, "cms", NO_SLOT,
                        "Transient failure in warming up (TooManyRequests: slow down); retry 1 of 5 in 2 s",
                        Cause.UNKNOWN, Advice.RETRY_SAME_PACKAGE, "environment registration does not match Azure"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void classifiesEachKnownFailure(Case c) {
        // Arrange
        DeploymentError error = error(c.kind(), c.stage(), c.webApp(), c.message(), FAILED_AT);
        WebAppState cms = webApp("cms").failed(error);
        DeploymentSnapshot snapshot = snapshot(failed(DeploymentStatus.FAILED, error),
                c.webApp() == null ? webApp("cms") : cms, webApp("scheduler"));
        List<LogLine> log = List.of(
                LogLine.info(T0, null, "Deployment started"),
                line(T0.plusSeconds(30), c.webApp(), c.logLine().replace("0 of 1", "0 of 3"), c.stage()),
                line(T0.plusSeconds(60), "scheduler", "Warming up slot scheduler/staging: 1 of 1 ready", c.stage()),
                line(T0.plusSeconds(90), c.webApp(), c.logLine(), c.stage()),
                LogLine.error(FAILED_AT, c.webApp(), "Step failed on site cms: " + c.message()),
                LogLine.error(FAILED_AT, null, "Deployment failed"));

        // Act
        Diagnosis diagnosis = Classifier.diagnose(snapshot, log).orElseThrow();

        // Assert
        assertEquals(c.cause(), diagnosis.cause());
        assertEquals(c.advice(), diagnosis.advice());
        String who = c.webApp() == null ? "" : c.webApp() + ": ";
        assertEquals(FAILED_AT + " " + who + c.message(), diagnosis.evidence().get(0),
                "the error is quoted verbatim, first, with its time and web app");
        assertTrue(diagnosis.evidence().contains(T0.plusSeconds(90) + " " + who + c.logLine()),
                "the log line that led to it is quoted: " + diagnosis.evidence());
        assertFalse(diagnosis.evidence().stream().anyMatch(l -> l.contains("Step failed on site")),
                "a log line that only repeats the error is not quoted twice: " + diagnosis.evidence());
        assertFalse(diagnosis.evidence().stream().anyMatch(l -> l.contains("scheduler")),
                "a web app that did not fail brings no evidence: " + diagnosis.evidence());
        assertEquals(c.webApp() == null ? List.of() : List.of(c.webApp()), diagnosis.affectedWebApps());
        assertTrue(diagnosis.fix().contains(c.fixSays()), diagnosis.fix());
        assertTrue(diagnosis.summary().endsWith("while " + describedStage(c.stage()) + "."), diagnosis.summary());
        if (c.webApp() != null) {
            assertTrue(diagnosis.summary().contains(" on " + c.webApp() + " "), diagnosis.summary());
        }
    }

    @Test
    void casesCoverEveryCause() {
        List<Cause> covered = cases().map(Case::cause).distinct().toList();

        assertEquals(Arrays.asList(Cause.values()).stream().sorted().toList(), covered.stream().sorted().toList());
    }

    @Test
    void wireNamesAreTheDocumentedOnes() {
        assertEquals(List.of("ReadOnlyNotSupported", "WarmUpFailed", "StartupError", "IpFilter", "MigrationFailure",
                        "DeploymentCredentials", "PackageMismatch", "Unknown"),
                Arrays.stream(Cause.values()).map(Cause::wireName).toList());
        assertEquals(List.of("RetrySamePackage", "DeployFixedPackage"),
                Arrays.stream(Advice.values()).map(Advice::wireName).toList());
        assertEquals(Optional.of(Cause.IP_FILTER), Cause.fromWireName("IpFilter"));
        assertEquals(Optional.empty(), Advice.fromWireName("retrysamepackage"));
    }

    @Test
    void aDeploymentWithoutErrorsHasNoDiagnosis() {
        DeploymentSnapshot running = snapshot(deployment(DeploymentStatus.IN_PROGRESS, List.of()), webApp("cms"));
        DeploymentSnapshot succeeded = snapshot(deployment(DeploymentStatus.SUCCEEDED, List.of()), webApp("cms"));

        assertTrue(Classifier.diagnose(running, List.of(LogLine.warning(T0, "cms", "Transient failure"))).isEmpty());
        assertTrue(Classifier.diagnose(succeeded, List.of()).isEmpty());
    }

    @Test
    void aDeploymentResetAfterFailingIsStillDiagnosed() {
        DeploymentError error = error(FailureKind.WARM_UP, Stage.WARM_UP, "cms", STARTUP, FAILED_AT);
        DeploymentSnapshot reset = snapshot(failed(DeploymentStatus.RESET, error), webApp("cms"));

        Optional<Diagnosis> diagnosis = Classifier.diagnose(reset, List.of());

        assertEquals(Cause.STARTUP_ERROR, diagnosis.orElseThrow().cause());
        assertEquals(List.of(FAILED_AT + " cms: " + STARTUP), diagnosis.orElseThrow().evidence());
    }

    @Test
    void theLastErrorDecides() {
        DeploymentError first = error(FailureKind.WARM_UP, Stage.WARM_UP, "cms", IP_FILTER, T0);
        DeploymentError last = error(FailureKind.WARM_UP, Stage.WARM_UP, "cms", MIGRATION, FAILED_AT);
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.FAILED, List.of(first, last)),
                webApp("cms").failed(last));

        Diagnosis diagnosis = Classifier.diagnose(snapshot, List.of()).orElseThrow();

        assertEquals(Cause.MIGRATION_FAILURE, diagnosis.cause());
        assertEquals(List.of(FAILED_AT + " cms: " + MIGRATION, T0 + " cms: " + IP_FILTER), diagnosis.evidence(),
                "the deciding error first, the earlier one after it, the web app's copy not repeated");
    }

    @Test
    void twoFailingWebAppsAreBothListed() {
        // Arrange: the deployment records commerce's failure; cms failed at the same time on its own row.
        String commerceFailure = STARTUP.replace("cms", "commerce");
        DeploymentError cmsError = error(FailureKind.WARM_UP, Stage.WARM_UP, "cms", STARTUP,
                FAILED_AT.minusSeconds(1));
        DeploymentError commerceError = error(FailureKind.WARM_UP, Stage.WARM_UP, "commerce",
                commerceFailure, FAILED_AT);
        DeploymentSnapshot snapshot = snapshot(failed(DeploymentStatus.FAILED, commerceError),
                webApp("cms").failed(cmsError), webApp("commerce").failed(commerceError), webApp("scheduler"));

        // Act
        Diagnosis diagnosis = Classifier.diagnose(snapshot, List.of()).orElseThrow();

        // Assert
        assertEquals(List.of("cms", "commerce"), diagnosis.affectedWebApps());
        assertEquals(List.of(FAILED_AT + " commerce: " + commerceFailure,
                FAILED_AT.minusSeconds(1) + " cms: " + STARTUP), diagnosis.evidence());
        assertTrue(diagnosis.summary().contains("on commerce"), diagnosis.summary());
    }

    @Test
    void evidenceIsCappedAndKeepsTheNewestLines() {
        // Arrange: six failing web apps and forty warm-up rounds, each with its own text.
        List<WebAppState> webApps = new ArrayList<>();
        List<LogLine> log = new ArrayList<>();
        DeploymentError last = null;
        for (int i = 0; i < 6; i++) {
            String name = "cms" + i;
            last = error(FailureKind.WARM_UP, Stage.WARM_UP, name, SLOW.replace("cms", name),
                    FAILED_AT.plusSeconds(i));
            webApps.add(webApp(name).failed(last));
        }
        for (int round = 0; round < 40; round++) {
            log.add(line(T0.plusSeconds(round), "cms5", "Warming up slot cms5/staging: round " + round, Stage.WARM_UP));
        }
        DeploymentSnapshot snapshot = snapshot(failed(DeploymentStatus.FAILED, last),
                webApps.toArray(WebAppState[]::new));

        // Act
        Diagnosis diagnosis = Classifier.diagnose(snapshot, log).orElseThrow();

        // Assert
        assertEquals(Classifier.MAX_EVIDENCE, diagnosis.evidence().size(), diagnosis.evidence().toString());
        assertEquals(FAILED_AT.plusSeconds(5) + " cms5: " + last.message(), diagnosis.evidence().get(0));
        assertEquals(T0.plusSeconds(39) + " cms5: Warming up slot cms5/staging: round 39",
                diagnosis.evidence().get(Classifier.MAX_EVIDENCE - 1), "the newest log line is kept, last");
        assertEquals(6, diagnosis.affectedWebApps().size(), "every failing web app is listed even when not quoted");
    }

    @Test
    void repeatedLogLinesAreQuotedOnce() {
        DeploymentError error = error(FailureKind.WARM_UP, Stage.WARM_UP, "cms", SLOW, FAILED_AT);
        List<LogLine> log = List.of(
                line(T0.plusSeconds(10), "cms", WARMING, Stage.WARM_UP),
                line(T0.plusSeconds(20), "cms", WARMING, Stage.WARM_UP),
                line(T0.plusSeconds(30), "cms", WARMING, Stage.WARM_UP));

        Diagnosis diagnosis = Classifier.diagnose(snapshot(failed(DeploymentStatus.FAILED, error),
                webApp("cms").failed(error)), log).orElseThrow();

        assertEquals(List.of(FAILED_AT + " cms: " + SLOW, T0.plusSeconds(30) + " cms: " + WARMING),
                diagnosis.evidence());
    }

    @Test
    void anExceptionInTheMaintenanceSlotIsNotBlamedOnTheNewPackage() {
        String message = "maintenance slot cms/maintenance did not warm up within 60 s: 0 of 1 warm-up requests"
                + " ready; cms-prod.azurewebsites.net/: HTTP 500 System.Data.SqlClient.SqlException: Login failed";
        DeploymentError error = error(FailureKind.WARM_UP, Stage.ENTER_MAINTENANCE, "cms", message,
                FAILED_AT);

        Diagnosis diagnosis = Classifier.diagnose(snapshot(failed(DeploymentStatus.FAILED, error),
                webApp("cms").failed(error)), List.of()).orElseThrow();

        assertEquals(Cause.STARTUP_ERROR, diagnosis.cause());
        assertEquals(Advice.RETRY_SAME_PACKAGE, diagnosis.advice());
        assertTrue(diagnosis.summary().contains("System.Data.SqlClient.SqlException"), diagnosis.summary());
    }

    @Test
    void anExceptionInTheMaintenanceSlotWithAnotherWebAppInMaintenanceSaysToResetBeforeAnotherMode() {
        // Arrange: the scheduler stayed in maintenance; a start in MaintenancePage mode is refused until a reset
        String message = "maintenance slot cms/maintenance did not warm up within 60 s: 0 of 1 warm-up requests"
                + " ready; cms-prod.azurewebsites.net/: HTTP 500 System.Data.SqlClient.SqlException: Login failed";
        DeploymentError error = error(FailureKind.WARM_UP, Stage.ENTER_MAINTENANCE, "cms", message,
                FAILED_AT);
        WebAppState cms = new WebAppState("d1", "cms", WebAppRole.ZERO_DOWNTIME, WebAppPhase.PENDING, false, null, 0,
                null, Map.of(), null, "etag-cms").failed(error);

        // Act
        Diagnosis diagnosis = Classifier.diagnose(snapshot(failed(DeploymentStatus.FAILED, error), cms,
                webApp("scheduler")), List.of()).orElseThrow();

        // Assert
        String fix = diagnosis.fix();
        int reset = fix.indexOf("first reset deployment d1");
        int otherMode = fix.indexOf("start again in MaintenancePage mode");
        assertTrue(reset >= 0 && otherMode > reset, fix);
    }

    @Test
    void aMigrationOfTheVersionInProductionOnTheCloneSaysToStartReadOnlyAfterAResetWhenAWebAppStayedInMaintenance() {
        // Arrange: a ReadWrite run; the old release's migration failed on the clone; the scheduler stayed in maintenance
        String message = "maintenance slot cms/maintenance did not warm up within 60 s: 0 of 1 warm-up requests"
                + " ready; cms-prod.azurewebsites.net/: HTTP 500 Migration 17 failed: column 'Title' already exists";
        DeploymentError error = error(FailureKind.WARM_UP, Stage.ENTER_MAINTENANCE, "cms", message,
                FAILED_AT);
        WebAppState cms = new WebAppState("d1", "cms", WebAppRole.ZERO_DOWNTIME, WebAppPhase.PENDING, false, null, 0,
                null, Map.of(), null, "etag-cms").failed(error);
        Deployment readWrite = failed(DeploymentStatus.FAILED, error);
        readWrite = new Deployment(readWrite.id(), readWrite.environment(), readWrite.status(), readWrite.stage(),
                readWrite.checks(), DeploymentMode.READ_WRITE, readWrite.packageUri(), readWrite.packageSha256(), null,
                T0, T0, null, false, readWrite.errors(), List.of(), List.of(), null, null, null, 0, null, "etag-d");

        // Act
        Diagnosis alone = Classifier.diagnose(snapshot(readWrite, cms), List.of()).orElseThrow();
        Diagnosis withScheduler = Classifier.diagnose(snapshot(readWrite, cms, webApp("scheduler")), List.of())
                .orElseThrow();

        // Assert
        assertEquals(Cause.MIGRATION_FAILURE, alone.cause());
        assertEquals(Advice.RETRY_SAME_PACKAGE, alone.advice());
        assertTrue(alone.fix().contains("start again in ReadOnly mode") && !alone.fix().contains("reset"), alone.fix());
        String fix = withScheduler.fix();
        int reset = fix.indexOf("first reset deployment d1");
        int readOnly = fix.indexOf("then start again in ReadOnly mode");
        assertTrue(reset >= 0 && readOnly > reset && fix.contains("scheduler stayed in maintenance"), fix);
    }

    // ----- builders -----

    /**
     * The error a step records for {@code message}, with the fields the step sets beside it (see
     * {@code SlotWarmer.Round#failing}, {@code VerifyPackageStep}, {@code Transitions.retryLater}). The test's messages
     * are written as the steps write them, so the fields are read back off them here; the classifier itself never
     * reads the message.
     */
    private static DeploymentError error(FailureKind kind, Stage stage, String webApp, String message, Instant at) {
        FailureEvidence evidence = null;
        int probe = message.indexOf("requests ready; ");
        if (probe >= 0) {
            String answer = message.substring(probe + "requests ready; ".length());
            int colon = answer.indexOf(": ");
            String target = answer.substring(0, colon);
            String rest = answer.substring(colon + 2);
            int slash = target.indexOf('/');
            int status = 0;
            String detail = rest;
            if (rest.startsWith("HTTP ")) {
                status = Integer.parseInt(rest.substring(5, 8));
                detail = rest.length() > 9 ? rest.substring(9) : "";
            }
            evidence = FailureEvidence.probe(new FailureEvidence.Probe(stage == Stage.ENTER_MAINTENANCE
                    ? "maintenance" : "staging", target.substring(0, slash), target.substring(slash), status, detail));
        } else if (message.contains(TOKEN)) {
            evidence = FailureEvidence.cloud("ExpiredAuthenticationToken", kind == FailureKind.CREDENTIALS)
                    .withRetries(5);
        } else if (message.equals(HASH)) {
            evidence = FailureEvidence.mismatch();
        } else if (message.equals(UNREADABLE)) {
            evidence = FailureEvidence.cloud("BlobNotFound", false);
        }
        return new DeploymentError(kind, stage, webApp, message, at, evidence);
    }

    /** A line the failing stage's deliveries wrote, as Transitions stamps it. */
    private static LogLine line(Instant at, String webApp, String text, Stage stage) {
        boolean retry = text.startsWith("Transient failure");
        return new LogLine(at, retry ? LogLine.Level.WARNING : LogLine.Level.INFO, webApp, text, stage,
                retry ? LogLine.Event.RETRY : null);
    }

    private static String describedStage(Stage stage) {
        return Classifier.describe(stage);
    }

    private static Deployment failed(DeploymentStatus status, DeploymentError error) {
        return deployment(status, List.of(error));
    }

    private static Deployment deployment(DeploymentStatus status, List<DeploymentError> errors) {
        return new Deployment("d1", "prod", status, Stage.WARM_UP, 0, DeploymentMode.READ_ONLY,
                "https://packages.example.com/cms-2.0.zip", "ab".repeat(32), null, T0, T0, null, false,
                errors, List.of(), List.of(), null, null, null, 0, null, "etag-d");
    }

    private static WebAppState webApp(String name) {
        WebAppRole role = name.startsWith("scheduler") ? WebAppRole.MAINTENANCE_PAGE : WebAppRole.ZERO_DOWNTIME;
        return new WebAppState("d1", name, role, WebAppPhase.DEPLOYED, true, null, 0, null, Map.of(), null,
                "etag-" + name);
    }

    private static DeploymentSnapshot snapshot(Deployment deployment, WebAppState... webApps) {
        List<WebAppConfig> configs = new ArrayList<>();
        for (WebAppState webApp : webApps) {
            configs.add(new WebAppConfig(webApp.name(), "/subscriptions/0000/resourceGroups/rg/providers/"
                    + "Microsoft.Web/sites/" + webApp.name(), webApp.role(), "staging", "maintenance",
                    new WebAppConfig.WarmUpConfig(List.of(), List.of("/"), List.of())));
        }
        EnvironmentConfig config = new EnvironmentConfig("prod", configs, new DatabaseConfig(
                "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql1", "cmsdb"),
                "EPiServerDB", "Cms__DatabaseMode", "https://packages.example.com/maintenance.zip",
                Duration.ofSeconds(60));
        return new DeploymentSnapshot(new EnvironmentRecord(config, null, deployment.id(), "etag-env"), deployment,
                List.of(webApps));
    }
}
