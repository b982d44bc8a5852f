package io.smoothdeploy.engine;

import java.time.Duration;
import java.util.List;

/** What a step's run came to. */
public sealed interface StepOutcome {

    /**
     * The step's work is done; {@code note} is logged (when not null). {@code validationLinks} are the URLs
     * to verify, given by the await-verification step and empty for every other.
     */
    record Advance(String note, List<String> validationLinks) implements StepOutcome {
        public Advance {
            validationLinks = List.copyOf(validationLinks);
        }
    }

    /** Work is under way (a copy, a warm-up); run the step again after {@code delay}. */
    record CheckAgain(Duration delay, String reason) implements StepOutcome {
    }

    /**
     * A transient failure (throttling, a 5xx, a timeout): run the step again after a growing pause, up to a
     * limit, then fail. {@code code} and {@code message} describe the failure (never a secret).
     */
    record RetryLater(String code, String message) implements StepOutcome {
    }

    /** The step cannot succeed; the deployment fails with this classified error. */
    record Fail(FailureKind kind, String message) implements StepOutcome {
    }

    static StepOutcome advance(String note) {
        return new Advance(note, List.of());
    }

    static StepOutcome checkAgain(Duration delay, String reason) {
        return new CheckAgain(delay, reason);
    }

    static StepOutcome fail(FailureKind kind, String message) {
        return new Fail(kind, message);
    }
}
