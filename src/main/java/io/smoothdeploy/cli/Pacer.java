package io.smoothdeploy.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Time as {@code wait} sees it: what time it is, and how to pause between two polls. The CLI uses the system
 * clock and {@link Thread#sleep}; tests give one that moves a manual clock and runs the step queues instead.
 */
public interface Pacer {

    Instant now();

    void sleep(Duration duration) throws InterruptedException;

    /** Real time. */
    static Pacer system() {
        Clock clock = Clock.systemUTC();
        return new Pacer() {
            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                Thread.sleep(Math.max(0, duration.toMillis()));
            }
        };
    }
}
