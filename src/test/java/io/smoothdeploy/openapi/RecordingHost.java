package io.smoothdeploy.openapi;

import java.util.Locale;
import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.LocalExecutionContext;
import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.SimulatedCloud;
import io.smoothdeploy.testing.QueueSettings;
import io.smoothdeploy.testing.SampleCloud;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local host as the end-to-end tests run it (real function classes on loopback HTTP, in-process queues
 * on a manual clock, Table storage on the shared Azurite, a simulated cloud with a CMS site, a scheduler app
 * and the CMS database), with every request and answer recorded.
 */
final class RecordingHost implements AutoCloseable {

    static final String CMS = SampleCloud.CMS;
    static final String SCHEDULER = SampleCloud.SCHEDULER;
    static final String SQL_SERVER = SampleCloud.SQL_SERVER;
    static final String OLD_PACKAGE = SampleCloud.OLD_PACKAGE;
    static final String NEW_PACKAGE = "https://packages.example.com/cms-2.0.zip?sv=2024&sig=NEWSECRET";
    static final String PIPELINE_RUN = "https://dev.azure.com/contoso/cms/_build/results?buildId=42&token=RUNSECRET";

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    final SimulatedCloud cloud = new SimulatedCloud(clock, Duration.ofMinutes(3));
    final List<OpenApiChecks.Exchange> exchanges = new ArrayList<>();
    private final LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    RecordingHost() {
        SampleCloud.seed(cloud);
        stack = SampleCloud.startLocalHost(cloud, clock, QueueSettings.sample());
    }

    /** A body registering two web apps (a main site and a scheduler on a maintenance page). */
    /**
     * {@code body} on sites and a database of its own, named after {@code tag} (a site or database belongs to one
     * environment). They are not in the cloud: for registrations that are never deployed.
     */
    static String onOwnResources(String body, String tag) {
        return body.replace("sites/cms-prod", "sites/cms-" + tag).replace("sites/scheduler-prod", "sites/scheduler-" + tag)
                .replace("\"name\":\"cmsdb\"", "\"name\":\"cmsdb-" + tag + "\"");
    }

    static String environmentBody(boolean withScheduler, boolean withMaintenancePage) {
        String cms = "{\"name\":\"cms\",\"resourceId\":\"" + CMS + "\",\"role\":\"ZeroDowntime\","
                + "\"warmUp\":{\"hostNames\":[\"www.example.com\"],\"paths\":[\"/\",\"/health\"]}}";
        String scheduler = ",{\"name\":\"scheduler\",\"resourceId\":\"" + SCHEDULER + "\",\"role\":\"MaintenancePage\"}";
        return "{\"webApps\":[" + cms + (withScheduler ? scheduler : "") + "],"
                + "\"database\":{\"serverResourceId\":\"" + SQL_SERVER + "\",\"name\":\"cmsdb\"},"
                + "\"connectionStringName\":\"EPiServerDB\",\"databaseModeSetting\":\"Cms__DatabaseMode\""
                + (withMaintenancePage ? ",\"maintenancePagePackageUri\":\"https://packages.example.com/maintenance.zip?sig=PAGESECRET\"" : "")
                + ",\"transientRetryLimit\":3"
                + ",\"verification\":{\"smokeChecks\":[" + SMOKE_CHECKS + "],\"limitMinutes\":720}"
                + ",\"staleness\":{\"action\":\"Nothing\"}}";
    }

    /**
     * The smoke checks of {@link #environmentBody}: one for every web app, one with a body text, and one that
     * fails (the simulated slots answer 200, not 204), so the answers hold a failed result as well.
     */
    static final String SMOKE_CHECKS = "{\"path\":\"/\"},"
            + "{\"webApp\":\"cms\",\"path\":\"/health?full=1\",\"bodyContains\":\"Healthy\"},"
            + "{\"webApp\":\"cms\",\"path\":\"/ping\",\"expectedStatus\":204}";

