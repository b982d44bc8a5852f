package io.smoothdeploy.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A clock that only moves when told to: virtual time for tests. Share one instance between the engine and
 * an {@link InProcessStepQueue} so that "check again in five minutes" takes no real time.
 *
 * <p>Thread-safe. {@link #withZone(ZoneId)} returns a view on the same time line: advancing either one
 * moves both.
 *
 * <p>Listeners ({@link #onChange}) hear every move, on the thread that made it, after the time changed: the
 * in-process queue uses this to notice, in virtual time, a lock that expires while a handler runs.
 */
public final class ManualClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;
    private final List<Consumer<Instant>> listeners;

    /** A clock standing at {@code start}, in UTC. */
    public ManualClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC,
                new CopyOnWriteArrayList<>());
    }

    /** A clock standing at 2024-01-01T00:00:00Z: a fixed, readable starting point for tests. */
    public ManualClock() {
        this(Instant.parse("2024-01-01T00:00:00Z"));
    }

    private ManualClock(AtomicReference<Instant> now, ZoneId zone, List<Consumer<Instant>> listeners) {
        this.now = now;
        this.zone = zone;
        this.listeners = listeners;
    }

    /** Calls {@code listener} with the new time after each move (advance, set), on the moving thread. */
    public void onChange(Consumer<Instant> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops calling {@code listener}. */
    public void removeListener(Consumer<Instant> listener) {
        listeners.remove(listener);
    }

    /** How many listeners hear this clock (for tests). */
    int listenerCount() {
        return listeners.size();
    }

    private Instant moved(Instant instant) {
        for (Consumer<Instant> listener : listeners) {
            listener.accept(instant);
        }
        return instant;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (this.zone.equals(zone)) {
            return this;
        }
        return new ManualClock(now, Objects.requireNonNull(zone, "zone"), listeners);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    /**
     * Moves time forward.
     *
     * @return the new time
     * @throws IllegalArgumentException when {@code amount} is negative: time does not run backwards here;
     *                                  use {@link #set(Instant)} if a test really needs that
     */
    public Instant advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("cannot advance a clock by a negative amount: " + amount);
        }
        return moved(now.updateAndGet(current -> current.plus(amount)));
    }

    /** Sets the time, forward or back. */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
        moved(instant);
    }

    /** Moves time forward to {@code instant} if it is later than now; never moves it back. */
    Instant advanceTo(Instant instant) {
        return moved(now.accumulateAndGet(instant, (current, target) -> target.isAfter(current) ? target : current));
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + "," + zone + "]";
    }
}
