package io.smoothdeploy.e2e;

import io.smoothdeploy.cloud.arm.ArmCloud;
import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.emulator.AzureEmulator;
import io.smoothdeploy.local.emulator.EmulatedDatabase;
import io.smoothdeploy.local.emulator.SamplePackage;
import io.smoothdeploy.testing.QueueSettings;
import io.smoothdeploy.testing.TestAzurite;
import io.smoothdeploy.warmup.HttpWarmUpProber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The real Azure path, locally: the local host's engine drives the ARM adapter (azure-resourcemanager)
 * against the local Azure emulator, whose slots are loopback listeners running packages, and warm-up goes
 * over HTTP. One CMS main site on one database; the queues and every clock run on a manual clock.
 */
final class EmulatorHarness implements AutoCloseable {

    static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
    static final String PACKAGES = "https://packages.example.com/";

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    final AzureEmulator emulator = AzureEmulator.start(clock);
    final Path packages;
    final String cmsSite;
    final String sqlServer;
    final EmulatedDatabase production;
    final ApiClient http;
    final LocalStack stack;
    private final HttpClient client = HttpClient.newHttpClient();

    /** @param oldPackage the package production runs before the deployment */
    EmulatorHarness(SamplePackage oldPackage, SamplePackage... others) {
        this(Map.of(), null, oldPackage, others);
    }

    /**
     * The same, with more app settings on production ({@code productionSettings}) and the engine's ports crashing
     * where {@code crashes} says (null: no crash injection).
     */
    EmulatorHarness(Map<String, String> productionSettings, io.smoothdeploy.local.faults.FaultInjector crashes,
                    SamplePackage oldPackage, SamplePackage... others) {
        this(java.util.function.UnaryOperator.identity(), productionSettings, crashes, oldPackage, others);
    }

