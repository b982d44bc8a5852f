package io.smoothdeploy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.local.InProcessStepQueue;
import io.smoothdeploy.local.LocalExecutionContext;
import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.SimulatedCloud;
import io.smoothdeploy.local.faults.FaultInjector;
import io.smoothdeploy.testing.QueueSettings;
import io.smoothdeploy.testing.SampleCloud;
import io.smoothdeploy.testing.TestAzurite;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * One run of a {@link FaultScenario} on a local host (real function classes, Azurite, the in-process queue in
 * virtual time, the simulated cloud), driven the way a pipeline and a person would drive it over HTTP, with
 * or without faults. With a seed, the run injects crashes at random crash points, delivers messages twice,
 * out of order and late, and makes some cloud calls slow enough that the message lock expires mid-step; a
 * command is sent twice, as a pipeline that lost the first answer would. It then reports what a person would
 * check afterwards: the final state, how often each site was swapped, which irreversible database actions
 * were taken, and what was left in maintenance.
 */
final class FaultRun implements AutoCloseable {

    static final String PACKAGE_B = "https://packages.example.com/cms-2.0.zip?sv=2024&sig=B";
    static final String PACKAGE_C = "https://packages.example.com/cms-2.1.zip?sv=2024&sig=C";
    /** How much virtual time a run may take in all before it counts as stuck. */
    static final Duration PATIENCE = Duration.ofHours(12);
    private static final Duration STEP = Duration.ofMinutes(20);
    /** Longer than the queues' lock duration (infra: PT5M), so the lock expires while the handler runs. */
    private static final Duration SLOW_CALL = InProcessStepQueue.DEFAULT_LOCK_DURATION.plusSeconds(20);
    private static final String[] SITES = {SampleCloud.CMS, SampleCloud.COMMERCE, SampleCloud.SCHEDULER};

    /**
     * What a run came to.
     *
     * @param signature      the final state, ids removed: status, each web app's phase and maintenance flag,
     *                       each site's production package and content, the databases on the server
     * @param stuck          the run did not reach the status its scenario ends in within {@link #PATIENCE}
     * @param swaps          swap requests Azure accepted, per site
     * @param irreversible   database copies, restores, renames and deletes that took effect, ids removed
     * @param leftInMaintenance web apps still in maintenance (by the state or by production's content) at the end
     *                       (the suite counts them for runs that reached their end)
     * @param crashes        crashes injected
     * @param deliveriesOverBudget deliveries longer than the queue's time budget (runs without slow calls only)
     * @param lockLosses     deliveries whose lock expired while their handler ran
     * @param slowCalls      whether this run made cloud calls slow (lock expiry mid-step)
     */
    record Outcome(String signature, boolean stuck, Map<String, Integer> swaps, List<String> irreversible,
                   int leftInMaintenance, int crashes, int deliveriesOverBudget, int lockLosses, boolean slowCalls) {
    }

    private final FaultScenario scenario;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final SimulatedCloud cloud = new SimulatedCloud(clock, Duration.ofMinutes(3));
    private final FaultInjector injector;
    private final boolean slowCalls;
    private final LocalStack stack;
    private final ApiClient api;
    private final Random random;

