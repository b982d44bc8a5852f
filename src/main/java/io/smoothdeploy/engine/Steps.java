package io.smoothdeploy.engine;

/** Finds the step class for a message's stage and runs it. */
@FunctionalInterface
public interface Steps {

    StepOutcome run(DeploymentSnapshot snapshot, StepMessage message);
}
