package io.smoothdeploy.cloud.arm;

import io.smoothdeploy.local.emulator.EmulatorArm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.azure.core.annotation.Delete;
import com.azure.core.annotation.ExpectedResponses;
import com.azure.core.annotation.Get;
import com.azure.core.annotation.Patch;
import com.azure.core.annotation.Post;
import com.azure.core.annotation.Put;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.port.SqlCloud;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.emulator.AzureEmulator;
import io.smoothdeploy.local.emulator.RecordedRequest;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local Azure emulator against ARM's contract, route by route, for the api-versions the SDK in the build uses.
 *
 * <p>What the SDK's jar says is read from the jar at test time: each generated service interface method
 * ({@code WebAppsClientImpl$WebAppsService}, {@code DatabasesClientImpl$DatabasesService}) carries its HTTP verb and
 * path template ({@code @Get/@Put/@Post/@Delete/@Patch}) and the statuses it accepts ({@code @ExpectedResponses});
 * the service clients know their api-version. What the jar does not say (which operations are long-running and how
 * their end is reached, the error body each resource provider answers) is the {@link #ROUTES} table below, one line
 * per route, each citing its operation in azure-rest-api-specs (Microsoft.Web {@code WebApps.json}, Microsoft.Sql
 * {@code Databases.json}) and, for the headers, the recorded sessions of azure-sdk-for-java.
 *
 * <p>{@link #everyRouteTheAdapterCallsHasARowInTheConformanceTable} runs every operation of the adapter's ports
 * against the emulator and fails, naming the route, when the adapter sent a request the table has no line for (a
 * poll of a long-running answer counts through the rows that hand it out), or when a line names a route the
 * adapter never sent: the table is checked both ways against what ArmCloud calls.
 */
class EmulatorConformanceTest {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000000c1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEB = "com.azure.resourcemanager.appservice.implementation.WebAppsClientImpl$WebAppsService";
    private static final String SQL = "com.azure.resourcemanager.sql.implementation.DatabasesClientImpl$DatabasesService";
    /** The ARM adapter's package: ArmCloud and its helpers. */
    private static final String ADAPTER_SOURCES = "src/main/java/io/smoothdeploy/cloud/arm";

    /** How a long-running operation tells the SDK's poller where to look. */
    enum Lro {
        /** Not long-running: the answer is final. */
        NONE,
        /**
         * 202 with {@code Location} (and {@code Retry-After}); the Location answers 202 while it runs, then 200. The
         * swap in DeploymentSlotsTests.canCRUDSwapSlots.json (appservice session records) answers exactly so.
         */
        LOCATION,
        /**
         * 201/202 with {@code Azure-AsyncOperation} (and {@code Retry-After}); that URL answers 200
         * {@code {"status":"InProgress"|"Succeeded"|"Failed"}}. The database PUT in
         * SqlServerOperationsTests.canCopySqlDatabase.json (sql session records) answers so (202, retry-after 0).
         */
        AZURE_ASYNC_OPERATION
    }

    /** The error the resource provider answers, and how the test provokes it. */
    enum ErrorShape {
        /**
         * A write while the site swaps: 409, App Service's PascalCase body {@code {"Code":"Conflict","Message":"Cannot
         * modify this site because another operation is in progress…"}} (issue 11, case 5 and 6).
         */
        APP_SERVICE_BUSY_409,
        /** A missing resource: 404, ARM's {@code {"error":{"code":"ResourceNotFound"|…,"message":…}}}. */
        ARM_NOT_FOUND_404
    }

    /**
     * One route of the contract.
     *
     * @param service     the SDK's generated service interface
     * @param sdkMethod   its method (verb, path template and expected statuses are read from it)
     * @param specOperation the operation id in azure-rest-api-specs
     * @param lro         how a long-running answer is polled
     * @param acceptedOnly the operation always runs in the background (never 200 at once)
     * @param errors      the error shape of its resource provider, and how it is provoked
     */
    record Route(String service, String sdkMethod, String specOperation, Lro lro, boolean acceptedOnly,
                 ErrorShape errors) {
        @Override
        public String toString() {
            return specOperation;
        }
    }

    private static Route web(String method, String operation, ErrorShape errors) {
        return new Route(WEB, method, operation, Lro.NONE, false, errors);
    }

    private static final ErrorShape BUSY = ErrorShape.APP_SERVICE_BUSY_409;
    private static final ErrorShape NOT_FOUND = ErrorShape.ARM_NOT_FOUND_404;

    /** The conformance table: one line per route (Microsoft.Web WebApps.json, Microsoft.Sql Databases.json). */
    static final List<Route> ROUTES = List.of(
            web("getByResourceGroup", "WebApps_Get", NOT_FOUND),
            web("getSlot", "WebApps_GetSlot", NOT_FOUND),
            new Route(WEB, "createOrUpdateSlot", "WebApps_CreateOrUpdateSlot", Lro.LOCATION, false, BUSY),
            web("listApplicationSettings", "WebApps_ListApplicationSettings", NOT_FOUND),
            web("listApplicationSettingsSlot", "WebApps_ListApplicationSettingsSlot", NOT_FOUND),
            web("updateApplicationSettings", "WebApps_UpdateApplicationSettings", BUSY),
            web("updateApplicationSettingsSlot", "WebApps_UpdateApplicationSettingsSlot", BUSY),
            web("listConnectionStrings", "WebApps_ListConnectionStrings", NOT_FOUND),
            web("listConnectionStringsSlot", "WebApps_ListConnectionStringsSlot", NOT_FOUND),
            web("updateConnectionStrings", "WebApps_UpdateConnectionStrings", BUSY),
            web("updateConnectionStringsSlot", "WebApps_UpdateConnectionStringsSlot", BUSY),
            web("listSlotConfigurationNames", "WebApps_ListSlotConfigurationNames", NOT_FOUND),
            web("getConfiguration", "WebApps_GetConfiguration", NOT_FOUND),
            web("restart", "WebApps_Restart", BUSY),
            web("restartSlot", "WebApps_RestartSlot", BUSY),
            web("start", "WebApps_Start", BUSY),
            web("startSlot", "WebApps_StartSlot", BUSY),
            web("stop", "WebApps_Stop", BUSY),
            web("stopSlot", "WebApps_StopSlot", BUSY),
            new Route(WEB, "swapSlot", "WebApps_SwapSlot", Lro.LOCATION, true, BUSY),
            web("applySlotConfigurationSlot", "WebApps_ApplySlotConfigurationSlot", BUSY),
            web("resetSlotConfigurationSlot", "WebApps_ResetSlotConfigurationSlot", BUSY),
            new Route(SQL, "get", "Databases_Get", Lro.NONE, false, NOT_FOUND),
            // a new database: 202 with {operation, startTime}, as SqlServerOperationsTests.canCopySqlDatabase.json records
            new Route(SQL, "createOrUpdate", "Databases_CreateOrUpdate", Lro.AZURE_ASYNC_OPERATION, true, NOT_FOUND),
            // an existing database: 202 with {operation, startTime}, as SqlServerOperationsTests.canCRUDSqlDatabase.json
            // records the drop (a missing one: 204)
            new Route(SQL, "delete", "Databases_Delete", Lro.AZURE_ASYNC_OPERATION, true, NOT_FOUND),
            new Route(SQL, "rename", "Databases_Rename", Lro.NONE, false, NOT_FOUND));

    /** Request bodies, by SDK method, shaped as the SDK sends them. */
    private static final Map<String, String> BODIES = Map.of(
            "createOrUpdateSlot", "{\"location\":\"westeurope\",\"properties\":{\"siteConfig\":{}}}",
            "updateApplicationSettings", "{\"properties\":{\"A\":\"1\"}}",
            "updateApplicationSettingsSlot", "{\"properties\":{\"A\":\"1\"}}",
            "updateConnectionStrings", "{\"properties\":{\"Db\":{\"value\":\"Server=tcp:x\",\"type\":\"SQLAzure\"}}}",
            "updateConnectionStringsSlot", "{\"properties\":{\"Db\":{\"value\":\"Server=tcp:x\",\"type\":\"SQLAzure\"}}}",
            "swapSlot", "{\"targetSlot\":\"production\",\"preserveVnet\":true}",
            "applySlotConfigurationSlot", "{\"targetSlot\":\"production\",\"preserveVnet\":true}");

    private static final String SLOT_TEMPLATE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
            + "/providers/Microsoft.Web/sites/{name}/slots/{slot}";

    private ManualClock clock;
    private AzureEmulator emulator;
    private HttpClient http;
    private String siteId;
    private String serverId;
    private Map<String, String> apiVersions;

    @BeforeEach
    void startEmulator() {
        clock = new ManualClock();
        emulator = AzureEmulator.start(clock);
        // restarts at once: these tests are about other behaviour (restart lag: SlotRuntimeTest.restarts*)
        emulator.setRestartLag(Duration.ZERO);
        siteId = emulator.addSite(SUBSCRIPTION, "rg-web", "cms", "westeurope",
                Map.of(SlotInfo.RUN_FROM_PACKAGE, "https://packages.example/cms-1.0.zip"),
                Map.of("Db", "Server=tcp:sql-prod.database.windows.net;Database=cms"));
        serverId = emulator.addSqlServer(SUBSCRIPTION, "rg-data", "sql-prod", "westeurope");
        emulator.addDatabase(serverId, "cms");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        apiVersions = sdkApiVersions(emulator.endpoint());
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    // ----- the table against the jar -----

    @Test
    void everyRowOfTheTableIsAnOperationOfTheSdkInTheBuild() {
        for (Route route : ROUTES) {
            SdkOperation operation = sdkOperation(route);
            assertTrue(operation.expected().length > 0, route + " has no @ExpectedResponses");
        }
        assertEquals(ROUTES.size(), ROUTES.stream().map(r -> sdkOperation(r).key()).distinct().count(),
                "two rows name the same route");
    }

    // ----- status codes and long-running operations -----

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void theEmulatorAnswersAStatusTheSdkExpects(Route route) throws Exception {
        // Arrange
        SdkOperation operation = sdkOperation(route);
        emulator.setCopyDuration(Duration.ofMinutes(5));
        if (usesStaging(operation)) {
            send("PUT", path(SLOT_TEMPLATE, Map.of()), BODIES.get("createOrUpdateSlot"), route);
        }

        // Act
        HttpResponse<String> answer = send(operation.verb(), path(operation.template(), Map.of()),
                BODIES.get(route.sdkMethod()) == null ? bodyFor(route) : BODIES.get(route.sdkMethod()), route);

        // Assert
        int status = answer.statusCode();
        assertTrue(Arrays.stream(operation.expected()).anyMatch(s -> s == status), route + ": " + operation.verb() + " "
                + operation.template() + " answered " + status + " " + answer.body() + "; the SDK expects "
                + Arrays.toString(operation.expected()));
        if (route.acceptedOnly()) {
            assertEquals(202, status, route + " runs in the background: 202, as recorded");
        }
        if (route.lro() != Lro.NONE && (status == 201 || status == 202)) {
            assertPollable(route, answer);
        }
    }

    private void assertPollable(Route route, HttpResponse<String> answer) throws Exception {
        Optional<String> retryAfter = answer.headers().firstValue("Retry-After");
        assertTrue(retryAfter.isPresent(), route + ": a long-running answer carries Retry-After (recorded: 0)");
        assertTrue(retryAfter.get().matches("\\d+"), route + ": Retry-After in seconds, got " + retryAfter.get());
        if (route.lro() == Lro.LOCATION) {
            String location = answer.headers().firstValue("Location").orElse(null);
            assertNotNull(location, route + ": 202 names a Location to poll");
            assertFalse(answer.headers().firstValue("Azure-AsyncOperation").isPresent(),
                    route + ": the recorded swap has only Location");
            HttpResponse<String> running = get(location);
            assertEquals(202, running.statusCode(), route + ": the Location answers 202 while the operation runs");
            assertTrue(running.headers().firstValue("Location").isPresent(), route + ": a 202 poll repeats Location");
            clock.advance(Duration.ofHours(1));
            assertEquals(200, get(location).statusCode(), route + ": the Location answers 200 once it is over");
        } else {
            String async = answer.headers().firstValue("Azure-AsyncOperation").orElse(null);
            assertNotNull(async, route + ": the answer names an Azure-AsyncOperation to poll");
            // recorded (canCopySqlDatabase): both URLs under the resource group, .../locations/{location}/
            // databaseAzureAsyncOperation/{id} and .../databaseOperationResults/{id}, and a body naming the operation
            String location = answer.headers().firstValue("Location").orElse(null);
            assertNotNull(location, route + ": the recorded answer names a Location too");
            assertTrue(URI.create(async).getPath().matches("/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
                    + "Microsoft\\.Sql/locations/[^/]+/databaseAzureAsyncOperation/[^/]+"), async);
            assertTrue(URI.create(location).getPath().matches("/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
                    + "Microsoft\\.Sql/locations/[^/]+/databaseOperationResults/[^/]+"), location);
            JsonNode accepted = JSON.readTree(answer.body() == null || answer.body().isEmpty() ? "{}" : answer.body());
            assertTrue(accepted.hasNonNull("operation") && accepted.hasNonNull("startTime"),
                    route + ": 202 body {operation, startTime}: " + answer.body());
            HttpResponse<String> running = get(async);
            assertEquals(200, running.statusCode());
            assertEquals("InProgress", JSON.readTree(running.body()).path("status").asText(), route + ": " + running.body());
            assertEquals(202, get(location).statusCode(), route + ": the Location answers 202 while it runs");
            clock.advance(Duration.ofHours(1));
            HttpResponse<String> over = get(async);
            assertEquals("Succeeded", JSON.readTree(over.body()).path("status").asText(), route + ": " + over.body());
            assertEquals(200, get(location).statusCode(), route + ": the Location answers 200 once it is over");
        }
    }

    // ----- error shapes -----

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void theEmulatorAnswersErrorsInTheShapeOfTheResourceProvider(Route route) throws Exception {
        // Arrange
        SdkOperation operation = sdkOperation(route);
        Map<String, String> overrides = new LinkedHashMap<>();
        if (route.errors() == ErrorShape.APP_SERVICE_BUSY_409) {
            send("PUT", path(SLOT_TEMPLATE, Map.of("{slot}", "swapping")), BODIES.get("createOrUpdateSlot"), route);
            if (usesStaging(operation)) {
                send("PUT", path(SLOT_TEMPLATE, Map.of()), BODIES.get("createOrUpdateSlot"), route);
            }
            emulator.setSwapDuration(Duration.ofSeconds(90));
            HttpResponse<String> swap = send("POST", path(SLOT_TEMPLATE + "/slotsswap", Map.of("{slot}", "swapping")),
                    BODIES.get("swapSlot"), route);
            assertEquals(202, swap.statusCode(), swap.body());
        } else if (operation.template().contains("/slots/")) {
            overrides.put("{slot}", "no-such-slot");
        } else if (route.service().equals(WEB)) {
            overrides.put("{name}", "no-such-site");
        } else {
            overrides.put("{databaseName}", "no-such-database");
            overrides.put("{serverName}", "no-such-server");
        }

        // Act
        HttpResponse<String> answer = send(operation.verb(), path(operation.template(), overrides),
                BODIES.get(route.sdkMethod()) == null ? bodyFor(route) : BODIES.get(route.sdkMethod()), route);

        // Assert
        JsonNode body = JSON.readTree(answer.body() == null || answer.body().isEmpty() ? "{}" : answer.body());
        if (route.errors() == ErrorShape.APP_SERVICE_BUSY_409) {
            assertEquals(409, answer.statusCode(), route + ": " + answer.body());
            assertEquals("Conflict", body.path("Code").asText(), route + ": PascalCase Code: " + answer.body());
            assertTrue(body.path("Message").asText().contains("another operation is in progress"),
                    route + ": PascalCase Message: " + answer.body());
            assertFalse(body.has("error"), route + ": App Service answers its own shape, not ARM's");
        } else {
            assertEquals(404, answer.statusCode(), route + ": " + answer.body());
            assertTrue(body.path("error").hasNonNull("code"), route + ": ARM's {\"error\":{\"code\"}}: " + answer.body());
            assertTrue(body.path("error").hasNonNull("message"), route + ": " + answer.body());
        }
    }

    // ----- every route the adapter calls is in the table -----

    @Test
    void everyRouteTheAdapterCallsHasARowInTheConformanceTable() {
        // Arrange
        ArmCloud cloud = EmulatorArm.cloud(emulator.endpoint(), SUBSCRIPTION, emulator::baseUrlForHost);
        Set<String> exercised = new TreeSet<>();

        // Act: every operation of both ports, production and a named slot
        exerciseAppService(cloud, exercised);
        exerciseSql(cloud, exercised);

        // Assert: the exercise covers the ports (a port method added later must be added here)
        Set<String> portMethods = Stream.of(AppServiceCloud.class, SqlCloud.class)
                .flatMap(c -> Arrays.stream(c.getDeclaredMethods())).filter(m -> !m.isDefault() && !m.isSynthetic()
                        && !java.lang.reflect.Modifier.isStatic(m.getModifiers()))
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(portMethods, exercised, "every port method is run by the exercise in this test");

        // Assert: every request has a row, and was sent with the SDK's api-version
        List<SdkOperation> sdk = allSdkOperations();
        Set<String> tabled = ROUTES.stream().map(r -> sdkOperation(r).key()).collect(Collectors.toSet());
        Set<String> missing = new LinkedHashSet<>();
        Set<String> sent = new TreeSet<>();
        for (RecordedRequest request : emulator.requests()) {
            SdkOperation match = bestMatch(sdk, request).orElse(null);
            if (match == null) {
                // a poll of a long-running answer is checked by assertPollable, through the rows that hand it out
                Optional<Lro> poll = pollOf(request);
                if (poll.isPresent() && ROUTES.stream().anyMatch(r -> r.lro() == poll.get())) {
                    continue;
                }
                missing.add(request.method() + " " + request.path() + " (no operation of the SDK has this path, and it"
                        + " is no poll of a long-running answer the table checks)");
                continue;
            }
            sent.add(match.key());
            if (!tabled.contains(match.key())) {
                missing.add(match.key() + " (SDK method " + match.method() + ")");
            }
            assertEquals(apiVersions.get(match.service()), request.apiVersion(), match.key());
        }
        if (!missing.isEmpty()) {
            fail("ArmCloud calls routes the conformance table has no row for; add one line per route to "
                    + "EmulatorConformanceTest.ROUTES, citing the spec operation: " + missing);
        }
        // and the other way: every row is a route ArmCloud sends, so the table is exactly the adapter's surface
        Set<String> unsent = ROUTES.stream().filter(r -> !sent.contains(sdkOperation(r).key()))
                .map(r -> r.specOperation() + " (" + sdkOperation(r).key() + ")")
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(unsent.isEmpty(), "rows of EmulatorConformanceTest.ROUTES that no ArmCloud call sent in the "
                + "exercise: exercise the call that sends each, or drop the row if ArmCloud no longer calls it: " + unsent);
    }

    @Test
    void everyServiceClientCallInTheAdaptersSourceHasARowInTheConformanceTable() throws Exception {
        // Arrange: the adapter package's source, comments left out; its calls on the generated clients
        // (webApps.<method>( on WebAppsClient, databases.<method>( on DatabasesClient), whichever branch makes them,
        // so a call the exercise above does not reach is still checked
        StringBuilder source = new StringBuilder();
        try (Stream<java.nio.file.Path> files = java.nio.file.Files.list(java.nio.file.Path.of(ADAPTER_SOURCES))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                source.append(java.nio.file.Files.readString(file).replaceAll("(?s)/\\*.*?\\*/|//[^\n]*", ""));
            }
        }
        java.util.regex.Matcher call = java.util.regex.Pattern.compile("\\b(webApps|databases)\\.(\\w+)\\(")
                .matcher(source);
        Set<String> calls = new TreeSet<>();
        while (call.find()) {
            calls.add(call.group(1) + "." + call.group(2));
        }
        Set<String> tabled = ROUTES.stream().map(r -> (r.service().equals(WEB) ? "webApps." : "databases.")
                + r.sdkMethod()).collect(Collectors.toSet());

        // Act: a client method sends the route of the service method of its name, without the SDK's "begin" prefix
        // (a long-running operation's sync poller) and "WithResponse" suffix (the same call with its response)
        Set<String> missing = new TreeSet<>();
        for (String found : calls) {
            String client = found.substring(0, found.indexOf('.'));
            String method = found.substring(found.indexOf('.') + 1).replaceFirst("WithResponse$", "");
            if (method.startsWith("begin") && method.length() > 5) {
                method = Character.toLowerCase(method.charAt(5)) + method.substring(6);
            }
            String serviceMethod = method;
            String service = client.equals("webApps") ? WEB : SQL;
            if (operationsOf(service).stream().noneMatch(o -> o.method().equals(serviceMethod))) {
                missing.add(found + " (no service method " + serviceMethod + " in the SDK's " + service + ")");
            } else if (!tabled.contains(client + "." + serviceMethod)) {
                missing.add(found + " (sends the route of " + serviceMethod + ")");
            }
        }

        // Assert
        assertTrue(calls.size() >= 20, "the source was read: " + calls);
        assertTrue(missing.isEmpty(), "calls in " + ADAPTER_SOURCES + " whose route has no row in "
                + "EmulatorConformanceTest.ROUTES (add one, citing the spec operation): " + missing);
    }

    /** Which kind of long-running answer a request polls, from its path (the URLs assertPollable checks), if any. */
    private static Optional<Lro> pollOf(RecordedRequest request) {
        if (!request.method().equals("GET")) {
            return Optional.empty();
        }
        String path = request.path();
        if (path.matches("(?i)/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Web/sites/[^/]+"
                + "(/slots/[^/]+)?/operationresults/[^/]+")) {
            return Optional.of(Lro.LOCATION);
        }
        if (path.matches("(?i)/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Sql/locations/[^/]+/"
                + "(databaseAzureAsyncOperation|databaseOperationResults)/[^/]+")) {
            return Optional.of(Lro.AZURE_ASYNC_OPERATION);
        }
        return Optional.empty();
    }

    private void exerciseAppService(ArmCloud cloud, Set<String> exercised) {
        SlotRef production = SlotRef.production(siteId);
        SlotRef staging = new SlotRef(siteId, "staging");
        emulator.setSwapDuration(Duration.ofSeconds(30));
        for (SlotRef slot : List.of(production, staging)) {
            cloud.ensureSlot(slot);
            cloud.getSlot(slot);
            cloud.applyConfiguration(slot, new SlotConfiguration(Map.of("K", "v-" + slot.slot()),
                    Map.of("Db", "Server=tcp:" + slot.slot())));
            cloud.deployPackage(slot, "https://packages.example/cms-2.0.zip");
            cloud.awaitCurrentInstance(slot);
            cloud.stopSlot(slot);
            cloud.startSlot(slot);
        }
        cloud.applyProductionConfiguration(staging);
        cloud.resetConfiguration(staging);
        cloud.applyProductionConfiguration(staging);
        cloud.beginSwapWithProduction(staging);
        clock.advance(Duration.ofMinutes(5));
        cloud.getSlot(new SlotRef(siteId, "missing"));
        cloud.slotSettingNames(siteId);
        exercised.addAll(List.of("slotSettingNames", "ensureSlot", "getSlot", "applyConfiguration", "deployPackage", "stopSlot", "startSlot",
                "applyProductionConfiguration", "resetConfiguration", "beginSwapWithProduction", "awaitCurrentInstance"));
    }

    private void exerciseSql(ArmCloud cloud, Set<String> exercised) {
        DatabaseRef source = new DatabaseRef(serverId, "cms");
        clock.advance(Duration.ofHours(2));
        cloud.getDatabase(source);
        cloud.beginCopy(source, new DatabaseRef(serverId, "cms-copy"));
        cloud.beginPointInTimeRestore(source, clock.instant().minus(Duration.ofMinutes(30)),
                new DatabaseRef(serverId, "cms-restored"));
        clock.advance(Duration.ofHours(1));
        cloud.rename(new DatabaseRef(serverId, "cms-restored"), "cms-renamed");
        cloud.deleteDatabase(new DatabaseRef(serverId, "cms-copy"));
        cloud.deleteDatabase(new DatabaseRef(serverId, "never-there"));
        exercised.addAll(List.of("getDatabase", "beginCopy", "beginPointInTimeRestore", "rename", "deleteDatabase"));
    }

    // ----- the SDK's contract, from its jar -----

    /** One generated service method: verb, path template, expected statuses. */
    record SdkOperation(String service, String method, String verb, String template, int[] expected) {
        String key() {
            return verb + " " + template;
        }
    }

    static Stream<Route> routes() {
        return ROUTES.stream();
    }

    private static SdkOperation sdkOperation(Route route) {
        List<SdkOperation> found = operationsOf(route.service()).stream()
                .filter(o -> o.method().equals(route.sdkMethod())).toList();
        assertEquals(1, found.size(), route + ": SDK method " + route.sdkMethod() + " in " + route.service());
        return found.get(0);
    }

    private static List<SdkOperation> allSdkOperations() {
        List<SdkOperation> all = new ArrayList<>(operationsOf(WEB));
        all.addAll(operationsOf(SQL));
        return all;
    }

    private static List<SdkOperation> operationsOf(String serviceClass) {
        Class<?> service;
        try {
            service = Class.forName(serviceClass);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("the SDK in the build has no " + serviceClass, e);
        }
        List<SdkOperation> operations = new ArrayList<>();
        for (Method method : service.getDeclaredMethods()) {
            String verb = null;
            String template = null;
            if (method.getAnnotation(Get.class) != null) {
                verb = "GET";
                template = method.getAnnotation(Get.class).value();
            } else if (method.getAnnotation(Put.class) != null) {
                verb = "PUT";
                template = method.getAnnotation(Put.class).value();
            } else if (method.getAnnotation(Post.class) != null) {
                verb = "POST";
                template = method.getAnnotation(Post.class).value();
            } else if (method.getAnnotation(Delete.class) != null) {
                verb = "DELETE";
                template = method.getAnnotation(Delete.class).value();
            } else if (method.getAnnotation(Patch.class) != null) {
                verb = "PATCH";
                template = method.getAnnotation(Patch.class).value();
            }
            ExpectedResponses expected = method.getAnnotation(ExpectedResponses.class);
            if (verb != null && !template.startsWith("{")) {
                operations.add(new SdkOperation(serviceClass, method.getName(), verb, template,
                        expected == null ? new int[0] : expected.value()));
            }
        }
        return operations;
    }

    /** The SDK operation whose template matches the request, preferring the one with the most literal segments. */
    private static Optional<SdkOperation> bestMatch(List<SdkOperation> operations, RecordedRequest request) {
        String[] path = request.path().replaceAll("^/+|/+$", "").split("/");
        SdkOperation best = null;
        int bestLiterals = -1;
        for (SdkOperation operation : operations) {
            if (!operation.verb().equals(request.method())) {
                continue;
            }
            String[] template = operation.template().replaceAll("^/+|/+$", "").split("/");
            if (template.length != path.length) {
                continue;
            }
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < path.length && matches; i++) {
                if (template[i].startsWith("{")) {
                    continue;
                }
                matches = template[i].equalsIgnoreCase(path[i]);
                literals++;
            }
            if (matches && literals > bestLiterals) {
                best = operation;
                bestLiterals = literals;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The api-version each generated client sends: the appservice client keeps it inside each generated method, so
     * it is taken from what the SDK itself sent the emulator for one read of each provider.
     */
    private Map<String, String> sdkApiVersions(URI endpoint) {
        ArmCloud cloud = EmulatorArm.cloud(endpoint, SUBSCRIPTION, emulator::baseUrlForHost);
        cloud.getSlot(SlotRef.production(siteId));
        cloud.getDatabase(new DatabaseRef(serverId, "cms"));
        Map<String, String> versions = new LinkedHashMap<>();
        for (RecordedRequest request : emulator.requests()) {
            versions.putIfAbsent(request.path().contains("/Microsoft.Sql/") ? SQL : WEB, request.apiVersion());
        }
        emulator.clearRequests();
        assertEquals(2, versions.size(), "the SDK sent one request to each provider: " + versions);
        versions.values().forEach(v -> assertTrue(v != null && v.matches("\\d{4}-\\d{2}-\\d{2}(-preview)?"), v));
        // the emulator refuses any other version, as ARM does (ArmApiVersionTest): it must serve the SDK's
        assertEquals(Map.of(WEB, AzureEmulator.WEB_API_VERSION, SQL, AzureEmulator.SQL_API_VERSION), versions);
        return versions;
    }

    // ----- requests -----

    private static boolean usesStaging(SdkOperation operation) {
        return operation.template().contains("{slot}") && !operation.method().equals("createOrUpdateSlot");
    }

    private String bodyFor(Route route) {
        if (route.sdkMethod().equals("createOrUpdate")) {
            return "{\"location\":\"westeurope\",\"properties\":{\"createMode\":\"Copy\",\"sourceDatabaseId\":\""
                    + serverId + "/databases/cms\"}}";
        }
        if (route.sdkMethod().equals("rename")) {
            return "{\"id\":\"" + serverId + "/databases/cms-renamed\"}";
        }
        return null;
    }

    private String path(String template, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(Map.of("{subscriptionId}", SUBSCRIPTION, "{name}", "cms",
                "{slot}", "staging", "{serverName}", "sql-prod"));
        values.put("{resourceGroupName}", template.contains("Microsoft.Sql") ? "rg-data" : "rg-web");
        values.put("{databaseName}", "cms");
        values.putAll(overrides);
        String path = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            path = path.replace(value.getKey(), value.getValue());
        }
        return path;
    }

    private HttpResponse<String> send(String verb, String path, String body, Route route) throws Exception {
        String apiVersion = apiVersions.get(route.service());
        if (path.contains("Microsoft.Sql") && verb.equals("PUT")) {
            path = path.replaceAll("/databases/cms$", "/databases/cms-copy");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.endpoint() + path + "?api-version="
                + apiVersion)).header("Content-Type", "application/json");
        request.method(verb, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