    /** @param seed null for the run without faults that the others are compared with */
    FaultRun(FaultScenario scenario, Long seed) {
        this.scenario = scenario;
        this.random = new Random(seed == null ? 0 : seed);
        SampleCloud.seed(cloud);
        Map<String, String> settings = QueueSettings.sample();
        settings.put("StaleMaintenanceSchedule", "0 */5 * * * *");
        settings.put("StateTableName", TestAzurite.uniqueTableName("faultstate"));
        settings.put("DeploymentIndexTableName", TestAzurite.uniqueTableName("faultindex"));
        AppServiceCloud appService = cloud;
        if (seed == null) {
            injector = null;
            slowCalls = false;
        } else {
            injector = new FaultInjector().crashRandomly(new Random(random.nextLong()), 0.04 + random.nextDouble() * 0.08)
                    .maxCrashes(14);
            slowCalls = random.nextInt(3) == 0;
            if (slowCalls) {
                appService = slow(cloud, new Random(random.nextLong()), clock);
            }
        }
        LocalStack.Cloud ports = new LocalStack.Cloud(appService, cloud, cloud, cloud, cloud, cloud);
        stack = LocalStack.start(TestAzurite.serviceClient(), settings, ports, clock, Pacing.DEFAULT, 0,
                LocalStack.Faults.crashes(injector));
        if (seed != null) {
            InProcessStepQueue queue = stack.queue();
            InProcessStepQueue.DuplicateTiming[] timings = InProcessStepQueue.DuplicateTiming.values();
            if (random.nextBoolean()) {
                queue.duplicateEachMessage(timings[random.nextInt(timings.length)], new Random(random.nextLong()),
                        Duration.ofSeconds(40));
            }
            if (random.nextBoolean()) {
                queue.reorder(new Random(random.nextLong()));
            }
        }
        api = new ApiClient(stack.apiBase());
    }

    /** Runs the scenario to its end and reports. */
    Outcome run() {
        String body = scenario.webApps() == 3 ? LocalHostHarness.threeWebAppBody()
                : LocalHostHarness.environmentBody(false);
        // Slow cloud calls (lock expiry) move the clock by minutes: give warm-up room, so that a run fails only
        // where the product is wrong, not because injected slowness ran past a deadline.
        body = body.substring(0, body.length() - 1) + ",\"warmUpTimeoutSeconds\":3600"
                // a rollback window that outlasts the suite's patience, so a rollback is never refused for time
                + (scenario.ending() == FaultScenario.Ending.ROLLBACK_AFTER_LIVE ? ",\"rollbackWindowMinutes\":1440" : "")
                + "}";
        call("PUT", "/environments/prod", body, 201);
        if (scenario.ending() == FaultScenario.Ending.FAIL_THEN_RESUME) {
            String failing = scenario.webApps() == 3 ? "commerce-prod/staging" : "cms-prod/staging";
            cloud.failNext("deployPackage", failing, 1, new CloudException("Conflict",
                    "the staging slot is locked by a policy (injected once)", false));
        }
        boolean cancels = scenario.ending() == FaultScenario.Ending.CANCEL
                || scenario.ending() == FaultScenario.Ending.CANCEL_ROLLBACK;
        List<String> cancelled = new java.util.ArrayList<>();
        if (cancels) {
            cancelAtRandomPoint(cancelled);
        }
        String id = start(PACKAGE_B, "first").get("id").asText();
        boolean stuck;
        if (cancels) {
            stuck = !settle(id, s -> s.get("status").asText().equals("Cancelled"));
            if (cancelled.isEmpty()) {
                throw new IllegalStateException("the run never reached the point chosen to cancel at");
            }
            return outcome(id, stuck);
        }
        if (scenario.ending() == FaultScenario.Ending.FAIL_THEN_RESUME) {
            stuck = !settle(id, s -> s.get("status").asText().equals("Failed"));
            if (!stuck) {
                id = start(PACKAGE_B, "resume").get("id").asText();
                stuck = !settle(id, awaiting(PACKAGE_B));
            }
        } else {
            stuck = !settle(id, awaiting(PACKAGE_B));
        }
        if (!stuck && scenario.ending() == FaultScenario.Ending.ROLL_FORWARD) {
            start(PACKAGE_C, "forward");
            stuck = !settle(id, awaiting(PACKAGE_C));
        }
        String end = "Succeeded";
        if (!stuck) {
            String path = "/deployments/" + id;
            switch (scenario.ending()) {
                case RESET -> twice(path + "/reset", "{\"rollbackDatabase\":false}");
                case RESET_ROLLBACK -> twice(path + "/reset", "{\"rollbackDatabase\":true}");
                case TWO_PHASE_RESET -> {
                    twice(path + "/reset", "{\"validateBeforeSwap\":true}");
                    if (!settle(id, s -> s.get("status").asText().equals("AwaitingResetVerification"))) {
                        return outcome(id, true);
                    }
                    twice(path + "/complete", null);
                }
                default -> twice(path + "/complete", scenario.mode() == DeploymentMode.READ_WRITE
                        ? "{\"acceptDataLoss\":true,\"acceptedBy\":\"fault-suite\"}" : null);
            }
            end = scenario.ending() == FaultScenario.Ending.RESET
                    || scenario.ending() == FaultScenario.Ending.RESET_ROLLBACK
                    || scenario.ending() == FaultScenario.Ending.TWO_PHASE_RESET ? "Reset" : "Succeeded";
            String wanted = end;
            stuck = !settle(id, s -> s.get("status").asText().equals(wanted));
            if (!stuck && scenario.ending() == FaultScenario.Ending.ROLLBACK_AFTER_LIVE) {
                twice(path + "/rollback", null);
                stuck = !settle(id, s -> s.get("status").asText().equals("RolledBack"));
            }
        }
        return outcome(id, stuck);
    }