    /**
     * A body that sets every optional field: a webhook (with a secret in its query string, never shown back),
     * an allow-list of hosts, the transient retry limit, an automatic verification policy and the staleness policy.
     */
    static String fullEnvironmentBody() {
        String cms = "{\"name\":\"cms\",\"resourceId\":\"" + CMS + "\",\"role\":\"ZeroDowntime\","
                + "\"stagingSlot\":\"next\",\"maintenanceSlot\":\"offline\","
                + "\"warmUp\":{\"hostNames\":[\"www.example.com\"],\"paths\":[\"/\"],\"expectedStatuses\":[200,302]}}";
        return "{\"webApps\":[" + cms + "],"
                + "\"database\":{\"serverResourceId\":\"" + SQL_SERVER + "\",\"name\":\"cmsdb\"},"
                + "\"connectionStringName\":\"EPiServerDB\",\"databaseModeSetting\":\"Cms__DatabaseMode\","
                + "\"warmUpTimeoutSeconds\":300,"
                + "\"webhookUrl\":\"https://hooks.example.com/smoothdeploy?code=HOOKSECRET\","
                + "\"transientRetryLimit\":0,"
                + "\"allowedHosts\":[\"hooks.example.com\",\"*.blob.core.windows.net\"],"
                + "\"verification\":{\"smokeChecks\":[{\"webApp\":\"cms\",\"path\":\"/health\",\"expectedStatus\":200,"
                + "\"bodyContains\":\"Healthy\"}],\"onPass\":\"Complete\",\"onFail\":\"Reset\",\"rollbackDatabase\":true,"
                + "\"limitMinutes\":60,\"onLimit\":\"Reset\",\"afterComplete\":{\"smokeChecks\":[{\"path\":\"/health\"}],"
                + "\"intervalSeconds\":30,\"minutes\":5,\"onFail\":\"RollBack\"}},"
                + "\"rollbackWindowMinutes\":45,"
                + "\"staleness\":{\"noProgressLimitMinutes\":30,\"action\":\"Resume\"}}";
    }

    static String startBody(String environment, String packageUri, String mode, String key) {
        return startBody(environment, packageUri, mode, key, null, null);
    }

    /** A start body; {@code commitId} and {@code pipelineRunUrl} are left out when null. */
    static String startBody(String environment, String packageUri, String mode, String key, String commitId,
                            String pipelineRunUrl) {
        return "{\"environment\":\"" + environment + "\",\"packageUri\":\"" + packageUri + "\","
                + "\"packageSha256\":\"" + SimulatedCloud.packageSha256(packageUri).toUpperCase(Locale.ROOT) + "\",\"mode\":\"" + mode + "\""
                + (key == null ? "" : ",\"idempotencyKey\":\"" + key + "\"")
                + (commitId == null ? "" : ",\"commitId\":\"" + commitId + "\"")
                + (pipelineRunUrl == null ? "" : ",\"pipelineRunUrl\":\"" + pipelineRunUrl + "\"") + "}";
    }

    /** Delivers every message due within the next two hours of virtual time. */
    void runQueues() {
        stack.queue().runUntilIdle(Duration.ofHours(2));
    }

    /** One tick of the stale-maintenance timer (it also counts the writes to a waiting ReadWrite run's clone). */
    void runTimer() {
        stack.timer().staleMaintenance("{}", LocalExecutionContext.forFunction("StaleMaintenanceTimer"));
    }

    OpenApiChecks.Exchange put(String path, String body) {
        return send("PUT", path, body);
    }

    OpenApiChecks.Exchange post(String path, String body) {
        return send("POST", path, body);
    }

    OpenApiChecks.Exchange get(String path) {
        return send("GET", path, null);
    }

    /** Sends a request under {@code /api} and records it with its answer. */
    OpenApiChecks.Exchange send(String method, String path, String body) {
        return sendAs(method, path, "application/json", body, Map.of());
    }

    /** The same, with extra request headers. */
    OpenApiChecks.Exchange send(String method, String path, String body, Map<String, String> extraHeaders) {
        return sendAs(method, path, "application/json", body, extraHeaders);
    }

    /** As {@link #send}, with the given Content-Type (none when null). */
    OpenApiChecks.Exchange sendAs(String method, String path, String contentType, String body) {
        return sendAs(method, path, contentType, body, Map.of());
    }

    /** As {@link #send}, with the given Content-Type (none when null) and extra request headers. */
    OpenApiChecks.Exchange sendAs(String method, String path, String contentType, String body,
                                  Map<String, String> extraHeaders) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(stack.apiBase() + path));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        extraHeaders.forEach(builder::header);
        HttpRequest request = builder.method(method, publisher).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
            OpenApiChecks.Exchange exchange = new OpenApiChecks.Exchange(method, path, body, response.statusCode(),
                    headers, response.body());
            exchanges.add(exchange);
            return exchange;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(OpenApiChecks.Exchange exchange) {
        return OpenApiChecks.parse(exchange.body());
    }

    @Override
    public void close() {
        stack.close();
    }
}
