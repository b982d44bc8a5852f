package io.smoothdeploy.app;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.local.SimulatedCloud;
import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.testing.QueueSettings;
import io.smoothdeploy.testing.TestAzurite;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A retention of 0 days or less stops the function app (and the local host) at startup, saying why. */
class RetentionSettingTest {

    @Test
    void theFunctionAppRefusesToStartWithARetentionOfZeroDaysBeforeItConnectsToAnything() {
        // Act: no connection is set at all, so the retention is what is checked first
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> AzureComposition.build(Map.of("DeploymentRetentionDays", "0")));

        // Assert
        assertTrue(refused.getMessage().startsWith("the app setting DeploymentRetentionDays is 0: deployments and "
                + "their logs are kept at least 1 day"), refused.getMessage());
    }

    @Test
    void theLocalHostRefusesANegativeRetentionToo() {
        // Arrange
        Map<String, String> settings = QueueSettings.sample();
        settings.put("StateTableName", TestAzurite.uniqueTableName("ret"));
        settings.put("DeploymentIndexTableName", TestAzurite.uniqueTableName("reti"));
        settings.put("DeploymentRetentionDays", "-1");
        ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));

        // Act
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> LocalStack.start(
                TestAzurite.serviceClient(), settings, new SimulatedCloud(clock, Duration.ofMinutes(3)), clock,
                Pacing.DEFAULT, 0));

        // Assert
        assertTrue(refused.getMessage().contains("DeploymentRetentionDays is -1"), refused.getMessage());
    }
}
