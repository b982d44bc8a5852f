package io.smoothdeploy.engine;

import static io.smoothdeploy.engine.Snapshots.T0;
import static io.smoothdeploy.engine.Snapshots.deployment;
import static io.smoothdeploy.engine.Snapshots.snapshot;
import static io.smoothdeploy.engine.Snapshots.webApp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A run that asks Azure for a swap is remembered on the web app's row, so the runs after it only check. */
class SwapRequestRulesTest {

    @Test
    void aRequestedSwapIsRecordedKeptWhileTheStageChecksAndForgottenWhenItFinishes() {
        // Arrange
        DeploymentSnapshot completing = snapshot(deployment(DeploymentStatus.COMPLETING, Stage.COMPLETE_SWAP),
                webApp("cms", WebAppPhase.WARMED_UP));
        StepMessage first = Snapshots.message(Stage.COMPLETE_SWAP, "cms", 0);

        // Act
        Decision requested = Transitions.decide(completing, first,
                new StepOutcome.CheckAgain(Duration.ofSeconds(10), "started", true), T0);
        WebAppState afterRequest = requested.webApps().get(0);
        WebAppState afterCheck = afterRequest.checkedAgain(Stage.COMPLETE_SWAP, T0.plusSeconds(10));
        WebAppState otherStage = afterRequest.checkedAgain(Stage.RESET_SWAP, T0.plusSeconds(20));
        WebAppState live = afterCheck.finished(Stage.COMPLETE_SWAP, T0.plusSeconds(30));

        // Assert
        assertEquals(T0, afterRequest.swapRequestedAt());
        assertEquals(T0, afterCheck.swapRequestedAt(), "kept while the same stage checks on it");
        assertNull(otherStage.swapRequestedAt(), "another stage asks for its own swap");
        assertNull(live.swapRequestedAt(), "forgotten once the stage is done");
    }
}
