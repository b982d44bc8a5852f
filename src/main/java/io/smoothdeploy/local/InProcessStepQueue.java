package io.smoothdeploy.local;

import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.Step;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.messaging.StepMessageCodec;
import io.smoothdeploy.messaging.StepQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The step queues, in process, with the Service Bus semantics the engine relies on; each message goes to
 * the {@link FunctionCatalog} function whose {@code @ServiceBusQueueTrigger} listens on its queue.
 *
 * <ul>
 *   <li><b>Queues:</b> a step message goes to the queue named by the setting
 *       {@code message.step().queueSetting()} (setting {@code CloneDbQueue}, value {@code clone-db}); the
 *       body is {@link StepMessageCodec#encode}.</li>
 *   <li><b>Duplicate detection:</b> a message whose id was sent to the same queue within the detection
 *       window (10 minutes by default) is dropped and counted, even when the first was already
 *       delivered.</li>
 *   <li><b>Scheduled delivery:</b> a message with a delay is delivered no sooner than send time + delay.</li>
 *   <li><b>At least once:</b> when the function throws, the message comes back after the lock expiry
 *       ({@link #DEFAULT_LOCK_EXPIRY}) with its delivery count one higher; after {@code maxDeliveryCount}
 *       deliveries (10 by default) it is dead-lettered: kept in {@link #deadLetters()}, logged at WARNING,
 *       passed to {@link #onDeadLetter} listeners and, when a function listens on
 *       {@code <queue>/$DeadLetterQueue}, delivered to it, as Service Bus would. A message on a queue no
 *       function listens on is dead-lettered at once.</li>
 *   <li><b>Fault mode:</b> {@link #deliverEachMessageTwice(boolean)} delivers every message again after its
 *       first successful delivery, to prove handlers idempotent.</li>
 * </ul>
 *
 * <p><b>Time.</b> Two ways to run it:
 * <ol>
 *   <li><i>Virtual time</i> (tests): give it a {@link ManualClock} (shared with the engine) and call
 *       {@link #runUntilIdle(Duration)}, which delivers due messages one at a time on the calling thread and,
 *       when none is due, moves the clock to the next one's due time. Deterministic.</li>
 *   <li><i>Live</i> (the local host): {@link #start(int)} (or {@link #live(FunctionCatalog)}) starts worker
 *       threads delivering due messages by the clock; {@link #awaitIdle(Duration)} waits for quiet;
 *       {@link #close()} stops them.</li>
 * </ol>
 * A function may send messages while it runs (a step enqueuing the next); no lock is held while a function
 * runs, so that works in both modes.
 *
 * <p>The queue can be made before the catalog (the function classes need the engine, which needs this
 * queue): construct it with the settings, then {@link #connect(FunctionCatalog)}. Messages sent before
 * that wait.
 */
public final class InProcessStepQueue implements StepQueue, AutoCloseable {

    public static final Duration DEFAULT_DUPLICATE_DETECTION_WINDOW = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_DELIVERY_COUNT = 10;
    /** How long a failed message stays invisible before it is delivered again. */
    public static final Duration DEFAULT_LOCK_EXPIRY = Duration.ofSeconds(1);
    /** Appended to a queue's name to name its dead-letter queue, as Service Bus does. */
    public static final String DEAD_LETTER_QUEUE_SUFFIX = "/$DeadLetterQueue";
    /** Live-mode worker threads made by {@link #live(FunctionCatalog)}. */
    public static final int DEFAULT_WORKERS = 4;

    private static final Logger LOG = Logger.getLogger(InProcessStepQueue.class.getName());
    /** A guard against a handler that sends a new message every time it runs, forever. */
    private static final int MAX_DELIVERIES_PER_RUN = 100_000;
    /** Live workers re-read the clock at least this often, so a clock moved by hand is noticed. */
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Map<String, String> settings;
    private final Clock clock;
    private final StepMessageCodec codec = new StepMessageCodec();
    private final List<Consumer<DeadLetter>> deadLetterListeners = new CopyOnWriteArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Envelope> pending = new PriorityQueue<>(
            Comparator.comparing((Envelope envelope) -> envelope.dueAt).thenComparingLong(envelope -> envelope.order));
    private final Map<String, Instant> recentlySent = new LinkedHashMap<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private volatile FunctionCatalog catalog;
    private Duration duplicateDetectionWindow = DEFAULT_DUPLICATE_DETECTION_WINDOW;
    private int maxDeliveryCount = DEFAULT_MAX_DELIVERY_COUNT;
    private Duration lockExpiry = DEFAULT_LOCK_EXPIRY;
    private boolean deliverEachMessageTwice;
    private long nextOrder;
    private int inFlight;
    private int delivered;
    private int failedDeliveries;
    private int duplicatesDropped;
    private int deadLettered;
    /** The counters as the last {@link #runUntilIdle} reported them: delivered, failed, duplicates, dead. */
    private final int[] reported = new int[4];
    private List<Thread> workers;
    private boolean closed;

    /**
     * A queue not yet connected to functions; {@link #connect(FunctionCatalog)} it before delivering.
     *
     * @param settings app settings naming the queues ({@code CloneDbQueue=clone-db}, ...)
     * @param clock    the time source: a {@link ManualClock} for {@link #runUntilIdle}, the system clock live
     */
    public InProcessStepQueue(Map<String, String> settings, Clock clock) {
        this.settings = Map.copyOf(Objects.requireNonNull(settings, "settings"));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A queue delivering to {@code catalog}'s functions, naming queues by the catalog's settings. */
    public InProcessStepQueue(FunctionCatalog catalog, Clock clock) {
        this(catalog.settings(), clock);
        connect(catalog);
    }

    /** Live mode for the local host: the system clock and {@value #DEFAULT_WORKERS} workers, started. */
    public static InProcessStepQueue live(FunctionCatalog catalog) {
        return new InProcessStepQueue(catalog, Clock.systemUTC()).start(DEFAULT_WORKERS);
    }

    /** Sets the functions messages are delivered to. */
    public InProcessStepQueue connect(FunctionCatalog catalog) {
        Objects.requireNonNull(catalog, "catalog");
        lock.lock();
        try {
            this.catalog = catalog;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** How long a sent message id is remembered per queue (default 10 minutes). */
    public InProcessStepQueue duplicateDetectionWindow(Duration window) {
        requirePositive(window, "duplicate detection window");
        lock.lock();
        try {
            this.duplicateDetectionWindow = window;
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** Deliveries before a failing message is dead-lettered (default 10). */
    public InProcessStepQueue maxDeliveryCount(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("max delivery count must be at least 1, not " + count);
        }
        lock.lock();
        try {
            this.maxDeliveryCount = count;
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** How long after a failed delivery the message is delivered again (default 1 second; zero allowed). */
    public InProcessStepQueue lockExpiry(Duration expiry) {
        Objects.requireNonNull(expiry, "lock expiry");
        if (expiry.isNegative()) {
            throw new IllegalArgumentException("lock expiry cannot be negative: " + expiry);
        }
        lock.lock();
        try {
            this.lockExpiry = expiry;
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** Fault mode: deliver every message once more after its first successful delivery. */
    public InProcessStepQueue deliverEachMessageTwice(boolean enabled) {
        lock.lock();
        try {
            this.deliverEachMessageTwice = enabled;
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** Calls {@code listener} with each dead letter, on the thread that delivered the message. */
    public InProcessStepQueue onDeadLetter(Consumer<DeadLetter> listener) {
        deadLetterListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Sends step messages, each to its step's queue.
     *
     * @throws IllegalStateException naming the setting, when a step's queue setting is missing (nothing of
     *                               the batch is sent then)
     */
    @Override
    public void send(List<OutgoingMessage> messages) {
        List<Object[]> resolved = new ArrayList<>(messages.size());
        for (OutgoingMessage outgoing : messages) {
            StepMessage message = outgoing.message();
            Step step = message.step();
            if (step == null) {
                throw new IllegalArgumentException("a " + message.stage() + " message has no step queue to go to: "
                        + message.messageId());
            }
            String queue = settings.get(step.queueSetting());
            if (queue == null || queue.isBlank()) {
                throw new IllegalStateException("cannot send " + message.messageId() + ": the setting '"
                        + step.queueSetting() + "' that names the " + step + " queue is not set; add it to the"
                        + " local settings");
            }
            resolved.add(new Object[] {queue, message.messageId(), codec.encode(message), outgoing.delay()});
        }
        for (Object[] message : resolved) {
            enqueue((String) message[0], (String) message[1], (String) message[2], (Duration) message[3]);
        }
    }

    /**
     * Sends one raw message to a queue by name.
     *
     * @param delay null or zero for now
     * @return false when it was dropped as a duplicate
     */
    public boolean enqueue(String queue, String messageId, String body, Duration delay) {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(body, "body");
        lock.lock();
        try {
            Instant now = clock.instant();
            forgetExpiredIds(now);
            String key = queue.toLowerCase(Locale.ROOT) + "\n" + messageId;
            if (recentlySent.containsKey(key)) {
                duplicatesDropped++;
                LOG.fine(() -> "dropped duplicate message " + messageId + " on queue " + queue);
                return false;
            }
            recentlySent.put(key, now);
            Instant due = delay == null || delay.isNegative() ? now : now.plus(delay);
            pending.add(new Envelope(queue, messageId, body, due, nextOrder++, false));
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Virtual time: delivers due messages one at a time on this thread; when none is due, moves the
     * {@link ManualClock} to the next message's due time. Stops when no message is left, or when the next
     * one is due after {@code maxVirtualTime} from now (the clock is then left at the end of the budget).
     * The summary counts what happened since the previous run (so a duplicate dropped by a send made
     * before this run counts in it).
     *
     * @throws IllegalStateException in live mode, without a ManualClock, or before {@link #connect}
     */
    public RunSummary runUntilIdle(Duration maxVirtualTime) {
        Objects.requireNonNull(maxVirtualTime, "maxVirtualTime");
        if (!(clock instanceof ManualClock)) {
            throw new IllegalStateException("runUntilIdle moves virtual time, so the queue needs a ManualClock;"
                    + " this one has " + clock + ". Use start(...) and awaitIdle(...) with a real clock");
        }
        ManualClock manual = (ManualClock) clock;
        lock.lock();
        try {
            if (workers != null) {
                throw new IllegalStateException("the queue runs live (workers started); use awaitIdle(...)");
            }
            requireConnected();
        } finally {
            lock.unlock();
        }
        Instant deadline = manual.instant().plus(maxVirtualTime);
        int deliveries = 0;
        while (true) {
            Envelope next;
            lock.lock();
            try {
                Envelope head = pending.peek();
                if (head == null) {
                    break;
                }
                Instant now = manual.instant();
                if (head.dueAt.isAfter(now)) {
                    if (head.dueAt.isAfter(deadline)) {
                        manual.advanceTo(deadline);
                        break;
                    }
                    manual.advanceTo(head.dueAt);
                    continue;
                }
                next = pending.poll();
                inFlight++;
            } finally {
                lock.unlock();
            }
            if (++deliveries > MAX_DELIVERIES_PER_RUN) {
                lock.lock();
                try {
                    inFlight--;
                    pending.add(next);
                } finally {
                    lock.unlock();
                }
                throw new IllegalStateException("more than " + MAX_DELIVERIES_PER_RUN + " deliveries in one run:"
                        + " a handler keeps sending new messages with no delay");
            }
            deliver(next);
        }
        lock.lock();
        try {
            RunSummary summary = new RunSummary(delivered - reported[0], failedDeliveries - reported[1],
                    duplicatesDropped - reported[2], deadLettered - reported[3], pending.size(), manual.instant());
            reported[0] = delivered;
            reported[1] = failedDeliveries;
            reported[2] = duplicatesDropped;
            reported[3] = deadLettered;
            return summary;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Live mode: starts {@code threads} workers that deliver messages when the clock says they are due.
     *
     * @return this queue
     */
    public InProcessStepQueue start(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("need at least one worker, not " + threads);
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the queue is closed");
            }
            if (workers != null) {
                throw new IllegalStateException("the queue's workers are already started");
            }
            List<Thread> started = new ArrayList<>();
            for (int i = 1; i <= threads; i++) {
                Thread worker = new Thread(this::work, "step-queue-worker-" + i);
                worker.setDaemon(true);
                started.add(worker);
            }
            workers = List.copyOf(started);
            started.forEach(Thread::start);
        } finally {
            lock.unlock();
        }
        return this;
    }

    /**
     * Live mode: waits until no message is pending (scheduled ones included) and none is being delivered.
     *
     * @return true when idle, false when the timeout passed first
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            if (workers == null) {
                throw new IllegalStateException("no workers deliver messages; call start(...) first, or use"
                        + " runUntilIdle(...) with a ManualClock");
            }
            while (!pending.isEmpty() || inFlight > 0) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                changed.awaitNanos(Math.min(remaining, MAX_WAIT_NANOS));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the workers, letting each finish the delivery it is in (up to 5 seconds). Messages still pending
     * stay pending (and are lost with the process, as this queue lives in memory). Idempotent.
     */
    @Override
    public void close() {
        List<Thread> stopping;
        lock.lock();
        try {
            closed = true;
            stopping = workers == null ? List.of() : workers;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread worker : stopping) {
            if (worker == Thread.currentThread()) {
                continue;
            }
            try {
                worker.join(5_000);
                if (worker.isAlive()) {
                    worker.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Messages dead-lettered so far, oldest first. */
    public List<DeadLetter> deadLetters() {
        lock.lock();
        try {
            return List.copyOf(deadLetters);
        } finally {
            lock.unlock();
        }
    }

    /** Messages not yet delivered (or waiting to be delivered again), soonest first. */
    public List<PendingMessage> pendingMessages() {
        lock.lock();
        try {
            return pending.stream().sorted(pending.comparator())
                    .map(envelope -> new PendingMessage(envelope.queue, envelope.messageId, envelope.body,
                            envelope.dueAt, envelope.deliveryCount))
                    .toList();
        } finally {
            lock.unlock();
        }
    }

    /** Successful deliveries so far. */
    public int deliveredCount() {
        lock.lock();
        try {
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    /** Sends dropped by duplicate detection so far. */
    public int duplicatesDropped() {
        lock.lock();
        try {
            return duplicatesDropped;
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            Envelope next;
            lock.lock();
            try {
                next = null;
                while (next == null) {
                    if (closed) {
                        return;
                    }
                    Envelope head = pending.peek();
                    if (catalog == null || head == null) {
                        changed.awaitNanos(MAX_WAIT_NANOS);
                        continue;
                    }
                    Instant now = clock.instant();
                    if (head.dueAt.isAfter(now)) {
                        long untilDue = Duration.between(now, head.dueAt).toNanos();
                        changed.awaitNanos(Math.max(1, Math.min(untilDue, MAX_WAIT_NANOS)));
                        continue;
                    }
                    next = pending.poll();
                    inFlight++;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            deliver(next);
        }
    }

    /** Delivers one message taken from {@link #pending} (and counted in flight) by the caller. */
    private void deliver(Envelope envelope) {
        FunctionCatalog functions = requireConnected();
        DeadLetter deadLetter = null;
        Throwable failure = null;
        boolean finished = false;
        try {
            FunctionCatalog.QueueTrigger trigger = functions.queueTrigger(envelope.queue).orElse(null);
            if (trigger == null) {
                deadLetter = settle(envelope, null, "NoListener: no function listens on queue '" + envelope.queue
                        + "' (queues with a listener: " + functions.queueNames() + ")");
            } else {
                envelope.deliveryCount++;
                LocalExecutionContext context = LocalExecutionContext.forFunction(trigger.functionName());
                LOG.fine(() -> "delivering message " + envelope.messageId + " on queue " + envelope.queue + " to "
                        + trigger.functionName() + " (delivery " + envelope.deliveryCount + ", invocation "
                        + context.getInvocationId() + ")");
                try {
                    trigger.invoke(envelope.body, envelope.messageId, envelope.deliveryCount, context);
                } catch (VirtualMachineError fatal) {
                    throw fatal;
                } catch (Throwable thrown) {
                    failure = thrown;
                }
                deadLetter = settle(envelope, failure, failure == null ? null
                        : failure.getClass().getName() + ": " + failure.getMessage());
            }
            finished = true;
        } finally {
            if (!finished) {
                // A fatal error escaped the handler: put the message back so it is not lost silently.
                lock.lock();
                try {
                    envelope.order = nextOrder++;
                    pending.add(envelope);
                } finally {
                    lock.unlock();
                }
            }
            if (deadLetter != null) {
                announce(deadLetter, failure);
            }
            lock.lock();
            try {
                inFlight--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Records a delivery's outcome: completed (maybe duplicated by the fault mode), back in the queue after
     * the lock expiry, or dead-lettered.
     *
     * @return the dead letter, if the message became one
     */
    private DeadLetter settle(Envelope envelope, Throwable failure, String reason) {
        lock.lock();
        try {
            Instant now = clock.instant();
            if (reason == null) {
                delivered++;
                if (deliverEachMessageTwice && !envelope.duplicated) {
                    envelope.duplicated = true;
                    envelope.dueAt = now;
                    envelope.order = nextOrder++;
                    pending.add(envelope);
                }
                return null;
            }
            if (failure != null) {
                failedDeliveries++;
                if (envelope.deliveryCount < maxDeliveryCount) {
                    LOG.info(() -> "message " + envelope.messageId + " on queue " + envelope.queue + " failed on"
                            + " delivery " + envelope.deliveryCount + " of " + maxDeliveryCount + " (" + reason
                            + "); delivering it again in " + lockExpiry);
                    envelope.dueAt = now.plus(lockExpiry);
                    envelope.order = nextOrder++;
                    pending.add(envelope);
                    return null;
                }
            }
            deadLettered++;
            DeadLetter deadLetter = new DeadLetter(envelope.queue, envelope.messageId, envelope.body,
                    envelope.deliveryCount, reason);
            deadLetters.add(deadLetter);
            if (!envelope.queue.endsWith(DEAD_LETTER_QUEUE_SUFFIX)) {
                String deadLetterQueue = envelope.queue + DEAD_LETTER_QUEUE_SUFFIX;
                FunctionCatalog functions = catalog;
                if (functions != null && functions.queueTrigger(deadLetterQueue).isPresent()) {
                    // The message moves with its delivery count, as Service Bus moves it with its system properties.
                    Envelope moved = new Envelope(deadLetterQueue, envelope.messageId, envelope.body, now, nextOrder++,
                            false);
                    moved.deliveryCount = envelope.deliveryCount;
                    pending.add(moved);
                }
            }
            changed.signalAll();
            return deadLetter;
        } finally {
            lock.unlock();
        }
    }

    private void announce(DeadLetter deadLetter, Throwable failure) {
        LOG.log(Level.WARNING, "dead-lettered message " + deadLetter.messageId() + " on queue " + deadLetter.queue()
                + " after " + deadLetter.deliveryCount() + " deliveries: " + deadLetter.reason(), failure);
        for (Consumer<DeadLetter> listener : deadLetterListeners) {
            try {
                listener.accept(deadLetter);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a dead-letter listener failed on message " + deadLetter.messageId(), e);
            }
        }
    }

    private FunctionCatalog requireConnected() {
        FunctionCatalog functions = catalog;
        if (functions == null) {
            throw new IllegalStateException("the queue has no functions to deliver to; connect(catalog) first");
        }
        return functions;
    }

    private void forgetExpiredIds(Instant now) {
        Instant cutoff = now.minus(duplicateDetectionWindow);
        Iterator<Map.Entry<String, Instant>> entries = recentlySent.entrySet().iterator();
        while (entries.hasNext()) {
            if (!entries.next().getValue().isAfter(cutoff)) {
                entries.remove();
            }
        }
    }

    private static void requirePositive(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + duration);
        }
    }

    /**
     * A message Service Bus would have moved to the dead-letter queue.
     *
     * @param queue         the queue it was on
     * @param messageId     its id
     * @param body          its body
     * @param deliveryCount how many times it was delivered
     * @param reason        the last exception's class and message ({@code java.lang.IllegalStateException: ...}),
     *                      or why it could not be delivered
     */
    public record DeadLetter(String queue, String messageId, String body, int deliveryCount, String reason) {
    }

    /** A message waiting in a queue. */
    public record PendingMessage(String queue, String messageId, String body, Instant dueAt, int deliveryCount) {
    }

    /**
     * What one {@link #runUntilIdle} did.
     *
     * @param delivered        successful deliveries
     * @param failedDeliveries deliveries whose function threw
     * @param duplicatesDropped sends dropped by duplicate detection
     * @param deadLettered     messages dead-lettered
     * @param pending          messages left (due after the time budget)
     * @param virtualTime      the clock's time at the end
     */
    public record RunSummary(int delivered, int failedDeliveries, int duplicatesDropped, int deadLettered,
                             int pending, Instant virtualTime) {
    }

    private static final class Envelope {
        final String queue;
        final String messageId;
        final String body;
        Instant dueAt;
        long order;
        int deliveryCount;
        boolean duplicated;

        Envelope(String queue, String messageId, String body, Instant dueAt, long order, boolean duplicated) {
            this.queue = queue;
            this.messageId = messageId;
            this.body = body;
            this.dueAt = dueAt;
            this.order = order;
            this.duplicated = duplicated;
        }
    }
}
