package io.smoothdeploy.local;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.app.Json;
import io.smoothdeploy.cloud.DatabaseRef;
import io.smoothdeploy.engine.steps.Pacing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the orchestrator on a laptop: the same function classes, HTTP on 127.0.0.1, the step queues in
 * process, Table storage on an Azurite it starts itself, and a simulated cloud seeded with a sample
 * environment (a CMS site, a scheduler app and their database).
 *
 * <p>Settings come from {@code local.settings.json} when it exists, else from
 * {@code local.settings.sample.json}. System properties: {@code port} (default 7071).
 */
public final class LocalHost {

    static final String SAMPLE_GROUP = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sample-rg";
    static final String SAMPLE_CMS = SAMPLE_GROUP + "/providers/Microsoft.Web/sites/sample-cms";
    static final String SAMPLE_SCHEDULER = SAMPLE_GROUP + "/providers/Microsoft.Web/sites/sample-scheduler";
    static final String SAMPLE_SQL = SAMPLE_GROUP + "/providers/Microsoft.Sql/servers/sample-sql";

    private LocalHost() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("port", 7071);
        Map<String, String> settings = settings(Path.of("."));
        Clock clock = Clock.systemUTC();
        Azurite azurite = Azurite.start();
        TableServiceClient tables = new TableServiceClientBuilder().connectionString(azurite.connectionString())
                .buildClient();
        SimulatedCloud cloud = new SimulatedCloud(clock, Duration.ofSeconds(10));
        seedSample(cloud);
        Pacing pacing = new Pacing(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMinutes(30));
        LocalStack stack = LocalStack.start(tables, settings, cloud, clock, pacing, port);
        stack.queue().start(InProcessStepQueue.DEFAULT_WORKERS);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            azurite.close();
            stopped.countDown();
        }, "local-host-shutdown"));
        printBanner(stack, azurite);
        stopped.await();
    }

    /** The Values of local.settings.json, or of the committed sample when there is none. */
    public static Map<String, String> settings(Path projectDir) throws IOException {
        Path own = projectDir.resolve("local.settings.json");
        Path file = Files.exists(own) ? own : projectDir.resolve("local.settings.sample.json");
        Map<String, String> values = new HashMap<>();
        JsonNode root = Json.mapper().readTree(file.toFile());
        Iterator<Map.Entry<String, JsonNode>> fields = root.path("Values").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            values.put(field.getKey(), field.getValue().asText());
        }
        return values;
    }

    /** The sample environment's resources, as they would exist in a subscription before any deployment. */
    static void seedSample(SimulatedCloud cloud) {
        String connection = "Server=tcp:sample-sql.database.windows.net,1433;Initial Catalog=cms;"
                + "Authentication=Active Directory Default";
        cloud.addSite(SAMPLE_CMS, "https://packages.example.com/cms-1.0.0.zip", Map.of("EPiServerDB", connection));
        cloud.addSite(SAMPLE_SCHEDULER, "https://packages.example.com/scheduler-1.0.0.zip",
                Map.of("EPiServerDB", connection));
        cloud.addDatabase(new DatabaseRef(SAMPLE_SQL, "cms"));
        cloud.coldStart("https://packages.example.com/cms-2.0.0.zip", 3);
    }

    private static void printBanner(LocalStack stack, Azurite azurite) {
        StringBuilder text = new StringBuilder();
        text.append("Smooth deploy local host\n");
        text.append("  API:            ").append(stack.apiBase()).append("  (no function key needed locally)\n");
        text.append("  Table storage:  Azurite at ").append(azurite.tableEndpoint()).append('\n');
        text.append("  Step queues:    in process (at least once, scheduled delivery, dead letters)\n");
        text.append("  Cloud:          simulated in memory, with the sample sites sample-cms and sample-scheduler\n");
        text.append("Functions:\n");
        stack.catalog().functions().forEach(f -> text.append("  ").append(f.summary()).append('\n'));
        text.append("Try the sample in README.md (\"Run it locally\"). Ctrl-C stops.\n");
        System.out.print(text);
        System.out.flush();
    }
}
