package io.smoothdeploy.local.demo;

import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.cloud.arm.ArmCloud;
import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.local.Azurite;
import io.smoothdeploy.local.LocalHost;
import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.local.emulator.AzureEmulator;
import io.smoothdeploy.local.emulator.SamplePackage;
import io.smoothdeploy.local.emulator.EmulatedSite;
import io.smoothdeploy.local.emulator.EmulatedSlot;
import io.smoothdeploy.local.emulator.SlotObserver;
import io.smoothdeploy.warmup.HttpWarmUpProber;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One command, a whole smooth deployment on this machine: Azurite, the local Azure emulator with a CMS site
 * and a scheduler app running real packages in loopback slots, the local host driving the ARM adapter, and
 * a load generator on the CMS site's production host from before the clone to after Complete. Prints the
 * log as it happens, the validation link, each step's duration per web app, and the load summary. Exits 0
 * only when the deployment succeeded with no failed request.
 */
public final class Demo {

    static final String SUBSCRIPTION = SampleEnvironment.SUBSCRIPTION;
    static final String PACKAGES = SampleEnvironment.PACKAGES;
    static final int MIN_REQUESTS = 20_000;
    /**
     * The one emulator default the demo shortens: a database copy (10 minutes by default, minutes to hours on Azure).
     * It runs before anything changes for the visitors, so a longer one would only make the demo longer. Swaps (30 s),
     * the restart lag (10 s), the swaps' own warm-up, Host routing and the database drop (30 s) keep their defaults.
     */
    static final Duration COPY_DURATION = Duration.ofSeconds(3);

