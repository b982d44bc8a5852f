package io.smoothdeploy.local;

import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.Step;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.local.faults.CrashPoint;
import io.smoothdeploy.local.faults.FaultInjector;
import io.smoothdeploy.local.faults.InjectedCrash;
import io.smoothdeploy.messaging.StepMessageCodec;
import io.smoothdeploy.engine.port.StepQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The step queues, in process, with Service Bus semantics at least as strict as Service Bus's; each message
 * goes to the {@link FunctionCatalog} function whose {@code @ServiceBusQueueTrigger} listens on its queue.
 * The defaults are the queues' properties in infra ({@link ServiceBusDefaults#INFRA}).
 *
 * <ul>
 *   <li><b>Queues:</b> a step message goes to the queue named by the setting
 *       {@code message.step().queueSetting()} (setting {@code CloneDbQueue}, value {@code clone-db}); the
 *       body is {@link StepMessageCodec#encode}.</li>
 *   <li><b>Peek-lock</b>
 *       (https://learn.microsoft.com/azure/service-bus-messaging/message-transfers-locks-settlement#peeklock):
 *       a delivery holds the message's lock for the lock duration (infra's {@code lockDuration}, PT5M), measured
 *       on the queue's clock. When the lock expires while the handler still runs, the message is available
 *       again, to another worker, with its delivery count one higher; the first handler's completion (or
 *       abandon) then fails, as Service Bus's {@code MessageLockLostException}
 *       (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-messaging-exceptions), and removes
 *       nothing. The Functions host renews locks while a function runs (host.json
 *       {@code maxAutoLockRenewalDuration}); this queue does not, which is harsher: a delivery that outlives one
 *       lock duration is redelivered here.</li>
 *   <li><b>Abandon:</b> when the function throws, the Functions host abandons the message, and Service Bus
 *       makes an abandoned message available again at once with its delivery count one higher
 *       (https://learn.microsoft.com/azure/service-bus-messaging/message-transfers-locks-settlement#settling-receive-operations).
 *       No back-off: a failing message uses its deliveries up in quick succession.</li>
 *   <li><b>Dead letters</b> (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-dead-letter-queues):
 *       after {@code maxDeliveryCount} deliveries (infra's 10) a message is dead-lettered: kept in
 *       {@link #deadLetters()}, logged at WARNING, passed to {@link #onDeadLetter} listeners and, when a function
 *       listens on {@code <queue>/$DeadLetterQueue}, delivered to it. A message whose lock expired on its last
 *       allowed delivery is dead-lettered when it would be delivered again ({@code MaxDeliveryCountExceeded}).
 *       A message on a queue no function listens on is dead-lettered at once.</li>
 *   <li><b>Duplicate detection</b> (https://learn.microsoft.com/azure/service-bus-messaging/duplicate-detection):
 *       a message whose id was sent to the same queue within the window (infra's
 *       {@code duplicateDetectionHistoryTimeWindow}, PT20M) is dropped and counted, even when the first was
 *       already delivered, completed or dead-lettered.</li>
 *   <li><b>Scheduled delivery:</b> a message with a delay is delivered no sooner than send time + delay.</li>
 *   <li><b>Order:</b> Service Bus gives no delivery order across retries, locks and scheduled messages
 *       (https://learn.microsoft.com/azure/service-bus-messaging/message-sequencing); on request
 *       ({@link #delayMessages}, {@link #reorder}) this queue delays chosen messages so they arrive out of
 *       send order.</li>
 *   <li><b>Duplicates on request:</b> {@link #duplicateEachMessage(DuplicateTiming)} delivers a copy of each
 *       message (delivery count + 1, as a lock-lost redelivery would carry) before the original completes,
 *       right after, or late (after other messages).</li>
 *   <li><b>Crash injection:</b> with a {@link FaultInjector} ({@link #faults}), each delivery is a
 *       {@link FaultInjector#enterDelivery scope} for per-delivery numbering; an {@link InjectedCrash} thrown by
 *       the handler (or injected here at {@link CrashPoint#BEFORE_COMPLETION}) is a process death: the message is
 *       neither completed nor abandoned and comes back when its lock expires, with its delivery count one
 *       higher; whatever the handler wrote or sent before stays.</li>
 *   <li><b>Time budget:</b> every delivery's elapsed time, on the queue clock and on the wall, is recorded
 *       ({@link #deliveries()}, {@link #longestDelivery()}, {@link #deliveriesOverBudget()}); the budget is
 *       {@link #DEFAULT_TIME_BUDGET} unless {@link #timeBudget set}.</li>
 * </ul>
 *
 * <p><b>Time.</b> Two ways to run it:
 * <ol>
 *   <li><i>Virtual time</i> (tests): give it a {@link ManualClock} (shared with the engine) and call
 *       {@link #runUntilIdle(Duration)}, which delivers due messages one at a time on the calling thread and,
 *       when none is due, moves the clock to the next one's due time, firing the {@link #timers timers} that
 *       fall due on the way. Deterministic. <b>Interleaving of a lost lock:</b> the queue regains control while a
 *       handler runs whenever the clock moves (a test or a stand-in advancing the ManualClock) and whenever the
 *       handler sends; at each such point, every in-flight message whose lock has expired is delivered again,
 *       nested, on the same thread, to completion, before the first handler continues. A
 *       {@link DuplicateTiming#BEFORE_COMPLETION} copy is delivered at the first such point, or, if the handler
 *       gives none, after it returns and before its completion.</li>
 *   <li><i>Live</i> (the local host): {@link #start(int)} (or {@link #live(FunctionCatalog)}) starts worker
 *       threads delivering due messages by the clock, and handing out again messages whose lock expired;
 *       {@link #awaitIdle(Duration)} waits for quiet; {@link #close()} stops them.</li>
 * </ol>
 * A function may send messages while it runs (a step enqueuing the next); no lock is held while a function
 * runs, so that works in both modes.
 *
 * <p>The queue can be made before the catalog (the function classes need the engine, which needs this
 * queue): construct it with the settings, then {@link #connect(FunctionCatalog)}. Messages sent before
 * that wait.
 */
public final class InProcessStepQueue implements StepQueue, AutoCloseable {

    /** Infra's {@code duplicateDetectionHistoryTimeWindow}. */
    public static final Duration DEFAULT_DUPLICATE_DETECTION_WINDOW = ServiceBusDefaults.INFRA.duplicateDetectionWindow();
    /** Infra's {@code maxDeliveryCount}. */
    public static final int DEFAULT_MAX_DELIVERY_COUNT = ServiceBusDefaults.INFRA.maxDeliveryCount();
    /** Infra's {@code lockDuration}. */
    public static final Duration DEFAULT_LOCK_DURATION = ServiceBusDefaults.INFRA.lockDuration();
    /** The time budget of one delivery, far below the lock duration (DESIGN.md, the reliability contract). */
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofSeconds(60);
    /** Appended to a queue's name to name its dead-letter queue, as Service Bus does. */
    public static final String DEAD_LETTER_QUEUE_SUFFIX = "/$DeadLetterQueue";
    /** Live-mode worker threads made by {@link #live(FunctionCatalog)}. */
    public static final int DEFAULT_WORKERS = 4;

    private static final Logger LOG = Logger.getLogger(InProcessStepQueue.class.getName());
    /** A guard against a handler that sends a new message every time it runs, forever. */
    private static final int MAX_DELIVERIES_PER_RUN = 100_000;
    /** Deepest nesting of lock-lost redeliveries on one thread in virtual time. */
    private static final int MAX_NESTED_DELIVERIES = 16;
    /**
     * How many of the latest deliveries {@link #deliveries()} keeps by default (the oldest are dropped; the longest
     * are kept apart).
     */
    public static final int DEFAULT_JOURNAL_LIMIT = Journal.DEFAULT_LIMIT;
    /** Live workers re-read the clock at least this often, so a clock moved by hand is noticed. */
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Map<String, String> settings;
    private final Clock clock;
    private final StepMessageCodec codec = new StepMessageCodec();
    private final List<Consumer<DeadLetter>> deadLetterListeners = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Deque<Delivery>> running = ThreadLocal.withInitial(ArrayDeque::new);
    private final Consumer<Instant> clockListener = this::clockMoved;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Envelope> pending = new PriorityQueue<>(
            Comparator.comparing((Envelope envelope) -> envelope.dueAt).thenComparingLong(envelope -> envelope.order));
    /** Messages under a delivery's lock. */
    private final Set<Envelope> locked = new LinkedHashSet<>();
    /** Sent ids by send time, oldest first (insertion order): expired ones are dropped from the head only. */
    private final LinkedHashMap<String, Instant> recentlySent = new LinkedHashMap<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final Journal<DeliveryRecord> records = new Journal<>();
    private final Journal<DeliveryRecord> overBudget = new Journal<>();
    private volatile FunctionCatalog catalog;
    private volatile FaultInjector faults;
    private volatile VirtualTimers timers;
    private volatile DeliveryObserver observer;
    private Duration duplicateDetectionWindow = DEFAULT_DUPLICATE_DETECTION_WINDOW;
    private int maxDeliveryCount = DEFAULT_MAX_DELIVERY_COUNT;
    private Duration lockDuration = DEFAULT_LOCK_DURATION;
    private Duration timeBudget = DEFAULT_TIME_BUDGET;
    private DuplicateTiming duplicateTiming;
    private Random duplicateRandom;
    private Duration duplicateMaxLateness = Duration.ZERO;
    private MessageDelay messageDelay;
    private long nextOrder;
    private long nextLockToken;
    private int inFlight;
    private int delivered;
    private int failedDeliveries;
    private int duplicatesDropped;
    private int deadLettered;
    private int lockLosses;
    private int crashes;
    private DeliveryRecord longest;
    private DeliveryRecord longestWall;
    /** The counters as the last {@link #runUntilIdle} reported them. */
    private final int[] reported = new int[6];
    private List<Thread> workers;
    private volatile Thread virtualThread;
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
        if (clock instanceof ManualClock manual) {
            manual.onChange(clockListener);
        }
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
        withLock(() -> {
            this.catalog = catalog;
            changed.signalAll();
        });
        return this;
    }

    /** How long a sent message id is remembered per queue (default infra's, {@link #DEFAULT_DUPLICATE_DETECTION_WINDOW}). */
    public InProcessStepQueue duplicateDetectionWindow(Duration window) {
        requirePositive(window, "duplicate detection window");
        withLock(() -> this.duplicateDetectionWindow = window);
        return this;
    }

    /** Deliveries before a message is dead-lettered (default infra's, 10). */
    public InProcessStepQueue maxDeliveryCount(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("max delivery count must be at least 1, not " + count);
        }
        withLock(() -> this.maxDeliveryCount = count);
        return this;
    }

    /** How long a delivery holds the message's lock (default infra's, {@link #DEFAULT_LOCK_DURATION}). */
    public InProcessStepQueue lockDuration(Duration duration) {
        requirePositive(duration, "lock duration");
        withLock(() -> this.lockDuration = duration);
        return this;
    }

    /** The lock duration in force. */
    public Duration lockDuration() {
        return withLock(() -> lockDuration);
    }

    /**
     * Keeps only the latest {@code limit} deliveries in {@link #deliveries()} and {@link #deliveriesOverBudget()}
     * (default {@value #DEFAULT_JOURNAL_LIMIT}): a record for tests and diagnostics, bounded so that a host that
     * runs for long does not keep one entry per delivery for good.
     */
    public InProcessStepQueue journalLimit(int limit) {
        withLock(() -> {
            records.limit(limit);
            overBudget.limit(limit);
        });
        return this;
    }

    /** The duplicate detection window in force. */
    public Duration duplicateDetectionWindow() {
        return withLock(() -> duplicateDetectionWindow);
    }

    /** The max delivery count in force. */
    public int maxDeliveryCount() {
        return withLock(() -> maxDeliveryCount);
    }

    /** A delivery's time budget, for {@link #deliveriesOverBudget()} (default {@link #DEFAULT_TIME_BUDGET}). */
    public InProcessStepQueue timeBudget(Duration budget) {
        requirePositive(budget, "time budget");
        withLock(() -> this.timeBudget = budget);
        return this;
    }

    /** Fault mode: deliver every message once more right after its first successful delivery. */
    public InProcessStepQueue deliverEachMessageTwice(boolean enabled) {
        return duplicateEachMessage(enabled ? DuplicateTiming.AFTER_COMPLETION : null);
    }

    /** Fault mode: deliver a copy of every message at {@code timing} (null: off). LATE copies come up to 1 minute late. */
    public InProcessStepQueue duplicateEachMessage(DuplicateTiming timing) {
        return duplicateEachMessage(timing, new Random(0), Duration.ofMinutes(1));
    }

    /**
     * Fault mode: deliver a copy of every message at {@code timing} (null: off); a {@link DuplicateTiming#LATE}
     * copy is due a random time in (0, {@code maxLateness}] after the original's completion, drawn from
     * {@code random}.
     */
    public InProcessStepQueue duplicateEachMessage(DuplicateTiming timing, Random random, Duration maxLateness) {
        Objects.requireNonNull(random, "random");
        requirePositive(maxLateness, "max lateness");
        withLock(() -> {
            this.duplicateTiming = timing;
            this.duplicateRandom = random;
            this.duplicateMaxLateness = maxLateness;
        });
        return this;
    }

    /** Fault mode: each message sent gets the extra delay {@code delay} chooses (null: none). */
    public InProcessStepQueue delayMessages(MessageDelay delay) {
        withLock(() -> this.messageDelay = delay);
        return this;
    }

    /**
     * Fault mode: out-of-order delivery. Each message sent is delayed by a random amount in
     * [0, {@code maxExtraDelay}] drawn from {@code random}, so messages sent together arrive in any order.
     */
    public InProcessStepQueue reorder(Random random, Duration maxExtraDelay) {
        Objects.requireNonNull(random, "random");
        requirePositive(maxExtraDelay, "max extra delay");
        long maxMillis = maxExtraDelay.toMillis();
        return delayMessages((queue, messageId, requested) -> Duration.ofMillis((long) (random.nextDouble() * (maxMillis + 1))));
    }

    /** Fault mode: out-of-order delivery, each message delayed by up to 30 seconds. */
    public InProcessStepQueue reorder(Random random) {
        return reorder(random, Duration.ofSeconds(30));
    }

    /** Crash injection: deliveries become scopes of {@code injector}, which may also crash before completion. */
    public InProcessStepQueue faults(FaultInjector injector) {
        this.faults = injector;
        return this;
    }

    /** The timers a virtual-time run fires as it moves the clock (null: none). */
    public InProcessStepQueue timers(VirtualTimers timers) {
        this.timers = timers;
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
            accept((String) message[0], (String) message[1], (String) message[2], (Duration) message[3]);
        }
        regainControl();
    }

    /**
     * Sends one raw message to a queue by name.
     *
     * @param delay null or zero for now
     * @return false when it was dropped as a duplicate
     */
    public boolean enqueue(String queue, String messageId, String body, Duration delay) {
        boolean accepted = accept(queue, messageId, body, delay);
        regainControl();
        return accepted;
    }

    private boolean accept(String queue, String messageId, String body, Duration delay) {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(body, "body");
        MessageDelay extra = withLock(() -> messageDelay);
        Duration added = extra == null ? Duration.ZERO : extra.extraDelay(queue, messageId, delay);
        lock.lock();
        try {
            Instant now = clock.instant();
            forgetExpiredIds(now);
            String key = queue.toLowerCase(Locale.ROOT) + "\n" + messageId;
            Instant sentAt = recentlySent.get(key);
            if (sentAt != null && sentAt.isAfter(now.minus(duplicateDetectionWindow))) {
                duplicatesDropped++;
                LOG.fine(() -> "dropped duplicate message " + messageId + " on queue " + queue);
                return false;
            }
            recentlySent.remove(key);
            recentlySent.put(key, now);
            Instant due = delay == null || delay.isNegative() ? now : now.plus(delay);
            if (added != null && !added.isNegative()) {
                due = due.plus(added);
            }
            Envelope envelope = new Envelope(queue, messageId, body, due, nextOrder++, false);
            Delivery sender = running.get().peek();
            if (sender == null) {
                running.remove();
            }
            envelope.sentByDeliveryStartedNanos = sender == null ? 0 : sender.startedNanos;
            pending.add(envelope);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Virtual time: delivers due messages one at a time on this thread; when none is due, moves the
     * {@link ManualClock} to the next message's due time, firing on the way the {@link #timers} that fall due
     * (and, first, any already due). Stops when no message is left (timers alone do not keep it going), or when
     * the next one is due after {@code maxVirtualTime} from now (the clock is then left at the end of the
     * budget). A message held by a crashed delivery counts as left: it is due when its lock expires. The
     * summary counts what happened since the previous run.
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
        withLock(() -> {
            if (workers != null) {
                throw new IllegalStateException("the queue runs live (workers started); use awaitIdle(...)");
            }
            requireConnected();
        });
        Instant deadline = manual.instant().plus(maxVirtualTime);
        Thread previous = virtualThread;
        virtualThread = Thread.currentThread();
        int deliveries = 0;
        try {
            while (true) {
                VirtualTimers timed = timers;
                Instant now = manual.instant();
                Instant timerDue = timed == null ? null : timed.nextDue();
                if (timerDue != null && !timerDue.isAfter(now)) {
                    timed.fireDue(now);
                    continue;
                }
                Envelope next;
                DeadLetter expired = null;
                lock.lock();
                try {
                    Envelope head = pending.peek();
                    if (head == null) {
                        break;
                    }
                    if (timerDue != null && timerDue.isBefore(head.dueAt) && !timerDue.isAfter(deadline)) {
                        manual.advanceTo(timerDue);
                        continue;
                    }
                    if (head.dueAt.isAfter(now)) {
                        if (head.dueAt.isAfter(deadline)) {
                            manual.advanceTo(deadline);
                            break;
                        }
                        manual.advanceTo(head.dueAt);
                        continue;
                    }
                    next = pending.poll();
                    if (exhaustedLocked(next)) {
                        expired = deadLetterLocked(next, maxDeliveryCountExceeded(next), now);
                        next = null;
                    } else {
                        inFlight++;
                    }
                } finally {
                    lock.unlock();
                }
                if (expired != null) {
                    announce(expired, null);
                    continue;
                }
                if (++deliveries > MAX_DELIVERIES_PER_RUN) {
                    Envelope back = next;
                    withLock(() -> {
                        inFlight--;
                        pending.add(back);
                    });
                    throw new IllegalStateException("more than " + MAX_DELIVERIES_PER_RUN + " deliveries in one run:"
                            + " a handler keeps sending new messages with no delay");
                }
                deliver(next);
            }
        } finally {
            virtualThread = previous;
        }
        lock.lock();
        try {
            int[] now = {delivered, failedDeliveries, duplicatesDropped, deadLettered, lockLosses, crashes};
            RunSummary summary = new RunSummary(now[0] - reported[0], now[1] - reported[1], now[2] - reported[2],
                    now[3] - reported[3], pending.size(), manual.instant(), now[4] - reported[4], now[5] - reported[5]);
            System.arraycopy(now, 0, reported, 0, now.length);
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
     * Live mode: waits until no message is pending (scheduled ones and ones held by a crashed delivery
     * included) and none is being delivered.
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
        if (clock instanceof ManualClock manual) {
            manual.removeListener(clockListener);
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
        return withLock(() -> List.copyOf(deadLetters));
    }

    /** Messages not yet delivered (or waiting to be delivered again), soonest first. */
    public List<PendingMessage> pendingMessages() {
        return withLock(() -> pending.stream().sorted(pending.comparator())
                .map(envelope -> new PendingMessage(envelope.queue, envelope.messageId, envelope.body,
                        envelope.dueAt, envelope.deliveryCount))
                .toList());
    }

    /** Successful deliveries (completed messages) so far. */
    public int deliveredCount() {
        return withLock(() -> delivered);
    }

    /** Sends dropped by duplicate detection so far. */
    public int duplicatesDropped() {
        return withLock(() -> duplicatesDropped);
    }

    /** Completions and abandons refused because the delivery's lock had expired, so far. */
    public int lockLosses() {
        return withLock(() -> lockLosses);
    }

    /** Deliveries that ended in an injected crash (process death), so far. */
    public int crashes() {
        return withLock(() -> crashes);
    }

    /**
     * Watches deliveries (for the benchmark): {@code observer} is called on the delivering thread just before
     * the function runs and just after it returns or throws. Null removes it.
     */
    public InProcessStepQueue observeDeliveries(DeliveryObserver observer) {
        this.observer = observer;
        return this;
    }

    /** Messages waiting (scheduled ones and ones held by a crashed delivery included), not those in a delivery. */
    public int depth() {
        return withLock(pending::size);
    }

    /** The most recent deliveries (up to the {@linkplain #journalLimit(int) journal limit}), oldest first. */
    public List<DeliveryRecord> deliveries() {
        return withLock(records::entries);
    }

    /** The delivery that took longest on the queue clock (ties: on the wall), if any. */
    public Optional<DeliveryRecord> longestDelivery() {
        return withLock(() -> Optional.ofNullable(longest));
    }

    /** The delivery that took longest in real (wall) time, if any. */
    public Optional<DeliveryRecord> longestWallDelivery() {
        return withLock(() -> Optional.ofNullable(longestWall));
    }

    /** Every delivery whose clock or wall time exceeded the time budget, oldest first. */
    public List<DeliveryRecord> deliveriesOverBudget() {
        return withLock(overBudget::entries);
    }

    private void work() {
        while (true) {
            Envelope next = null;
            List<DeadLetter> expired = new ArrayList<>();
            lock.lock();
            try {
                while (next == null) {
                    if (closed) {
                        return;
                    }
                    Instant now = clock.instant();
                    expireLocksLocked(now);
                    // Also here, not only on a send: an idle queue forgets ids once their window has passed.
                    forgetExpiredIds(now);
                    Envelope head = pending.peek();
                    if (catalog == null || head == null) {
                        changed.awaitNanos(waitNanos(now, null));
                        continue;
                    }
                    if (head.dueAt.isAfter(now)) {
                        changed.awaitNanos(waitNanos(now, head.dueAt));
                        continue;
                    }
                    next = pending.poll();
                    if (exhaustedLocked(next)) {
                        expired.add(deadLetterLocked(next, maxDeliveryCountExceeded(next), now));
                        next = null;
                        break;
                    }
                    inFlight++;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            expired.forEach(deadLetter -> announce(deadLetter, null));
            if (next != null) {
                deliver(next);
            }
        }
    }

    private long waitNanos(Instant now, Instant due) {
        Instant wake = due;
        for (Envelope held : locked) {
            if (wake == null || held.lockedUntil.isBefore(wake)) {
                wake = held.lockedUntil;
            }
        }
        if (wake == null) {
            return MAX_WAIT_NANOS;
        }
        return Math.max(1, Math.min(Duration.between(now, wake).toNanos(), MAX_WAIT_NANOS));
    }

    /**
     * Delivers one message taken from {@link #pending} by the caller, who counted it in flight under the same
     * hold of the lock (so {@link #awaitIdle} never sees it nowhere): locks it, runs the function, settles.
     */
    private void deliver(Envelope envelope) {
        FunctionCatalog functions = requireConnected();
        FunctionCatalog.QueueTrigger trigger = functions.queueTrigger(envelope.queue).orElse(null);
        if (trigger == null) {
            DeadLetter deadLetter = withLock(() -> {
                inFlight--;
                return deadLetterLocked(envelope, "NoListener: no function listens on queue '"
                        + envelope.queue + "' (queues with a listener: " + functions.queueNames() + ")", clock.instant());
            });
            announce(deadLetter, null);
            return;
        }
        Delivery delivery = take(envelope);
        FaultInjector injector = faults;
        Deque<Delivery> stack = running.get();
        stack.push(delivery);
        Throwable failure = null;
        InjectedCrash crash = null;
        boolean finished = false;
        try (FaultInjector.Delivery scope = injector == null ? null
                : injector.enterDelivery(envelope.queue, envelope.messageId, delivery.deliveryCount)) {
            LocalExecutionContext context = LocalExecutionContext.forFunction(trigger.functionName());
            LOG.fine(() -> "delivering message " + envelope.messageId + " on queue " + envelope.queue + " to "
                    + trigger.functionName() + " (delivery " + delivery.deliveryCount + ", invocation "
                    + context.getInvocationId() + ")");
            DeliveryObserver watching = observer;
            if (watching != null) {
                watching.started(envelope.queue, envelope.messageId, delivery.deliveryCount,
                        envelope.sentByDeliveryStartedNanos == 0 ? -1
                                : delivery.startedNanos - envelope.sentByDeliveryStartedNanos);
            }
            try {
                trigger.invoke(envelope.body, envelope.messageId, delivery.deliveryCount, context);
            } catch (InjectedCrash injected) {
                crash = injected;
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable thrown) {
                failure = thrown;
            }
            if (crash == null && failure == null) {
                deliverConcurrentCopy(delivery);
                if (injector != null) {
                    try {
                        injector.reached(CrashPoint.BEFORE_COMPLETION, "complete");
                    } catch (InjectedCrash injected) {
                        crash = injected;
                    }
                }
            }
            finished = true;
        } finally {
            DeliveryObserver watching = observer;
            if (watching != null) {
                watching.finished(envelope.queue, envelope.messageId);
            }
            stack.remove(delivery);
            if (stack.isEmpty()) {
                running.remove();
            }
            if (!finished) {
                // A fatal error escaped the handler: treat it as the process dying; the lock expires.
                crash = new InjectedCrash(new FaultInjector.Occurrence(CrashPoint.BEFORE_COMPLETION, "fatal error",
                        envelope.queue, envelope.messageId, delivery.deliveryCount, 0, 0));
            }
            DeadLetter deadLetter = settle(envelope, delivery, failure, crash);
            if (deadLetter != null) {
                announce(deadLetter, failure);
            }
        }
    }

    private Delivery take(Envelope envelope) {
        lock.lock();
        try {
            Instant now = clock.instant();
            envelope.deliveryCount++;
            envelope.lockToken = ++nextLockToken;
            envelope.lockedUntil = now.plus(lockDuration);
            locked.add(envelope);
            Delivery delivery = new Delivery(envelope, envelope.lockToken, envelope.deliveryCount, now, System.nanoTime());
            if (duplicateTiming == DuplicateTiming.BEFORE_COMPLETION && !envelope.copy) {
                Envelope copy = envelope.copy(now, nextOrder++);
                if (Thread.currentThread() == virtualThread) {
                    delivery.concurrentCopy = copy;
                } else {
                    pending.add(copy);
                    changed.signalAll();
                }
            }
            return delivery;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a delivery's outcome: completed (maybe copied by a fault mode), abandoned (available again at
     * once), lock lost (nothing removed), crashed (held until its lock expires), or dead-lettered.
     *
     * @return the dead letter, if the message became one
     */
    private DeadLetter settle(Envelope envelope, Delivery delivery, Throwable failure, InjectedCrash crash) {
        DeadLetter deadLetter = null;
        DeliveryOutcome outcome;
        lock.lock();
        try {
            Instant now = clock.instant();
            inFlight--;
            boolean stillHeld = envelope.lockToken == delivery.lockToken;
            if (crash != null) {
                crashes++;
                outcome = DeliveryOutcome.CRASHED;
                if (stillHeld) {
                    // The process died holding the lock: nobody completes or abandons; the lock runs out.
                    envelope.lastFailure = "crashed: " + crash.getMessage();
                    expireLocked(envelope);
                }
                LOG.info(() -> "delivery " + delivery.deliveryCount + " of message " + envelope.messageId + " on queue "
                        + envelope.queue + " died (" + crash.getMessage() + "); it comes back when its lock expires at "
                        + delivery.lockedUntil);
            } else if (!stillHeld || !now.isBefore(envelope.lockedUntil)) {
                lockLosses++;
                outcome = DeliveryOutcome.LOCK_LOST;
                LOG.warning(() -> "MessageLockLostException: the lock on message " + envelope.messageId + " on queue "
                        + envelope.queue + " (delivery " + delivery.deliveryCount + ") expired at " + delivery.lockedUntil
                        + " before the handler " + (failure == null ? "completed" : "abandoned") + " it at " + now
                        + "; the message was not removed");
                if (stillHeld) {
                    envelope.lastFailure = "lock expired while the handler ran";
                    expireLocked(envelope);
                }
            } else if (failure != null) {
                failedDeliveries++;
                locked.remove(envelope);
                envelope.lockToken = 0;
                String reason = failure.getClass().getName() + ": " + failure.getMessage();
                envelope.lastFailure = reason;
                if (envelope.deliveryCount < maxDeliveryCount) {
                    outcome = DeliveryOutcome.ABANDONED;
                    LOG.info(() -> "message " + envelope.messageId + " on queue " + envelope.queue + " failed on"
                            + " delivery " + envelope.deliveryCount + " of " + maxDeliveryCount + " (" + reason
                            + "); abandoned, it is available again at once");
                    envelope.dueAt = now;
                    envelope.order = nextOrder++;
                    pending.add(envelope);
                } else {
                    outcome = DeliveryOutcome.DEAD_LETTERED;
                    deadLetter = deadLetterLocked(envelope, reason, now);
                }
            } else {
                delivered++;
                outcome = DeliveryOutcome.COMPLETED;
                locked.remove(envelope);
                envelope.lockToken = 0;
                if (!envelope.copy && duplicateTiming == DuplicateTiming.AFTER_COMPLETION) {
                    pending.add(envelope.copy(now, nextOrder++));
                } else if (!envelope.copy && duplicateTiming == DuplicateTiming.LATE) {
                    long maxMillis = duplicateMaxLateness.toMillis();
                    long lateness = 1 + (long) (duplicateRandom.nextDouble() * maxMillis);
                    pending.add(envelope.copy(now.plusMillis(Math.min(lateness, maxMillis)), nextOrder++));
                }
            }
            record(new DeliveryRecord(envelope.queue, envelope.messageId, delivery.deliveryCount, delivery.startedAt,
                    Duration.between(delivery.startedAt, now), Duration.ofNanos(System.nanoTime() - delivery.startedNanos),
                    outcome));
            changed.signalAll();
            return deadLetter;
        } finally {
            lock.unlock();
        }
    }

    private void record(DeliveryRecord record) {
        records.add(record);
        if (longest == null || record.clockTime().compareTo(longest.clockTime()) > 0
                || (record.clockTime().equals(longest.clockTime()) && record.wallTime().compareTo(longest.wallTime()) > 0)) {
            longest = record;
        }
        if (longestWall == null || record.wallTime().compareTo(longestWall.wallTime()) > 0) {
            longestWall = record;
        }
        if (record.clockTime().compareTo(timeBudget) > 0 || record.wallTime().compareTo(timeBudget) > 0) {
            overBudget.add(record);
        }
    }

    /** A held message's lock runs out: it is available again from {@code lockedUntil}, to any worker. */
    private void expireLocked(Envelope envelope) {
        locked.remove(envelope);
        envelope.lockToken = 0;
        envelope.dueAt = envelope.lockedUntil;
        envelope.order = nextOrder++;
        pending.add(envelope);
        changed.signalAll();
    }

    /** Expires every lock that ran out by {@code now}; returns the messages made available again. */
    private List<Envelope> expireLocksLocked(Instant now) {
        List<Envelope> expired = new ArrayList<>();
        for (Iterator<Envelope> it = locked.iterator(); it.hasNext(); ) {
            Envelope held = it.next();
            if (!now.isBefore(held.lockedUntil)) {
                expired.add(held);
            }
        }
        for (Envelope held : expired) {
            held.lastFailure = "lock expired while the handler ran";
            expireLocked(held);
            LOG.info(() -> "the lock on message " + held.messageId + " on queue " + held.queue + " expired at "
                    + held.lockedUntil + " while its handler still ran; it is available again");
        }
        return expired;
    }

    private void clockMoved(Instant now) {
        regainControl();
    }

    /**
     * Virtual time, inside a delivery on the run's thread: the queue has control for a moment (the clock moved,
     * or the handler sent). Messages whose lock ran out are delivered again now, nested, as another worker would
     * take them; so is a pending {@link DuplicateTiming#BEFORE_COMPLETION} copy.
     */
    private void regainControl() {
        if (Thread.currentThread() != virtualThread) {
            return;
        }
        Deque<Delivery> stack = running.get();
        if (stack.isEmpty()) {
            running.remove();
            return;
        }
        if (stack.size() >= MAX_NESTED_DELIVERIES) {
            return;
        }
        List<Envelope> again = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        lock.lock();
        try {
            Instant now = clock.instant();
            for (Envelope expired : expireLocksLocked(now)) {
                pending.remove(expired);
                if (exhaustedLocked(expired)) {
                    dead.add(deadLetterLocked(expired, maxDeliveryCountExceeded(expired), now));
                } else {
                    inFlight++;
                    again.add(expired);
                }
            }
        } finally {
            lock.unlock();
        }
        dead.forEach(deadLetter -> announce(deadLetter, null));
        for (Envelope envelope : again) {
            deliver(envelope);
        }
        for (Delivery delivery : List.copyOf(stack)) {
            deliverConcurrentCopy(delivery);
        }
    }

    private void deliverConcurrentCopy(Delivery delivery) {
        Envelope copy = delivery.concurrentCopy;
        if (copy != null) {
            delivery.concurrentCopy = null;
            withLock(() -> inFlight++);
            deliver(copy);
        }
    }

    private DeadLetter deadLetterLocked(Envelope envelope, String reason, Instant now) {
        locked.remove(envelope);
        envelope.lockToken = 0;
        deadLettered++;
        DeadLetter deadLetter = new DeadLetter(envelope.queue, envelope.messageId, envelope.body,
                envelope.deliveryCount, reason);
        deadLetters.add(deadLetter);
        if (!envelope.queue.endsWith(DEAD_LETTER_QUEUE_SUFFIX)) {
            String deadLetterQueue = envelope.queue + DEAD_LETTER_QUEUE_SUFFIX;
            FunctionCatalog functions = catalog;
            if (functions != null && functions.queueTrigger(deadLetterQueue).isPresent()) {
                // The message moves with its delivery count, as Service Bus moves it with its system properties.
                Envelope moved = new Envelope(deadLetterQueue, envelope.messageId, envelope.body, now, nextOrder++, false);
                moved.deliveryCount = envelope.deliveryCount;
                pending.add(moved);
            }
        }
        changed.signalAll();
        return deadLetter;
    }

    /**
     * Whether a message about to be delivered has used up its deliveries (its last lock expired). A message in
     * a dead-letter queue never is: Service Bus does not dead-letter from a dead-letter queue.
     */
    private boolean exhaustedLocked(Envelope envelope) {
        return envelope.deliveryCount >= maxDeliveryCount && !envelope.queue.endsWith(DEAD_LETTER_QUEUE_SUFFIX);
    }

    private String maxDeliveryCountExceeded(Envelope envelope) {
        return "MaxDeliveryCountExceeded: message could not be consumed after " + envelope.deliveryCount
                + " delivery attempts (last: " + envelope.lastFailure + ")";
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

    /** Drops remembered ids sent before the window, from the oldest: stops at the first one still inside it. */
    private void forgetExpiredIds(Instant now) {
        Instant cutoff = now.minus(duplicateDetectionWindow);
        Iterator<Map.Entry<String, Instant>> entries = recentlySent.entrySet().iterator();
        while (entries.hasNext()) {
            if (entries.next().getValue().isAfter(cutoff)) {
                return;
            }
            entries.remove();
        }
    }

    /** How many sent ids duplicate detection remembers now (for tests of its memory). */
    int rememberedIds() {
        return withLock(recentlySent::size);
    }

    private void withLock(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    private <T> T withLock(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private static void requirePositive(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + duration);
        }
    }

    /** Sees deliveries start and finish, on the delivering thread. */
    public interface DeliveryObserver {
        /**
         * @param hopNanos nanoseconds from the start of the delivery that sent this message to now, or -1 when
         *                 no delivery sent it (an HTTP command, the timer, a test)
         */
        void started(String queue, String messageId, int deliveryCount, long hopNanos);

        void finished(String queue, String messageId);
    }

    /** When a fault-mode copy of each message is delivered. */
    public enum DuplicateTiming {
        /** While the original's handler still runs (as after a lost lock): before its completion. */
        BEFORE_COMPLETION,
        /** Right after the original completed. */
        AFTER_COMPLETION,
        /** A random time after the original completed, behind messages sent meanwhile. */
        LATE
    }

    /** Chooses an extra delay for a message being sent (fault mode). */
    @FunctionalInterface
    public interface MessageDelay {
        /**
         * @param requested the delay the sender asked for (null or zero for now)
         * @return the extra delay to add (null or zero: none)
         */
        Duration extraDelay(String queue, String messageId, Duration requested);
    }

    /** How a delivery ended. */
    public enum DeliveryOutcome {
        /** The handler returned and the message was completed. */
        COMPLETED,
        /** The handler threw; the message was abandoned, available again at once. */
        ABANDONED,
        /** The handler threw on the last allowed delivery; the message was dead-lettered. */
        DEAD_LETTERED,
        /** The lock expired before the handler finished; its completion or abandon was refused. */
        LOCK_LOST,
        /** The process died (an injected crash); the message came back when its lock expired. */
        CRASHED
    }

    /**
     * One delivery, timed.
     *
     * @param clockTime the time it took on the queue clock (virtual time in tests)
     * @param wallTime  the real time it took
     */
    public record DeliveryRecord(String queue, String messageId, int deliveryCount, Instant startedAt,
                                 Duration clockTime, Duration wallTime, DeliveryOutcome outcome) {
    }

    /**
     * A message Service Bus would have moved to the dead-letter queue.
     *
     * @param queue         the queue it was on
     * @param messageId     its id
     * @param body          its body
     * @param deliveryCount how many times it was delivered
     * @param reason        the last exception's class and message ({@code java.lang.IllegalStateException: ...}),
     *                      {@code MaxDeliveryCountExceeded: ...} when its last lock expired, or why it could not
     *                      be delivered
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
     * @param lockLosses       completions or abandons refused because the lock had expired
     * @param crashes          deliveries that ended in an injected crash
     */
    public record RunSummary(int delivered, int failedDeliveries, int duplicatesDropped, int deadLettered,
                             int pending, Instant virtualTime, int lockLosses, int crashes) {
    }

    private static final class Delivery {
        final Envelope envelope;
        final long lockToken;
        final int deliveryCount;
        final Instant startedAt;
        final long startedNanos;
        final Instant lockedUntil;
        Envelope concurrentCopy;

        Delivery(Envelope envelope, long lockToken, int deliveryCount, Instant startedAt, long startedNanos) {
            this.envelope = envelope;
            this.lockToken = lockToken;
            this.deliveryCount = deliveryCount;
            this.startedAt = startedAt;
            this.startedNanos = startedNanos;
            this.lockedUntil = envelope.lockedUntil;
        }
    }

    private static final class Envelope {
        final String queue;
        final String messageId;
        final String body;
        final boolean copy;
        Instant dueAt;
        long order;
        int deliveryCount;
        long lockToken;
        Instant lockedUntil;
        String lastFailure;
        /** {@link System#nanoTime()} at the start of the delivery that sent this message; 0 if none did. */
        long sentByDeliveryStartedNanos;

        Envelope(String queue, String messageId, String body, Instant dueAt, long order, boolean copy) {
            this.queue = queue;
            this.messageId = messageId;
            this.body = body;
            this.dueAt = dueAt;
            this.order = order;
            this.copy = copy;
        }

        Envelope copy(Instant due, long order) {
            Envelope copy = new Envelope(queue, messageId, body, due, order, true);
            copy.deliveryCount = deliveryCount;
            copy.sentByDeliveryStartedNanos = sentByDeliveryStartedNanos;
            return copy;
        }
    }
}
