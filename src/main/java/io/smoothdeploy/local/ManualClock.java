package io.smoothdeploy.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that only moves when told to: virtual time for tests. Share one instance between the engine and
 * an {@link InProcessStepQueue} so that "check again in five minutes" takes no real time.
 *
 * <p>Thread-safe. {@link #withZone(ZoneId)} returns a view on the same time line: advancing either one
 * moves both.
 */
public final class ManualClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock standing at {@code start}, in UTC. */
    public ManualClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    /** A clock standing at 2024-01-01T00:00:00Z: a fixed, readable starting point for tests. */
    public ManualClock() {
        this(Instant.parse("2024-01-01T00:00:00Z"));
    }

    private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
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
        return new ManualClock(now, Objects.requireNonNull(zone, "zone"));
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
        return now.updateAndGet(current -> current.plus(amount));
    }

    /** Sets the time, forward or back. */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    /** Moves time forward to {@code instant} if it is later than now; never moves it back. */
    Instant advanceTo(Instant instant) {
        return now.accumulateAndGet(instant, (current, target) -> target.isAfter(current) ? target : current);
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + "," + zone + "]";
    }
}
