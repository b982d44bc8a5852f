package io.smoothdeploy.local.faults;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Decides, each time a handler reaches a {@link CrashPoint}, whether its process dies there: by explicit
 * {@link CrashRule}s, or by a seeded {@link Random} with a probability, or both (rules are asked first).
 * The crash is an {@link InjectedCrash} thrown on the handler's thread.
 *
 * <p>Occurrences are numbered per point, both within the current delivery (1, 2, 3 ... for the delivery of
 * one message; see {@link #enterDelivery}) and globally (from this injector's creation). Crashes happen only
 * inside a delivery: outside one (an HTTP command, a timer) occurrences are counted but never crash, since the
 * fault suite is about step handlers and the queue's answer to their death.
 *
 * <p>Thread-safe; with a seeded Random and a single-threaded (virtual-time) queue, a run is reproducible.
 */
public final class FaultInjector {

    private final ThreadLocal<Deque<Delivery>> deliveries = ThreadLocal.withInitial(ArrayDeque::new);
    private final List<RuleState> rules = new ArrayList<>();
    private final Map<CrashPoint, Integer> reached = new EnumMap<>(CrashPoint.class);
    private final Map<CrashPoint, Integer> crashes = new EnumMap<>(CrashPoint.class);
    private final List<Occurrence> injected = new ArrayList<>();
    private Random random;
    private double probability;
    private Set<CrashPoint> randomPoints = EnumSet.noneOf(CrashPoint.class);
    private int maxCrashes = Integer.MAX_VALUE;
    private boolean armed = true;

    /** An injector that crashes nowhere until told to. */
    public FaultInjector() {
    }

    /** Adds an explicit crash. */
    public synchronized FaultInjector crash(CrashRule rule) {
        rules.add(new RuleState(Objects.requireNonNull(rule, "rule")));
        return this;
    }

    /**
     * Crashes with {@code probability} each time one of {@code points} (all, if none given) is reached in a
     * delivery, drawing from {@code random} (seed it for a reproducible run).
     */
    public synchronized FaultInjector crashRandomly(Random random, double probability, CrashPoint... points) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("a probability is between 0 and 1, not " + probability);
        }
        this.random = Objects.requireNonNull(random, "random");
        this.probability = probability;
        this.randomPoints = points.length == 0 ? EnumSet.allOf(CrashPoint.class) : EnumSet.copyOf(List.of(points));
        return this;
    }

    /** At most this many crashes in all (rules and random together). */
    public synchronized FaultInjector maxCrashes(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("max crashes cannot be negative: " + count);
        }
        this.maxCrashes = count;
        return this;
    }

    /** Stops (false) or resumes (true) injecting; occurrences are still counted while disarmed. */
    public synchronized FaultInjector armed(boolean armed) {
        this.armed = armed;
        return this;
    }

    /**
     * Marks the start of a delivery on this thread, for per-delivery numbering; the queue calls it around each
     * handler invocation. Deliveries nest (a redelivery run on the same thread in virtual time).
     */
    public Delivery enterDelivery(String queue, String messageId, int deliveryCount) {
        Delivery delivery = new Delivery(this, queue, messageId, deliveryCount);
        deliveries.get().push(delivery);
        return delivery;
    }

    /** The delivery this thread is in, or null. */
    public Delivery currentDelivery() {
        return deliveries.get().peek();
    }

    /**
     * A handler reached {@code point} after {@code operation}: throws {@link InjectedCrash} when the plan says
     * it dies here.
     */
    public void reached(CrashPoint point, String operation) {
        Objects.requireNonNull(point, "point");
        Delivery delivery = currentDelivery();
        Occurrence occurrence;
        synchronized (this) {
            int global = reached.merge(point, 1, Integer::sum);
            if (delivery == null) {
                return;
            }
            int inDelivery = delivery.counts.merge(point, 1, Integer::sum);
            occurrence = new Occurrence(point, operation, delivery.queue, delivery.messageId, delivery.deliveryCount,
                    inDelivery, global);
            if (!armed || injected.size() >= maxCrashes || !decide(occurrence)) {
                return;
            }
            crashes.merge(point, 1, Integer::sum);
            injected.add(occurrence);
        }
        throw new InjectedCrash(occurrence);
    }

    private boolean decide(Occurrence occurrence) {
        for (RuleState rule : rules) {
            if (rule.remaining > 0 && rule.rule.test(occurrence)) {
                rule.remaining--;
                return true;
            }
        }
        return random != null && randomPoints.contains(occurrence.point()) && random.nextDouble() < probability;
    }

    /** Crashes injected at {@code point} so far. */
    public synchronized int crashesInjected(CrashPoint point) {
        return crashes.getOrDefault(point, 0);
    }

    /** Crashes injected so far, by point (points with none are absent). */
    public synchronized Map<CrashPoint, Integer> crashesInjected() {
        return Map.copyOf(crashes);
    }

    /** Every crash injected so far, oldest first. */
    public synchronized List<Occurrence> injected() {
        return List.copyOf(injected);
    }

    /** How many times {@code point} was reached (crashed or not, in deliveries or not). */
    public synchronized int timesReached(CrashPoint point) {
        return reached.getOrDefault(point, 0);
    }

    /**
     * One time a handler reached a crash point.
     *
     * @param point                the point
     * @param operation            the port method that had just returned ({@code commit}, {@code swapWithProduction},
     *                             {@code send}, {@code complete} for BEFORE_COMPLETION)
     * @param queue                the queue of the message being delivered
     * @param messageId            the message being delivered
     * @param deliveryCount        which delivery of it (1 = first)
     * @param occurrenceInDelivery the n-th time the point was reached in this delivery
     * @param globalOccurrence     the n-th time the point was reached at all
     */
    public record Occurrence(CrashPoint point, String operation, String queue, String messageId, int deliveryCount,
                             int occurrenceInDelivery, int globalOccurrence) {

        public String describe() {
            return point + " #" + occurrenceInDelivery + " (after " + operation + ") in delivery " + deliveryCount
                    + " of message " + messageId + " on queue " + queue + "; #" + globalOccurrence + " overall";
        }
    }

    /** A delivery in progress on one thread; closing it ends the per-delivery numbering. */
    public static final class Delivery implements AutoCloseable {
        private final FaultInjector owner;
        private final String queue;
        private final String messageId;
        private final int deliveryCount;
        private final Map<CrashPoint, Integer> counts = new EnumMap<>(CrashPoint.class);

        private Delivery(FaultInjector owner, String queue, String messageId, int deliveryCount) {
            this.owner = owner;
            this.queue = queue;
            this.messageId = messageId;
            this.deliveryCount = deliveryCount;
        }

        public String messageId() {
            return messageId;
        }

        public int deliveryCount() {
            return deliveryCount;
        }

        @Override
        public void close() {
            Deque<Delivery> stack = owner.deliveries.get();
            stack.remove(this);
            if (stack.isEmpty()) {
                owner.deliveries.remove();
            }
        }
    }

    private static final class RuleState {
        final CrashRule rule;
        int remaining;

        RuleState(CrashRule rule) {
            this.rule = rule;
            this.remaining = rule.times();
        }
    }
}
