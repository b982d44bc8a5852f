package io.smoothdeploy.engine;

import java.util.Arrays;

/**
 * Where a deployment is in its run. A stage belongs to one {@link Step} (its queue). A per-web-app stage
 * runs once for each web app and the deployment moves on when the last one finishes (fan-in); a
 * deployment-level stage runs once.
 */
public enum Stage {
    /** Checks the package's bytes against the SHA-256 given at start, before anything in the cloud changes. */
    VERIFY_PACKAGE(Step.CLONE_DB, false, null, 2),
    CLONE_DB(Step.CLONE_DB, false, null, 5),
    ENTER_MAINTENANCE(Step.ENTER_MAINTENANCE, true, WebAppPhase.IN_MAINTENANCE, 30),
    DEPLOY_SLOT(Step.DEPLOY_SLOT, true, WebAppPhase.DEPLOYED, 55),
    WARM_UP(Step.WARM_UP, true, WebAppPhase.WARMED_UP, 80),
    AWAIT_VERIFICATION(Step.AWAIT_VERIFICATION, false, null, 90),
    COMPLETE_SWAP(Step.COMPLETE, true, WebAppPhase.LIVE, 92),
    COMPLETE_CLEANUP(Step.COMPLETE, false, null, 98),
    RESET_RESTORE_DATABASE(Step.RESET, false, null, 92),
    RESET_SWAP(Step.RESET, true, WebAppPhase.ROLLED_BACK, 95),
    RESET_CLEANUP(Step.RESET, false, null, 98),
    FINISHED(null, false, null, 100),
    /**
     * After the clean-up of a Complete, while {@code verification.afterComplete} asks: smoke checks against
     * production every few seconds for some minutes; a failure rolls back by policy ({@link #ROLLBACK_SWAP}).
     */
    WATCH_LIVE(Step.COMPLETE, false, null, 99),
    /** Rollback after going live: the previous code, kept warm on P in the maintenance slot, is swapped back. */
    ROLLBACK_SWAP(Step.RESET, true, WebAppPhase.ROLLED_BACK, 95),
    /**
     * A two-phase reset: the previous code on each main site's maintenance slot (on P, restored first when asked) is
     * started and warmed, then the deployment waits at AwaitingResetVerification before {@link #RESET_SWAP}.
     */
    RESET_PREPARE(Step.RESET, false, null, 94);

    private final Step step;
    private final boolean perWebApp;
    private final WebAppPhase resultPhase;
    private final int percentAtStart;

    Stage(Step step, boolean perWebApp, WebAppPhase resultPhase, int percentAtStart) {
        this.step = step;
        this.perWebApp = perWebApp;
        this.resultPhase = resultPhase;
        this.percentAtStart = percentAtStart;
    }

    /** The queue-triggered step that runs this stage; null for {@link #FINISHED}. */
    public Step step() {
        return step;
    }

    public boolean isPerWebApp() {
        return perWebApp;
    }

    /** For a per-web-app stage, the phase a web app reaches by finishing it. */
    public WebAppPhase resultPhase() {
        return resultPhase;
    }

    /** Rough share of the run done when this stage starts, for progress bars. */
    public int percentAtStart() {
        return percentAtStart;
    }

    /** The status a deployment has while this stage runs. */
    public DeploymentStatus activeStatus() {
        return switch (this) {
            case VERIFY_PACKAGE, CLONE_DB, ENTER_MAINTENANCE, DEPLOY_SLOT, WARM_UP, AWAIT_VERIFICATION -> DeploymentStatus.IN_PROGRESS;
            case COMPLETE_SWAP, COMPLETE_CLEANUP -> DeploymentStatus.COMPLETING;
            case RESET_RESTORE_DATABASE, RESET_SWAP, RESET_CLEANUP, RESET_PREPARE -> DeploymentStatus.RESETTING;
            case WATCH_LIVE -> DeploymentStatus.COMPLETING;
            case ROLLBACK_SWAP -> DeploymentStatus.ROLLING_BACK;
            case FINISHED -> throw new IllegalStateException("a finished deployment runs no stage");
        };
    }

    /**
     * The stage that follows this one in the forward, complete or reset flow. The clean-up of a Complete is
     * followed by {@link #WATCH_LIVE} only when the environment asks for checks after going live (the transition
     * decides that); a rollback ends with its swap.
     */
    public Stage next() {
        return switch (this) {
            case VERIFY_PACKAGE -> CLONE_DB;
            case CLONE_DB -> ENTER_MAINTENANCE;
            case ENTER_MAINTENANCE -> DEPLOY_SLOT;
            case DEPLOY_SLOT -> WARM_UP;
            case WARM_UP -> AWAIT_VERIFICATION;
            case AWAIT_VERIFICATION -> COMPLETE_SWAP;
            case COMPLETE_SWAP -> COMPLETE_CLEANUP;
            case RESET_RESTORE_DATABASE, RESET_PREPARE -> RESET_SWAP;
            case RESET_SWAP -> RESET_CLEANUP;
            case COMPLETE_CLEANUP, RESET_CLEANUP, FINISHED, WATCH_LIVE, ROLLBACK_SWAP -> FINISHED;
        };
    }

    /** True when a web app in {@code phase} has already done this (per-web-app) stage's work. */
    public boolean isFinishedBy(WebAppPhase phase) {
        if (!perWebApp) {
            return false;
        }
        return switch (resultPhase) {
            case LIVE, ROLLED_BACK -> phase == resultPhase;
            default -> phase != WebAppPhase.ROLLED_BACK && phase.ordinal() >= resultPhase.ordinal();
        };
    }

    public static Stage parse(String name) {
        return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown stage: " + name));
    }
}
