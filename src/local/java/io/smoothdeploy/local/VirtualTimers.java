package io.smoothdeploy.local;

import java.time.Instant;

/**
 * Timed work that a virtual-time run ({@link InProcessStepQueue#runUntilIdle}) fires as its clock passes over
 * it: the timer-triggered functions, scheduled by {@link TimerScheduler}.
 */
public interface VirtualTimers {

    /** The earliest instant some timer is due at, or null when none is (timers off, or none declared). */
    Instant nextDue();

    /** Fires every timer due at or before {@code now}, once each (missed occurrences fire once, past due). */
    void fireDue(Instant now);
}
