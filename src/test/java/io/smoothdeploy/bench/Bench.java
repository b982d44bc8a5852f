package io.smoothdeploy.bench;

import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.local.HostJson;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark ({@code mvn -q test-compile exec:java@bench -Dbench.deployments=1,50,500}): for each N, N
 * concurrent 3-web-app deployments, each on its own environment, from start to Succeeded, through the real
 * function classes, the in-process queue in live mode (workers from host.json), a real Azurite and the
 * simulated cloud with no delays. Table requests are counted exactly by {@link TableRequestCounter}.
 * Prints requests per delivery by step, per API call and per deployment, 412s, hop latency beside the median
 * Table request latency of the same run, deployments and steps per second, queue depth, and heap after GC.
 */
public final class Bench {

    private static final Pacing FAST = new Pacing(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofHours(1),
            Duration.ofMillis(1), Duration.ofMinutes(30));
    /** The duplicate detection window of the bench's queue: short, so that the run can outwait it. */
    private static final Duration DUPLICATE_WINDOW = Duration.ofSeconds(20);
    private static final Duration RUN_LIMIT = Duration.ofMinutes(15);

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        // The SDK logs every failed transaction (a lost race, which the engine handles) as SEVERE: keep the output readable.
        java.util.logging.Logger.getLogger("com.azure").setLevel(java.util.logging.Level.OFF);
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        List<Integer> sizes = new ArrayList<>();
        for (String n : System.getProperty("bench.deployments", "1,50,500").split(",")) {
            sizes.add(Integer.parseInt(n.trim()));
        }
        int workers = Integer.getInteger("bench.workers", HostJson.maxConcurrentCalls());
        System.out.printf(Locale.ROOT, "bench: %s deployments of 3 web apps, %d queue workers (host.json"
                        + " maxConcurrentCalls), %d processors, Java %s, max heap %d MB%n", sizes, workers,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        for (int n : sizes) {
            run(n, workers);
        }
        System.exit(0);
    }

    private static void run(int n, int workers) throws Exception {
        try (BenchHost host = new BenchHost(Clock.systemUTC(), FAST, 3)) {
            host.stack.timerScheduler().enabled(false);
            host.queue().duplicateDetectionWindow(DUPLICATE_WINDOW);
            DeliveryCounts deliveries = new DeliveryCounts();
            Map<String, Boolean> awaiting = new ConcurrentHashMap<>();
            LinkedBlockingQueue<String> toComplete = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<String> toConfirm = new LinkedBlockingQueue<>();
            host.queue().observeDeliveries(new io.smoothdeploy.local.InProcessStepQueue.DeliveryObserver() {
                @Override
                public void started(String queue, String messageId, int deliveryCount, long hopNanos) {
                    deliveries.started(queue, messageId, deliveryCount, hopNanos);
                }

                @Override
                public void finished(String queue, String messageId) {
                    deliveries.finished(queue, messageId);
                    BenchHost.MessageId id = BenchHost.parse(messageId);
                    if ("AWAIT_VERIFICATION".equals(id.stage()) && awaiting.remove(id.deploymentId()) != null) {
                        toComplete.add(id.deploymentId());
                    } else if ("COMPLETE_CLEANUP".equals(id.stage())) {
                        toConfirm.add(id.deploymentId());
                    }
                }
            });
            for (int i = 1; i <= n; i++) {
                host.register(i);
            }
            long heapRegistered = heapAfterGc();
            host.counter.clearLatencies();
            host.queue().start(workers);

            ApiCounts starts = new ApiCounts();
            ApiCounts completes = new ApiCounts();
            ApiCounts polls = new ApiCounts();
            Set<String> finished = ConcurrentHashMap.newKeySet();
            AtomicLong depthSum = new AtomicLong();
            AtomicInteger depthSamples = new AtomicInteger();
            AtomicInteger depthMax = new AtomicInteger();
            long begin = System.nanoTime();
            ExecutorService api = Executors.newFixedThreadPool(4);
            for (int i = 1; i <= n; i++) {
                int env = i;
                api.submit(() -> {
                    try (TableRequestCounter.Scope scope = TableRequestCounter.open()) {
                        String id = host.start(env);
                        awaiting.put(id, true);
                        starts.add(scope.requests());
                    }
                });
            }
            long deadline = begin + RUN_LIMIT.toNanos();
            long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (finished.size() < n && System.nanoTime() < deadline) {
                String id = toComplete.poll(10, TimeUnit.MILLISECONDS);
                if (id != null) {
                    String completing = id;
                    api.submit(() -> {
                        try (TableRequestCounter.Scope poll = TableRequestCounter.open()) {
                            String status = host.status(completing);
                            polls.add(poll.requests());
                            if (!"AwaitingVerification".equals(status)) {
                                toComplete.add(completing);
                                return;
                            }
                        }
                        try (TableRequestCounter.Scope scope = TableRequestCounter.open()) {
                            host.complete(completing);
                            completes.add(scope.requests());
                        }
                    });
                }
                for (String done; (done = toConfirm.poll()) != null; ) {
                    String confirming = done;
                    api.submit(() -> {
                        try (TableRequestCounter.Scope poll = TableRequestCounter.open()) {
                            if ("Succeeded".equals(host.status(confirming))) {
                                finished.add(confirming);
                            }
                            polls.add(poll.requests());
                        }
                    });
                }
                int depth = host.queue().depth();
                depthSum.addAndGet(depth);
                depthSamples.incrementAndGet();
                depthMax.accumulateAndGet(depth, Math::max);
                if (System.nanoTime() >= nextProgress) {
                    nextProgress += TimeUnit.SECONDS.toNanos(2);
                    System.out.printf(Locale.ROOT, "  N=%d: %d/%d succeeded, %d deliveries, queue depth %d, %d 412s,"
                                    + " %.0f s%n", n, finished.size(), n, deliveries.deliveries().size(), depth,
                            host.counter.conflicts(), (System.nanoTime() - begin) / 1e9);
                }
            }
            long wall = System.nanoTime() - begin;
            api.shutdown();
            api.awaitTermination(1, TimeUnit.MINUTES);
            long medianTable = host.counter.medianLatencyNanos();
            long heapFinished = heapAfterGc();
            // Outwait the duplicate window: what is left after it is what the host keeps for good.
            Thread.sleep(DUPLICATE_WINDOW.toMillis() + 1_000);
            long heapAfterWindow = heapAfterGc();
            report(n, workers, host, deliveries.deliveries(), starts, completes, polls, finished.size(), wall,
                    medianTable, depthSum.get() / Math.max(1.0, depthSamples.get()), depthMax.get(), heapRegistered,
                    heapFinished, heapAfterWindow);
        }
    }