    /**
     * The Azure SDK's loggers, silenced. Held here: java.util.logging keeps only weak references to loggers, so a
     * level set on a logger nobody holds is lost at the next garbage collection (and the SDK's SEVERE lines return).
     */
    private static final Logger AZURE_SDK = Logger.getLogger("com.azure");

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Logger.getLogger("").setLevel(Level.WARNING);
        // The Azure SDK reports the conflicts the state store expects and settles (a 409/412 on a $batch) as
        // SEVERE; the demo prints the deployment's own log instead. The local host keeps the SDK's warnings.
        AZURE_SDK.setLevel(Level.OFF);
        int exit;
        try (Azurite azurite = Azurite.start(); AzureEmulator emulator = AzureEmulator.start(Clock.systemUTC())) {
            exit = run(azurite, emulator);
        }
        System.exit(exit);
    }

    private static int run(Azurite azurite, AzureEmulator emulator) throws Exception {
        Path packages = Files.createTempDirectory("smooth-deploy-demo");
        say("Building sample packages in " + packages);
        SampleEnvironment sample = SampleEnvironment.create(emulator, packages, "demo");
        emulator.setCopyDuration(COPY_DURATION);
        String cms = sample.cmsSite();
        String sql = sample.sqlServer();
        List<Instant> swaps = new CopyOnWriteArrayList<>();
        emulator.addObserver(new SlotObserver() {
            @Override
            public void swapped(EmulatedSite site, EmulatedSlot source, EmulatedSlot target) {
                if (site.name().equals("demo-cms")) {
                    swaps.add(Instant.now());
                }
            }
        });

        Map<String, String> settings = new HashMap<>(LocalHost.settings(Path.of(".")));
        try (LocalStack stack = LocalStack.start(
                new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(), settings,
                LocalStack.Cloud.emulated(emulator, SUBSCRIPTION, Duration.ofSeconds(5)), Clock.systemUTC(),
                new Pacing(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMinutes(10), Duration.ofSeconds(1),
                        Duration.ofMinutes(10)), 0)) {
            stack.startLive(4);
            DemoApi api = new DemoApi(stack.apiBase());
            say("Local host at " + stack.apiBase() + "; Azure emulator at " + emulator.endpoint());
            api.put("/environments/demo", sample.registration());
            say("Registered environment demo: demo-cms (zero downtime) and demo-scheduler (maintenance page)");

            // visitors: requests for the custom domain, which App Service's front end routes to whatever production
            // runs (the listener they reach does not matter: routing is by Host)
            URI live = emulator.slotUrl(cms, "production").orElseThrow().resolve("/");
            LoadGenerator load = new LoadGenerator(live, SampleEnvironment.CMS_DOMAIN, 4, Duration.ofMinutes(10));
            load.start();
            Thread.sleep(1_000);
            JsonNode started = api.post("/deployments", "{\"environment\":\"demo\",\"packageUri\":\"" + PACKAGES
                    + "cms-2.0.0.zip?sv=2024-11-04&sig=demo-secret\",\"packageSha256\":\"" + SamplePackage.sha256(packages.resolve("cms-2.0.0.zip"))
                    + "\",\"mode\":\"ReadOnly\",\"idempotencyKey\":\"demo-run-1\"}");
            String id = started.get("id").asText();
            LogFollower log = new LogFollower(api, id);
            JsonNode awaiting = log.until(api, id, "AwaitingVerification", Duration.ofMinutes(5));
            say("Validation link(s): " + awaiting.get("validationLinks"));
            say("Completing (as a person would after checking the links)");
            api.post("/deployments/" + id + "/complete", "{}");
            JsonNode done = log.until(api, id, "Succeeded", Duration.ofMinutes(5));
            Thread.sleep(1_000);
            while (load.sentSoFar() < MIN_REQUESTS) {
                Thread.sleep(100);
            }
            LoadReport report = load.stop();

            String servedNow = packageServed(live, SampleEnvironment.CMS_DOMAIN);
            boolean cloneGone = emulator.databaseNames(sql).equals(List.of("cms"));
            System.out.println();
            System.out.println("Step durations per web app:");
            System.out.print(DemoReport.stepTable(done));
            System.out.println();
            System.out.println("Load on the CMS site's custom domain " + SampleEnvironment.CMS_DOMAIN + " (Host header, sent to "
                    + live + "):");
            List<DemoReport.Swap> labelled = List.of(
                    new DemoReport.Swap("swap into maintenance", swaps.isEmpty() ? Instant.MIN : swaps.get(0)),
                    new DemoReport.Swap("swap to the new package", swaps.size() < 2 ? Instant.MIN : swaps.get(1)));
            System.out.print(DemoReport.loadSummary(report, labelled));
            System.out.println();
            List<String> mismatches = emulator.configurationMismatches(cms);
            System.out.println("Emulator timings: swap " + AzureEmulator.DEFAULT_SWAP_SECONDS + " s, restart lag "
                    + AzureEmulator.DEFAULT_RESTART_LAG_SECONDS + " s, database drop " + AzureEmulator.DEFAULT_DELETE_SECONDS
                    + " s (defaults); database copy " + COPY_DURATION.toSeconds() + " s (default "
                    + AzureEmulator.DEFAULT_COPY_MINUTES + " min)");
            System.out.println("Swaps on the CMS site: " + swaps.size() + "; restarts of its slots: " + restarts(emulator, cms)
                    + "; production's site configuration changed by a swap: "
                    + (mismatches.isEmpty() ? "never" : mismatches));
            System.out.println();
            boolean ok = "Succeeded".equals(done.get("status").asText()) && "cms/2.0.0".equals(servedNow) && cloneGone
                    && report.failed() == 0 && report.sent() >= MIN_REQUESTS && mismatches.isEmpty();
            say("Deployment " + done.get("status").asText() + "; production serves " + servedNow
                    + "; temporary database " + (cloneGone ? "gone" : "STILL THERE") + "; " + report.failed()
                    + " failed of " + report.sent() + " requests");
            say(ok ? "Zero downtime: demo passed" : "Demo FAILED");
            return ok ? 0 : 1;
        }
    }

    /** Each slot of the site with how many times it was restarted (settings writes, swaps with sticky values). */
    private static String restarts(AzureEmulator emulator, String site) {
        StringBuilder text = new StringBuilder();
        for (String slot : List.of("production", "maintenance", "staging")) {
            emulator.slot(site, slot).ifPresent(s -> text.append(text.length() == 0 ? "" : ", ").append(slot)
                    .append(' ').append(s.restarts()));
        }
        return text.toString();
    }

    private static String packageServed(URI url, String hostHeader) throws IOException, InterruptedException {
        HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).header("Host", hostHeader)
                .GET().build(), HttpResponse.BodyHandlers.discarding());
        return answer.headers().firstValue("X-Package").orElse("HTTP " + answer.statusCode());
    }

    static void say(String line) {
        System.out.println("== " + line);
        System.out.flush();
    }
}
