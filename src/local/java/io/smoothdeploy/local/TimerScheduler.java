package io.smoothdeploy.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a catalog's timer-triggered functions on their NCRONTAB schedules
 * (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer), on a clock: live, on its own
 * thread ({@link #start()}); or in virtual time, fired by {@link InProcessStepQueue#runUntilIdle} as it moves a
 * {@link ManualClock} over their due times (it is a {@link VirtualTimers}).
 *
 * <ul>
 *   <li>An invocation never overlaps the previous one of the same timer, as the Functions runtime holds a
 *       singleton lock per timer function.</li>
 *   <li>Occurrences missed (the clock moved past several at once, or a run took longer than the interval)
 *       fire once, late, with {@code IsPastDue} true, as the runtime does with a past-due schedule; the next one
 *       is the first occurrence after that invocation's start.</li>
 *   <li>A failing invocation is logged and not retried; the schedule goes on.</li>
 *   <li>{@link #enabled(boolean) enabled(false)} stops firing (for tests that tick the timer by hand);
 *       enabling again schedules from the current time, without a burst of missed occurrences.</li>
 * </ul>
 */
public final class TimerScheduler implements VirtualTimers, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TimerScheduler.class.getName());
    private static final long MAX_WAIT_MILLIS = 50;
    private static final Duration PAST_DUE = Duration.ofSeconds(1);

    private final Clock clock;
    private final List<Scheduled> timers = new ArrayList<>();
    private final List<Firing> fired = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<Firing>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean enabled = true;
    private Thread thread;
    private boolean closed;

    /** Schedules every timer function of {@code catalog} from the clock's current time. */
    public TimerScheduler(FunctionCatalog catalog, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        Instant now = clock.instant();
        for (FunctionCatalog.TimerFunction function : catalog.timerFunctions()) {
            timers.add(new Scheduled(function, function.schedule().nextAfter(now)));
        }
    }

    /** Turns firing on (the default) or off; turning it on schedules each timer's next occurrence from now. */
    public TimerScheduler enabled(boolean on) {
        synchronized (this) {
            if (on && !enabled) {
                Instant now = clock.instant();
                for (Scheduled timer : timers) {
                    timer.next = timer.function.schedule().nextAfter(now);
                }
            }
            enabled = on;
            notifyAll();
        }
        return this;
    }

    public boolean enabled() {
        return enabled;
    }

    @Override
    public synchronized Instant nextDue() {
        if (!enabled) {
            return null;
        }
        Instant earliest = null;
        for (Scheduled timer : timers) {
            if (earliest == null || timer.next.isBefore(earliest)) {
                earliest = timer.next;
            }
        }
        return earliest;
    }

    /** When {@code functionName} is due next, or null when it is no timer here. */
    public synchronized Instant nextDue(String functionName) {
        return timers.stream().filter(t -> t.function.functionName().equals(functionName)).map(t -> t.next)
                .findFirst().orElse(null);
    }

    @Override
    public synchronized void fireDue(Instant now) {
        if (!enabled) {
            return;
        }
        for (Scheduled timer : timers) {
            if (timer.next.isAfter(now)) {
                continue;
            }
            Instant scheduledFor = timer.next;
            // Late by a second or more: a missed occurrence (a live thread is always a few milliseconds late).
            boolean pastDue = Duration.between(scheduledFor, now).compareTo(PAST_DUE) >= 0;
            Instant following = timer.function.schedule().nextAfter(now);
            String info = "{\"Schedule\":{\"AdjustForDST\":true},\"ScheduleStatus\":{\"Last\":\""
                    + (timer.last == null ? scheduledFor : timer.last) + "\",\"Next\":\"" + following
                    + "\",\"LastUpdated\":\"" + now + "\"},\"IsPastDue\":" + pastDue + "}";
            String failure = null;
            try {
                timer.function.invoke(info, LocalExecutionContext.forFunction(timer.function.functionName()));
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable thrown) {
                failure = thrown.getClass().getName() + ": " + thrown.getMessage();
                LOG.log(Level.WARNING, "timer function " + timer.function.functionName() + " failed (the next"
                        + " occurrence runs as scheduled)", thrown);
            }
            timer.last = scheduledFor;
            timer.next = timer.function.schedule().nextAfter(now);
            Firing firing = new Firing(timer.function.functionName(), scheduledFor, now, pastDue, failure);
            fired.add(firing);
            listeners.forEach(listener -> listener.accept(firing));
        }
    }

    /** Calls {@code listener} after each invocation, on the thread that fired it. */
    public TimerScheduler onFired(java.util.function.Consumer<Firing> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Every invocation so far, oldest first. */
    public List<Firing> fired() {
        return List.copyOf(fired);
    }

    /** How many times {@code functionName} was invoked. */
    public int firedCount(String functionName) {
        return (int) fired.stream().filter(f -> f.functionName().equals(functionName)).count();
    }

    /** Live mode: fires timers on a daemon thread as the clock reaches them. */
    public synchronized TimerScheduler start() {
        if (closed) {
            throw new IllegalStateException("the timer scheduler is closed");
        }
        if (thread != null) {
            throw new IllegalStateException("the timer scheduler is already started");
        }
        thread = new Thread(this::run, "timer-scheduler");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void run() {
        while (true) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                Instant now = clock.instant();
                Instant due = nextDue();
                if (due != null && !due.isAfter(now)) {
                    fireDue(now);
                    continue;
                }
                long wait = due == null ? MAX_WAIT_MILLIS
                        : Math.max(1, Math.min(Duration.between(now, due).toMillis(), MAX_WAIT_MILLIS));
                try {
                    wait(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Stops the live thread, if any, letting a running invocation finish. Idempotent. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = thread;
            notifyAll();
        }
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One invocation of a timer function.
     *
     * @param scheduledFor the occurrence it ran for
     * @param at           when it ran (later than {@code scheduledFor} when past due)
     * @param pastDue      whether it ran late for a missed occurrence
     * @param failure      what it threw, or null
     */
    public record Firing(String functionName, Instant scheduledFor, Instant at, boolean pastDue, String failure) {
    }

    private static final class Scheduled {
        final FunctionCatalog.TimerFunction function;
        Instant next;
        Instant last;

        Scheduled(FunctionCatalog.TimerFunction function, Instant next) {
            this.function = function;
            this.next = next;
        }
    }
}
