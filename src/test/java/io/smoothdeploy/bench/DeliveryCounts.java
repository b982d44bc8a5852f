package io.smoothdeploy.bench;

import io.smoothdeploy.local.InProcessStepQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Watches a queue's deliveries and opens a {@link TableRequestCounter.Scope} around each, so that every Table
 * request a delivery sends counts to it; hands one {@link Delivery} per delivery, with its hop time, to a sink:
 * by default a list ({@link #deliveries()}, for tests), or a {@link DeliveryStats} that keeps sums only (the
 * bench, which measures the heap).
 */
final class DeliveryCounts implements InProcessStepQueue.DeliveryObserver {

    /**
     * @param hopNanos from the start of the delivery that sent the message to the start of this one, -1 if no
     *                 delivery sent it
     */
    record Delivery(String deploymentId, String stage, String webApp, int requests, int conflicts, long hopNanos,
                    long tookNanos) {
    }

    private record Open(TableRequestCounter.Scope scope, long hopNanos, long startedNanos) {
    }

    private final ThreadLocal<Deque<Open>> open = ThreadLocal.withInitial(ArrayDeque::new);
    private final ConcurrentLinkedQueue<Delivery> done = new ConcurrentLinkedQueue<>();
    private final Consumer<Delivery> sink;

    /** Keeps every delivery, for {@link #deliveries()}. */
    DeliveryCounts() {
        this.sink = done::add;
    }

    /** Hands each delivery to {@code sink} and keeps nothing. */
    DeliveryCounts(Consumer<Delivery> sink) {
        this.sink = sink;
    }

    @Override
    public void started(String queue, String messageId, int deliveryCount, long hopNanos) {
        open.get().push(new Open(TableRequestCounter.open(), hopNanos, System.nanoTime()));
    }

    @Override
    public void finished(String queue, String messageId) {
        Deque<Open> stack = open.get();
        Open current = stack.pop();
        if (stack.isEmpty()) {
            open.remove();
        }
        current.scope().close();
        BenchHost.MessageId id = BenchHost.parse(messageId);
        sink.accept(new Delivery(id.deploymentId(), id.stage(), id.webApp(), current.scope().requests(),
                current.scope().conflicts(), current.hopNanos(), System.nanoTime() - current.startedNanos()));
    }

    /** The deliveries finished so far, in the order they finished. */
    List<Delivery> deliveries() {
        return new ArrayList<>(done);
    }

    /** Forgets the deliveries recorded so far. */
    void clear() {
        done.clear();
    }
}
