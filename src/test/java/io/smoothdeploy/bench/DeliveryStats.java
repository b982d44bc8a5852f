package io.smoothdeploy.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sums of the deliveries of a bench run, by step: their count, Table requests (sum and maximum) and 412s, and
 * their hop times in a {@link LatencyHistogram}. Its memory does not grow with the number of deliveries.
 */
final class DeliveryStats implements Consumer<DeliveryCounts.Delivery> {

    /** One step's sums. */
    static final class Step {
        private long deliveries;
        private long requests;
        private int maxRequests;
        private long conflicts;

        synchronized void add(DeliveryCounts.Delivery delivery) {
            deliveries++;
            requests += delivery.requests();
            maxRequests = Math.max(maxRequests, delivery.requests());
            conflicts += delivery.conflicts();
        }

        synchronized long deliveries() {
            return deliveries;
        }

        synchronized long requests() {
            return requests;
        }

        synchronized int maxRequests() {
            return maxRequests;
        }

        synchronized long conflicts() {
            return conflicts;
        }
    }

    private final Map<String, Step> steps = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong conflictFree = new AtomicLong();
    private final AtomicLong webAppDeliveries = new AtomicLong();
    private final AtomicLong webAppRequests = new AtomicLong();
    private final LatencyHistogram hops = new LatencyHistogram();

    @Override
    public void accept(DeliveryCounts.Delivery delivery) {
        String step = delivery.stage() + (delivery.webApp() == null ? "" : " (web app)");
        steps.computeIfAbsent(step, k -> new Step()).add(delivery);
        deliveries.incrementAndGet();
        requests.addAndGet(delivery.requests());
        if (delivery.conflicts() == 0) {
            conflictFree.incrementAndGet();
        }
        if (delivery.webApp() != null) {
            webAppDeliveries.incrementAndGet();
            webAppRequests.addAndGet(delivery.requests());
        }
        if (delivery.hopNanos() >= 0) {
            hops.record(delivery.hopNanos());
        }
    }

    /** The steps' sums, by step name ({@code STAGE} or {@code STAGE (web app)}). */
    Map<String, Step> byStep() {
        return new TreeMap<>(steps);
    }

    long deliveries() {
        return deliveries.get();
    }

    long requests() {
        return requests.get();
    }

    long conflictFree() {
        return conflictFree.get();
    }

    long webAppDeliveries() {
        return webAppDeliveries.get();
    }

    long webAppRequests() {
        return webAppRequests.get();
    }

    LatencyHistogram hops() {
        return hops;
    }
}
