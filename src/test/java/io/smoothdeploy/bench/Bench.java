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
    /** The queue's delivery journal and the simulated cloud's call journal keep this many entries. */
    private static final int JOURNAL_LIMIT = 1_000;

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

    /** What one wave (N deployments started at once, run to Succeeded) counted. */
    private static final class Wave {
        final DeliveryStats stats = new DeliveryStats();
        final DeliveryCounts deliveries = new DeliveryCounts(stats);
        final Map<String, Boolean> awaiting = new ConcurrentHashMap<>();
        final LinkedBlockingQueue<String> toComplete = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> toConfirm = new LinkedBlockingQueue<>();
        final ApiCounts starts = new ApiCounts();
        final ApiCounts completes = new ApiCounts();
        final ApiCounts polls = new ApiCounts();
        final AtomicLong depthSum = new AtomicLong();
        final AtomicInteger depthSamples = new AtomicInteger();
        final AtomicInteger depthMax = new AtomicInteger();
        int succeeded;
        long wallNanos;
        long medianTableNanos;
    }

    private static void run(int n, int workers) throws Exception {
        try (BenchHost host = new BenchHost(Clock.systemUTC(), FAST, 3)) {
            host.stack.timerScheduler().enabled(false);
            host.queue().duplicateDetectionWindow(DUPLICATE_WINDOW);
            // Diagnostics journals kept to a constant that N = 50 already fills, so that they do not grow with N.
            host.queue().journalLimit(JOURNAL_LIMIT);
            host.cloud.journalLimit(JOURNAL_LIMIT);
            java.util.concurrent.atomic.AtomicReference<Wave> current = new java.util.concurrent.atomic.AtomicReference<>();
            host.queue().observeDeliveries(new io.smoothdeploy.local.InProcessStepQueue.DeliveryObserver() {
                @Override
                public void started(String queue, String messageId, int deliveryCount, long hopNanos) {
                    current.get().deliveries.started(queue, messageId, deliveryCount, hopNanos);
                }

                @Override
                public void finished(String queue, String messageId) {
                    Wave wave = current.get();
                    wave.deliveries.finished(queue, messageId);
                    BenchHost.MessageId id = BenchHost.parse(messageId);
                    if ("AWAIT_VERIFICATION".equals(id.stage()) && wave.awaiting.remove(id.deploymentId()) != null) {
                        wave.toComplete.add(id.deploymentId());
                    } else if ("COMPLETE_CLEANUP".equals(id.stage())) {
                        wave.toConfirm.add(id.deploymentId());
                    }
                }
            });
            for (int i = 1; i <= n; i++) {
                host.register(i);
            }
            long heapRegistered = heapAfterGc();
            host.queue().start(workers);

            Wave first = new Wave();
            current.set(first);
            runWave(host, n, BenchHost.NEW_PACKAGE, first, "");
            long heapFinished = heapAfterGc();
            // Outwait the duplicate window: what is left after it is what the host keeps for good.
            Thread.sleep(DUPLICATE_WINDOW.toMillis() + 1_000);
            long heapAfterWindow = heapAfterGc();
            histogram(String.valueOf(n));
            report(n, workers, host, first, heapRegistered, heapFinished, heapAfterWindow);

            // A second release on the same environments: the environments' own state (sites, slots, databases)
            // exists already, so what the heap gains now is what finished deployments leave behind.
            Wave second = new Wave();
            current.set(second);
            runWave(host, n, BenchHost.NEXT_PACKAGE, second, " (second wave)");
            Thread.sleep(DUPLICATE_WINDOW.toMillis() + 1_000);
            long heapAfterSecond = heapAfterGc();
            histogram(n + "-second");
            System.out.printf(Locale.ROOT, "  second wave on the same environments: %d succeeded in %.1f s, %.1f steps/s;"
                            + " a later start %s; heap after GC once its window passed %.1f MB (%+.1f KB per"
                            + " deployment of the second wave)%n", second.succeeded, second.wallNanos / 1e9,
                    second.stats.deliveries() / (second.wallNanos / 1e9), second.starts.describe(),
                    heapAfterSecond / 1048576.0,
                    (heapAfterSecond - heapAfterWindow) / 1024.0 / Math.max(1, second.succeeded));
        }
    }

    /** Starts a deployment of {@code packageUri} on each of the n environments and runs them all to Succeeded. */
    private static void runWave(BenchHost host, int n, String packageUri, Wave wave, String label) throws Exception {
        host.counter.clearLatencies();
        Set<String> finished = ConcurrentHashMap.newKeySet();
        long begin = System.nanoTime();
        ExecutorService api = Executors.newFixedThreadPool(4);
        for (int i = 1; i <= n; i++) {
            int env = i;
            api.submit(() -> {
                try (TableRequestCounter.Scope scope = TableRequestCounter.open()) {
                    String id = host.start(env, "ReadOnly", packageUri);
                    wave.awaiting.put(id, true);
                    wave.starts.add(scope.requests());
                }
            });
        }
        long deadline = begin + RUN_LIMIT.toNanos();
        long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (finished.size() < n && System.nanoTime() < deadline) {
            String id = wave.toComplete.poll(10, TimeUnit.MILLISECONDS);
            if (id != null) {
                String completing = id;
                api.submit(() -> {
                    try (TableRequestCounter.Scope poll = TableRequestCounter.open()) {
                        String status = host.status(completing);
                        wave.polls.add(poll.requests());
                        if (!"AwaitingVerification".equals(status)) {
                            wave.toComplete.add(completing);
                            return;
                        }
                    }
                    try (TableRequestCounter.Scope scope = TableRequestCounter.open()) {
                        host.complete(completing);
                        wave.completes.add(scope.requests());
                    }
                });
            }
            for (String done; (done = wave.toConfirm.poll()) != null; ) {
                String confirming = done;
                api.submit(() -> {
                    try (TableRequestCounter.Scope poll = TableRequestCounter.open()) {
                        if ("Succeeded".equals(host.status(confirming))) {
                            finished.add(confirming);
                        }
                        wave.polls.add(poll.requests());
                    }
                });
            }
            int depth = host.queue().depth();
            wave.depthSum.addAndGet(depth);
            wave.depthSamples.incrementAndGet();
            wave.depthMax.accumulateAndGet(depth, Math::max);
            if (System.nanoTime() >= nextProgress) {
                nextProgress += TimeUnit.SECONDS.toNanos(2);
                System.out.printf(Locale.ROOT, "  N=%d%s: %d/%d succeeded, %d deliveries, queue depth %d, %d 412s,"
                                + " %.0f s%n", n, label, finished.size(), n, wave.stats.deliveries(), depth,
                        host.counter.conflicts(), (System.nanoTime() - begin) / 1e9);
            }
        }
        wave.wallNanos = System.nanoTime() - begin;
        api.shutdown();
        api.awaitTermination(1, TimeUnit.MINUTES);
        wave.medianTableNanos = host.counter.medianLatencyNanos();
        wave.succeeded = finished.size();
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

    private static void report(int n, int workers, BenchHost host, Wave wave, long heapRegistered,
                               long heapFinished, long heapAfterWindow) {
        DeliveryStats deliveries = wave.stats;
        ApiCounts starts = wave.starts;
        ApiCounts completes = wave.completes;
        ApiCounts polls = wave.polls;
        int succeeded = wave.succeeded;
        long wallNanos = wave.wallNanos;
        long medianTableNanos = wave.medianTableNanos;
        double depthMean = wave.depthSum.get() / Math.max(1.0, wave.depthSamples.get());
        int depthMax = wave.depthMax.get();
        System.out.printf(Locale.ROOT, "%nN=%d: %d succeeded in %.1f s (%d workers)%n", n, succeeded, wallNanos / 1e9,
                workers);
        System.out.println("  Table requests per delivery, by step (avg / max, deliveries, 412s):");
        deliveries.byStep().forEach((step, d) -> System.out.printf(Locale.ROOT, "    %-30s %5.2f / %2d  %6d  %5d%n",
                step, d.requests() / (double) d.deliveries(), d.maxRequests(), d.deliveries(), d.conflicts()));
        long deliveryRequests = deliveries.requests();
        System.out.printf(Locale.ROOT, "    all deliveries: %.2f avg (%d of %d met no 412); web-app deliveries: %.2f avg%n",
                deliveryRequests / Math.max(1.0, deliveries.deliveries()), deliveries.conflictFree(),
                deliveries.deliveries(), deliveries.webAppRequests() / Math.max(1.0, deliveries.webAppDeliveries()));
        System.out.println("  Table requests per API call: start " + starts.describe() + "; complete "
                + completes.describe() + "; status poll " + polls.describe());
        double perDeployment = (deliveryRequests + starts.requests.get() + completes.requests.get())
                / Math.max(1.0, n);
        System.out.printf(Locale.ROOT, "  Table requests per deployment (deliveries, start, complete; polls apart):"
                + " %.1f; all requests of the run: %d%n", perDeployment, host.counter.requests());
        System.out.printf(Locale.ROOT, "  412s: %d (%.2f per deployment)%n", host.counter.conflicts(),
                host.counter.conflicts() / Math.max(1.0, n));
        long hopMedian = deliveries.hops().percentile(50);
        System.out.printf(Locale.ROOT, "  hop (a delivery's start to the start of the delivery it sent): median %.1f ms,"
                        + " p99 %.1f ms; median Table request %.2f ms (hop median = %.1f x)%n",
                hopMedian / 1e6, deliveries.hops().percentile(99) / 1e6, medianTableNanos / 1e6,
                hopMedian / (double) Math.max(1, medianTableNanos));
        System.out.printf(Locale.ROOT, "  throughput: %.2f deployments/s, %.1f steps/s (deliveries)%n",
                succeeded / (wallNanos / 1e9), deliveries.deliveries() / (wallNanos / 1e9));
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

    /**
     * With {@code -Dbench.histogram=<directory>}, writes the live objects' class histogram once the window has
     * passed ({@code jcmd <pid> GC.class_histogram}) to {@code histogram-<n>.txt} there (and {@code
     * histogram-<n>-second.txt} after the second wave): what the heap keeps.
     */
    private static void histogram(String n) throws Exception {
        String directory = System.getProperty("bench.histogram");
        if (directory == null) {
            return;
        }
        java.nio.file.Path file = java.nio.file.Path.of(directory, "histogram-" + n + ".txt");
        java.nio.file.Files.createDirectories(file.getParent());
        Process jcmd = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd")
                .toString(), Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).redirectOutput(file.toFile()).start();
        if (!jcmd.waitFor(2, TimeUnit.MINUTES)) {
            jcmd.destroyForcibly();
        }
        System.out.println("  class histogram: " + file);
    }

    /**
     * The heap in use after three full collections, with azure-core's cache of parsed URLs emptied first: it keeps
     * up to 10,000 of them (every entity URL names its keys), so it is bounded, but it fills more at N = 500 than at
     * N = 50 and is the SDK's, not the host's.
     */
    private static long heapAfterGc() {
        try {
            java.lang.reflect.Field cache = com.azure.core.util.UrlBuilder.class.getDeclaredField("PARSED_URLS");
            cache.setAccessible(true);
            ((Map<?, ?>) cache.get(null)).clear();
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.out.println("  (azure-core's URL cache could not be emptied: " + e + ")");
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
