package io.smoothdeploy.bench;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.port.DatabaseActivity;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.local.FunctionCatalog;
import io.smoothdeploy.local.InProcessStepQueue;
import io.smoothdeploy.local.LocalExecutionContext;
import io.smoothdeploy.local.LocalHttpRequest;
import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.local.SimulatedCloud;
import io.smoothdeploy.testing.QueueSettings;
import io.smoothdeploy.testing.TestAzurite;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local host for counting Table requests: the real function classes, the in-process queue, a real Azurite
 * whose Table client carries a {@link TableRequestCounter}, and a simulated cloud with no delays (copies and
 * swaps take no time). Environment {@code e<i>} has three web apps of its own (cms, commerce: zero downtime;
 * scheduler: maintenance page) and a database of its own, so deployments of different environments share
 * nothing but the store and the queue. API calls are made by invoking the HTTP functions on the caller's
 * thread, so their Table requests count to the caller's {@link TableRequestCounter.Scope}.
 */
final class BenchHost implements AutoCloseable {

    static final String GROUP = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/bench-rg";
    static final String SQL_SERVER = GROUP + "/providers/Microsoft.Sql/servers/bench-sql";
    static final String OLD_PACKAGE = "https://packages.example.com/app-1.0.zip";
    static final String NEW_PACKAGE = "https://packages.example.com/app-2.0.zip";
    /** The release after {@link #NEW_PACKAGE}, for a second wave on the same environments. */
    static final String NEXT_PACKAGE = "https://packages.example.com/app-3.0.zip";

    final TableRequestCounter counter = new TableRequestCounter();
    /** Calls to the database-activity port (SQL on Azure: the write count, stopping writes). */
    final AtomicLong sqlCalls = new AtomicLong();
    final SimulatedCloud cloud;
    final LocalStack stack;
    private final int webApps;
    private final String stateTable;

    /**
     * @param clock   a ManualClock for virtual time, the system clock for a live run
     * @param pacing  how often long work is checked
     * @param webApps 1 (cms only) or 3 (cms, commerce, scheduler) per environment
     */
    BenchHost(Clock clock, Pacing pacing, int webApps) {
        if (webApps != 1 && webApps != 3) {
            throw new IllegalArgumentException("1 or 3 web apps, not " + webApps);
        }
        this.webApps = webApps;
        cloud = new SimulatedCloud(clock, Duration.ZERO);
        cloud.setSwapDuration(Duration.ZERO);
        Map<String, String> settings = QueueSettings.sample();
        stateTable = TestAzurite.uniqueTableName("benchstate");
        settings.put("StateTableName", stateTable);
        settings.put("DeploymentIndexTableName", TestAzurite.uniqueTableName("benchindex"));
        TableServiceClient tables = new TableServiceClientBuilder()
                .connectionString(TestAzurite.connectionString()).addPolicy(counter).buildClient();
        DatabaseActivity activity = new DatabaseActivity() {
            @Override
            public OptionalLong writesSinceCreated(DatabaseRef database) {
                sqlCalls.incrementAndGet();
                return cloud.writesSinceCreated(database);
            }

            @Override
            public boolean stopWrites(DatabaseRef database) {
                sqlCalls.incrementAndGet();
                return cloud.stopWrites(database);
            }
        };
        stack = LocalStack.start(tables, settings,
                new LocalStack.Cloud(cloud, cloud, cloud, cloud, cloud, activity), clock, pacing, 0);
    }

    InProcessStepQueue queue() {
        return stack.queue();
    }

    static String site(String name, int environment) {
        return GROUP + "/providers/Microsoft.Web/sites/" + name + "-" + environment;
    }

    /** Adds environment {@code i}'s sites and database to the simulated cloud. */
    void seed(int i) {
        String connection = "Server=tcp:bench-sql.database.windows.net,1433;Initial Catalog=db" + i
                + ";Authentication=Active Directory Default";
        cloud.addSite(site("cms", i), OLD_PACKAGE, Map.of("EPiServerDB", connection));
        cloud.addSite(site("commerce", i), OLD_PACKAGE, Map.of("EPiServerDB", connection));
        cloud.addSite(site("scheduler", i), OLD_PACKAGE, Map.of("EPiServerDB", connection));
        cloud.addDatabase(new DatabaseRef(SQL_SERVER, "db" + i));
    }

    String environmentBody(int i) {
        String cms = "{\"name\":\"cms\",\"resourceId\":\"" + site("cms", i) + "\",\"role\":\"ZeroDowntime\"}";
        String others = webApps == 1 ? "" : ",{\"name\":\"commerce\",\"resourceId\":\"" + site("commerce", i)
                + "\",\"role\":\"ZeroDowntime\"},{\"name\":\"scheduler\",\"resourceId\":\"" + site("scheduler", i)
                + "\",\"role\":\"MaintenancePage\"}";
        return "{\"webApps\":[" + cms + others + "],"
                + "\"database\":{\"serverResourceId\":\"" + SQL_SERVER + "\",\"name\":\"db" + i + "\"},"
                + "\"connectionStringName\":\"EPiServerDB\",\"databaseModeSetting\":\"Cms__DatabaseMode\","
                + "\"maintenancePagePackageUri\":\"https://packages.example.com/maintenance.zip\"}";
    }

