package io.smoothdeploy.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector;
import io.smoothdeploy.functions.DeadLetterFunctions;
import io.smoothdeploy.functions.HttpApiFunctions;
import io.smoothdeploy.functions.StepFunctions;
import io.smoothdeploy.functions.TimerFunctions;
import io.smoothdeploy.testing.QueueSettings;
import io.smoothdeploy.testing.TestAzurite;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Functions worker builds our function classes through the injector, from the app settings. */
class OrchestratorInjectorTest {

    @AfterEach
    void forget() {
        OrchestratorInjector.reset();
    }

    @Test
    void workerFindsTheInjectorThroughTheServiceLoader() {
        // Act
        ServiceLoader<FunctionInstanceInjector> found = ServiceLoader.load(FunctionInstanceInjector.class);

        // Assert
        assertInstanceOf(OrchestratorInjector.class, found.findFirst().orElseThrow());
    }

    @Test
    void everyFunctionClassIsBuiltOnOneSharedGraph() throws Exception {
        // Arrange
        OrchestratorInjector injector = new OrchestratorInjector(OrchestratorInjectorTest::completeSettings);

        // Act
        Object[] functions = {injector.getInstance(HttpApiFunctions.class), injector.getInstance(StepFunctions.class),
                injector.getInstance(DeadLetterFunctions.class), injector.getInstance(TimerFunctions.class)};
        Orchestrator first = OrchestratorInjector.current();
        injector.getInstance(StepFunctions.class);

        // Assert
        for (Object function : functions) {
            assertNotNull(function);
        }
        assertNotNull(first);
        assertSame(first, OrchestratorInjector.current(), "the graph is built once");
    }

    @Test
    void missingSettingIsNamedWithWhatItIsFor() {
        // Arrange
        Map<String, String> settings = completeSettings();
        settings.remove("TargetSubscriptionId");
        OrchestratorInjector injector = new OrchestratorInjector(() -> settings);

        // Act
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> injector.getInstance(StepFunctions.class));

        // Assert
        assertTrue(error.getMessage().contains("TargetSubscriptionId"), error.getMessage());
    }

    @Test
    void identityBasedTableConnectionNeedsItsServiceUriAndSaysSo() {
        // Arrange
        Map<String, String> settings = completeSettings();
        settings.remove("StateTableConnection");
        OrchestratorInjector injector = new OrchestratorInjector(() -> settings);

        // Act
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> injector.getInstance(StepFunctions.class));

        // Assert
        assertTrue(error.getMessage().contains("StateTableConnection__tableServiceUri"), error.getMessage());
    }

    @Test
    void badStorageConnectionStringIsReportedWithoutQuotingIt() {
        // Arrange
        Map<String, String> settings = completeSettings();
        settings.put("StateTableConnection", "AccountName=x;AccountKey=SECRETKEY;nonsense");
        OrchestratorInjector injector = new OrchestratorInjector(() -> settings);

        // Act
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> injector.getInstance(StepFunctions.class));

        // Assert
        assertFalse(error.getMessage().contains("SECRETKEY"), error.getMessage());
    }

    private static Map<String, String> completeSettings() {
        Map<String, String> settings = new HashMap<>(QueueSettings.sample());
        settings.put("StateTableConnection", TestAzurite.connectionString());
        settings.put("StateTableName", TestAzurite.uniqueTableName("state"));
        settings.put("DeploymentIndexTableName", TestAzurite.uniqueTableName("index"));
        settings.put("ServiceBusConnection__fullyQualifiedNamespace", "example.servicebus.windows.net");
        settings.put("TargetSubscriptionId", "00000000-0000-0000-0000-000000000000");
        return settings;
    }
}