    /** The same, with the engine's store decorated by {@code store} (a {@code FaultyStore}, say). */
    EmulatorHarness(java.util.function.UnaryOperator<io.smoothdeploy.engine.port.DeploymentStore> store,
                    Map<String, String> productionSettings, io.smoothdeploy.local.faults.FaultInjector crashes,
                    SamplePackage oldPackage, SamplePackage... others) {
        try {
            packages = Files.createTempDirectory("packages");
            oldPackage.writeTo(packages.resolve("old.zip"));
            for (SamplePackage other : others) {
                other.writeTo(packages.resolve(other.manifest().name() + "-" + other.manifest().version() + ".zip"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        emulator.servePackagesFrom(packages);
        emulator.setCopyDuration(Duration.ofMinutes(2));
        sqlServer = emulator.addSqlServer(SUBSCRIPTION, "cms-rg", "cms-sql", "westeurope");
        production = emulator.addDatabase(sqlServer, "cmsdb");
        // production has been in use (and backed up) for a week: restorable to any point of this test
        production.setEarliestRestoreDate(clock.instant().minus(Duration.ofDays(7)));
        production.insert("{\"page\":\"home\"}");
        Map<String, String> appSettings = new java.util.HashMap<>(productionSettings);
        appSettings.put("WEBSITE_RUN_FROM_PACKAGE", PACKAGES + "old.zip?sv=2024&sig=OLDSECRET");
        appSettings.put("Cms__DatabaseMode", "ReadWrite");
        cmsSite = emulator.addSite(SUBSCRIPTION, "cms-rg", "cms-prod", "westeurope", appSettings,
                Map.of("EPiServerDB", "Server=tcp:cms-sql.database.windows.net,1433;Initial Catalog=cmsdb;"
                        + "Authentication=Active Directory Default"));
        Map<String, String> settings = QueueSettings.sample();
        settings.put("StateTableName", TestAzurite.uniqueTableName("state"));
        settings.put("DeploymentIndexTableName", TestAzurite.uniqueTableName("index"));
        stack = LocalStack.start(TestAzurite.serviceClient(), settings,
                LocalStack.Cloud.emulated(emulator, SUBSCRIPTION, Duration.ofSeconds(5)), clock, Pacing.DEFAULT, 0,
                new LocalStack.Faults(store, java.util.function.UnaryOperator.identity(), crashes));
        http = new ApiClient(stack.apiBase());
    }

    String environmentBody() {
        return "{\"webApps\":[{\"name\":\"cms\",\"resourceId\":\"" + cmsSite + "\",\"role\":\"ZeroDowntime\","
                + "\"warmUp\":" + warmUp + "}" + moreWebApps + "],"
                + "\"database\":{\"serverResourceId\":\"" + sqlServer + "\",\"name\":\"cmsdb\"},"
                + "\"connectionStringName\":\"EPiServerDB\",\"databaseModeSetting\":\"Cms__DatabaseMode\","
                + "\"warmUpTimeoutSeconds\":60" + environmentExtras + "}";
    }

    /** The CMS web app's warm-up object in the registration, such as {@code {"hostNames":["www.example.com"]}}. */
    String warmUp = "{\"paths\":[\"/\"]}";

    /** More web apps for the registration's list, each starting with a comma (see {@link #addScheduler}). */
    String moreWebApps = "";

    /**
     * Adds a scheduler app (its own site, running {@code scheduler-1.0.zip} on the same database) to the
     * registration as a MaintenancePage web app, with {@code maintenance.zip} as the environment's maintenance
     * page; returns the scheduler site's resource id.
     */
    String addScheduler() {
        SamplePackage.of("scheduler", "1.0").writeTo(packages.resolve("scheduler-1.0.zip"));
        SamplePackage.of("maintenance", "1.0").writeTo(packages.resolve("maintenance.zip"));
        String site = emulator.addSite(SUBSCRIPTION, "cms-rg", "scheduler-prod", "westeurope",
                Map.of("WEBSITE_RUN_FROM_PACKAGE", PACKAGES + "scheduler-1.0.zip"),
                Map.of("EPiServerDB", "Server=tcp:cms-sql.database.windows.net,1433;Initial Catalog=cmsdb;"
                        + "Authentication=Active Directory Default"));
        moreWebApps += ",{\"name\":\"scheduler\",\"resourceId\":\"" + site + "\",\"role\":\"MaintenancePage\"}";
        environmentExtras += ",\"maintenancePagePackageUri\":\"" + PACKAGES + "maintenance.zip\"";
        return site;
    }

    /** More registration fields, such as {@code ,"transientRetryLimit":2}, added before the next start. */
    String environmentExtras = "";

    /** Registers the environment and starts a deployment of {@code packageFile}; returns its id. */
    String start(String packageFile, String mode) {
        return start(packageFile, mode, sha256(packageFile));
    }

    /** The same, started with {@code sha256} as the package's SHA-256. */
    String start(String packageFile, String mode, String sha256) {
        ApiClient.Response registered = http.put("/environments/prod", environmentBody());
        if (registered.status() / 100 != 2) {
            throw new AssertionError(registered.toString());
        }
        ApiClient.Response started = http.post("/deployments", "{\"environment\":\"prod\",\"packageUri\":\""
                + PACKAGES + packageFile + "?sv=2024&sig=NEWSECRET\",\"packageSha256\":\"" + sha256
                + "\",\"mode\":\"" + mode + "\"}");
        if (started.status() != 202) {
            throw new AssertionError(started.toString());
        }
        return started.json().get("id").asText();
    }

    /** The SHA-256 of a package in the packages folder, as a pipeline would compute it. */
    String sha256(String packageFile) {
        return SamplePackage.sha256(packages.resolve(packageFile));
    }

    void runQueues() {
        stack.queue().runUntilIdle(Duration.ofHours(2));
    }

    /** The X-Package header production answers with, e.g. {@code cms/2.0}. */
    String productionPackage() {
        return productionPackage(cmsSite);
    }

    /** The X-Package header the production slot of {@code site} answers with. */
    String productionPackage(String site) {
        URI url = emulator.slotUrl(site, "production").orElseThrow();
        try {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(url.resolve("/")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return answer.headers().firstValue("X-Package").orElse("status " + answer.statusCode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stack.close();
        emulator.close();
    }
}