    /** Requests of one kind of API call. */
    private static final class ApiCounts {
        private final AtomicLong calls = new AtomicLong();
        private final AtomicLong requests = new AtomicLong();
        private final AtomicInteger max = new AtomicInteger();

        void add(int count) {
            calls.incrementAndGet();
            requests.addAndGet(count);
            max.accumulateAndGet(count, Math::max);
        }

        String describe() {
            return String.format(Locale.ROOT, "%.2f avg, %d max over %d calls",
                    requests.get() / Math.max(1.0, calls.get()), max.get(), calls.get());
        }
    }

    private static void report(int n, int workers, BenchHost host, List<DeliveryCounts.Delivery> deliveries,
                               ApiCounts starts, ApiCounts completes, ApiCounts polls, int succeeded, long wallNanos,
                               long medianTableNanos, double depthMean, int depthMax, long heapRegistered,
                               long heapFinished, long heapAfterWindow) {
        System.out.printf(Locale.ROOT, "%nN=%d: %d succeeded in %.1f s (%d workers)%n", n, succeeded, wallNanos / 1e9,
                workers);
        System.out.println("  Table requests per delivery, by step (avg / max, deliveries, 412s):");
        Map<String, long[]> byStep = new TreeMap<>();
        long deliveryRequests = 0;
        List<Long> hops = new ArrayList<>();
        for (DeliveryCounts.Delivery d : deliveries) {
            String step = d.stage() + (d.webApp() == null ? "" : " (web app)");
            long[] s = byStep.computeIfAbsent(step, k -> new long[4]);
            s[0]++;
            s[1] += d.requests();
            s[2] = Math.max(s[2], d.requests());
            s[3] += d.conflicts();
            deliveryRequests += d.requests();
            if (d.hopNanos() >= 0) {
                hops.add(d.hopNanos());
            }
        }
        byStep.forEach((step, s) -> System.out.printf(Locale.ROOT, "    %-30s %5.2f / %2d  %6d  %5d%n", step,
                s[1] / (double) s[0], s[2], s[0], s[3]));
        long conflictFree = deliveries.stream().filter(d -> d.conflicts() == 0).count();
        System.out.printf(Locale.ROOT, "    all deliveries: %.2f avg (%d of %d met no 412)%n",
                deliveryRequests / Math.max(1.0, deliveries.size()), conflictFree, deliveries.size());
        System.out.println("  Table requests per API call: start " + starts.describe() + "; complete "
                + completes.describe() + "; status poll " + polls.describe());
        double perDeployment = (deliveryRequests + starts.requests.get() + completes.requests.get())
                / Math.max(1.0, n);
        System.out.printf(Locale.ROOT, "  Table requests per deployment (deliveries, start, complete; polls apart):"
                + " %.1f; all requests of the run: %d%n", perDeployment, host.counter.requests());
        System.out.printf(Locale.ROOT, "  412s: %d (%.2f per deployment)%n", host.counter.conflicts(),
                host.counter.conflicts() / Math.max(1.0, n));
        long[] hopArray = hops.stream().mapToLong(Long::longValue).toArray();
        System.out.printf(Locale.ROOT, "  hop (a delivery's start to the start of the delivery it sent): median %.1f ms,"
                        + " p99 %.1f ms; median Table request %.2f ms (hop median = %.1f x)%n",
                Percentiles.of(hopArray, 50) / 1e6, Percentiles.of(hopArray, 99) / 1e6, medianTableNanos / 1e6,
                Percentiles.of(hopArray, 50) / (double) Math.max(1, medianTableNanos));
        System.out.printf(Locale.ROOT, "  throughput: %.2f deployments/s, %.1f steps/s (deliveries)%n",
                succeeded / (wallNanos / 1e9), deliveries.size() / (wallNanos / 1e9));
        System.out.printf(Locale.ROOT, "  queue depth: mean %.1f, max %d%n", depthMean, depthMax);
        Map<String, Integer> rows = host.stateRowsByKind();
        System.out.printf(Locale.ROOT, "  state table at the end: %d rows %s%n",
                rows.values().stream().mapToInt(Integer::intValue).sum(), rows);
        System.out.printf(Locale.ROOT, "  heap after GC: %.1f MB with %d environments registered; %.1f MB with %d"
                        + " deployments finished; %.1f MB once the %d s duplicate window passed (%+.1f KB per"
                        + " finished deployment)%n", heapRegistered / 1048576.0, n, heapFinished / 1048576.0, succeeded,
                heapAfterWindow / 1048576.0, DUPLICATE_WINDOW.toSeconds(),
                (heapAfterWindow - heapRegistered) / 1024.0 / Math.max(1, succeeded));
    }

    private static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
