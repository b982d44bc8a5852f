package io.smoothdeploy.engine;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A web app's row within a deployment: what it has finished, whether it is in maintenance, and the
 * progress of the stage it is working on.
 *
 * @param deploymentId   the deployment it belongs to
 * @param name           the web app's name in its environment
 * @param role           zero-downtime main site, or maintenance-page app
 * @param phase          the last piece of work it finished
 * @param maintenance    true while its production slot serves the maintenance content
 * @param workingStage   the stage it has started but not finished, or null
 * @param checks         how many times that stage has been checked again
 * @param stageStartedAt when that stage first ran, or null
 * @param timings        per finished stage, when it started and ended and how many checks it took
 * @param error          why it failed, or null
 * @param swapRequestedAt when a run of {@code workingStage} asked Azure for a swap (the check runs that follow only
 *                       read whether it is done), or null
 * @param previewAppliedAt when a run applied production's slot settings to the staging slot (phase 1 of a swap with
 *                       preview), or null: kept through the stages that follow, so that Complete's swap finishes
 *                       that preview and Reset cancels it, and forgotten once the web app is live or rolled back
 * @param etag           the store's version of this row
 */
public record WebAppState(
        String deploymentId,
        String name,
        WebAppRole role,
        WebAppPhase phase,
        boolean maintenance,
        Stage workingStage,
        int checks,
        Instant stageStartedAt,
        Map<Stage, StageTiming> timings,
        DeploymentError error,
        Instant swapRequestedAt,
        Instant previewAppliedAt,
        String etag) {

    public WebAppState {
        timings = Map.copyOf(timings);
    }

    /** A row with no swap requested. */
    public WebAppState(String deploymentId, String name, WebAppRole role, WebAppPhase phase, boolean maintenance,
                       Stage workingStage, int checks, Instant stageStartedAt, Map<Stage, StageTiming> timings,
                       DeploymentError error, String etag) {
        this(deploymentId, name, role, phase, maintenance, workingStage, checks, stageStartedAt, timings, error, null,
                null, etag);
    }

    /** Records that a run of the working stage asked for a swap at {@code at}. */
    public WebAppState swapRequested(Instant at) {
        return new WebAppState(deploymentId, name, role, phase, maintenance, workingStage, checks, stageStartedAt,
                timings, error, at, previewAppliedAt, etag);
    }

    /** Records that a run applied production's slot settings to the staging slot at {@code at}. */
    public WebAppState previewApplied(Instant at) {
        return new WebAppState(deploymentId, name, role, phase, maintenance, workingStage, checks, stageStartedAt,
                timings, error, swapRequestedAt, at, etag);
    }

    /** Records that the staging slot's pending preview was cancelled (its own slot settings are back). */
    public WebAppState previewCancelled() {
        return new WebAppState(deploymentId, name, role, phase, maintenance, workingStage, checks, stageStartedAt,
                timings, error, swapRequestedAt, null, etag);
    }

    public static WebAppState pending(String deploymentId, WebAppConfig config) {
        return new WebAppState(deploymentId, config.name(), config.role(), WebAppPhase.PENDING, false, null, 0,
                null, Map.of(), null, null);
    }

    /** The check number the next message for {@code stage} must carry. */
    public int expectedSequence(Stage stage) {
        return stage == workingStage ? checks : 0;
    }

    public WebAppState checkedAgain(Stage stage, Instant now) {
        boolean same = stage == workingStage;
        return new WebAppState(deploymentId, name, role, phase, maintenance, stage, same ? checks + 1 : 1,
                same && stageStartedAt != null ? stageStartedAt : now, timings, error, same ? swapRequestedAt : null,
                previewAppliedAt, etag);
    }

    public WebAppState finished(Stage stage, Instant now) {
        Instant started = stage == workingStage && stageStartedAt != null ? stageStartedAt : now;
        int attempts = (stage == workingStage ? checks : 0) + 1;
        Map<Stage, StageTiming> all = new LinkedHashMap<>(timings);
        all.put(stage, new StageTiming(started, now, attempts));
        WebAppPhase reached = stage.resultPhase();
        boolean inMaintenance = switch (reached) {
            case IN_MAINTENANCE -> true;
            case LIVE, ROLLED_BACK -> false;
            default -> maintenance;
        };
        // the swap that went live (or back) finished or left behind any preview of the staging slot
        Instant preview = reached == WebAppPhase.LIVE || reached == WebAppPhase.ROLLED_BACK ? null : previewAppliedAt;
        return new WebAppState(deploymentId, name, role, reached, inMaintenance, null, 0, null, all, error, null,
                preview, etag);
    }

    /** Back to {@code earlier} (for a roll forward), with no stage in progress and no error. */
    public WebAppState backTo(WebAppPhase earlier) {
        WebAppPhase to = phase.order() > earlier.order() ? earlier : phase;
        return new WebAppState(deploymentId, name, role, to, maintenance, null, 0, null, timings, null, null,
                previewAppliedAt, etag);
    }

    public WebAppState failed(DeploymentError failure) {
        return new WebAppState(deploymentId, name, role, phase, maintenance, workingStage, checks, stageStartedAt,
                timings, failure, swapRequestedAt, previewAppliedAt, etag);
    }

    /**
     * When a stage started, ended and how many runs it took.
     */
    public record StageTiming(Instant startedAt, Instant endedAt, int attempts) {
    }
}
