package io.smoothdeploy.e2e;

import io.smoothdeploy.local.InProcessStepQueue;
import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.SimulatedCloud;
import io.smoothdeploy.testing.QueueSettings;
import io.smoothdeploy.testing.SampleCloud;
import io.smoothdeploy.testing.TestAzurite;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One local host for a test: real function classes on loopback HTTP, in-process queues on a manual clock,
 * Table storage on the shared Azurite (fresh tables), and a simulated cloud with a CMS site, a scheduler
 * app and the CMS database.
 */
final class LocalHostHarness implements AutoCloseable {

    static final String CMS = SampleCloud.CMS;
    static final String SCHEDULER = SampleCloud.SCHEDULER;
    static final String COMMERCE = SampleCloud.COMMERCE;
    static final String SQL_SERVER = SampleCloud.SQL_SERVER;
    static final String OLD_PACKAGE = SampleCloud.OLD_PACKAGE;
    static final String NEW_PACKAGE = "https://packages.example.com/cms-2.0.zip?sv=2024&sig=NEWSECRET";

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    final SimulatedCloud cloud = new SimulatedCloud(clock, Duration.ofMinutes(3));
    final Map<String, String> settings = QueueSettings.sample();
    final LocalStack stack;
    private final ApiClient api;

    LocalHostHarness() {
        this(LocalStack.Faults.NONE);
    }

    /** A local host with these settings added to the sample's (the development user's roles, say). */
    LocalHostHarness(Map<String, String> extraSettings) {
        settings.putAll(extraSettings);
        SampleCloud.seed(cloud);
        stack = SampleCloud.startLocalHost(cloud, clock, settings, LocalStack.Faults.NONE);
        api = new ApiClient(stack.apiBase());
    }

    /** A local host whose engine sees its store and queue through {@code faults}. */
    LocalHostHarness(LocalStack.Faults faults) {
        SampleCloud.seed(cloud);
        stack = SampleCloud.startLocalHost(cloud, clock, settings, faults);
        api = new ApiClient(stack.apiBase());
    }

    InProcessStepQueue queue() {
        return stack.queue();
    }

    /** Delivers every message due within the next two hours of virtual time. */
    InProcessStepQueue.RunSummary runQueues() {
        return stack.queue().runUntilIdle(Duration.ofHours(2));
    }

    int rowsWritten() {
        return TestAzurite.countRows(settings.get("StateTableName")) + TestAzurite.countRows(settings.get("DeploymentIndexTableName"));
    }

    static String environmentBody(boolean withScheduler) {
        String cms = "{\"name\":\"cms\",\"resourceId\":\"" + CMS + "\",\"role\":\"ZeroDowntime\","
                + "\"warmUp\":{\"hostNames\":[\"www.example.com\"],\"paths\":[\"/\",\"/health\"]}}";
        String scheduler = ",{\"name\":\"scheduler\",\"resourceId\":\"" + SCHEDULER + "\",\"role\":\"MaintenancePage\"}";
        return "{\"webApps\":[" + cms + (withScheduler ? scheduler : "") + "],"
                + "\"database\":{\"serverResourceId\":\"" + SQL_SERVER + "\",\"name\":\"cmsdb\"},"
                + "\"connectionStringName\":\"EPiServerDB\",\"databaseModeSetting\":\"Cms__DatabaseMode\","
                + "\"maintenancePagePackageUri\":\"https://packages.example.com/maintenance.zip\"}";
    }

    /**
     * The sample registration (one CMS web app) on a site, custom domain and database of its own, added to the
     * cloud here: a deployment holds its site's slots and database until it ends, so environments whose
     * deployments stay open side by side must not share them.
     */
    String environmentOnOwnSite(int n) {
        String site = CMS + "-" + n;
        String database = "cmsdb" + n;
        String domain = "www" + n + ".example.com";
        cloud.addSite(site, OLD_PACKAGE, Map.of("EPiServerDB", SampleCloud.CONNECTION.replace("Initial Catalog=cmsdb;",
                "Initial Catalog=" + database + ";")));
        cloud.addDatabase(new io.smoothdeploy.engine.port.DatabaseRef(SQL_SERVER, database));
        cloud.bindCustomDomain(site, domain);
        return environmentBody(false).replace(CMS, site).replace("\"name\":\"cmsdb\"", "\"name\":\"" + database + "\"")
                .replace(SampleCloud.CUSTOM_DOMAIN, domain);
    }

    /** Two main sites (cms, commerce) and a scheduler on a maintenance page. */
    static String threeWebAppBody() {
        String commerce = "{\"name\":\"commerce\",\"resourceId\":\"" + COMMERCE + "\",\"role\":\"ZeroDowntime\"},";
        return environmentBody(true).replace("\"webApps\":[", "\"webApps\":[" + commerce);
    }

    static String startBody(String environment, String packageUri, String key) {
        return "{\"environment\":\"" + environment + "\",\"packageUri\":\"" + packageUri + "\","
                + "\"packageSha256\":\"" + SimulatedCloud.packageSha256(packageUri) + "\",\"mode\":\"ReadOnly\""
                + (key == null ? "" : ",\"idempotencyKey\":\"" + key + "\"") + "}";
    }

    ApiClient.Response put(String path, String body) {
        return api.put(path, body);
    }

    ApiClient.Response post(String path, String body) {
        return api.post(path, body);
    }

    ApiClient.Response sendAs(String method, String path, String contentType, String body) {
        return api.sendAs(method, path, contentType, body);
    }

    ApiClient.Response get(String path) {
        return api.get(path);
    }

    ApiClient.Response delete(String path) {
        return api.delete(path);
    }

    /** Registers the environment and starts a deployment of the new package; returns its id. */
    String registerAndStart(String environment, boolean withScheduler) {
        ApiClient.Response registered = put("/environments/" + environment, environmentBody(withScheduler));
        if (registered.status() != 201) {
            throw new AssertionError("registering failed: " + registered);
        }
        ApiClient.Response started = post("/deployments", startBody(environment, NEW_PACKAGE, null));
        if (started.status() != 202) {
            throw new AssertionError("start failed: " + started);
        }
        return started.json().get("id").asText();
    }

    @Override
    public void close() {
        stack.close();
    }
}
