package io.smoothdeploy.engine;

import java.util.Arrays;

/**
 * Where a deployment is in its run. A stage belongs to one {@link Step} (its queue). A per-web-app stage
 * runs once for each web app and the deployment moves on when the last one finishes (fan-in); a
 * deployment-level stage runs once.
 */
public enum Stage {
    // One row a stage: its queue (step), whether it fans out per web app, the phase a web app reaches by finishing it,
    // the share of the run done when it starts, the deployment's status while it runs, the stage in words (for log
    // lines, errors and diagnoses) and the line logged when every web app has finished it (null: "Finished <words>").

    /** Checks the package's bytes against the SHA-256 given at start, before anything in the cloud changes. */
    VERIFY_PACKAGE(Step.CLONE_DB, false, null, 2, DeploymentStatus.IN_PROGRESS, "verifying the package", null),
    CLONE_DB(Step.CLONE_DB, false, null, 5, DeploymentStatus.IN_PROGRESS, "cloning the database", null),
    ENTER_MAINTENANCE(Step.ENTER_MAINTENANCE, true, WebAppPhase.IN_MAINTENANCE, 30, DeploymentStatus.IN_PROGRESS,
            "entering maintenance", "All sites in this deployment are now in maintenance mode"),
    DEPLOY_SLOT(Step.DEPLOY_SLOT, true, WebAppPhase.DEPLOYED, 55, DeploymentStatus.IN_PROGRESS,
            "deploying to the staging slot", "The new package is deployed to every staging slot"),
    WARM_UP(Step.WARM_UP, true, WebAppPhase.WARMED_UP, 80, DeploymentStatus.IN_PROGRESS, "warming up",
            "Every staging slot is warm"),
    AWAIT_VERIFICATION(Step.AWAIT_VERIFICATION, false, null, 90, DeploymentStatus.IN_PROGRESS,
            "preparing verification", null),
    COMPLETE_SWAP(Step.COMPLETE, true, WebAppPhase.LIVE, 92, DeploymentStatus.COMPLETING,
            "swapping the new package live", "Every site now runs the new package"),
    COMPLETE_CLEANUP(Step.COMPLETE, false, null, 98, DeploymentStatus.COMPLETING, "cleaning up after completion", null),
    RESET_RESTORE_DATABASE(Step.RESET, false, null, 92, DeploymentStatus.RESETTING,
            "restoring the production database", null),
    RESET_SWAP(Step.RESET, true, WebAppPhase.ROLLED_BACK, 95, DeploymentStatus.RESETTING,
            "swapping the previous package back", "Every site is back on its previous package"),
    RESET_CLEANUP(Step.RESET, false, null, 98, DeploymentStatus.RESETTING, "cleaning up after the reset", null),
    /** No stage runs any more; a finished deployment has no active status. */
    FINISHED(null, false, null, 100, null, "finishing", null),
    /**
     * After the clean-up of a Complete, while {@code verification.afterComplete} asks: smoke checks against
     * production every few seconds for some minutes; a failure rolls back by policy ({@link #ROLLBACK_SWAP}).
     */
    WATCH_LIVE(Step.COMPLETE, false, null, 99, DeploymentStatus.COMPLETING, "checking production after going live",
            null),
    /** Rollback after going live: the previous code, kept warm on P in the maintenance slot, is swapped back. */
    ROLLBACK_SWAP(Step.RESET, true, WebAppPhase.ROLLED_BACK, 95, DeploymentStatus.ROLLING_BACK,
            "rolling back to the previous package",
            "Every site is back on its previous package (rolled back after going live)"),
    /**
     * A two-phase reset: the previous code on each main site's maintenance slot (on P, restored first when asked) is
     * started and warmed, then the deployment waits at AwaitingResetVerification before {@link #RESET_SWAP}.
     */
    RESET_PREPARE(Step.RESET, false, null, 94, DeploymentStatus.RESETTING,
            "warming the previous package for verification", null);

    private final Step step;
    private final boolean perWebApp;
    private final WebAppPhase resultPhase;
    private final int percentAtStart;
    private final DeploymentStatus activeStatus;
    private final String description;
    private final String doneLine;

    Stage(Step step, boolean perWebApp, WebAppPhase resultPhase, int percentAtStart, DeploymentStatus activeStatus,
          String description, String doneLine) {
        this.step = step;
        this.perWebApp = perWebApp;
        this.resultPhase = resultPhase;
        this.percentAtStart = percentAtStart;
        this.activeStatus = activeStatus;
        this.description = description;
        this.doneLine = doneLine;
    }

    /** The stage in words, as a log line, an error or a diagnosis says it: {@code "warming up"}. */
    public String description() {
        return description;
    }

    /** What the log says when every web app has finished this stage. */
    public String doneLine() {
        return doneLine != null ? doneLine : "Finished " + description;
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
        if (activeStatus == null) {
            throw new IllegalStateException("a finished deployment runs no stage");
        }
        return activeStatus;
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
            default -> phase != WebAppPhase.ROLLED_BACK && phase.order() >= resultPhase.order();
        };
    }

    public static Stage parse(String name) {
        return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown stage: " + name));
    }
}