    /**
     * Cancels (twice, as a pipeline that lost the first answer would) just before a delivery runs: for the run
     * without faults, the first warm-up delivery; with a seed, a delivery of a forward stage chosen at random, after
     * a random number of them, racing crashes, duplicates and late copies. The latest point is the first delivery of
     * the verification stage, which still runs InProgress, so every run cancels.
     */
    private void cancelAtRandomPoint(List<String> cancelled) {
        String[] stages = {"VERIFY_PACKAGE", "CLONE_DB", "ENTER_MAINTENANCE", "DEPLOY_SLOT", "WARM_UP"};
        boolean baseline = injector == null;
        String stage = baseline ? "WARM_UP" : stages[random.nextInt(stages.length)];
        int skip = baseline ? 0 : random.nextInt(3);
        String body = scenario.ending() == FaultScenario.Ending.CANCEL_ROLLBACK
                ? "{\"rollbackDatabase\":true,\"reason\":\"fault suite\"}" : "{\"reason\":\"fault suite\"}";
        int[] seen = {0};
        stack.queue().observeDeliveries(new InProcessStepQueue.DeliveryObserver() {
            @Override
            public void started(String queue, String messageId, int deliveryCount, long hopNanos) {
                if (!cancelled.isEmpty()) {
                    return;
                }
                String id = messageId.substring(0, messageId.indexOf(':'));
                id = id.contains(".") ? id.substring(0, id.indexOf('.')) : id;
                JsonNode status = call("GET", "/deployments/" + id, null, 200).json();
                if (!status.get("status").asText().equals("InProgress")) {
                    return;
                }
                boolean atStage = status.get("stage").asText().equals(stage) && messageId.contains(":" + stage + ":");
                boolean last = status.get("stage").asText().equals("AWAIT_VERIFICATION");
                if (atStage && seen[0]++ < skip && !last) {
                    return;
                }
                if (atStage || last) {
                    twice("/deployments/" + id + "/cancel", body);
                    cancelled.add(id);
                }
            }

            @Override
            public void finished(String queue, String messageId) {
            }
        });
    }

    private JsonNode start(String packageUri, String key) {
        String body = LocalHostHarness.startBody("prod", packageUri, key).replace("\"ReadOnly\"",
                "\"" + scenario.mode().wireName() + "\"");
        JsonNode started = call("POST", "/deployments", body, 202).json();
        // The pipeline's retry with the same idempotency key: the same deployment, and nothing started twice.
        JsonNode again = call("POST", "/deployments", body, 202).json();
        if (!again.get("id").asText().equals(started.get("id").asText())) {
            throw new IllegalStateException("a repeated start with key " + key + " started another deployment");
        }
        return started;
    }

    /** A command sent twice, as a pipeline that lost the first answer would: both must be accepted. */
    private void twice(String path, String body) {
        call("POST", path, body, 202);
        call("POST", path, body, 202);
    }

    private static Predicate<JsonNode> awaiting(String packageUri) {
        String shown = packageUri.substring(0, packageUri.indexOf('?'));
        return s -> s.get("status").asText().equals("AwaitingVerification")
                && s.get("package").get("uri").asText().startsWith(shown)
                && s.get("validationLinks").size() > 0;
    }

