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

    @Test
    void readOnlyNotSupportedAloneIsStartedAgainInReadWriteAndSucceeds() {
        // Arrange
        azure = new EmulatorHarness(SamplePackage.of("cms", "1.0").supportsReadOnly(false), NEW);
        String fix = failWith("ReadOnlyNotSupported", azure.start("cms-2.0.zip", "ReadOnly"));

        // Act
        says(fix, "start again in ReadWrite mode");
        String id = azure.start("cms-2.0.zip", "ReadWrite");

        // Assert
        completes(id);
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void warmUpFailedOnASlowColdStartSucceedsWithALongerWarmUpTimeoutAndTheSamePackage() {
        // Arrange: a ten-minute cold start against the registration's 60 s
        azure = new EmulatorHarness(OLD, SamplePackage.of("cms", "2.0").coldStartSeconds(600));
        String fix = failWith("WarmUpFailed", azure.start("cms-2.0.zip", "ReadOnly"));

        // Act
        says(fix, "raise warmUpTimeoutSeconds");
        says(fix, "start again with the same package");
        azure.environmentExtras += ",\"warmUpTimeoutSeconds\":1200";
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Assert
        completes(id);
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void warmUpFailedOnAMissingPathSucceedsOnceTheRegistrationsPathsAreCorrected() {
        // Arrange: a warm-up path that neither release serves
        azure = new EmulatorHarness(OLD, NEW);
        azure.warmUp = "{\"paths\":[\"/health\"]}";
        String fix = failWith("WarmUpFailed", azure.start("cms-2.0.zip", "ReadOnly"));

        // Act
        says(fix, "correct the warm-up paths in the environment registration");
        says(fix, "then start again");
        azure.warmUp = "{\"paths\":[\"/\"]}";
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Assert
        completes(id);
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void startupErrorSucceedsWithTheFixedPackage() throws Exception {
        // Arrange
        String exception = "System.InvalidOperationException: Unable to resolve service for type 'ICache'";
        azure = new EmulatorHarness(OLD, SamplePackage.of("cms", "2.0").startupFailure(exception));
        String fix = failWith("StartupError", azure.start("cms-2.0.zip", "ReadOnly"));

        // Act
        says(fix, "deploy the fixed package");
        SamplePackage.of("cms", "2.1").writeTo(azure.packages.resolve("cms-2.1.zip"));
        String id = azure.start("cms-2.1.zip", "ReadOnly");

        // Assert
        completes(id);
        assertEquals("cms/2.1", azure.productionPackage());
    }

    @Test
    void migrationFailureIsResetWithTheDatabaseRolledBackThenSucceedsWithTheFixedPackage() throws Exception {
        // Arrange
        azure = new EmulatorHarness(OLD, SamplePackage.of("cms", "2.0").migrationFailure("Migration 42 failed"));
        String failed = azure.start("cms-2.0.zip", "ReadOnly");
        String fix = failWith("MigrationFailure", failed);

        // Act
        says(fix, "reset the deployment with rollbackDatabase=true");
        says(fix, "deploy the fixed package");
        ApiClient.Response reset = azure.http.post("/deployments/" + failed + "/reset", "{\"rollbackDatabase\":true}");
        azure.runQueues();
        JsonNode afterReset = azure.http.get("/deployments/" + failed).json();
        SamplePackage.of("cms", "2.1").writeTo(azure.packages.resolve("cms-2.1.zip"));
        String id = azure.start("cms-2.1.zip", "ReadOnly");

        // Assert
        assertEquals(202, reset.status(), reset.body());
        assertEquals("Reset", afterReset.get("status").asText(), log(failed));
        assertTrue(log(failed).contains("restoring the production database"), log(failed));
        completes(id);
        assertEquals("cms/2.1", azure.productionPackage());
    }

    @Test
    void deploymentCredentialsSucceedsWithTheSamePackageOnceTheIdentityAnswers() {
        // Arrange: the managed-identity endpoint fails once more than the two retries allow, then answers again
        azure = new EmulatorHarness(OLD, NEW);
        azure.environmentExtras = ",\"transientRetryLimit\":2";
        azure.emulator.failNextTokenRequests(3, 503);
        String fix = failWith("DeploymentCredentials", azure.start("cms-2.0.zip", "ReadOnly"));

        // Act
        says(fix, "then start again with the same package");
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Assert
        completes(id);
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void packageMismatchSucceedsOnceThePackageIsUploadedAgain() {
        // Arrange: the blob's bytes changed after the pipeline fingerprinted them
        azure = new EmulatorHarness(OLD, NEW);
        azure.emulator.tamperPackage("cms-2.0.zip");
        String fix = failWith("PackageMismatch", azure.start("cms-2.0.zip", "ReadOnly"));

        // Act
        says(fix, "upload the package again");
        azure.emulator.uploadPackageAgain("cms-2.0.zip");
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Assert
        completes(id);
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void unknownPackageThatCannotBeReadSucceedsWithTheSamePackageOnceItIsUploaded() throws Exception {
        // Arrange: the pipeline starts before its upload (the URI answers 404)
        azure = new EmulatorHarness(OLD);
        java.nio.file.Path built = java.nio.file.Files.createTempDirectory("build").resolve("cms-2.0.zip");
        NEW.writeTo(built);
        String sha256 = SamplePackage.sha256(built);
        String fix = failWith("Unknown", azure.start("cms-2.0.zip", "ReadOnly", sha256));

        // Act
        says(fix, "check that its URI points at the uploaded zip");
        says(fix, "then start again with the same package");
        java.nio.file.Files.copy(built, azure.packages.resolve("cms-2.0.zip"));
        String id = azure.start("cms-2.0.zip", "ReadOnly", sha256);

        // Assert
        completes(id);
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void ipFilterSucceedsWithTheSamePackageOnceTheAllowListAdmitsTheWarmUpRequests() {
        // Arrange: the new release admits only Front Door's header, or the addresses in its IpAllowList app setting
        azure = new EmulatorHarness(OLD, SamplePackage.of("cms", "2.0").ipFilter("X-Azure-FDID", "front-door-id",
                "IpAllowList"));
        String fix = failWith("IpFilter", azure.start("cms-2.0.zip", "ReadOnly"));

        // Act: the allow-list admits the orchestrator's address (loopback here) and App Service's internal one,
        // on every slot, as the portal's Configuration page would set it
        says(fix, "the application's IP allow-list");
        says(fix, "must admit the orchestrator's outbound addresses");
        says(fix, "and App Service's internal warm-up requests");
        says(fix, "then start again with the same package");
        for (String slot : List.of("production", "staging", "maintenance")) {
            azure.emulator.setAppSettingByHand(azure.cmsSite, slot, "IpAllowList", "127.0.0.1,100.64.0.1");
        }
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Assert
        completes(id);
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void startupErrorOfTheVersionInProductionOnTheCloneIsResetThenStartedInMaintenancePageModeAndSucceeds() {
        // Arrange: the release in production throws when it starts on the clone; the scheduler is in maintenance
        azure = new EmulatorHarness(SamplePackage.of("cms", "1.0").startupFailure(
                "System.TypeInitializationException: The type initializer for 'Cms.Cache' threw an exception"), NEW);
        azure.addScheduler();
        String failed = azure.start("cms-2.0.zip", "ReadOnly");
        String fix = failWith("StartupError", failed);
        assertTrue(inMaintenance(azure.http.get("/deployments/" + failed).json()).contains("scheduler"));

        // Act: what the advice says, in its order
        says(fix, "first reset deployment " + failed);
        says(fix, "and wait for Reset, then start again in MaintenancePage mode");
        ApiClient.Response reset = azure.http.post("/deployments/" + failed + "/reset", null);
        azure.runQueues();
        String afterReset = azure.http.get("/deployments/" + failed).json().get("status").asText();
        String id = azure.start("cms-2.0.zip", "MaintenancePage");

        // Assert
        assertEquals(202, reset.status(), reset.body());
        assertEquals("Reset", afterReset, log(failed));
        completes(id);
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void migrationFailureOfTheVersionInProductionOnTheCloneIsStartedAgainInReadOnlyModeAndSucceeds() {
        // Arrange: the release in production migrates a database it runs on read-write, and its migration fails
        azure = new EmulatorHarness(SamplePackage.of("cms", "1.0").migrationFailure(
                "Migration 17 failed: column 'Title' already exists"), NEW);
        String failed = azure.start("cms-2.0.zip", "ReadWrite");
        String fix = failWith("MigrationFailure", failed);

        // Act
        says(fix, "the production database was not changed");
        says(fix, "start again in ReadOnly mode");
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Assert
        completes(id);
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void unknownCloudOperationSucceedsWithTheSamePackageOnceWhatItsErrorCodeNamesIsCorrected() {
        // Arrange: a resource lock refuses the change of a slot's app settings (ARM: 409 ScopeLocked), once
        azure = new EmulatorHarness(OLD, NEW);
        azure.emulator.failNext("updateAppSettings", 1, 409, "ScopeLocked");
        String failed = azure.start("cms-2.0.zip", "ReadOnly");
        String fix = failWith("Unknown", failed);
        JsonNode diagnosis = azure.http.get("/deployments/" + failed).json().get("diagnosis");

        // Act: the evidence names the code, the advice says to correct it (the lock is removed) and start again
        assertTrue(diagnosis.get("evidence").toString().contains("ScopeLocked"), diagnosis.toString());
        says(fix, "CLOUD_OPERATION");
        says(fix, "correct what its error code names");
        says(fix, "a resource lock");
        says(fix, "then start again with the same package");
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Assert
        completes(id);
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void unknownConfigurationSucceedsWithTheSamePackageOnceTheRegistrationIsCorrected() {
        // Arrange: the registration names a connection string that the site does not have (a typo)
        azure = new EmulatorHarness(OLD, NEW);
        String wrong = azure.environmentBody().replace("\"connectionStringName\":\"EPiServerDB\"",
                "\"connectionStringName\":\"EPiServerDb\"");
        assertTrue(!wrong.equals(azure.environmentBody()));
        assertEquals(200 / 100, azure.http.put("/environments/prod", wrong).status() / 100);
        ApiClient.Response started = azure.http.post("/deployments", startBody("cms-2.0.zip", "ReadOnly"));
        assertEquals(202, started.status(), started.body());
        String fix = failWith("Unknown", started.json().get("id").asText());

        // Act: the registration is corrected (azure.start registers the right one) and the start sent again
        says(fix, "CONFIGURATION");
        says(fix, "correct the registration or the resource");
        says(fix, "then start again with the same package");
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Assert
        completes(id);
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void unknownDatabaseOnARollbackPastTheEarliestRestorePointIsResetWithoutRollbackDatabase() {
        // Arrange: a run awaiting verification; then the database's backups start only now (it was recreated), so
        // the moment the deployment started cannot be restored
        azure = new EmulatorHarness(OLD, NEW);
        String id = azure.start("cms-2.0.zip", "ReadOnly");
        azure.runQueues();
        assertEquals("AwaitingVerification", azure.http.get("/deployments/" + id).json().get("status").asText());
        azure.clock.advance(java.time.Duration.ofMinutes(10));
        azure.production.setEarliestRestoreDate(azure.clock.instant());
        assertEquals(202, azure.http.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":true}").status());
        String fix = failWith("Unknown", id);

        // Act
        says(fix, "DATABASE");
        says(fix, "or reset without rollbackDatabase");
        ApiClient.Response reset = azure.http.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":false}");
        azure.runQueues();

        // Assert: the outcome the advice names, and production back on the old release
        assertEquals(202, reset.status(), reset.body());
        assertEquals("Reset", azure.http.get("/deployments/" + id).json().get("status").asText(), log(id));
        assertEquals("cms/1.0", azure.productionPackage());
    }

    @Test
    void unknownDeadLetteredSucceedsWithTheSamePackageOnceTheStepStopsFailing() {
        // Arrange: the step throws (a bug, not a cloud answer) on every delivery until its message is dead-lettered;
        // no cloud answer makes the ARM adapter throw anything but a CloudException, so this runs on the simulated
        // cloud, whose deployPackage throws what it is told to
        try (LocalHostHarness host = new LocalHostHarness()) {
            host.put("/environments/prod", LocalHostHarness.environmentBody(false));
            host.cloud.failNext("deployPackage", "cms-prod/staging", 10,
                    new IllegalStateException("unexpected answer from the deployment endpoint"));
            String failed = host.post("/deployments", LocalHostHarness.startBody("prod", LocalHostHarness.NEW_PACKAGE,
                    null)).json().get("id").asText();
            host.runQueues();
            JsonNode status = host.get("/deployments/" + failed).json();
            assertEquals("Failed", status.get("status").asText(), status.toString());
            assertEquals("Unknown", status.get("diagnosis").get("cause").asText(), status.toString());
            assertEquals(1, host.queue().deadLetters().size());
            String fix = status.get("diagnosis").get("fix").asText();

            // Act: its cause corrected (the step stops throwing: the ten failures are spent), started again
            says(fix, "DEAD_LETTERED");
            says(fix, "correct its cause");
            says(fix, "then start again with the same package");
            ApiClient.Response started = host.post("/deployments", LocalHostHarness.startBody("prod",
                    LocalHostHarness.NEW_PACKAGE, null));
            host.runQueues();
            String id = started.json().get("id").asText();
            String awaiting = host.get("/deployments/" + id).json().get("status").asText();
            ApiClient.Response complete = host.post("/deployments/" + id + "/complete", null);
            host.runQueues();

            // Assert
            assertEquals(202, started.status(), started.body());
            assertEquals("AwaitingVerification", awaiting, host.get("/deployments/" + id + "/log").body());
            assertEquals(202, complete.status(), complete.body());
            assertEquals("Succeeded", host.get("/deployments/" + id).json().get("status").asText());
        }
    }

    /** Runs the queues, checks deployment {@code id} failed with {@code cause}, and returns its fix. */
    private String failWith(String cause, String id) {
        azure.runQueues();
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("Failed", status.get("status").asText(), status.toString());
        assertEquals(cause, status.get("diagnosis").get("cause").asText(), status.toString());
        return status.get("diagnosis").get("fix").asText();
    }

    /** Runs deployment {@code id} to verification, completes it and checks it ends Succeeded. */
    private void completes(String id) {
        azure.runQueues();
        assertEquals("AwaitingVerification", azure.http.get("/deployments/" + id).json().get("status").asText(), log(id));
        ApiClient.Response complete = azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();
        assertEquals(202, complete.status(), complete.body());
        assertEquals("Succeeded", azure.http.get("/deployments/" + id).json().get("status").asText(), log(id));
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
