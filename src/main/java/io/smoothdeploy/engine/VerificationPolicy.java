package io.smoothdeploy.engine;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What happens once every staging slot is warm: which smoke checks run against the staging slots, what their
 * results lead to, and how long a deployment may await verification.
 *
 * @param smokeChecks     requests whose answers must be as expected; empty for none
 * @param onPass          when every smoke check passes: wait for a person ({@link OnPass#WAIT}), or go live
 * @param onFail          when any smoke check fails: wait for a person, or roll back
 * @param rollbackDatabase for an automatic reset (on a failed check or past the limit): restore the production
 *                        database to the deployment's start first
 * @param limit           how long a deployment may await verification
 * @param onLimit         past the limit: notify only, or reset
 * @param afterComplete   smoke checks against production after going live, or null for none
 */
public record VerificationPolicy(List<SmokeCheck> smokeChecks, OnPass onPass, OnFail onFail, boolean rollbackDatabase,
                                 Duration limit, OnLimit onLimit, AfterComplete afterComplete) {

    public static final Duration DEFAULT_LIMIT = Duration.ofHours(24);
    public static final VerificationPolicy DEFAULT = new VerificationPolicy(List.of(), null, null, false, null, null,
            null);

    /** A policy with no checks after going live. */
    public VerificationPolicy(List<SmokeCheck> smokeChecks, OnPass onPass, OnFail onFail, boolean rollbackDatabase,
                              Duration limit, OnLimit onLimit) {
        this(smokeChecks, onPass, onFail, rollbackDatabase, limit, onLimit, null);
    }

    /**
     * Checks after going live: every {@code interval} for {@code duration}, each smoke check is asked of each web
     * app's production slot (under its default host name). While they run the deployment is still Completing and
     * holds its environment; a failed check rolls back when {@code onFail} says so (the previous code waits warm in
     * the maintenance slot, which is why these checks need a rollback window).
     */
    public record AfterComplete(List<SmokeCheck> smokeChecks, Duration interval, Duration duration, OnFailLive onFail) {
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
        public static final Duration DEFAULT_DURATION = Duration.ofMinutes(5);

        public AfterComplete {
            smokeChecks = smokeChecks == null ? List.of() : List.copyOf(smokeChecks);
            interval = interval == null ? DEFAULT_INTERVAL : interval;
            duration = duration == null ? DEFAULT_DURATION : duration;
            onFail = onFail == null ? OnFailLive.ROLL_BACK : onFail;
        }

        public List<SmokeCheck> checksFor(String webApp) {
            return smokeChecks.stream().filter(c -> c.appliesTo(webApp)).toList();
        }
    }

    /** When a check after going live fails. */
    public enum OnFailLive {
        ROLL_BACK("RollBack"), NOTIFY("Notify");

        private final String wireName;

        OnFailLive(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<OnFailLive> parse(String name) {
            return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
        }
    }

    /** True when checks run against production after going live. */
    public boolean watchesAfterComplete() {
        return afterComplete != null && !afterComplete.smokeChecks().isEmpty();
    }

    public VerificationPolicy {
        smokeChecks = smokeChecks == null ? List.of() : List.copyOf(smokeChecks);
        onPass = onPass == null ? OnPass.WAIT : onPass;
        onFail = onFail == null ? OnFail.WAIT : onFail;
        limit = limit == null ? DEFAULT_LIMIT : limit;
        onLimit = onLimit == null ? OnLimit.NOTIFY : onLimit;
    }

    /** The smoke checks that apply to {@code webApp}: its own and those for every web app. */
    public List<SmokeCheck> checksFor(String webApp) {
        return smokeChecks.stream().filter(c -> c.webApp() == null || c.webApp().equals(webApp)).toList();
    }

    /** When every smoke check passes. */
    public enum OnPass {
        WAIT("Wait"), COMPLETE("Complete");

        private final String wireName;

        OnPass(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<OnPass> parse(String name) {
            return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
        }
    }

    /** When any smoke check fails. */
    public enum OnFail {
        WAIT("Wait"), RESET("Reset");

        private final String wireName;

        OnFail(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<OnFail> parse(String name) {
            return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
        }
    }

    /** Past the verification limit. */
    public enum OnLimit {
        NOTIFY("Notify"), RESET("Reset");

        private final String wireName;

        OnLimit(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<OnLimit> parse(String name) {
            return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
        }
    }
}
