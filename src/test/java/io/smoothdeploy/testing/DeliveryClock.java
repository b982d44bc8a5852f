package io.smoothdeploy.testing;

import io.smoothdeploy.local.InProcessStepQueue;
import io.smoothdeploy.local.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;

/**
 * Runs an in-process queue on a manual clock one due moment at a time, and measures how far the clock moved
 * while handlers ran: {@link InProcessStepQueue#runUntilIdle} with a zero budget delivers only what is due now
 * (and what those deliveries send with no delay), so any time that passes during it passed inside handlers. A
 * handler that waited on the clock (a stand-in that blocked in virtual time) shows up here.
 */
public final class DeliveryClock {

    private DeliveryClock() {
    }

    /**
     * Delivers everything due within {@code horizon} of virtual time, due moment by due moment.
     *
     * @return the most virtual time that passed during one due moment's deliveries
     */
    public static Duration runMeasuringDeliveries(InProcessStepQueue queue, ManualClock clock, Duration horizon) {
        Instant end = clock.instant().plus(horizon);
        Duration longest = Duration.ZERO;
        while (true) {
            Instant before = clock.instant();
            queue.runUntilIdle(Duration.ZERO);
            Duration spent = Duration.between(before, clock.instant());
            if (spent.compareTo(longest) > 0) {
                longest = spent;
            }
            Instant next = queue.pendingMessages().stream().map(InProcessStepQueue.PendingMessage::dueAt)
                    .min(Comparator.naturalOrder()).orElse(null);
            if (next == null || next.isAfter(end)) {
                return longest;
            }
            if (next.isAfter(clock.instant())) {
                clock.set(next);
            }
        }
    }
}
