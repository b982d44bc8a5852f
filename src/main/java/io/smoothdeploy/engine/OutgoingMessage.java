package io.smoothdeploy.engine;

import java.time.Duration;

/**
 * A step message to send, now or after a delay (a "check again later").
 */
public record OutgoingMessage(StepMessage message, Duration delay) {

    public static OutgoingMessage now(StepMessage message) {
        return new OutgoingMessage(message, Duration.ZERO);
    }

    public boolean isScheduled() {
        return !delay.isZero() && !delay.isNegative();
    }
}
