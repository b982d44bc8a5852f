package io.smoothdeploy.engine;

import java.time.Duration;
import java.util.List;

/** What a step's run came to. */
public sealed interface StepOutcome {

    /**
     * The step's work is done; {@code note} is logged (when not null). The await-verification step also
     * gives the URLs to verify, the smoke checks' results, and for a ReadWrite run how many writes reached
     * the temporary database ({@code cloneWrites}, null when not known); they are empty or null for every
     * other step. {@code warning} (null: none) is something that deserves a look but does not stop the
     * deployment; it is logged as a warning and kept in the deployment's warnings. {@code keptPackages}: from the
     * package check, per web app the start gave no package, the package its production slot runs, which its staging
     * slot gets ({@link Deployment#withKeptPackages}); empty for every other step.
     */
    record Advance(String note, List<String> validationLinks, List<SmokeCheckResult> smokeChecks, Long cloneWrites,
                   String warning, java.util.Map<String, String> keptPackages) implements StepOutcome {
        public Advance {
            validationLinks = List.copyOf(validationLinks);
            smokeChecks = smokeChecks == null ? List.of() : List.copyOf(smokeChecks);
            keptPackages = keptPackages == null ? java.util.Map.of() : java.util.Map.copyOf(keptPackages);
        }

        public Advance(String note, List<String> validationLinks, List<SmokeCheckResult> smokeChecks,
                       Long cloneWrites, String warning) {
            this(note, validationLinks, smokeChecks, cloneWrites, warning, null);
        }

        public Advance(String note, List<String> validationLinks, List<SmokeCheckResult> smokeChecks,
                       Long cloneWrites) {
            this(note, validationLinks, smokeChecks, cloneWrites, null);
        }

        public Advance(String note, List<String> validationLinks) {
            this(note, validationLinks, List.of(), null);
        }
    }

    /**
     * Work is under way (a copy, a warm-up, a swap); run the step again after {@code delay}. {@code swapRequested}
     * says this run asked Azure for a swap, which the web app's row records ({@link WebAppState#swapRequestedAt}),
     * so that later runs only check on it rather than ask again.
     */
    record CheckAgain(Duration delay, String reason, boolean swapRequested, Preview preview,
                      WebAppPackage packageVerified) implements StepOutcome {

        public CheckAgain {
            preview = preview == null ? Preview.UNCHANGED : preview;
        }

        /**
         * Check again, with {@code swapRequested} and {@code preview} as above; no package was verified (see
         * {@link #packageVerified}: the package check, which reads one package per run, records the one it read).
         */
        public CheckAgain(Duration delay, String reason, boolean swapRequested, Preview preview) {
            this(delay, reason, swapRequested, preview, null);
        }

        /** Check again, with {@code swapRequested} as above and no change to a swap with preview. */
        public CheckAgain(Duration delay, String reason, boolean swapRequested) {
            this(delay, reason, swapRequested, Preview.UNCHANGED);
        }

        /** Check again; nothing was started that the state must remember. */
        public CheckAgain(Duration delay, String reason) {
            this(delay, reason, false);
        }
    }

    /**
     * What a run did to the staging slot's swap with preview, which the web app's row records
     * ({@link WebAppState#previewAppliedAt}): applied production's slot settings to it, cancelled that, or neither.
     */
    enum Preview {
        UNCHANGED,
        APPLIED,
        CANCELLED
    }

    /**
     * A transient failure (throttling, a 5xx, a timeout, a credential that could not be fetched): run the step
     * again after a growing pause, up to the environment's limit, then fail with {@code kind}. {@code code}
     * and {@code message} describe the failure (never a secret). {@code notBefore}: how long the cloud asked
     * to be left alone (a throttling answer's {@code Retry-After}); the next attempt comes no sooner. Null when it
     * did not say.
     */
    record RetryLater(FailureKind kind, String code, String message, Duration notBefore) implements StepOutcome {

        public RetryLater(FailureKind kind, String code, String message) {
            this(kind, code, message, null);
        }

        public RetryLater(String code, String message) {
            this(FailureKind.CLOUD_OPERATION, code, message, null);
        }
    }

    /**
     * The step was not run: its deployment is being cancelled, and a forward step stops at its next run (before it
     * starts any new work) to hand over to the undo path.
     */
    record NotRun() implements StepOutcome {
    }

    /**
     * The step cannot succeed; the deployment fails with this classified error. {@code evidence} is what the step
     * saw, as fields (null: nothing beyond the kind), which the diagnosis reads instead of the message.
     */
    record Fail(FailureKind kind, String message, FailureEvidence evidence) implements StepOutcome {

        public Fail(FailureKind kind, String message) {
            this(kind, message, null);
        }
    }

    static StepOutcome advance(String note) {
        return new Advance(note, List.of());
    }

    /** Done, with something worth a look (see {@link Advance#warning}); null warning: a plain advance. */
    static StepOutcome advance(String note, String warning) {
        return new Advance(note, List.of(), List.of(), null, warning);
    }

    static StepOutcome checkAgain(Duration delay, String reason) {
        return new CheckAgain(delay, reason);
    }

    static StepOutcome fail(FailureKind kind, String message) {
        return new Fail(kind, message);
    }

    static StepOutcome fail(FailureKind kind, String message, FailureEvidence evidence) {
        return new Fail(kind, message, evidence);
    }
}
