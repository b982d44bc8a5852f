package io.smoothdeploy.openapi;

import static io.smoothdeploy.openapi.RecordingHost.NEW_PACKAGE;
import static io.smoothdeploy.openapi.RecordingHost.PIPELINE_RUN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import io.smoothdeploy.api.OpenApiDocument;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.local.SimulatedCloud;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    private static final String SHA = SimulatedCloud.packageSha256(NEW_PACKAGE);

    private final JsonNode doc = OpenApiChecks.document();
    private RecordingHost host;
    private String completedId;
    private String failedId;
    private String resumedId;

    /** Drives a whole life through the local host, recording every request and answer. */
    @BeforeAll
    void recordAnswers() {
        host = new RecordingHost();
        expect(host.get("/openapi.json"), 200);
        expect(host.get("/me"), 200);
        expect(host.send("GET", "/me", null, Map.of("X-MS-CLIENT-PRINCIPAL-NAME", "ceo@example.com")), 401);
        expect(host.put("/environments/prod", RecordingHost.environmentBody(true, true)), 201);
        expect(host.put("/environments/prod", RecordingHost.environmentBody(true, true)), 200);
        expect(host.get("/environments/prod"), 200);
        expect(host.get("/environments"), 200);
        expect(host.put("/environments/plain", RecordingHost.onOwnResources(RecordingHost.environmentBody(false, false),
                "plain")), 201);
        expect(host.post("/deployments", RecordingHost.startBody("plain", NEW_PACKAGE, "MaintenancePage", null)), 422);
        expect(host.post("/deployments/plan", RecordingHost.startBody("plain", NEW_PACKAGE, "MaintenancePage", null)),
                422);
        expect(host.post("/deployments/plan", RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null)), 200);
        // Every optional field, webhook and automatic verification among them (never deployed: no webhook is called).
        expect(host.put("/environments/hooked", RecordingHost.onOwnResources(RecordingHost.fullEnvironmentBody(), "hooked")),
                201);
        OpenApiChecks.Exchange hooked = expect(host.get("/environments/hooked"), 200);
        // What GET answers goes back with PUT, but not with a URI GET showed redacted.
        expect(host.put("/environments/plain", expect(host.get("/environments/plain"), 200).body()), 200);
        expect(host.put("/environments/hooked", hooked.body()), 422);
        // A webhook that leads to the metadata address: 422 naming webhookUrl.
        expect(host.put("/environments/inward", RecordingHost.fullEnvironmentBody().replace(
                "https://hooks.example.com/smoothdeploy?code=HOOKSECRET", "https://169.254.169.254/metadata")), 422);

        // A deployment that goes live, started twice with one idempotency key, naming its commit and pipeline run.
        String start = RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", "pipeline-run-1", "release/3f2a9c1",
                PIPELINE_RUN);
        completedId = RecordingHost.json(expect(host.post("/deployments", start), 202)).get("id").asText();
        expect(host.post("/deployments", start), 202);
        expect(host.get("/environments/prod"), 200);
        expect(host.put("/environments/prod", RecordingHost.environmentBody(true, true)), 409);
        expect(host.post("/deployments", RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", "other-run")), 409);
        expect(host.post("/deployments/plan", RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", "other-run")),
                409);
        expect(host.post("/deployments/plan", start), 200);
        expect(host.post("/deployments/" + completedId + "/complete", null), 409);
        expect(host.get("/deployments/" + completedId), 200);
        expect(host.get("/deployments/" + completedId + "/timeline"), 200);
        expect(host.get("/deployments/" + completedId + "/diagnosis"), 200);
        host.runQueues();
        expect(host.get("/deployments/" + completedId), 200);
        expect(host.get("/deployments/" + completedId + "/log"), 200);
        expect(host.post("/deployments/" + completedId + "/complete", "{}"), 202);
        host.runQueues();
        expect(host.get("/deployments/" + completedId), 200);
        expect(host.post("/deployments/" + completedId + "/reset", null), 409);
        // Live with its rollback window open: rolled back, then refused a second time with the reason.
        expect(host.post("/deployments/" + completedId + "/rollback", "{\"force\":true}"), 400);
        expect(host.post("/deployments/" + completedId + "/rollback", null), 202);
        host.runQueues();
        expect(host.get("/deployments/" + completedId), 200);
        expect(host.post("/deployments/" + completedId + "/rollback", "{}"), 409);
        expect(host.post("/deployments/" + UNKNOWN_ID + "/rollback", null), 404);
        expect(host.get("/deployments/" + completedId + "/diagnosis"), 200);
        expect(host.get("/deployments/" + completedId + "/timeline"), 200);
        expect(host.get("/deployments/" + completedId + "/support-bundle"), 200);

        // A deployment that fails, then is reset with a database rollback.
        host.cloud.failNext("deployPackage", "cms-prod/staging", 1, new CloudException("Conflict", "busy", false));
        failedId = RecordingHost.json(expect(host.post("/deployments",
                RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null)), 202)).get("id").asText();
        host.runQueues();
        expect(host.get("/deployments/" + failedId), 200);
        expect(host.get("/deployments/" + failedId + "/log"), 200);
        JsonNode firstLogPage = RecordingHost.json(expect(host.get("/deployments/" + failedId + "/log?limit=2"), 200));
        expect(host.get("/deployments/" + failedId + "/log?limit=2&since=" + firstLogPage.get("next").asText()), 200);
        expect(host.get("/deployments/" + failedId + "/log?since=yesterday&limit=0"), 400);
        expect(host.get("/deployments/" + failedId + "/diagnosis"), 200);
        expect(host.get("/deployments/" + failedId + "/timeline"), 200);
        expect(host.get("/deployments/" + failedId + "/support-bundle"), 200);
        expect(host.send("DELETE", "/environments/prod", null), 409); // environment-in-maintenance
        expect(host.post("/deployments/plan", RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null)), 200);
        expect(host.post("/deployments/" + failedId + "/reset", "{\"rollbackDatabase\":true}"), 202);
        host.runQueues();
        expect(host.get("/deployments/" + failedId), 200);
        expect(host.get("/deployments/" + failedId + "/diagnosis"), 200);
        expect(host.get("/environments/prod"), 200);
        expect(host.get("/environments"), 200);
        // The history, a page of one at a time, then filtered by status.
        JsonNode firstPage = RecordingHost.json(expect(host.get("/environments/prod/deployments?limit=1"), 200));
        String token = firstPage.path("continuationToken").asText();
        expect(host.get("/environments/prod/deployments?limit=1&continuationToken=" + token), 200);
        expect(host.get("/environments/prod/deployments?status=Succeeded"), 200);
        expect(host.get("/environments/prod/deployments?status=Succeeded&continuationToken=" + token), 400);
        expect(host.get("/environments/prod/deployments?limit=500&status=Done"), 400);
        expect(host.get("/environments/nowhere/deployments"), 404);
        expect(host.send("GET", "/environments/prod/deployments", null,
                Map.of("X-MS-CLIENT-PRINCIPAL-NAME", "ceo@example.com")), 401);

        // A ReadWrite deployment that fails and is resumed; writes reach its temporary database, so going live
        // is refused until someone accepts losing them.
        host.cloud.failNext("deployPackage", "cms-prod/staging", 1, new CloudException("Conflict", "busy", false));
        String brokenId = RecordingHost.json(expect(host.post("/deployments",
                RecordingHost.startBody("prod", NEW_PACKAGE, "ReadWrite", null)), 202)).get("id").asText();
        host.runQueues();
        expect(host.get("/deployments/" + brokenId), 200);
        resumedId = RecordingHost.json(expect(host.post("/deployments",
                RecordingHost.startBody("prod", NEW_PACKAGE, "ReadWrite", null, "3f2a9c1", null)), 202)).get("id").asText();
        expect(host.post("/deployments/" + brokenId + "/reset", null), 409);
        host.runQueues();
        JsonNode awaiting = RecordingHost.json(expect(host.get("/deployments/" + resumedId), 200));
        host.cloud.setWrites(new DatabaseRef(RecordingHost.SQL_SERVER,
                awaiting.path("temporaryDatabase").path("name").asText()), 12);
        // a poll shows the count the timer last stored
        host.runTimer();
        expect(host.get("/deployments/" + resumedId), 200);
        expect(host.get("/deployments/" + resumedId + "/support-bundle"), 200);
        expect(host.post("/deployments/" + resumedId + "/complete", "{}"), 409);
        expect(host.post("/deployments/" + resumedId + "/complete",
                "{\"acceptDataLoss\":true,\"acceptedBy\":\"Jane Doe <jane@example.com>\"}"), 202);
        host.runQueues();
        expect(host.get("/deployments/" + resumedId), 200);
        expect(host.get("/deployments/" + resumedId + "/timeline"), 200);

        // A deployment cancelled while it runs (asked twice, as a pipeline that lost the first answer would).
        String cancelledId = RecordingHost.json(expect(host.post("/deployments",
                RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null)), 202)).get("id").asText();
        expect(host.get("/deployments/" + cancelledId), 200);
        expect(host.post("/deployments/" + cancelledId + "/cancel", "{\"reason\":\"wrong release\"}"), 202);
        expect(host.post("/deployments/" + cancelledId + "/cancel", null), 202);
        host.runQueues();
        expect(host.get("/deployments/" + cancelledId), 200);
        expect(host.get("/deployments/" + cancelledId + "/timeline"), 200);
        expect(host.post("/deployments/" + completedId + "/cancel", "{\"rollbackDatabase\":true}"), 409);
        expect(host.post("/deployments/" + cancelledId + "/cancel", "{\"rollbackDatabase\":\"yes\"}"), 400);
        expect(host.post("/deployments/" + UNKNOWN_ID + "/cancel", null), 404);

        // A two-phase reset cancelled back to verification, then reset; one of a failed run, which cannot be cancelled.
        String twoPhaseId = RecordingHost.json(expect(host.post("/deployments",
                RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null)), 202)).get("id").asText();
        host.runQueues();
        expect(host.post("/deployments/" + twoPhaseId + "/cancel", null), 409); // action-not-allowed
        expect(host.post("/deployments/" + twoPhaseId + "/reset", "{\"validateBeforeSwap\":true}"), 202);
        host.runQueues();
        expect(host.get("/deployments/" + twoPhaseId), 200);
        expect(host.post("/deployments/" + twoPhaseId + "/cancel", "{}"), 202);
        expect(host.post("/deployments/" + twoPhaseId + "/reset", null), 202);
        host.runQueues();
        host.cloud.failNext("deployPackage", "cms-prod/staging", 1, new CloudException("Conflict", "busy", false));
        String failedTwoPhaseId = RecordingHost.json(expect(host.post("/deployments",
                RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null)), 202)).get("id").asText();
        host.runQueues();
        expect(host.post("/deployments/" + failedTwoPhaseId + "/reset", "{\"validateBeforeSwap\":true}"), 202);
        host.runQueues();
        expect(host.post("/deployments/" + failedTwoPhaseId + "/cancel", null), 409); // reset-not-cancellable
        expect(host.post("/deployments/" + failedTwoPhaseId + "/complete", null), 202);
        host.runQueues();
        expect(host.get("/deployments/" + failedTwoPhaseId), 200);

        // Bad requests.
        String env = RecordingHost.environmentBody(true, true);
        expect(host.put("/environments/Prod", env), 400);
        expect(host.put("/environments/other", "{\"webApps\": ["), 400);
        expect(host.put("/environments/other", env.replace("\"databaseModeSetting\"", "\"databaseMode\"")
                .replace("ZeroDowntime", "Blue")), 400);
        expect(host.put("/environments/other", env.replace("\"limitMinutes\":720", "\"onPass\":\"Complete\",\"onFail\":\"Later\"")
                .replace("\"expectedStatus\":204", "\"expectedStatus\":700")), 400);
        expect(host.put("/environments/other", "{\"webApps\":[],\"pad\":\"" + "x".repeat(300_000) + "\"}"), 413);
        expect(host.get("/environments/nowhere"), 404);
        expect(host.post("/deployments", RecordingHost.startBody("nowhere", NEW_PACKAGE, "ReadOnly", null)), 404);
        expect(host.post("/deployments/plan", RecordingHost.startBody("nowhere", NEW_PACKAGE, "ReadOnly", null)), 404);
        expect(host.post("/deployments/plan", RecordingHost.startBody("prod", NEW_PACKAGE, "Quick", null)), 400);
        expect(host.post("/deployments/plan", "{\"environment\":\"" + "a".repeat(300_000) + "\"}"), 413);
        expect(host.post("/deployments", RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null)
                .replace(SHA.toUpperCase(Locale.ROOT), "abc123")), 400);
        expect(host.post("/deployments", RecordingHost.startBody("prod", NEW_PACKAGE, "Quick", null)), 400);
        expect(host.post("/deployments", RecordingHost.startBody("prod", "http://packages.example.com/cms.zip",
                "ReadOnly", null)), 400);
        expect(host.post("/deployments", RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null, "a b",
                "http://ci.example.com/run/1")), 400);
        expect(host.post("/deployments", "{\"environment\":\"" + "a".repeat(300_000) + "\"}"), 413);
        expect(host.get("/deployments/D%20X"), 400);
        expect(host.get("/deployments/D%20X/diagnosis"), 400);
        expect(host.get("/deployments/D%20X/timeline"), 400);
        expect(host.get("/deployments/D%20X/support-bundle"), 400);
        expect(host.get("/deployments/" + UNKNOWN_ID), 404);
        expect(host.get("/deployments/" + UNKNOWN_ID + "/log"), 404);
        expect(host.get("/deployments/" + UNKNOWN_ID + "/diagnosis"), 404);
        expect(host.get("/deployments/" + UNKNOWN_ID + "/timeline"), 404);
        expect(host.get("/deployments/" + UNKNOWN_ID + "/support-bundle"), 404);
        expect(host.post("/deployments/" + UNKNOWN_ID + "/complete", null), 404);
        expect(host.post("/deployments/" + UNKNOWN_ID + "/reset", null), 404);
        expect(host.post("/deployments/" + completedId + "/complete", "{\"force\":true}"), 400);
        expect(host.post("/deployments/" + completedId + "/complete", "{\"acceptDataLoss\":\"yes\",\"acceptedBy\":\"\"}"), 400);

        // Who may: a principal header the local host does not trust (401), and an environment whose approvers
        // do not name the local user (403).
        expect(host.send("GET", "/deployments/" + completedId, null,
                Map.of("X-MS-CLIENT-PRINCIPAL-NAME", "ceo@example.com")), 401);
        expect(host.send("GET", "/environments", null, Map.of("X-MS-CLIENT-PRINCIPAL-NAME", "ceo@example.com")), 401);
        expect(host.put("/environments/prod", RecordingHost.environmentBody(true, true).replaceFirst("\\}$",
                ",\"approvers\":[\"6a3c2f0e-8b1d-4c4e-a7f2-91d0b5e3c8aa\"]}")), 200);
        // (a deployment is decided on the configuration it started with, which cannot change while it holds the
        // environment, so the approvers rule applies to one started after it)
        String gatedId = RecordingHost.json(expect(host.post("/deployments", RecordingHost.startBody("prod", NEW_PACKAGE,
                "ReadOnly", null)), 202)).get("id").asText();
        host.runQueues();
        expect(host.post("/deployments/" + gatedId + "/complete", null), 403);
        expect(host.send("DELETE", "/environments/prod", null), 409); // environment-busy
        expect(host.send("DELETE", "/environments/Prod", null), 400);
        expect(host.send("DELETE", "/environments/hooked", null, Map.of("X-MS-CLIENT-PRINCIPAL-NAME", "ceo@example.com")),
                401);
        expect(host.send("DELETE", "/environments/hooked", null), 204);
        expect(host.send("DELETE", "/environments/hooked", null), 404);
        expect(host.post("/deployments/" + failedId + "/reset", "{\"rollbackDatabase\":\"yes\"}"), 400);
        expect(host.sendAs("PUT", "/environments/other", "text/plain", env), 415);
        expect(host.put("/environments/other", env), 409); // prod's sites: resource-in-another-environment
        expect(host.sendAs("POST", "/deployments", null, RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly", null)), 415);
        expect(host.sendAs("POST", "/deployments/plan", null, RecordingHost.startBody("prod", NEW_PACKAGE, "ReadOnly",
                null)), 415);
        expect(host.sendAs("POST", "/deployments/" + completedId + "/complete", "application/x-www-form-urlencoded",
                "{}"), 415);
        expect(host.sendAs("POST", "/deployments/" + failedId + "/reset", "application/json; charset=iso-8859-1",
                "{\"rollbackDatabase\":true}"), 415);

        // A package per web app, on sites of its own: cms gets its own package, the scheduler keeps production's
        // (kept, named by the first stage)
        host.cloud.addSite(RecordingHost.CMS.replace("cms-prod", "cms-perapp"), RecordingHost.OLD_PACKAGE,
                Map.of("EPiServerDB", io.smoothdeploy.testing.SampleCloud.CONNECTION.replace("Initial Catalog=cmsdb;",
                        "Initial Catalog=cmsdb-perapp;")));
        host.cloud.addSite(RecordingHost.SCHEDULER.replace("scheduler-prod", "scheduler-perapp"),
                io.smoothdeploy.testing.SampleCloud.SCHEDULER_PACKAGE, Map.of());
        host.cloud.addDatabase(new DatabaseRef(RecordingHost.SQL_SERVER, "cmsdb-perapp"));
        host.cloud.bindCustomDomain(RecordingHost.CMS.replace("cms-prod", "cms-perapp"), "www.perapp.example.com");
        expect(host.put("/environments/perapp", RecordingHost.onOwnResources(RecordingHost.environmentBody(true, true),
                "perapp").replace("www.example.com", "www.perapp.example.com")), 201);
        String perWebApp = "{\"environment\":\"perapp\",\"mode\":\"ReadOnly\",\"packages\":{\"cms\":{\"uri\":\""
                + NEW_PACKAGE + "\",\"sha256\":\"" + SHA + "\"}}}";
        expect(host.post("/deployments/plan", perWebApp), 200);
        String perWebAppId = RecordingHost.json(expect(host.post("/deployments", perWebApp), 202)).get("id").asText();
        host.runQueues();
        JsonNode perWebAppStatus = RecordingHost.json(expect(host.get("/deployments/" + perWebAppId), 200));
        assertTrue(perWebAppStatus.get("packages").get("scheduler").get("kept").asBoolean(), perWebAppStatus.toString());
        expect(host.get("/deployments/" + perWebAppId + "/timeline"), 200);
        expect(host.get("/deployments/" + perWebAppId + "/support-bundle"), 200);
    }

    @AfterAll
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    // ------------------------------------------------------------------ the document itself

    @Test
    void documentIsJsonDeclaringOpenApi31WithTheApiPrefixAndEntraIdSignIn() {
        assertTrue(doc.path("openapi").asText().matches("3\\.1\\.\\d+"), "openapi: " + doc.path("openapi"));
        assertEquals("/api", doc.path("servers").path(0).path("url").asText());
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertEquals(List.of("entraId"), List.copyOf(iterable(schemes.fieldNames())), "no function key: " + schemes);
        assertEquals("http", schemes.path("entraId").path("type").asText());
        assertEquals("bearer", schemes.path("entraId").path("scheme").asText());
        assertEquals(1, doc.path("security").size(), "a signed-in caller: " + doc.path("security"));
        assertTrue(doc.path("security").path(0).has("entraId"));
    }

    @Test
    void noObjectOfTheDocumentRepeatsAKey() {
        // A repeated key is valid to most parsers, which keep the last value: a merge that left two descriptions
        // on one operation silently dropped the first. Strict parsing refuses it, and refuses it here too.
        String repeated = "{\"paths\":{\"/x\":{\"get\":{\"description\":\"a\",\"description\":\"b\"}}}}";
        assertTrue(OpenApiChecks.repeatedKey(repeated).isPresent(), "the check finds a repeated key");
        assertEquals(java.util.Optional.empty(), OpenApiChecks.repeatedKey(OpenApiDocument.json()));
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
        List<T> all = new java.util.ArrayList<>();
        iterator.forEachRemaining(all::add);
        return all;
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

        assertEquals(Set.of("PUT /environments/{name}", "GET /environments/{name}", "GET /environments",
                        "DELETE /environments/{name}",
                        "GET /environments/{name}/deployments",
                        "POST /deployments",
                        "POST /deployments/plan",
                        "GET /deployments/{id}", "GET /deployments/{id}/log", "GET /deployments/{id}/diagnosis",
                        "GET /deployments/{id}/timeline", "GET /deployments/{id}/support-bundle",
                        "POST /deployments/{id}/complete", "POST /deployments/{id}/reset",
                        "POST /deployments/{id}/cancel", "POST /deployments/{id}/rollback", "GET /openapi.json",
                        "GET /me"),
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
        assertEquals(Set.of(200, 201, 202, 204, 400, 401, 403, 404, 409, 413, 415, 422), statuses);
        assertTrue(host.exchanges.stream().anyMatch(e -> e.body().contains("\"errors\":[{\"kind\"")),
                "a failed deployment's errors were recorded");
        assertTrue(host.exchanges.stream().anyMatch(e -> e.body().contains("\"runningDeploymentId\"")));
        assertTrue(host.exchanges.stream().anyMatch(e -> e.body().contains("\"allowedActions\":[]")
                && e.mediaType().equals("application/problem+json")));
        for (String shown : List.of(
                "\"stage\":\"VERIFY_PACKAGE\"", "\"verifiedAt\":\"", "\"commitId\":\"release/3f2a9c1\"",
                "\"pipelineRunUrl\":\"https://dev.azure.com/contoso/cms/_build/results?buildId=42&token=<redacted>\"",
                "\"webhookUrl\":\"https://hooks.example.com/smoothdeploy?<redacted>\"",
                "\"allowedHosts\":[\"hooks.example.com\",\"*.blob.core.windows.net\"]",
                "\"field\":\"webhookUrl\"",
                "\"onPass\":\"Complete\"", "\"bodyContains\":\"Healthy\"", "\"passed\":true", "\"passed\":false",
                "\"writesSinceClone\":0", "\"writesSinceClone\":12", "\"writesCountedAt\":\"", "\"writesToTemporaryDatabase\":12",
                "urn:smoothdeploy:problem:data-loss", "urn:smoothdeploy:problem:superseded",
                "urn:smoothdeploy:problem:rollback-not-available", "\"rollbackAvailableUntil\":\"",
                "\"status\":\"RolledBack\"", "\"rollbackReason\":\"asked by", "\"afterComplete\":{",
                "\"diagnosis\":null", "\"diagnosis\":{\"cause\":", "\"outcome\":\"Running\"",
                "\"outcome\":\"Failed\"", "\"outcome\":\"Succeeded\"", "\"earlierRuns\":[{\"id\":",
                "\"resumedFrom\":\"d", "urn:smoothdeploy:problem:redacted-value",
                "urn:smoothdeploy:problem:environment-in-maintenance", "\"webAppsInMaintenance\":[\"cms\"")) {
            assertTrue(host.exchanges.stream().anyMatch(e -> e.body().contains(shown)), "recorded: " + shown);
        }
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
    void thePortalsFilesAreServedButAreNotAnOperationOfTheDocument() {
        // The portal serves fixed HTML, CSS and JavaScript, not JSON: it is left out of the document on purpose.
        List<String> paths = new ArrayList<>();
        doc.path("paths").fieldNames().forEachRemaining(paths::add);
        assertTrue(paths.stream().noneMatch(path -> path.startsWith("/portal")), "a /portal path in the document: " + paths);
        // What is left out is a real function (an exclusion of a name that no longer exists would hide nothing).
        for (String name : OpenApiChecks.NOT_API) {
            assertTrue(java.util.Arrays.stream(io.smoothdeploy.functions.HttpApiFunctions.class.getMethods())
                    .map(m -> m.getAnnotation(com.microsoft.azure.functions.annotation.FunctionName.class))
                    .anyMatch(n -> n != null && n.value().equals(name)), name + " is an HTTP function");
        }
        assertTrue(OpenApiChecks.httpFunctions().stream().noneMatch(f -> OpenApiChecks.NOT_API.contains(f.name())));
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
                new String[] {"POST", "/deployments", "{\"environment\":\"prod\",\"mode\":\"ReadOnly\",\"packages\":"
                        + "{\"cms\":{\"uri\":\"https://p.example.com/a.zip\",\"sha256\":\"abc\"}}}", "sha256"},
                new String[] {"POST", "/deployments", "{\"environment\":\"prod\",\"mode\":\"ReadOnly\",\"packages\":"
                        + "{\"cms\":{\"url\":\"https://p.example.com/a.zip\",\"sha256\":\"" + SHA + "\"}}}", "url"},
                new String[] {"PUT", "/environments/{name}", env.replace("\"transientRetryLimit\":3",
                        "\"transientRetryLimit\":21"), "$.transientRetryLimit"},
                new String[] {"PUT", "/environments/{name}", env.replace("\"transientRetryLimit\":3",
                        "\"webhookUrl\":\"http://hooks.example.com/x\""), "$.webhookUrl"},
                new String[] {"PUT", "/environments/{name}", env.replace("\"action\":\"Nothing\"",
                        "\"webhookUrl\":\"https://hooks.example.com/x\""), "webhookUrl"},
                new String[] {"PUT", "/environments/{name}", env.replace("\"action\":\"Nothing\"",
                        "\"verificationLimitMinutes\":60"), "verificationLimitMinutes"},
                new String[] {"PUT", "/environments/{name}", env.replace("\"limitMinutes\":720", "\"limitMinutes\":1"),
                        "$.verification.limitMinutes"},
                new String[] {"PUT", "/environments/{name}", env.replace("\"limitMinutes\":720", "\"onPass\":\"Later\""),
                        "Later"},
                new String[] {"PUT", "/environments/{name}", env.replace("\"expectedStatus\":204", "\"expectedStatus\":700"),
                        "$.verification.smokeChecks[2].expectedStatus"},
                new String[] {"PUT", "/environments/{name}", env.replace("\"/ping\"", "\"/../admin\""),
                        "$.verification.smokeChecks[2].path"},
                new String[] {"PUT", "/environments/{name}", env.replace("\"Healthy\"", "\"\""),
                        "$.verification.smokeChecks[1].bodyContains"},
                new String[] {"PUT", "/environments/{name}", env.replace(RecordingHost.SMOKE_CHECKS, "")
                        .replace("\"limitMinutes\":720", "\"onFail\":\"Reset\""), "anyOf"},
                new String[] {"POST", "/deployments", start.replace("}", ",\"commitId\":\"a b\"}"), "$.commitId"},
                new String[] {"POST", "/deployments", start.replace("}", ",\"pipelineRunUrl\":\"http://ci.example.com/1\"}"),
                        "$.pipelineRunUrl"},
                new String[] {"POST", "/deployments/{id}/complete", "{\"force\":true}", "force"},
                new String[] {"POST", "/deployments/{id}/complete", "{\"acceptDataLoss\":\"yes\"}", "$.acceptDataLoss"},
                new String[] {"POST", "/deployments/{id}/complete", "{\"acceptedBy\":\"\"}", "$.acceptedBy"},
                new String[] {"POST", "/deployments/{id}/reset", "{\"rollbackDatabase\":\"yes\"}", "rollbackDatabase"},
                new String[] {"POST", "/deployments/{id}/cancel", "{\"rollbackDatabase\":\"yes\"}", "rollbackDatabase"},
                new String[] {"POST", "/deployments/{id}/cancel", "{\"reason\":\"\"}", "$.reason"},
                new String[] {"POST", "/deployments/{id}/cancel", "{\"why\":\"x\"}", "why"});
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
        paths.set("/deployments/{id}/pause", paths.get("/deployments/{id}/complete").deepCopy());
        ((ObjectNode) paths.get("/openapi.json").get("get")).remove("security");

        List<String> problems = OpenApiChecks.routeMismatches(broken, OpenApiChecks.httpFunctions());

        assertEquals(List.of(
                "GET /deployments/{id}/log is served by function GetDeploymentLog but is not in the OpenAPI document",
                "GET /openapi.json: it needs a signed-in caller but does not document 401, 403 and x-required-role",
                "POST /deployments/{id}/pause is in the OpenAPI document but no function serves it"), problems);
    }

    @Test
    void routeCheckNamesAFunctionWhoseAuthLevelTheDocumentGetsWrong() {
        List<OpenApiChecks.HttpFunction> functions = new ArrayList<>(OpenApiChecks.httpFunctions());
        functions.replaceAll(f -> f.name().equals("GetDeployment")
                ? new OpenApiChecks.HttpFunction(f.name(), f.method(), f.path(), AuthorizationLevel.FUNCTION) : f);
        ObjectNode keyed = doc.deepCopy();
        ((ObjectNode) keyed.at("/paths/~1deployments~1{id}~1timeline/get")).putArray("security").addObject()
                .putArray("functionKey");

        assertEquals(List.of("GET /deployments/{id}: the function needs a key (FUNCTION) but the document asks for an "
                        + "Entra ID token"), OpenApiChecks.routeMismatches(doc, functions));
        assertEquals(List.of("GET /deployments/{id}/timeline: the function is ANONYMOUS but the document asks for a "
                        + "key"), OpenApiChecks.routeMismatches(keyed, OpenApiChecks.httpFunctions()));
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

    @Test
    void aStageOrCauseLeftOutOfItsEnumFailsTheRecordedAnswersNamingIt() {
        OpenApiChecks.Exchange started = recorded("POST", "/deployments", 202);
        OpenApiChecks.Exchange diagnosis = recorded("GET", "/deployments/" + failedId + "/diagnosis", 200);
        String cause = RecordingHost.json(diagnosis).path("diagnosis").path("cause").asText();
        ObjectNode broken = doc.deepCopy();
        removeFromEnum((ArrayNode) broken.at("/components/schemas/Stage/enum"), "VERIFY_PACKAGE");
        removeFromEnum((ArrayNode) broken.at("/components/schemas/Diagnosis/properties/cause/enum"), cause);

        assertEquals(List.of(), OpenApiChecks.checkResponse(doc, started), "the real document passes");
        assertEquals(List.of(), OpenApiChecks.checkResponse(doc, diagnosis), "the real document passes");
        assertTrue(OpenApiChecks.checkResponse(broken, started).contains(started + ": $.stage: \"VERIFY_PACKAGE\" is not "
                + "one of " + broken.at("/components/schemas/Stage/enum")), OpenApiChecks.checkResponse(broken, started)
                .toString());
        assertTrue(OpenApiChecks.checkResponse(broken, diagnosis).stream().anyMatch(p -> p.contains("$.diagnosis.cause: \""
                + cause + "\" is not one of")), OpenApiChecks.checkResponse(broken, diagnosis).toString());
    }

    @Test
    void theDataLossProblemNeedsItsOwnSchemaAndItsMembersDocumented() {
        OpenApiChecks.Exchange dataLoss = recorded("POST", "/deployments/" + resumedId + "/complete", 409);
        ObjectNode withoutMembers = doc.deepCopy();
        ((ObjectNode) withoutMembers.at("/components/schemas/Problem/properties")).remove("writesToTemporaryDatabase");
        ObjectNode withoutBranch = doc.deepCopy();
        ArrayNode branches = (ArrayNode) withoutBranch.at(
                "/components/responses/CompleteRefused/content/application~1problem+json/schema/oneOf");
        for (int i = branches.size() - 1; i >= 0; i--) {
            if (branches.get(i).path("$ref").asText().endsWith("/DataLossProblem")) {
                branches.remove(i);
            }
        }

        assertEquals(List.of(), OpenApiChecks.checkResponse(doc, dataLoss), "the real document passes");
        assertTrue(OpenApiChecks.checkResponse(withoutMembers, dataLoss).stream().anyMatch(p ->
                p.contains("property 'writesToTemporaryDatabase' is not allowed")),
                OpenApiChecks.checkResponse(withoutMembers, dataLoss).toString());
        assertTrue(OpenApiChecks.checkResponse(withoutBranch, dataLoss).stream().anyMatch(p ->
                p.startsWith(dataLoss + ": $: matches none of oneOf")),
                OpenApiChecks.checkResponse(withoutBranch, dataLoss).toString());
    }

    @Test
    void aDiagnosisAnswerMustHaveItsDetailExactlyWhenThereIsNoDiagnosis() {
        OpenApiChecks.Exchange none = recorded("GET", "/deployments/" + completedId + "/diagnosis", 200);
        OpenApiChecks.Exchange failed = recorded("GET", "/deployments/" + failedId + "/diagnosis", 200);
        ObjectNode noneWithoutDetail = (ObjectNode) RecordingHost.json(none);
        noneWithoutDetail.remove("detail");
        ObjectNode failedWithDetail = (ObjectNode) RecordingHost.json(failed);
        failedWithDetail.put("detail", "nothing to diagnose");

        assertEquals(List.of(), OpenApiChecks.checkResponse(doc, none), "the real document passes");
        assertEquals(List.of(), OpenApiChecks.checkResponse(doc, failed), "the real document passes");
        assertTrue(OpenApiChecks.checkResponse(doc, withBody(none, noneWithoutDetail)).stream().anyMatch(p ->
                p.contains("matches none of oneOf") && p.contains("required property 'detail' is missing")));
        assertTrue(OpenApiChecks.checkResponse(doc, withBody(failed, failedWithDetail)).stream().anyMatch(p ->
                p.contains("matches none of oneOf")));
    }

    @Test
    void aSupportBundleWithoutItsAttachmentHeaderOrWithAnUndocumentedMemberFails() {
        OpenApiChecks.Exchange bundle = recorded("GET", "/deployments/" + failedId + "/support-bundle", 200);
        Map<String, String> headers = new LinkedHashMap<>(bundle.headers());
        headers.keySet().removeIf(name -> name.equalsIgnoreCase("Content-Disposition"));
        OpenApiChecks.Exchange withoutHeader = new OpenApiChecks.Exchange(bundle.method(), bundle.path(),
                bundle.requestBody(), bundle.status(), headers, bundle.body());
        ObjectNode leaky = (ObjectNode) RecordingHost.json(bundle);
        ((ObjectNode) leaky.get("timeline").get("steps").get(0)).put("connectionString", "Server=tcp:cms-sql");

        assertEquals(List.of(), OpenApiChecks.checkResponse(doc, bundle), "the real document passes");
        assertTrue(bundle.header("Content-Disposition").startsWith("attachment; "), bundle.headers().toString());
        assertEquals(List.of(bundle + ": required header Content-Disposition is missing"),
                OpenApiChecks.checkResponse(doc, withoutHeader));
        assertEquals(List.of(bundle + ": $.timeline.steps[0]: property 'connectionString' is not allowed "
                + "(additionalProperties false)"), OpenApiChecks.checkResponse(doc, withBody(bundle, leaky)));
    }

    private static OpenApiChecks.Exchange withBody(OpenApiChecks.Exchange exchange, JsonNode body) {
        return new OpenApiChecks.Exchange(exchange.method(), exchange.path(), exchange.requestBody(), exchange.status(),
                exchange.headers(), body.toString());
    }

    private static void removeFromEnum(ArrayNode values, String value) {
        for (int i = values.size() - 1; i >= 0; i--) {
            if (values.get(i).asText().equals(value)) {
                values.remove(i);
            }
        }
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
