package io.smoothdeploy.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The binding surface of the staged function app, as `mvn package` leaves it: one function.json per
 * function, each checked against the table below. The table is written out by hand on purpose: a change
 * to a route, a method, an auth level or a queue setting must show up here as a deliberate edit.
 */
class FunctionJsonIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SETTING_REFERENCE = Pattern.compile("%([^%]+)%");

    private static final String HTTP_API = "io.smoothdeploy.functions.HttpApiFunctions";
    private static final String STEPS = "io.smoothdeploy.functions.StepFunctions";
    private static final String DEAD_LETTERS = "io.smoothdeploy.functions.DeadLetterFunctions";
    private static final String TIMERS = "io.smoothdeploy.functions.TimerFunctions";
    private static final String SERVICE_BUS_CONNECTION = "ServiceBusConnection";

    /** A function as it must appear in its function.json. */
    record Expected(String function, String className, String method, Map<String, Object> trigger, boolean httpOut) {

        @Override
        public String toString() {
            return function;
        }
    }

    private static Expected http(String function, String method, String httpMethod, String route) {
        // ANONYMOUS: App Service authentication (Entra ID) signs callers in and the code checks their roles on
        // every route (see HttpApiFunctions); a function key would be a second, anonymous shared secret
        return http(function, method, httpMethod, route, "ANONYMOUS");
    }

    private static Expected http(String function, String method, String httpMethod, String route, String authLevel) {
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("type", "httpTrigger");
        trigger.put("direction", "in");
        trigger.put("name", "req");
        trigger.put("route", route);
        trigger.put("methods", List.of(httpMethod));
        trigger.put("authLevel", authLevel);
        return new Expected(function, HTTP_API, method, trigger, true);
    }

    private static Expected serviceBus(String function, String method, String queueSetting) {
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("type", "serviceBusTrigger");
        trigger.put("direction", "in");
        trigger.put("name", "message");
        trigger.put("queueName", "%" + queueSetting + "%");
        trigger.put("connection", SERVICE_BUS_CONNECTION);
        return new Expected(function, STEPS, method, trigger, false);
    }

    private static Expected timer(String function, String method, String scheduleSetting) {
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("type", "timerTrigger");
        trigger.put("direction", "in");
        trigger.put("name", "timer");
        trigger.put("schedule", "%" + scheduleSetting + "%");
        return new Expected(function, TIMERS, method, trigger, false);
    }

    /** The trigger on a step queue's dead-letter sub-queue. */
    private static Expected deadLetter(String step, String method, String queueSetting) {
        Map<String, Object> trigger = new LinkedHashMap<>(serviceBus(step, method, queueSetting).trigger());
        trigger.put("queueName", "%" + queueSetting + "%/$DeadLetterQueue");
        return new Expected(step + "DeadLetter", DEAD_LETTERS, method, trigger, false);
    }

    static final List<Expected> FUNCTIONS = List.of(
            http("PutEnvironment", "putEnvironment", "PUT", "environments/{name}"),
            http("GetEnvironment", "getEnvironment", "GET", "environments/{name}"),
            http("ListEnvironments", "listEnvironments", "GET", "environments"),
            http("ListDeployments", "listDeployments", "GET", "environments/{name}/deployments"),
            http("DeleteEnvironment", "deleteEnvironment", "DELETE", "environments/{name}"),
            http("StartDeployment", "startDeployment", "POST", "deployments"),
            http("PlanDeployment", "planDeployment", "POST", "deployments/plan"),
            http("GetDeployment", "getDeployment", "GET", "deployments/{id}"),
            http("GetDeploymentLog", "getDeploymentLog", "GET", "deployments/{id}/log"),
            http("GetDeploymentDiagnosis", "getDeploymentDiagnosis", "GET", "deployments/{id}/diagnosis"),
            http("GetDeploymentTimeline", "getDeploymentTimeline", "GET", "deployments/{id}/timeline"),
            http("GetSupportBundle", "getSupportBundle", "GET", "deployments/{id}/support-bundle"),
            http("CompleteDeployment", "completeDeployment", "POST", "deployments/{id}/complete"),
            http("ResetDeployment", "resetDeployment", "POST", "deployments/{id}/reset"),
            http("CancelDeployment", "cancelDeployment", "POST", "deployments/{id}/cancel"),
            http("RollbackDeployment", "rollbackDeployment", "POST", "deployments/{id}/rollback"),
            // The OpenAPI document is public: ANONYMOUS like every route, and with no role check in code.
            http("GetOpenApi", "getOpenApi", "GET", "openapi.json", "ANONYMOUS"),
            http("GetMe", "getMe", "GET", "me"),
            // The portal's fixed files: no role check in code (they hold no data; the page reads the API as its caller).
            http("GetPortal", "getPortal", "GET", "portal/{*asset}", "ANONYMOUS"),
            serviceBus("CloneDb", "cloneDb", "CloneDbQueue"),
            serviceBus("EnterMaintenance", "enterMaintenance", "EnterMaintenanceQueue"),
            serviceBus("DeploySlot", "deploySlot", "DeploySlotQueue"),
            serviceBus("WarmUp", "warmUp", "WarmUpQueue"),
            serviceBus("AwaitVerification", "awaitVerification", "AwaitVerificationQueue"),
            serviceBus("Complete", "complete", "CompleteQueue"),
            serviceBus("Reset", "reset", "ResetQueue"),
            deadLetter("CloneDb", "cloneDb", "CloneDbQueue"),
            deadLetter("EnterMaintenance", "enterMaintenance", "EnterMaintenanceQueue"),
            deadLetter("DeploySlot", "deploySlot", "DeploySlotQueue"),
            deadLetter("WarmUp", "warmUp", "WarmUpQueue"),
            deadLetter("AwaitVerification", "awaitVerification", "AwaitVerificationQueue"),
            deadLetter("Complete", "complete", "CompleteQueue"),
            deadLetter("Reset", "reset", "ResetQueue"),
            timer("StaleMaintenanceTimer", "staleMaintenance", "StaleMaintenanceSchedule"));

    private static Path appDir;
    private static Path appJar;

    @BeforeAll
    static void locateStagedApp() throws IOException {
        String dir = System.getProperty("functionAppDir");
        assertNotNull(dir, "system property functionAppDir is not set: run this through failsafe (mvn verify)");
        appDir = Paths.get(dir);
        assertTrue(Files.isDirectory(appDir), "no staged function app at " + appDir + ": did `mvn package` run?");
        try (Stream<Path> files = Files.list(appDir)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).toList();
            assertEquals(1, jars.size(), "expected exactly one app jar in " + appDir + ", found " + jars);
            appJar = jars.get(0);
        }
    }

    static List<Expected> functions() {
        return FUNCTIONS;
    }

    @Test
    void hostJsonIsStagedAsWritten() throws IOException {
        Path staged = appDir.resolve("host.json");
        assertTrue(Files.isRegularFile(staged), "host.json is not staged");
        JsonNode host = JSON.readTree(staged.toFile());
        assertEquals("2.0", host.path("version").asText());
        assertEquals(JSON.readTree(projectDir().resolve("host.json").toFile()), host);
    }

    @Test
    void runtimeJarsAreStagedInLibAndTheWorkerOwnJarsAreNot() throws IOException {
        Path lib = appDir.resolve("lib");
        assertTrue(Files.isDirectory(lib), "no lib/ folder in " + appDir);
        Set<String> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        for (String artifact : List.of("azure-data-tables-", "azure-messaging-servicebus-", "azure-identity-",
                "azure-resourcemanager-", "azure-core-", "jackson-databind-", "jackson-datatype-jsr310-")) {
            assertTrue(jars.stream().anyMatch(j -> j.startsWith(artifact) && j.endsWith(".jar")),
                    artifact + "*.jar is missing from lib/: " + jars);
        }
        assertTrue(jars.stream().noneMatch(j -> j.startsWith("azure-functions-java-spi-")),
                "the Functions worker supplies azure-functions-java-spi; it must not be staged: " + jars);
        assertTrue(jars.stream().noneMatch(j -> j.startsWith("junit-") || j.startsWith("mockito-")),
                "test jars are staged: " + jars);
    }

    @Test
    void appJarHoldsTheFunctionClasses() throws IOException {
        try (JarFile jar = new JarFile(appJar.toFile())) {
            for (String className : List.of(HTTP_API, STEPS)) {
                assertNotNull(jar.getEntry(className.replace('.', '/') + ".class"), className + " is not in " + appJar);
            }
        }
    }

    @Test
    void theStagedAppHoldsNoClassOfTheLocalTooling() throws IOException {
        // The app jar and every jar in lib/: none may carry the local host, the emulator, SimulatedCloud or the demo.
        List<Path> jars = new ArrayList<>(List.of(appJar));
        try (Stream<Path> files = Files.list(appDir.resolve("lib"))) {
            files.filter(p -> p.getFileName().toString().endsWith(".jar")).forEach(jars::add);
        }
        int shippedOwnClasses = 0;
        List<String> local = new ArrayList<>();
        for (Path path : jars) {
            try (JarFile jar = new JarFile(path.toFile())) {
                for (var entries = jar.entries(); entries.hasMoreElements(); ) {
                    String name = entries.nextElement().getName();
                    if (name.startsWith("io/smoothdeploy/local/")) {
                        local.add(path.getFileName() + "!" + name);
                    } else if (name.startsWith("io/smoothdeploy/") && name.endsWith(".class")) {
                        shippedOwnClasses++;
                    }
                }
            }
        }
        assertTrue(shippedOwnClasses > 0, "no io/smoothdeploy class found in the staged app: nothing was checked");
        assertEquals(List.of(), local, "the staged function app holds local tooling");
        // Nor do loose class files stand beside the jars.
        try (Stream<Path> files = Files.walk(appDir)) {
            List<Path> loose = files.filter(p -> p.toString().replace('\\', '/').contains("io/smoothdeploy/local")).toList();
            assertEquals(List.of(), loose, "local tooling staged as loose files");
        }
    }

    @Test
    void exactlyTheExpectedFunctionsAreStaged() throws IOException {
        Set<String> staged;
        try (Stream<Path> entries = Files.list(appDir)) {
            staged = entries.filter(Files::isDirectory)
                    .filter(d -> Files.exists(d.resolve("function.json")))
                    .map(d -> d.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> expected = FUNCTIONS.stream().map(Expected::function).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, staged);
        try (Stream<Path> all = Files.walk(appDir)) {
            List<Path> functionJsons = all.filter(p -> p.getFileName().toString().equals("function.json")).toList();
            assertEquals(FUNCTIONS.size(), functionJsons.size(), "function.json files: " + functionJsons);
            for (Path file : functionJsons) {
                assertEquals(appDir, file.getParent().getParent(), "function.json not one level down: " + file);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void functionJsonMatchesTheTable(Expected expected) throws Exception {
        JsonNode function = readFunctionJson(expected.function());

        assertScriptFileIsTheAppJar(function);
        assertEquals(expected.className() + "." + expected.method(), function.path("entryPoint").asText(),
                "entryPoint of " + expected.function());
        assertEntryPointExists(expected);

        JsonNode bindings = function.path("bindings");
        assertTrue(bindings.isArray(), expected.function() + " has no bindings array");
        assertEquals(expected.httpOut() ? 2 : 1, bindings.size(), expected.function() + " bindings: " + bindings);

        JsonNode trigger = single(bindings, expected.trigger().get("type").toString(), expected.function());
        assertBinding(expected.function(), expected.trigger(), trigger);
        if (expected.httpOut()) {
            assertBinding(expected.function(), Map.of("type", "http", "direction", "out", "name", "$return"),
                    single(bindings, "http", expected.function()));
        }
    }

    @Test
    void everySettingTheBindingsNameIsInTheSampleSettings() throws IOException {
        JsonNode sample = JSON.readTree(projectDir().resolve("local.settings.sample.json").toFile());
        assertFalse(sample.path("IsEncrypted").asBoolean(true), "IsEncrypted must be false");
        JsonNode values = sample.path("Values");
        assertEquals("java", values.path("FUNCTIONS_WORKER_RUNTIME").asText());
        assertTrue(values.hasNonNull("AzureWebJobsStorage"), "AzureWebJobsStorage is not in the sample");

        List<String> missing = new ArrayList<>();
        for (Expected expected : FUNCTIONS) {
            for (JsonNode binding : readFunctionJson(expected.function()).path("bindings")) {
                for (Iterator<Map.Entry<String, JsonNode>> it = binding.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    Matcher reference = SETTING_REFERENCE.matcher(field.getValue().asText());
                    while (reference.find()) {
                        if (!values.hasNonNull(reference.group(1))) {
                            missing.add(expected.function() + "." + field.getKey() + " -> " + reference.group(1));
                        }
                    }
                }
                JsonNode connection = binding.get("connection");
                if (connection != null && !values.hasNonNull(connection.asText())
                        && !values.hasNonNull(connection.asText() + "__fullyQualifiedNamespace")) {
                    missing.add(expected.function() + ".connection -> " + connection.asText()
                            + " (or " + connection.asText() + "__fullyQualifiedNamespace)");
                }
            }
        }
        assertEquals(List.of(), missing, "settings used by bindings but not in local.settings.sample.json");
    }

    @Test
    void sampleSettingsHoldNoSecrets() throws IOException {
        String sample = Files.readString(projectDir().resolve("local.settings.sample.json"));
        for (String secretMarker : List.of("SharedAccessKey=", "AccountKey=", "SharedAccessSignature=", "sig=")) {
            assertFalse(sample.contains(secretMarker), "local.settings.sample.json holds " + secretMarker);
        }
    }

    private static JsonNode readFunctionJson(String function) throws IOException {
        Path file = appDir.resolve(function).resolve("function.json");
        assertTrue(Files.isRegularFile(file), "no " + appDir.relativize(file));
        return JSON.readTree(file.toFile());
    }

    private static void assertScriptFileIsTheAppJar(JsonNode function) {
        String scriptFile = function.path("scriptFile").asText();
        assertEquals("../" + appJar.getFileName(), scriptFile);
        assertTrue(Files.isRegularFile(appDir.resolve("X").resolve(scriptFile).normalize()),
                scriptFile + " does not resolve to a file");
    }

    private static void assertEntryPointExists(Expected expected) throws ClassNotFoundException {
        Class<?> type = Class.forName(expected.className(), false, FunctionJsonIT.class.getClassLoader());
        List<Method> methods = Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(expected.method()) && !Modifier.isStatic(m.getModifiers()))
                .toList();
        assertEquals(1, methods.size(), "public instance method " + expected.className() + "." + expected.method());
    }

    private static JsonNode single(JsonNode bindings, String type, String function) {
        List<JsonNode> matching = new ArrayList<>();
        bindings.forEach(b -> {
            if (type.equals(b.path("type").asText())) {
                matching.add(b);
            }
        });
        if (matching.size() != 1) {
            fail(function + ": expected one " + type + " binding, found " + matching.size() + " in " + bindings);
        }
        return matching.get(0);
    }

    /** Same fields, same values; auth level and HTTP methods compare case-insensitively, as the host reads them. */
    private static void assertBinding(String function, Map<String, Object> expected, JsonNode actual) {
        Set<String> actualFields = new TreeSet<>();
        actual.fieldNames().forEachRemaining(actualFields::add);
        assertEquals(new TreeSet<>(expected.keySet()), actualFields, function + " " + expected.get("type") + " fields");
        for (Map.Entry<String, Object> field : expected.entrySet()) {
            JsonNode value = actual.get(field.getKey());
            String where = function + " " + expected.get("type") + "." + field.getKey();
            if (field.getValue() instanceof List<?> list) {
                assertTrue(value.isArray(), where + " is not an array: " + value);
                List<String> actualItems = new ArrayList<>();
                value.forEach(v -> actualItems.add(v.asText().toUpperCase(Locale.ROOT)));
                assertEquals(list.stream().map(o -> o.toString().toUpperCase(Locale.ROOT)).toList(), actualItems, where);
            } else if (field.getKey().equals("authLevel")) {
                assertTrue(field.getValue().toString().equalsIgnoreCase(value.asText()),
                        where + ": expected " + field.getValue() + " but was " + value.asText());
            } else {
                assertTrue(value.isTextual(), where + " is not text: " + value);
                assertEquals(field.getValue(), value.asText(), where);
            }
        }
    }

    private static Path projectDir() {
        return Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
    }
}