    static String startBody(int i) {
        return startBody(i, "ReadOnly");
    }

    static String startBody(int i, String mode) {
        return startBody(i, mode, NEW_PACKAGE);
    }

    static String startBody(int i, String mode, String packageUri) {
        return "{\"environment\":\"e" + i + "\",\"packageUri\":\"" + packageUri + "\",\"packageSha256\":\""
                + SimulatedCloud.packageSha256(packageUri) + "\",\"mode\":\"" + mode + "\"}";
    }

    /** Seeds and registers environment {@code e<i>}. */
    void register(int i) {
        seed(i);
        expect(201, call(HttpMethod.PUT, "/environments/e" + i, environmentBody(i)), "register e" + i);
    }

    /** Starts a deployment on {@code e<i>}; returns its id. */
    String start(int i) {
        return start(i, "ReadOnly");
    }

    /** The same, in {@code mode} (ReadOnly, ReadWrite). */
    String start(int i, String mode) {
        return start(i, mode, NEW_PACKAGE);
    }

    /** The same, of {@code packageUri}. */
    String start(int i, String mode, String packageUri) {
        return expect(202, call(HttpMethod.POST, "/deployments", startBody(i, mode, packageUri)), "start on e" + i)
                .get("id").asText();
    }

    /** The deployment's whole status document ({@code GET /deployments/{id}}). */
    JsonNode statusDocument(String id) {
        return expect(200, call(HttpMethod.GET, "/deployments/" + id, null), "status of " + id);
    }

    void complete(String id) {
        expect(202, call(HttpMethod.POST, "/deployments/" + id + "/complete", null), "complete " + id);
    }

    /** The deployment's status ({@code GET /deployments/{id}}). */
    String status(String id) {
        return expect(200, call(HttpMethod.GET, "/deployments/" + id, null), "status of " + id)
                .get("status").asText();
    }

    record Answer(int status, JsonNode body) {
    }

    /** Invokes the HTTP function of {@code path} (under /api) on this thread, as the local HTTP server would. */
    Answer call(HttpMethod method, String path, String body) {
        String raw = "/" + FunctionCatalog.ROUTE_PREFIX + path;
        FunctionCatalog.RouteMatch match = stack.catalog().routesFor(raw).stream()
                .filter(m -> m.route().accepts(method)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function serves " + method + " " + raw));
        Map<String, String> headers = body == null ? Map.of() : Map.of("Content-Type", "application/json");
        LocalHttpRequest request = new LocalHttpRequest(URI.create("http://127.0.0.1" + raw), method, headers, body);
        try {
            Object result = match.route().invoke(request, match.pathValues(),
                    LocalExecutionContext.forFunction(match.route().functionName()));
            HttpResponseMessage response = (HttpResponseMessage) result;
            Object content = response.getBody();
            JsonNode json = content == null ? null
                    : content instanceof String text ? Json.mapper().readTree(text)
                    : content instanceof byte[] bytes ? Json.mapper().readTree(bytes)
                    : Json.mapper().valueToTree(content);
            return new Answer(response.getStatusCode(), json);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + raw + " failed", e);
        }
    }

    private static JsonNode expect(int status, Answer answer, String what) {
        if (answer.status() != status) {
            throw new AssertionError(what + ": HTTP " + answer.status() + " " + answer.body());
        }
        return answer.body();
    }

    /** Stage names of the step messages' ids ({@code <deployment>[.r<n>]:<STAGE>:<web app or ->:<check>}). */
    static MessageId parse(String messageId) {
        String[] parts = messageId.split(":");
        if (parts.length < 4) {
            return new MessageId(messageId, "?", null);
        }
        String deployment = String.join(":", List.of(parts).subList(0, parts.length - 3));
        int dot = deployment.lastIndexOf(".r");
        if (dot > 0) {
            deployment = deployment.substring(0, dot);
        }
        String webApp = parts[parts.length - 2];
        return new MessageId(deployment, parts[parts.length - 3], "-".equals(webApp) ? null : webApp);
    }

    record MessageId(String deploymentId, String stage, String webApp) {
    }

    /**
     * The state table's rows by kind (the row key up to its first {@code _}: dep, log, hist, idem, environment),
     * read by a client that the counter does not see. Azurite runs every query as a walk over all rows of the
     * table, so this is what each step's read walks.
     */
    Map<String, Integer> stateRowsByKind() {
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        new TableServiceClientBuilder().connectionString(TestAzurite.connectionString()).buildClient()
                .getTableClient(stateTable)
                .listEntities(new com.azure.data.tables.models.ListEntitiesOptions().setSelect(List.of("RowKey")),
                        null, null)
                .forEach(row -> {
                    String key = row.getRowKey();
                    int cut = key.indexOf('_');
                    kinds.merge(cut < 0 ? key : key.substring(0, cut), 1, Integer::sum);
                });
        return kinds;
    }

    @Override
    public void close() {
        stack.close();
    }
}
