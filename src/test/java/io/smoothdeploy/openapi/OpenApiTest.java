package io.smoothdeploy.openapi;

import static io.smoothdeploy.openapi.RecordingHost.NEW_PACKAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import io.smoothdeploy.api.OpenApiDocument;
import io.smoothdeploy.cloud.CloudException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAPI document ({@code src/main/resources/openapi.json}) against the code: the routes of the HTTP
 * functions both ways, the document's own soundness, and the real answers of the local host, each
 * validated against the schema the document gives for its path, method, status and content type.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest {

    private static final String UNKNOWN_ID = "d20990101t000000-00000000";
    private static final String SHA = "9f".repeat(32);

    private final JsonNode doc = OpenApiChecks.document();
    private RecordingHost host;
    private String completedId;
    private String failedId;

    /** Drives a whole life through the local host, recording every request and answer. */
    @BeforeAll
    void recordAnswers() {
        host = new RecordingHost();
        expect(host.get("/openapi.json"), 200);
        expect(host.put("/environments/prod", RecordingHost.environmentBody(true, true)), 201);
        expect(host.put("/environments/prod", RecordingHost.environmentBody(true, true)), 200);
        expect(host.get("/environments/prod"), 200);
        expect(host.put("/environments/plain", RecordingHost.environmentBody(false, false)), 201);
        expect(host.post("/deployments", RecordingHost.startBody("plain", NEW_PACKAGE, "MaintenancePage", null)), 422);

        // A deployment that goes live, started twice with one idempotency key.
        String start = RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", "pipeline-run-1");
        completedId = RecordingHost.json(expect(host.post("/deployments", start), 202)).get("id").asText();
        expect(host.post("/deployments", start), 202);
        expect(host.get("/environments/prod"), 200);
        expect(host.put("/environments/prod", RecordingHost.environmentBody(true, true)), 409);
        expect(host.post("/deployments", RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", "other-run")), 409);
        expect(host.post("/deployments/" + completedId + "/complete", null), 409);
        expect(host.get("/deployments/" + completedId), 200);
        host.runQueues();
        expect(host.get("/deployments/" + completedId), 200);
        expect(host.get("/deployments/" + completedId + "/log"), 200);
        expect(host.post("/deployments/" + completedId + "/complete", "{}"), 202);
        host.runQueues();
        expect(host.get("/deployments/" + completedId), 200);
        expect(host.post("/deployments/" + completedId + "/reset", null), 409);

        // A deployment that fails, then is reset with a database rollback.
        host.cloud.failNext("deployPackage", "cms-prod/staging", 1, new CloudException("Conflict", "busy", false));
        failedId = RecordingHost.json(expect(host.post("/deployments",
                RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null)), 202)).get("id").asText();
        host.runQueues();
        expect(host.get("/deployments/" + failedId), 200);
        expect(host.get("/deployments/" + failedId + "/log"), 200);
        expect(host.post("/deployments/" + failedId + "/reset", "{\"rollbackDatabase\":true}"), 202);
        host.runQueues();
        expect(host.get("/deployments/" + failedId), 200);
        expect(host.get("/environments/prod"), 200);

        // Bad requests.
        String env = RecordingHost.environmentBody(true, true);
        expect(host.put("/environments/Prod", env), 400);
        expect(host.put("/environments/other", "{\"webApps\": ["), 400);
        expect(host.put("/environments/other", env.replace("\"databaseModeSetting\"", "\"databaseMode\"")
                .replace("ZeroDowntime", "Blue")), 400);
        expect(host.put("/environments/other", "{\"webApps\":[],\"pad\":\"" + "x".repeat(300_000) + "\"}"), 413);
        expect(host.get("/environments/nowhere"), 404);
        expect(host.post("/deployments", RecordingHost.startBody("nowhere", NEW_PACKAGE, "ReadOnly", null)), 404);
        expect(host.post("/deployments", RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null)
                .replace(SHA.toUpperCase(Locale.ROOT), "abc123")), 400);
        expect(host.post("/deployments", RecordingHost.startBody("prod", NEW_PACKAGE, "Quick", null)), 400);
        expect(host.post("/deployments", RecordingHost.startBody("prod", "http://packages.example.com/cms.zip",
                "ReadOnly", null)), 400);
        expect(host.post("/deployments", "{\"environment\":\"" + "a".repeat(300_000) + "\"}"), 413);
        expect(host.get("/deployments/D%20X"), 400);
        expect(host.get("/deployments/" + UNKNOWN_ID), 404);
        expect(host.get("/deployments/" + UNKNOWN_ID + "/log"), 404);
        expect(host.post("/deployments/" + UNKNOWN_ID + "/complete", null), 404);
        expect(host.post("/deployments/" + UNKNOWN_ID + "/reset", null), 404);
        expect(host.post("/deployments/" + completedId + "/complete", "{\"force\":true}"), 400);
        expect(host.post("/deployments/" + failedId + "/reset", "{\"rollbackDatabase\":\"yes\"}"), 400);
    }

    @AfterAll
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    // ------------------------------------------------------------------ the document itself

    @Test
    void documentIsJsonDeclaringOpenApi31WithTheApiPrefixAndTheFunctionKey() {
        assertTrue(doc.path("openapi").asText().matches("3\\.1\\.\\d+"), "openapi: " + doc.path("openapi"));
        assertEquals("/api", doc.path("servers").path(0).path("url").asText());
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertEquals(Set.of("header x-functions-key", "query code"), Set.of(
                schemes.path("functionKey").path("in").asText() + " " + schemes.path("functionKey").path("name").asText(),
                schemes.path("functionKeyQuery").path("in").asText() + " "
                        + schemes.path("functionKeyQuery").path("name").asText()));
        assertEquals("apiKey", schemes.path("functionKey").path("type").asText());
        assertEquals("apiKey", schemes.path("functionKeyQuery").path("type").asText());
        assertEquals(2, doc.path("security").size(), "either key form is enough: " + doc.path("security"));
    }

    @Test
    void everyRefResolvesAndEverySchemaUsesOnlyKeywordsTheValidatorImplements() {
        assertEquals(List.of(), OpenApiChecks.unresolvedRefs(doc));
        assertEquals(List.of(), OpenApiChecks.unsupportedSchemaKeywords(doc));
    }

    @Test
    void theJarCarriesTheDocumentKeptInTheRepository() throws IOException {
        Path kept = projectDir().resolve("src/main/resources/openapi.json");
        assertEquals(OpenApiChecks.parse(Files.readString(kept)), doc);
    }

    // ------------------------------------------------------------------ routes, both ways

    @Test
    void everyHttpFunctionIsAnOperationAndEveryOperationIsAFunction() {
        List<OpenApiChecks.HttpFunction> functions = OpenApiChecks.httpFunctions();

        assertEquals(Set.of("PUT /environments/{name}", "GET /environments/{name}", "POST /deployments",
                        "GET /deployments/{id}", "GET /deployments/{id}/log", "POST /deployments/{id}/complete",
                        "POST /deployments/{id}/reset", "GET /openapi.json"),
                functions.stream().map(OpenApiChecks.HttpFunction::key).collect(Collectors.toSet()),
                "the reflection found the functions");
        assertEquals(List.of(), OpenApiChecks.routeMismatches(doc, functions));
    }

    // ------------------------------------------------------------------ real answers

    @Test
    void everyRecordedAnswerMatchesTheSchemaTheDocumentGivesForIt() {
        List<String> problems = new ArrayList<>();
        for (OpenApiChecks.Exchange exchange : host.exchanges) {
            problems.addAll(OpenApiChecks.checkResponse(doc, exchange));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theRecordingCoversEveryOperationAndTheStatusesOfInterest() {
        Set<String> operations = new TreeSet<>();
        Set<Integer> statuses = new TreeSet<>();
        for (OpenApiChecks.Exchange exchange : host.exchanges) {
            operations.add(exchange.method() + " " + OpenApiChecks.pathTemplate(doc, exchange.path()).orElseThrow());
            statuses.add(exchange.status());
        }
        Set<String> documented = OpenApiChecks.httpFunctions().stream().map(OpenApiChecks.HttpFunction::key)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(documented, operations);
        assertEquals(Set.of(200, 201, 202, 400, 404, 409, 413, 422), statuses);
        assertTrue(host.exchanges.stream().anyMatch(e -> e.body().contains("\"errors\":[{\"kind\"")),
                "a failed deployment's errors were recorded");
        assertTrue(host.exchanges.stream().anyMatch(e -> e.body().contains("\"runningDeploymentId\"")));
        assertTrue(host.exchanges.stream().anyMatch(e -> e.body().contains("\"allowedActions\":[]")
                && e.mediaType().equals("application/problem+json")));
    }

    @Test
    void theServedDocumentIsTheDocumentAsApplicationJson() {
        OpenApiChecks.Exchange served = host.exchanges.stream().filter(e -> e.path().equals("/openapi.json"))
                .findFirst().orElseThrow();

        assertEquals(200, served.status());
        assertEquals("application/json", served.mediaType());
        assertEquals(OpenApiChecks.resourceText(OpenApiDocument.RESOURCE), served.body());
        assertEquals(doc, OpenApiChecks.parse(served.body()));
    }

    @Test
    void acceptedRequestBodiesMatchTheirSchemas() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        JsonSchemaValidator validator = new JsonSchemaValidator(doc);
        for (OpenApiChecks.Exchange exchange : host.exchanges) {
            if (exchange.status() < 300 && exchange.requestBody() != null) {
                String template = OpenApiChecks.pathTemplate(doc, exchange.path()).orElseThrow();
                JsonNode schema = OpenApiChecks.requestSchema(doc, exchange.method(), template);
                validator.validate(schema, OpenApiChecks.parse(exchange.requestBody()))
                        .forEach(error -> problems.add(exchange + " request: " + error));
                checked++;
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(checked >= 8, "request bodies checked: " + checked);
    }

    @Test
    void bodiesTheApiRefusesFieldByFieldTheSchemasRefuseToo() {
        JsonSchemaValidator validator = new JsonSchemaValidator(doc);
        String env = RecordingHost.environmentBody(true, true);
        String start = RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null);
        List<String[]> refused = List.of(
                new String[] {"PUT", "/environments/{name}", env.replace("\"databaseModeSetting\"", "\"databaseMode\""),
                        "databaseMode"},
                new String[] {"PUT", "/environments/{name}", env.replace("ZeroDowntime", "Blue"), "Blue"},
                new String[] {"PUT", "/environments/{name}", env.replace("\"/health\"", "\"/../admin\""), "$.webApps[0].warmUp.paths[1]"},
                new String[] {"PUT", "/environments/{name}", env.replace("\"action\":\"Nothing\"", "\"action\":\"Later\""),
                        "Later"},
                new String[] {"PUT", "/environments/{name}", env.replace("Microsoft.Web/sites/cms-prod",
                        "Microsoft.Storage/storageAccounts/cms"), "$.webApps[0].resourceId"},
                new String[] {"POST", "/deployments", start.replace(SHA.toUpperCase(Locale.ROOT), "zz".repeat(32)),
                        "packageSha256"},
                new String[] {"POST", "/deployments", start.replace("https://", "http://"), "packageUri"},
                new String[] {"POST", "/deployments", start.replace("}", ",\"idempotencyKey\":\"a/b\"}"), "idempotencyKey"},
                new String[] {"POST", "/deployments", "{\"environment\":\"prod\"}", "packageSha256"},
                new String[] {"POST", "/deployments/{id}/complete", "{\"force\":true}", "force"},
                new String[] {"POST", "/deployments/{id}/reset", "{\"rollbackDatabase\":\"yes\"}", "rollbackDatabase"});
        List<String> missed = new ArrayList<>();
        for (String[] request : refused) {
            List<String> errors = validator.validate(OpenApiChecks.requestSchema(doc, request[0], request[1]),
                    OpenApiChecks.parse(request[2]));
            if (errors.stream().noneMatch(e -> e.contains(request[3]))) {
                missed.add(request[0] + " " + request[1] + " expected an error naming " + request[3] + ", got " + errors);
            }
        }
        assertEquals(List.of(), missed);
    }

    // ------------------------------------------------------------------ the checks can fail

    @Test
    void routeCheckNamesAFunctionMissingFromTheDocumentAndAnOperationNoFunctionServes() {
        ObjectNode broken = doc.deepCopy();
        ObjectNode paths = (ObjectNode) broken.get("paths");
        paths.remove("/deployments/{id}/log");
        paths.set("/deployments/{id}/cancel", paths.get("/deployments/{id}/complete").deepCopy());
        ((ObjectNode) paths.get("/openapi.json").get("get")).remove("security");

        List<String> problems = OpenApiChecks.routeMismatches(broken, OpenApiChecks.httpFunctions());

        assertEquals(List.of(
                "GET /deployments/{id}/log is served by function GetDeploymentLog but is not in the OpenAPI document",
                "GET /openapi.json: the function is ANONYMOUS but the document asks for a key",
                "POST /deployments/{id}/cancel is in the OpenAPI document but no function serves it"), problems);
    }

    @Test
    void routeCheckNamesAFunctionWhoseAuthLevelTheDocumentGetsWrong() {
        List<OpenApiChecks.HttpFunction> functions = new ArrayList<>(OpenApiChecks.httpFunctions());
        functions.replaceAll(f -> f.name().equals("GetDeployment")
                ? new OpenApiChecks.HttpFunction(f.name(), f.method(), f.path(), AuthorizationLevel.ANONYMOUS) : f);

        assertEquals(List.of("GET /deployments/{id}: the function is ANONYMOUS but the document asks for a key"),
                OpenApiChecks.routeMismatches(doc, functions));
    }

    @Test
    void aRenamedRequiredFieldFailsTheRecordedAnswerNamingIt() {
        OpenApiChecks.Exchange status = recorded("GET", "/deployments/" + completedId, 200);
        ObjectNode broken = doc.deepCopy();
        ArrayNode required = (ArrayNode) broken.at("/components/schemas/Deployment/required");
        for (int i = 0; i < required.size(); i++) {
            if (required.get(i).asText().equals("percentComplete")) {
                required.set(i, TextNode.valueOf("percentDone"));
            }
        }

        List<String> problems = OpenApiChecks.checkResponse(broken, status);

        assertEquals(List.of(), OpenApiChecks.checkResponse(doc, status), "the real document passes");
        assertEquals(List.of(status + ": $: required property 'percentDone' is missing"), problems);
    }

    @Test
    void anUndocumentedMemberAStatusOrAContentTypeFailsTheRecordedAnswer() {
        OpenApiChecks.Exchange busy = recorded("PUT", "/environments/prod", 409);
        OpenApiChecks.Exchange refused = recorded("POST", "/deployments/" + completedId + "/complete", 409);
        OpenApiChecks.Exchange log = recorded("GET", "/deployments/" + completedId + "/log", 200);
        ObjectNode broken = doc.deepCopy();
        ((ObjectNode) broken.at("/components/schemas/Problem/properties")).remove("runningDeploymentId");
        ((ObjectNode) broken.at("/paths/~1deployments~1{id}~1complete/post/responses")).remove("409");
        ObjectNode logResponse = (ObjectNode) broken.at("/paths/~1deployments~1{id}~1log/get/responses/200/content");
        logResponse.set("text/plain", logResponse.remove("application/json"));

        assertTrue(OpenApiChecks.checkResponse(broken, busy).stream().anyMatch(p ->
                p.contains("property 'runningDeploymentId' is not allowed")), OpenApiChecks.checkResponse(broken, busy)
                .toString());
        assertEquals(List.of(refused + ": status 409 is not documented for POST /deployments/{id}/complete"),
                OpenApiChecks.checkResponse(broken, refused));
        assertEquals(List.of(log + ": content type application/json is not documented for status 200 (documented: "
                + "[text/plain])"), OpenApiChecks.checkResponse(broken, log));
    }

    private OpenApiChecks.Exchange recorded(String method, String path, int status) {
        return host.exchanges.stream()
                .filter(e -> e.method().equals(method) && e.path().equals(path) && e.status() == status)
                .findFirst().orElseThrow(() -> new AssertionError("not recorded: " + method + " " + path + " " + status));
    }

    private static OpenApiChecks.Exchange expect(OpenApiChecks.Exchange exchange, int status) {
        if (exchange.status() != status) {
            throw new AssertionError(exchange.method() + " " + exchange.path() + ": expected " + status + " but was "
                    + exchange.status() + ": " + exchange.body());
        }
        assertFalse(exchange.body().contains("SECRET"), "a SAS token is never echoed: " + exchange.body());
        return exchange;
    }

    private static Path projectDir() {
        return Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
    }
}
