package io.smoothdeploy.local;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.cloud.arm.ArmCloud;
import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.local.demo.SampleEnvironment;
import io.smoothdeploy.local.emulator.AzureEmulator;
import io.smoothdeploy.local.emulator.SamplePackage;
import io.smoothdeploy.warmup.HttpWarmUpProber;
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
 * process, Table storage on an Azurite it starts itself, and the cloud on the local Azure emulator, driven
 * through the real ARM adapter, with a sample subscription: sites {@code sample-cms} and
 * {@code sample-scheduler} running real packages in loopback slots, and database {@code cms} on
 * {@code sample-sql}.
 *
 * <p>Settings come from {@code local.settings.json} when it exists, else from
 * {@code local.settings.sample.json}. System properties: {@code port} (default 7071). Options: who every request
 * runs as ({@code --user alice --roles Deployer,Approver}, see {@link #userOptions}); by default a user with
 * every role.
 */
public final class LocalHost {

    private LocalHost() {
    }

    /**
     * Starts the local host and blocks until the JVM is stopped. When it cannot start (the port is taken, the
     * settings cannot be read, Azurite does not start), it prints why and exits with status 1 at once, rather than
     * leaving the JVM (and {@code mvn exec:java}) waiting on threads that were already started.
     */
    public static void main(String[] args) {
        try {
            run(userOptions(args));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            System.err.println("The local host could not start: " + describe(e));
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
    }

    /** The port, or the reason it cannot be listened on (checked before anything is started). */
    static void requireFreePort(int port) throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(false);
            probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
        } catch (java.net.BindException e) {
            throw new IOException("port " + port + " is taken (is another local host running?); stop it, or start"
                    + " this one on another port with -Dport=<n>", e);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /**
     * The development user's options: {@code --user <name>}, {@code --roles <Role,Role>}, {@code --object-id <id>}
     * and {@code --groups <id,id>}, as the settings {@link LocalUser} reads.
     *
     * @throws IllegalArgumentException for an unknown option or one without its value
     */
    static Map<String, String> userOptions(String[] args) {
        Map<String, String> options = new HashMap<>();
        Map<String, String> names = Map.of("--user", LocalUser.USER, "--roles", LocalUser.ROLES,
                "--object-id", LocalUser.OBJECT_ID, "--groups", LocalUser.GROUPS);
        for (int i = 0; i < args.length; i++) {
            String setting = names.get(args[i]);
            if (setting == null) {
                throw new IllegalArgumentException("unknown option '" + args[i] + "'; the local host takes --user "
                        + "<name>, --roles <Reader,Deployer,Approver,Admin>, --object-id <id> and --groups <id,...>");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            options.put(setting, args[++i]);
        }
        return options;
    }

    private static void run(Map<String, String> userOptions) throws Exception {
        int port = Integer.getInteger("port", 7071);
        if (port != 0) {
            requireFreePort(port);
        }
        Map<String, String> settings = settings(Path.of("."));
        settings.putAll(userOptions);
        LocalUser.fromSettings(settings);
        Clock clock = Clock.systemUTC();
        Azurite azurite = Azurite.start();
        AzureEmulator emulator = AzureEmulator.start(clock);
        emulator.setCopyDuration(Duration.ofSeconds(5));
        emulator.setSwapDuration(Duration.ofSeconds(5));
        // a database drop as short as these copies and swaps (the emulator's default is 30 s)
        emulator.setDeleteDuration(Duration.ofSeconds(5));
        // restarts lag less than these short swaps take, as App Service finishes a swap's restart before it switches
        emulator.setRestartLag(Duration.ofSeconds(2));
        Path packages = Files.createTempDirectory("smooth-deploy-packages");
        SampleEnvironment sample = SampleEnvironment.create(emulator, packages, "sample");
        TableServiceClient tables = new TableServiceClientBuilder().connectionString(azurite.connectionString())
                .buildClient();
        Pacing pacing = new Pacing(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMinutes(30),
                Duration.ofSeconds(2), Duration.ofMinutes(30));
        LocalStack stack = LocalStack.start(tables, settings,
                LocalStack.Cloud.emulated(emulator, SampleEnvironment.SUBSCRIPTION, Duration.ofSeconds(10)), clock,
                pacing, port);
        stack.startLive(HostJson.maxConcurrentCalls());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            emulator.close();
            azurite.close();
            stopped.countDown();
        }, "local-host-shutdown"));
        printBanner(stack, azurite, emulator, sample, packages);
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

    private static void printBanner(LocalStack stack, Azurite azurite, AzureEmulator emulator, SampleEnvironment sample,
                                    Path packages) {
        StringBuilder text = new StringBuilder();
        text.append("Smooth deploy local host\n");
        text.append("  API:            ").append(stack.apiBase()).append("  (no sign-in locally)\n");
        text.append("  Portal:         ").append(stack.apiBase()).append("/portal/  (open it in a browser)\n");
        text.append("  You are:        ").append(LocalUser.describe(stack.user()))
                .append("  (every request runs as this user; change it with --user, --roles, --object-id, --groups)\n");
        text.append("  Table storage:  Azurite at ").append(azurite.tableEndpoint()).append('\n');
        text.append("  Step queues:    in process, as strict as Service Bus (peek-lock ")
                .append(stack.queue().lockDuration()).append(", duplicate window ")
                .append(stack.queue().duplicateDetectionWindow()).append(", ").append(stack.queue().maxDeliveryCount())
                .append(" deliveries, dead letters)\n");
        text.append("  Timers:         on their NCRONTAB schedules (UTC)\n");
        text.append("  Cloud:          local Azure emulator at ").append(emulator.endpoint())
                .append(", through the ARM adapter\n");
        text.append("  Sample sites:   sample-cms at ").append(emulator.slotUrl(sample.cmsSite(), "production").orElseThrow())
                .append(", sample-scheduler at ").append(emulator.slotUrl(sample.schedulerSite(), "production").orElseThrow())
                .append('\n');
        text.append("  Packages:       ").append(packages)
                .append(" (cms-2.0.0.zip, maintenance.zip; any https URI is served by its file name)\n");
        text.append("  cms-2.0.0.zip:  SHA-256 ").append(SamplePackage.sha256(packages.resolve("cms-2.0.0.zip")))
                .append(" (the packageSha256 to start it with)\n");
        text.append("Functions:\n");
        stack.catalog().functions().forEach(f -> text.append("  ").append(f.summary()).append('\n'));
        text.append("Try the sample in README.md (\"Run it locally\"). Ctrl-C stops.\n");
        System.out.print(text);
        System.out.flush();
    }
}