    /** Lets the queues and the timer run until the deployment's status is as wanted, or patience runs out. */
    private boolean settle(String id, Predicate<JsonNode> reached) {
        Instant giveUp = clock.instant().plus(PATIENCE);
        while (clock.instant().isBefore(giveUp)) {
            stack.queue().runUntilIdle(STEP);
            if (reached.test(call("GET", "/deployments/" + id, null, 200).json())) {
                // Let what is still in flight (duplicates, late copies) arrive, then look again.
                stack.queue().runUntilIdle(Duration.ofMinutes(30));
                if (reached.test(call("GET", "/deployments/" + id, null, 200).json())) {
                    return true;
                }
            }
            clock.advance(Duration.ofMinutes(5));
            stack.timer().staleMaintenance("{}", LocalExecutionContext.forFunction("StaleMaintenanceTimer"));
        }
        return false;
    }

    private ApiClient.Response call(String method, String path, String body, int expected) {
        ApiClient.Response last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                last = switch (method) {
                    case "PUT" -> api.put(path, body);
                    case "POST" -> api.post(path, body);
                    default -> api.get(path);
                };
            } catch (UncheckedIOException e) {
                continue;
            }
            if (last.status() == expected || last.status() < 500) {
                break;
            }
        }
        if (last == null || last.status() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + last);
        }
        return last;
    }

    private Outcome outcome(String id, boolean stuck) {
        JsonNode status = call("GET", "/deployments/" + id, null, 200).json();
        StringBuilder signature = new StringBuilder(status.get("status").asText());
        int leftInMaintenance = 0;
        for (JsonNode webApp : status.get("webApps")) {
            signature.append(' ').append(webApp.get("name").asText()).append('=').append(webApp.get("phase").asText())
                    .append(webApp.get("inMaintenance").asBoolean() ? "/maintenance" : "");
            if (webApp.get("inMaintenance").asBoolean()) {
                leftInMaintenance++;
            }
        }
        Map<String, Integer> swaps = new LinkedHashMap<>();
        for (int i = 0; i < scenario.webApps(); i++) {
            String site = SITES[i];
            SlotInfo production = cloud.inspect(SlotRef.production(site)).orElseThrow();
            String content = String.valueOf(production.appSettings().get("SMOOTHDEPLOY_CONTENT"));
            signature.append(" | ").append(site.substring(site.lastIndexOf('/') + 1)).append(": ")
                    .append(Redact.uri(production.packageUri())).append(" ").append(content);
            if (content.startsWith("maintenance:")) {
                leftInMaintenance++;
            }
            swaps.put(site.substring(site.lastIndexOf('/') + 1), cloud.swapRequests(site));
        }
        signature.append(" | databases ").append(cloud.databaseNames(SampleCloud.SQL_SERVER));
        int over = slowCalls ? 0 : stack.queue().deliveriesOverBudget().size();
        return new Outcome(withoutIds(signature.toString()), stuck, swaps,
                cloud.irreversibleActions().stream().map(FaultRun::withoutIds).toList(), leftInMaintenance,
                injector == null ? 0 : injector.crashesInjected().values().stream().mapToInt(Integer::intValue).sum(),
                over, stack.queue().lockLosses(), slowCalls);
    }

    static String withoutIds(String text) {
        return text.replaceAll("d\\d{8}t\\d{6}-[0-9a-f]{8}", "<id>");
    }

    /**
     * App Service calls that now and then take longer than the queue's lock, so the message is delivered
     * again to another worker while the first handler still runs.
     */
    private static AppServiceCloud slow(AppServiceCloud delegate, Random random, ManualClock clock) {
        return (AppServiceCloud) Proxy.newProxyInstance(AppServiceCloud.class.getClassLoader(),
                new Class<?>[] {AppServiceCloud.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (random.nextInt(30) == 0) {
                        clock.advance(SLOW_CALL);
                    }
                    return result;
                });
    }

    @Override
    public void close() {
        stack.close();
    }
}
