package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import io.smoothdeploy.functions.HttpApiFunctions;
import io.smoothdeploy.functions.StepFunctions;
import io.smoothdeploy.local.FunctionCatalog.FunctionInfo;
import io.smoothdeploy.local.FunctionCatalog.RouteMatch;
import io.smoothdeploy.local.FunctionCatalog.TriggerKind;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FunctionCatalogTest {

    private static final Map<String, String> SETTINGS = Map.of(
            "CloneDbQueue", "clone-db", "EnterMaintenanceQueue", "enter-maintenance");

    @Test
    void findsTheHttpRoutesAndResolvesTheQueueNamesOfFunctionInstances() {
        // Arrange
        Object[] instances = {new TestHttpFunctions(), new RecordingStepFunctions(Clock.systemUTC())};

        // Act
        FunctionCatalog catalog = new FunctionCatalog(SETTINGS, instances);

        // Assert
        Set<String> routes = catalog.httpRoutes().stream()
                .map(route -> route.methods() + " " + route.path()).collect(Collectors.toSet());
        assertEquals(Set.of("[GET] /api/items/{id}", "[DELETE] /api/items/{id}", "[GET] /api/items/special",
                "[POST] /api/items/{id}/notes", "[GET] /api/whoami", "[GET] /api/boom"), routes);
        assertEquals(Set.of("clone-db", "enter-maintenance"), catalog.queueNames());
        assertEquals("CloneDb", catalog.queueTrigger("clone-db").orElseThrow().functionName());
        assertEquals("%CloneDbQueue%", catalog.queueTrigger("CLONE-DB").orElseThrow().queueNameExpression());
        assertEquals(8, catalog.functions().size());
        assertTrue(catalog.functions().stream().map(FunctionInfo::summary)
                .anyMatch(line -> line.equals("CloneDb: Service Bus queue clone-db")));
    }

    @Test
    void matchesRouteParametersAndPercentDecodesTheirValues() {
        // Arrange
        FunctionCatalog catalog = new FunctionCatalog(SETTINGS, new TestHttpFunctions());

        // Act
        List<RouteMatch> matches = catalog.routesFor("/api/items/a%20b%2Fc/notes");

        // Assert
        assertEquals(1, matches.size());
        assertEquals("AddNote", matches.get(0).route().functionName());
        assertEquals(Map.of("id", "a b/c"), matches.get(0).pathValues());
    }

    @Test
    void literalSegmentWinsOverParameterSegment() {
        // Arrange
        FunctionCatalog catalog = new FunctionCatalog(SETTINGS, new TestHttpFunctions());

        // Act
        List<RouteMatch> matches = catalog.routesFor("/api/items/special");

        // Assert
        assertEquals("GetSpecialItem", matches.get(0).route().functionName());
        assertTrue(matches.stream().skip(1).allMatch(match -> match.route().template().equals("items/{id}")));
        assertEquals(Map.of(), matches.get(0).pathValues());
    }

    @Test
    void pathsOutsideTheApiPrefixOrWithExtraSegmentsMatchNothing() {
        // Arrange
        FunctionCatalog catalog = new FunctionCatalog(SETTINGS, new TestHttpFunctions());

        // Act
        List<RouteMatch> noPrefix = catalog.routesFor("/items/1");
        List<RouteMatch> tooLong = catalog.routesFor("/api/items/1/notes/2");
        List<RouteMatch> emptyParameter = catalog.routesFor("/api/items//notes");

        // Assert
        assertTrue(noPrefix.isEmpty());
        assertTrue(tooLong.isEmpty());
        assertTrue(emptyParameter.isEmpty());
    }

    @Test
    void invokesAnHttpFunctionWithRequestRouteValueAndContext() throws Exception {
        // Arrange
        FunctionCatalog catalog = new FunctionCatalog(SETTINGS, new TestHttpFunctions());
        RouteMatch match = catalog.routesFor("/api/items/42").stream()
                .filter(candidate -> candidate.route().accepts(HttpMethod.GET)).findFirst().orElseThrow();
        LocalHttpRequest request = new LocalHttpRequest(URI.create("http://127.0.0.1:1/api/items/42"),
                HttpMethod.GET, Map.of(), null);

        // Act
        Object result = match.route().invoke(request, match.pathValues(), LocalExecutionContext.forFunction("GetItem"));

        // Assert
        HttpResponseMessage response = (HttpResponseMessage) result;
        assertEquals(200, response.getStatusCode());
        assertEquals("item 42", response.getBody());
        assertEquals("text/plain", response.getHeader("content-type"));
    }

    @Test
    void missingQueueSettingFailsNamingTheSetting() {
        // Arrange
        Map<String, String> settings = Map.of("CloneDbQueue", "clone-db");

        // Act
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> new FunctionCatalog(settings, new RecordingStepFunctions(Clock.systemUTC())));

        // Assert
        assertTrue(error.getMessage().contains("'EnterMaintenanceQueue' is not set"), error.getMessage());
        assertTrue(error.getMessage().contains("EnterMaintenance"), error.getMessage());
        assertTrue(error.getMessage().contains("\"EnterMaintenanceQueue\": \"enter-maintenance\""), error.getMessage());
    }

    @Test
    void aParameterTheLocalHostCannotSupplyFailsWhenTheCatalogIsBuilt() {
        // Arrange
        Object unsupported = new UnsupportedParameterFunctions();

        // Act
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new FunctionCatalog(SETTINGS, unsupported));

        // Assert
        assertTrue(error.getMessage().contains("UnsupportedParameterFunctions.odd"), error.getMessage());
        assertTrue(error.getMessage().contains("java.lang.Integer"), error.getMessage());
    }

    @Test
    void describesTheRealFunctionClassesRoutesAndQueues() {
        // Arrange
        Class<?>[] realClasses = {HttpApiFunctions.class, StepFunctions.class};

        // Act
        List<FunctionInfo> functions = FunctionCatalog.describe(realClasses);

        // Assert
        Set<String> routes = functions.stream().filter(f -> f.kind() == TriggerKind.HTTP)
                .map(f -> f.methods().get(0) + " " + f.path()).collect(Collectors.toSet());
        assertEquals(Set.of(
                "PUT /api/environments/{name}",
                "GET /api/environments/{name}",
                "GET /api/environments",
                "DELETE /api/environments/{name}",
                "GET /api/environments/{name}/deployments",
                "POST /api/deployments", "POST /api/deployments/plan",
                "GET /api/deployments/{id}",
                "GET /api/deployments/{id}/log",
                "GET /api/deployments/{id}/diagnosis",
                "GET /api/deployments/{id}/timeline",
                "GET /api/deployments/{id}/support-bundle",
                "POST /api/deployments/{id}/complete",
                "POST /api/deployments/{id}/reset",
                "POST /api/deployments/{id}/cancel",
                "POST /api/deployments/{id}/rollback",
                "GET /api/openapi.json",
                "GET /api/me",
                "GET /api/portal/{*asset}"), routes);
        Set<String> queues = functions.stream().filter(f -> f.kind() == TriggerKind.SERVICE_BUS_QUEUE)
                .map(FunctionInfo::queueName).collect(Collectors.toSet());
        assertEquals(Set.of("%CloneDbQueue%", "%EnterMaintenanceQueue%", "%DeploySlotQueue%", "%WarmUpQueue%",
                "%AwaitVerificationQueue%", "%CompleteQueue%", "%ResetQueue%"), queues);
        // No function key: App Service authentication signs callers in, and the API checks their roles in code
        // (a key-level function would refuse every signed-in caller that has no key)
        assertTrue(functions.stream().filter(f -> f.kind() == TriggerKind.HTTP)
                .allMatch(f -> f.authLevel() == AuthorizationLevel.ANONYMOUS),
                "every HTTP function is ANONYMOUS: roles, not keys, decide");
    }

    /** A function whose second parameter has no binding. */
    public static class UnsupportedParameterFunctions {
        @FunctionName("Odd")
        public HttpResponseMessage odd(
                @HttpTrigger(name = "req", methods = {HttpMethod.GET}, route = "odd")
                HttpRequestMessage<Optional<String>> request, Integer count, ExecutionContext context) {
            return null;
        }
    }
}
