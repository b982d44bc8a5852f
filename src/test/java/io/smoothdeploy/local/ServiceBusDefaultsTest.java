package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceBusDefaultsTest {

    private static final Path SERVICE_BUS_BICEP = Path.of(System.getProperty("user.dir"), "infra", "modules",
            "servicebus.bicep");

    @Test
    void theInProcessDefaultsAreTheQueuePropertiesInfraDeclares() throws IOException {
        // Arrange
        String bicep = Files.readString(SERVICE_BUS_BICEP);

        // Act
        ServiceBusDefaults declared = ServiceBusDefaults.parseBicep(bicep);

        // Assert
        assertEquals(declared, ServiceBusDefaults.INFRA);
        assertEquals(declared.duplicateDetectionWindow(), InProcessStepQueue.DEFAULT_DUPLICATE_DETECTION_WINDOW);
        assertEquals(declared.lockDuration(), InProcessStepQueue.DEFAULT_LOCK_DURATION);
        assertEquals(declared.maxDeliveryCount(), InProcessStepQueue.DEFAULT_MAX_DELIVERY_COUNT);
    }

    @Test
    void aNewQueueUsesTheInfraPropertiesUntilToldOtherwise() throws IOException {
        // Arrange
        ServiceBusDefaults declared = ServiceBusDefaults.parseBicep(Files.readString(SERVICE_BUS_BICEP));

        // Act
        try (InProcessStepQueue queue = new InProcessStepQueue(Map.of(), new ManualClock(Instant.EPOCH))) {
            // Assert
            assertEquals(declared.lockDuration(), queue.lockDuration());
            assertEquals(declared.duplicateDetectionWindow(), queue.duplicateDetectionWindow());
            assertEquals(declared.maxDeliveryCount(), queue.maxDeliveryCount());
        }
    }

    @Test
    void propertiesInfraLeavesOutTakeServiceBusDefaults() {
        // Arrange
        String bicep = "resource q 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {\n  properties: {\n"
                + "    // lockDuration: 'PT3M' is only a comment\n    requiresDuplicateDetection: true\n  }\n}\n";

        // Act
        ServiceBusDefaults parsed = ServiceBusDefaults.parseBicep(bicep);

        // Assert
        assertEquals(Duration.ofMinutes(1), parsed.lockDuration());
        assertEquals(10, parsed.maxDeliveryCount());
        assertEquals(Duration.ofMinutes(10), parsed.duplicateDetectionWindow());
    }

    @Test
    void conflictingValuesAreRefused() {
        // Arrange
        String bicep = "lockDuration: 'PT5M'\nlockDuration: 'PT1M'\n";

        // Act
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServiceBusDefaults.parseBicep(bicep));

        // Assert
        assertEquals("lockDuration is set to both PT5M and PT1M", error.getMessage());
    }
}
