package io.smoothdeploy.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The operator commands as pure decisions: what to write and send, given what was read. */
public final class Commands {

    private Commands() {
    }

    /** The rows of a new deployment of {@code environment}, in its first stage. */
    public static Decision start(EnvironmentRecord environment, StartRequest request, String deploymentId,
                                 Instant now) {
        Deployment deployment = new Deployment(deploymentId, environment.config().name(),
                DeploymentStatus.IN_PROGRESS, Stage.CLONE_DB, 0, request.mode(), request.packageUri(),
                request.packageSha256(), request.idempotencyKey(), now, now, null, false, List.of(), List.of(),
                List.of(), null);
        List<WebAppState> webApps = environment.config().webApps().stream()
                .map(w -> WebAppState.pending(deploymentId, w)).toList();
        LogLine started = LogLine.info(now, null, "Deployment " + deploymentId + " started: mode "
                + request.mode().wireName() + ", package " + Redact.uri(request.packageUri()) + ", "
                + webApps.size() + " web app(s)");
        return new Decision(deployment, webApps, environment.withHold(deploymentId), List.of(started),
                Transitions.firstMessages(deployment, webApps));
    }

    /** Complete: go live. Allowed while awaiting verification. */
    public static Decision complete(DeploymentSnapshot snapshot, Instant now) {
        Deployment completing = snapshot.deployment().withStatus(DeploymentStatus.COMPLETING)
                .atStage(Stage.COMPLETE_SWAP).touchedAt(now);
        LogLine line = LogLine.info(now, null, "Complete requested: swapping the new package into production");
        return new Decision(completing, List.of(), null, List.of(line),
                Transitions.firstMessages(completing, snapshot.webApps()));
    }

    /** Reset: roll back, restoring the database first when asked. Allowed while awaiting verification. */
    public static Decision reset(DeploymentSnapshot snapshot, boolean rollbackDatabase, Instant now) {
        Stage first = rollbackDatabase ? Stage.RESET_RESTORE_DATABASE : Stage.RESET_SWAP;
        Deployment resetting = snapshot.deployment().withStatus(DeploymentStatus.RESETTING)
                .withRollbackDatabase(rollbackDatabase).atStage(first).touchedAt(now);
        List<LogLine> log = new ArrayList<>();
        log.add(LogLine.info(now, null, rollbackDatabase
                ? "Reset requested: restoring the production database to " + snapshot.deployment().createdAt()
                + ", then swapping the previous package back"
                : "Reset requested: swapping the previous package back; the production database keeps its changes"));
        return new Decision(resetting, List.of(), null, log, Transitions.firstMessages(resetting, snapshot.webApps()));
    }

    /** Which actions a deployment in this status allows, for a 409 answer. */
    public static boolean allows(Deployment deployment, String action) {
        return deployment.status().allowedActions().contains(action);
    }
}
