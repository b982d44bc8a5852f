package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.smoothdeploy.api.ApiResponse;
import io.smoothdeploy.api.HttpApi;
import io.smoothdeploy.app.Orchestrator;
import io.smoothdeploy.engine.StepRunner;
import io.smoothdeploy.functions.HttpApiFunctions;
import io.smoothdeploy.functions.StepFunctions;
import io.smoothdeploy.messaging.StepMessageCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalog and server over the real function classes, with the API and engine behind them mocked. */
class RealFunctionClassesTest {

    private static final Map<String, String> SETTINGS = Map.of(
            "CloneDbQueue", "clone-db",
            "EnterMaintenanceQueue", "enter-maintenance",
            "DeploySlotQueue", "deploy-slot",
            "WarmUpQueue", "warm-up",
            "AwaitVerificationQueue", "await-verification",
            "CompleteQueue", "complete",
            "ResetQueue", "reset");

    private final HttpApi api = mock(HttpApi.class);
    private final Orchestrator orchestrator = new Orchestrator(api, mock(StepRunner.class), new StepMessageCodec(),
            null);

    @Test
    void catalogOverTheRealInstancesBindsEveryParameterAndResolvesTheSevenQueues() {
        // Arrange
        Object[] instances = {new HttpApiFunctions(orchestrator), new StepFunctions(orchestrator)};

        // Act
        FunctionCatalog catalog = new FunctionCatalog(SETTINGS, instances);

        // Assert
        assertEquals(19, catalog.httpRoutes().size()); // 11 routes, the dry run (POST /deployments/plan), the 2 lists, DELETE,
        // cancel, the rollback after going live, GET /me, the portal
        assertEquals(Set.copyOf(SETTINGS.values()), Set.copyOf(catalog.queueNames()));
    }

    @Test
    void serverRunsTheRealGetDeploymentFunction() throws Exception {
        // Arrange
        when(api.getDeployment(eq("d-42"), anyMap())).thenReturn(
                new ApiResponse(200, Map.of("Content-Type", "application/json"), "{\"id\":\"d-42\"}"));
        FunctionCatalog catalog = new FunctionCatalog(SETTINGS, new HttpApiFunctions(orchestrator),
                new StepFunctions(orchestrator));

        try (LocalHttpServer server = new LocalHttpServer(catalog, 0).start()) {
            // Act
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/deployments/d-42")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            // Assert
            assertEquals(200, response.statusCode());
            assertEquals("{\"id\":\"d-42\"}", response.body());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
            verify(api).getDeployment(eq("d-42"), anyMap());
        }
    }
}
