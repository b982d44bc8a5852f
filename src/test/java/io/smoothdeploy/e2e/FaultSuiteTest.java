package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.DeploymentMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bounded part of the fault suite that runs in every build: eight scenarios that between them pass through
 * every step, Complete and Reset (with a database rollback), a resume, a roll forward, and a cancel at a random
 * forward step (with and without a database rollback), a rollback after going live and a two-phase reset, two
 * seeds each. The
 * whole suite is its own command (README, "How it keeps its promises").
 */
class FaultSuiteTest {

    @Test
    void crashesDuplicatesReorderingAndLockExpiryLeaveNothingStuckRepeatedOrDifferent() {
        // Arrange
        List<FaultScenario> scenarios = List.of(
                new FaultScenario(1, DeploymentMode.READ_ONLY, FaultScenario.Ending.COMPLETE),
                new FaultScenario(3, DeploymentMode.READ_WRITE, FaultScenario.Ending.RESET_ROLLBACK),
                new FaultScenario(3, DeploymentMode.MAINTENANCE_PAGE, FaultScenario.Ending.FAIL_THEN_RESUME),
                new FaultScenario(1, DeploymentMode.READ_ONLY, FaultScenario.Ending.ROLL_FORWARD),
                new FaultScenario(1, DeploymentMode.READ_ONLY, FaultScenario.Ending.CANCEL),
                new FaultScenario(3, DeploymentMode.READ_WRITE, FaultScenario.Ending.CANCEL_ROLLBACK),
                new FaultScenario(1, DeploymentMode.READ_ONLY, FaultScenario.Ending.ROLLBACK_AFTER_LIVE),
                new FaultScenario(3, DeploymentMode.READ_WRITE, FaultScenario.Ending.TWO_PHASE_RESET));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        // Act
        FaultSuite.Totals totals = FaultSuite.run(scenarios, 1, 2, new PrintStream(printed, true, StandardCharsets.UTF_8));

        // Assert
        String report = printed.toString(StandardCharsets.UTF_8);
        assertEquals(16, totals.runs, report);
        assertTrue(totals.crashes > 0, "crashes were injected: " + report);
        assertEquals(0, totals.stuck, report);
        assertEquals(0, totals.doubleSwaps, report);
        assertEquals(0, totals.repeatedIrreversible, report);
        assertEquals(0, totals.leftInMaintenance, report);
        assertEquals(0, totals.mismatched, report);
        assertEquals(0, totals.overBudget, report);
    }
}
