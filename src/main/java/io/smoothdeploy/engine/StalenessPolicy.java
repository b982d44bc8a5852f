package io.smoothdeploy.engine;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * When the stale-maintenance timer reports an environment, and what else it does.
 *
 * <p>The webhook is the environment's ({@link EnvironmentConfig#webhookUrl()}); how long a deployment may await
 * verification, and what happens past it, is its {@link VerificationPolicy}.
 *
 * @param noProgressLimit   how long a running deployment may go without progress
 * @param action            what to do besides reporting
 */
public record StalenessPolicy(Duration noProgressLimit, Action action) {

    public static final Duration DEFAULT_NO_PROGRESS_LIMIT = Duration.ofHours(3);
    public static final StalenessPolicy DEFAULT = new StalenessPolicy(null, null);

    public StalenessPolicy {
        noProgressLimit = noProgressLimit == null ? DEFAULT_NO_PROGRESS_LIMIT : noProgressLimit;
        action = action == null ? Action.NOTHING : action;
    }

    /** What the timer does about a finding, besides reporting it. */
    public enum Action {
        /** Report only (the default). */
        NOTHING("Nothing"),
        /** A failed run is started again, which resumes it; a stuck run has its expected messages sent again. */
        RESUME("Resume"),
        /** A failed run is reset. */
        RESET("Reset");

        private final String wireName;

        Action(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<Action> parse(String name) {
            return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst();
        }
    }
}
