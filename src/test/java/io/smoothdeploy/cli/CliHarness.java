package io.smoothdeploy.cli;

import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.SimulatedCloud;
import io.smoothdeploy.testing.QueueSettings;
import io.smoothdeploy.testing.SampleCloud;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The local host for the CLI's tests, as {@code e2e.LocalHostHarness} builds it: the real function classes on
 * loopback HTTP, in-process queues on a manual clock, Table storage on the shared Azurite (fresh tables), and a
 * simulated cloud with a CMS site, a scheduler app and the CMS database. {@link #run} runs the CLI in process
 * with a {@link Pacer} whose pauses deliver the queued step messages instead of sleeping.
 */
final class CliHarness implements AutoCloseable {

    static final String CMS = SampleCloud.CMS;
    static final String SCHEDULER = SampleCloud.SCHEDULER;
    static final String SQL_SERVER = SampleCloud.SQL_SERVER;
    static final String OLD_PACKAGE = SampleCloud.OLD_PACKAGE;
    static final String NEW_PACKAGE = "https://packages.example.com/cms-2.0.zip?sv=2024&se=2026&sig=NEWSECRET";

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    final SimulatedCloud cloud = new SimulatedCloud(clock, Duration.ofMinutes(3));
    final Map<String, String> settings = QueueSettings.sample();
    final LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Whether a pause of {@code wait} delivers the step messages due in it (false: time passes, nothing runs). */
    volatile boolean queuesRun = true;
    /** How many pauses {@code wait} has made. */
    int pauses;

    CliHarness() {
        SampleCloud.seed(cloud);
        stack = SampleCloud.startLocalHost(cloud, clock, settings);
    }

    String apiBase() {
        return stack.apiBase();
    }

    /** Registers an environment of the CMS site (zero downtime) and the scheduler (maintenance page). */
    void register(String environment) {
        String cms = "{\"name\":\"cms\",\"resourceId\":\"" + CMS + "\",\"role\":\"ZeroDowntime\","
                + "\"warmUp\":{\"hostNames\":[\"www.example.com\"],\"paths\":[\"/\",\"/health\"]}}";
        String scheduler = "{\"name\":\"scheduler\",\"resourceId\":\"" + SCHEDULER + "\",\"role\":\"MaintenancePage\"}";
        String body = "{\"webApps\":[" + cms + "," + scheduler + "],"
                + "\"database\":{\"serverResourceId\":\"" + SQL_SERVER + "\",\"name\":\"cmsdb\"},"
                + "\"connectionStringName\":\"EPiServerDB\",\"databaseModeSetting\":\"Cms__DatabaseMode\","
                + "\"maintenancePagePackageUri\":\"https://packages.example.com/maintenance.zip\"}";
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(apiBase() + "/environments/"
                            + environment)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new AssertionError("registering failed: " + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A pause of {@code wait}: delivers what falls due in it (when {@link #queuesRun}), then moves the clock. */
    final Pacer pacer = new Pacer() {
        @Override
        public Instant now() {
            return clock.instant();
        }

        @Override
        public void sleep(Duration duration) {
            pauses++;
            Instant target = clock.instant().plus(duration);
            if (queuesRun) {
                stack.queue().runUntilIdle(duration);
            }
            if (clock.instant().isBefore(target)) {
                clock.advance(Duration.between(clock.instant(), target));
            }
        }
    };

    /** Runs the CLI in process against this host, with {@code env} as its environment (the API's URL added). */
    Result run(Map<String, String> env, String... args) {
        Map<String, String> environment = new HashMap<>(env);
        environment.putIfAbsent(DeployCli.ENV_API, apiBase());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = DeployCli.run(args, o, e, environment, pacer);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result run(String... args) {
        return run(Map.of(), args);
    }

    @Override
    public void close() {
        stack.close();
    }

    /** An exit code and what was printed. */
    record Result(int code, String out, String err) {

        List<String> outLines() {
            List<String> lines = new ArrayList<>();
            out.lines().forEach(lines::add);
            return lines;
        }

        String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }
}
