package io.smoothdeploy.engine;

import static io.smoothdeploy.engine.Snapshots.T0;
import static io.smoothdeploy.engine.Snapshots.deployment;
import static io.smoothdeploy.engine.Snapshots.snapshot;
import static io.smoothdeploy.engine.Snapshots.webApp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Case 8 of the reliability contract: a dead letter fails a deployment only when the state still expects it. */
class DeadLetterRulesTest {

    @Test
    void deadLetterOfAnEarlierRoundDoesNotFailARolledForwardDeployment() {
        // Arrange: rolled forward once, now deploying round 1's package; round 0's deploy-slot message died
        Deployment rolled = deployment(DeploymentStatus.AWAITING_VERIFICATION, Stage.AWAIT_VERIFICATION)
                .rolledForward("https://packages.example.com/c.zip", "cd".repeat(32), T0).atStage(Stage.DEPLOY_SLOT);
        DeploymentSnapshot snapshot = snapshot(rolled, webApp("cms", WebAppPhase.IN_MAINTENANCE));
        StepMessage stale = new StepMessage("d1", "prod", Stage.DEPLOY_SLOT, "cms", 0, 0);

        // Act
        Decision decision = Transitions.deadLettered(snapshot, stale, 10, T0);

        // Assert
        assertTrue(decision.writesNothing(), "a stale dead letter changes nothing: " + decision);
    }

    @Test
    void deadLetterOfAnEarlierCheckDoesNotFailTheDeployment() {
        // Arrange: warm-up is at its 5th check; a duplicate of the 2nd check died
        WebAppState warming = webApp("cms", WebAppPhase.DEPLOYED);
        for (int i = 0; i < 5; i++) {
            warming = warming.checkedAgain(Stage.WARM_UP, T0);
        }
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.WARM_UP), warming);

        // Act
        Decision decision = Transitions.deadLettered(snapshot, Snapshots.message(Stage.WARM_UP, "cms", 2), 10, T0);

        // Assert
        assertTrue(decision.writesNothing(), "a stale dead letter changes nothing: " + decision);
    }

    @Test
    void deadLetterOfTheExpectedMessageFailsTheDeployment() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.IN_PROGRESS, Stage.DEPLOY_SLOT),
                webApp("cms", WebAppPhase.IN_MAINTENANCE));

        // Act
        Decision decision = Transitions.deadLettered(snapshot, Snapshots.message(Stage.DEPLOY_SLOT, "cms", 0), 10, T0);

        // Assert
        assertEquals(DeploymentStatus.FAILED, decision.deployment().status());
        assertEquals(FailureKind.DEAD_LETTERED, decision.deployment().errors().get(0).kind());
    }
}
