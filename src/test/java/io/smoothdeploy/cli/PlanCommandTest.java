package io.smoothdeploy.cli;

import static io.smoothdeploy.cli.CliHarness.CMS;
import static io.smoothdeploy.cli.CliHarness.NEW_PACKAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.local.SimulatedCloud;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code deploy plan}: the start's options, the dry run's answer, and exit codes that say whether it would go on. */
class PlanCommandTest {

    private static final String SHA = SimulatedCloud.packageSha256(NEW_PACKAGE);

    private final CliHarness host = new CliHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void planWithTheStartsOptionsPrintsWhatTheStartWouldDoAndStartsNothing() {
        // Arrange
        host.register("prod");

        // Act
        CliHarness.Result plan = host.run("plan", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly", "--idempotency-key", "build-7");
        CliHarness.Result environment = host.run("environment", "--name", "prod");

        // Assert
        assertEquals(0, plan.code(), plan.toString());
        assertTrue(plan.out().startsWith("Start on prod, mode ReadOnly, package "
                + "https://packages.example.com/cms-2.0.zip?<redacted>"), plan.toString());
        assertTrue(plan.out().contains("  cms (ZeroDowntime): enters maintenance on "), plan.toString());
        assertTrue(plan.out().contains("Database clone: a new copy of cmsdb would be made"), plan.toString());
        assertFalse(plan.out().contains("Would fail"), plan.toString());
        assertFalse((plan.out() + plan.err()).contains("sig="), "no SAS printed: " + plan);
        assertTrue(environment.out().replace(" ", "").contains("\"currentDeploymentId\":null"), environment.toString());
    }

    @Test
    void planOfAStartItsFirstStageWouldFailExitsOneWithTheReason() {
        // Arrange
        host.register("prod");
        host.cloud.setSlotSettingNames(CMS, Set.of(), Set.of("EPiServerDB"));

        // Act
        CliHarness.Result plan = host.run("plan", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly");

        // Assert
        assertEquals(DeployCli.DEPLOYMENT_FAILED, plan.code(), plan.toString());
        assertTrue(plan.out().contains("Would fail: site cms marks its connection string EPiServerDB"), plan.toString());
    }

    @Test
    void planOfAStartTheApiRefusesExitsThreeWithItsProblem() {
        // Act
        CliHarness.Result plan = host.run("plan", "--environment", "nowhere", "--package", NEW_PACKAGE, "--sha256", SHA,
                "--mode", "ReadOnly");

        // Assert
        assertEquals(DeployCli.API_ERROR, plan.code(), plan.toString());
        assertTrue(plan.err().contains("nowhere"), plan.toString());
    }
}
