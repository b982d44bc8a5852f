package io.smoothdeploy.engine;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * When the stale-maintenance timer reports an environment, and what else it does.
 *
 * @param webhookUrl        where findings are posted as JSON, or null for none
 * @param verificationLimit how long a deployment may await verification
 * @param noProgressLimit   how long a running deployment may go without progress
 * @param action            what to do besides reporting
 */
public record StalenessPolicy(String webhookUrl, Duration verificationLimit, Duration noProgressLimit,
                              Action action) {

    public static final Duration DEFAULT_VERIFICATION_LIMIT = Duration.ofHours(24);
    public static final Duration DEFAULT_NO_PROGRESS_LIMIT = Duration.ofHours(3);
    public static final StalenessPolicy DEFAULT = new StalenessPolicy(null, null, null, null);

    public StalenessPolicy {
        verificationLimit = verificationLimit == null ? DEFAULT_VERIFICATION_LIMIT : verificationLimit;
        noProgressLimit = noProgressLimit == null ? DEFAULT_NO_PROGRESS_LIMIT : noProgressLimit;
        action = action == null ? Action.NOTHING : action;
    }

    /** What the timer does about a finding, besides reporting it. */
    public enum Action {
        /** Report only (the default). */
        NOTHING("Nothing"),
        /** A failed run is started again, which resumes it; a stuck run has its expected messages sent again. */
        RESUME("Resume"),
        /** A failed run, or one awaiting verification too long, is reset. */
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
