package io.smoothdeploy.engine;

/** A deployment's progress as a percentage, for progress bars. */
public final class Progress {

    private Progress() {
    }

    public static int percentComplete(DeploymentSnapshot snapshot) {
        Deployment deployment = snapshot.deployment();
        if (deployment.stage() == Stage.FINISHED) {
            return 100;
        }
        Stage stage = deployment.stage();
        int from = stage.percentAtStart();
        if (!stage.isPerWebApp() || snapshot.webApps().isEmpty()) {
            return from;
        }
        int to = stage.next().percentAtStart();
        long finished = snapshot.webApps().stream().filter(w -> stage.isFinishedBy(w.phase())).count();
        return (int) (from + (to - from) * finished / snapshot.webApps().size());
    }
}
