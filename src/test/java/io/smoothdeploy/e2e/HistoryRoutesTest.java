package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.state.TableDeploymentStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The history routes through the local host: the list of environments, a deployment history, deleting one. */
class HistoryRoutesTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void listsEachEnvironmentByNameWithItsLastDeploymentsStatusAndTheWebAppsInMaintenance() {
        // Arrange: one environment awaiting verification (its web apps in maintenance), one never deployed
        String id = host.registerAndStart("hist-a", true);
        host.runQueues();
        assertEquals(201, host.put("/environments/hist-b", host.environmentOnOwnSite(1)).status());

        // Act
        ApiClient.Response answer = host.get("/environments");

        // Assert
        assertEquals(200, answer.status(), answer.toString());
        List<String> names = new ArrayList<>();
        answer.json().get("environments").forEach(e -> names.add(e.get("name").asText()));
        assertEquals(List.of("hist-a", "hist-b"), names.stream().filter(n -> n.startsWith("hist-")).toList());
        JsonNode a = find(answer.json(), "hist-a");
        assertEquals(id, a.get("currentDeploymentId").asText());
        assertEquals(id, a.get("lastDeployment").get("id").asText());
        assertEquals("AwaitingVerification", a.get("lastDeployment").get("status").asText());
        assertTrue(a.get("inMaintenance").asBoolean(), a.toString());
        assertEquals("[\"cms\",\"scheduler\"]", a.get("webAppsInMaintenance").toString());
        JsonNode b = find(answer.json(), "hist-b");
        assertTrue(b.get("currentDeploymentId").isNull(), b.toString());
        assertTrue(b.get("lastDeployment").isNull(), b.toString());
        assertEquals(false, b.get("inMaintenance").asBoolean());
        assertEquals(0, b.get("webAppsInMaintenance").size());
    }

    @Test
    void afterCompleteTheEnvironmentIsListedWithNothingInMaintenance() {
        // Arrange
        String id = host.registerAndStart("hist-done", false);
        host.runQueues();
        assertEquals(202, host.post("/deployments/" + id + "/complete", "{}").status());
        host.runQueues();

        // Act
        JsonNode listed = find(host.get("/environments").json(), "hist-done");

        // Assert
        assertEquals("Succeeded", listed.get("lastDeployment").get("status").asText(), listed.toString());
        assertTrue(listed.get("currentDeploymentId").isNull(), listed.toString());
        assertEquals(false, listed.get("inMaintenance").asBoolean(), listed.toString());
    }

    @Test
    void pagesAcross120DeploymentsNewestFirstWithNoDuplicateAndNoGapAlsoFilteredByStatus() {
        // Arrange: 120 finished deployments of one environment, a minute apart (two started in the same millisecond)
        assertEquals(201, host.put("/environments/hist-many", host.environmentOnOwnSite(2)).status());
        List<Deployment> seeded = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            DeploymentStatus status = List.of(DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED,
                    DeploymentStatus.RESET).get(i % 3);
            seeded.add(seed("hist-many", i, i == 51 ? 50 : i, status));
        }
        List<String> newestFirst = ids(seeded.stream().sorted(NEWEST_FIRST).toList());
        List<String> failedNewestFirst = ids(seeded.stream().filter(d -> d.status() == DeploymentStatus.FAILED)
                .sorted(NEWEST_FIRST).toList());

        // Act: pages of 7 (the last one short); a deployment started after the first page is read
        List<String> paged = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String token = null;
        do {
            ApiClient.Response page = host.get("/environments/hist-many/deployments?limit=7"
                    + (token == null ? "" : "&continuationToken=" + token));
            assertEquals(200, page.status(), page.toString());
            page.json().get("deployments").forEach(d -> paged.add(d.get("id").asText()));
            sizes.add(page.json().get("deployments").size());
            token = page.json().get("continuationToken").isNull() ? null : page.json().get("continuationToken").asText();
            if (sizes.size() == 1) {
                seed("hist-many", 500, 500, DeploymentStatus.SUCCEEDED);
            }
        } while (token != null);
        List<String> failed = new ArrayList<>();
        token = null;
        do {
            ApiClient.Response page = host.get("/environments/hist-many/deployments?status=Failed&limit=9"
                    + (token == null ? "" : "&continuationToken=" + token));
            assertEquals(200, page.status(), page.toString());
            page.json().get("deployments").forEach(d -> {
                assertEquals("Failed", d.get("status").asText(), d.toString());
                failed.add(d.get("id").asText());
            });
            token = page.json().get("continuationToken").isNull() ? null : page.json().get("continuationToken").asText();
        } while (token != null);
        ApiClient.Response byDefault = host.get("/environments/hist-many/deployments");
        ApiClient.Response most = host.get("/environments/hist-many/deployments?limit=100");

        // Assert
        assertEquals(newestFirst, paged, "every deployment once, newest first, none added by the later start");
        assertEquals(120, new HashSet<>(paged).size());
        assertEquals(18, sizes.size(), "17 full pages and a short one: " + sizes);
        assertEquals(1, sizes.get(sizes.size() - 1));
        assertEquals(failedNewestFirst, failed);
        assertEquals(40, failed.size());
        assertEquals(20, byDefault.json().get("deployments").size(), byDefault.toString());
        assertEquals(seed(500).id(), byDefault.json().get("deployments").get(0).get("id").asText(),
                "a new deployment heads the first page");
        assertEquals(100, most.json().get("deployments").size());
        JsonNode first = byDefault.json().get("deployments").get(1);
        assertEquals(newestFirst.get(0), first.get("id").asText());
        assertEquals("ReadOnly", first.get("mode").asText());
        assertEquals(seeded.get(119).createdAt().toString(), first.get("createdAt").asText());
    }

    @Test
    void aBadLimitStatusOrTokenIsRefusedWith400NamingItAndAnUnknownEnvironmentWith404() {
        // Arrange
        assertEquals(201, host.put("/environments/hist-bad", host.environmentOnOwnSite(3)).status());
        for (int i = 0; i < 3; i++) {
            seed("hist-bad", i, i, DeploymentStatus.FAILED);
        }
        String failedToken = host.get("/environments/hist-bad/deployments?status=Failed&limit=1").json()
                .get("continuationToken").asText();

        // Act
        ApiClient.Response tooMany = host.get("/environments/hist-bad/deployments?limit=101");
        ApiClient.Response zero = host.get("/environments/hist-bad/deployments?limit=0");
        ApiClient.Response words = host.get("/environments/hist-bad/deployments?limit=ten");
        ApiClient.Response status = host.get("/environments/hist-bad/deployments?status=failed");
        ApiClient.Response garbage = host.get("/environments/hist-bad/deployments?continuationToken=bm90LWpzb24");
        ApiClient.Response otherFilter = host.get("/environments/hist-bad/deployments?continuationToken=" + failedToken);
        ApiClient.Response otherEnvironment = host.get("/environments/hist-many/deployments?status=Failed"
                + "&continuationToken=" + failedToken);
        ApiClient.Response sameFilter = host.get("/environments/hist-bad/deployments?status=Failed&continuationToken="
                + failedToken);
        ApiClient.Response unknown = host.get("/environments/nowhere/deployments");
        ApiClient.Response misspelt = host.get("/environments/hist-bad/deployments?Status=Succeeded");

        // Assert
        for (ApiClient.Response refused : List.of(tooMany, zero, words)) {
            assertProblem(refused, 400, "limit");
        }
        assertProblem(status, 400, "status");
        assertProblem(garbage, 400, "continuationToken");
        assertProblem(otherFilter, 400, "continuationToken");
        assertTrue(otherFilter.json().get("detail").asText().contains("no status filter"), otherFilter.toString());
        assertProblem(otherEnvironment, 400, "continuationToken");
        assertEquals(200, sameFilter.status(), sameFilter.toString());
        assertEquals(2, sameFilter.json().get("deployments").size());
        assertProblem(unknown, 404, "name");
        assertProblem(misspelt, 400, "Status");
    }

    @Test
    void theHistoryFollowsADeploymentsStatusAsItRuns() {
        // Arrange
        String id = host.registerAndStart("hist-live", false);
        host.runQueues();
        JsonNode awaiting = host.get("/environments/hist-live/deployments").json().get("deployments").get(0);

        // Act
        assertEquals(202, host.post("/deployments/" + id + "/complete", "{}").status());
        host.runQueues();
        JsonNode succeeded = host.get("/environments/hist-live/deployments?status=Succeeded").json();
        JsonNode stillAwaiting = host.get("/environments/hist-live/deployments?status=AwaitingVerification").json();

        // Assert
        assertEquals(id, awaiting.get("id").asText());
        assertEquals("AwaitingVerification", awaiting.get("status").asText(), awaiting.toString());
        assertEquals(1, succeeded.get("deployments").size(), succeeded.toString());
        assertEquals(id, succeeded.get("deployments").get(0).get("id").asText());
        assertTrue(Instant.parse(succeeded.get("deployments").get(0).get("updatedAt").asText())
                .isAfter(Instant.parse(awaiting.get("updatedAt").asText())), succeeded.toString());
        assertEquals(0, stillAwaiting.get("deployments").size(), stillAwaiting.toString());
    }

    @Test
    void deleteIsRefusedWhileADeploymentHoldsTheEnvironmentAndWritesNothing() {
        // Arrange
        String id = host.registerAndStart("hist-held", false);
        host.runQueues();
        int rows = host.rowsWritten();

        // Act
        ApiClient.Response refused = host.delete("/environments/hist-held");

        // Assert
        assertProblem(refused, 409, "environment");
        assertEquals("urn:smoothdeploy:problem:environment-busy", refused.json().get("type").asText());
        assertEquals(id, refused.json().get("runningDeploymentId").asText());
        assertEquals(rows, host.rowsWritten(), "a refused delete writes nothing");
        assertEquals(200, host.get("/environments/hist-held").status());
    }

    @Test
    void deleteIsRefusedWhileAWebAppIsInMaintenanceAndAllowedOnceItIsResetAndTheHistoryStays() {
        // Arrange: a run that failed deploying the slot, with cms left in maintenance
        host.cloud.failNext("deployPackage", "cms-prod/staging", 1,
                new io.smoothdeploy.engine.port.CloudException("Conflict", "busy", false));
        String id = host.registerAndStart("hist-maint", false);
        host.runQueues();
        assertEquals("Failed", host.get("/deployments/" + id).json().get("status").asText());
        int rows = host.rowsWritten();

        // Act
        ApiClient.Response refused = host.delete("/environments/hist-maint");
        int rowsAfterRefusal = host.rowsWritten();
        assertEquals(202, host.post("/deployments/" + id + "/reset", "{}").status());
        host.runQueues();
        ApiClient.Response deleted = host.delete("/environments/hist-maint");
        ApiClient.Response again = host.delete("/environments/hist-maint");

        // Assert
        assertProblem(refused, 409, "name");
        assertEquals("urn:smoothdeploy:problem:environment-in-maintenance", refused.json().get("type").asText());
        assertEquals("[\"cms\"]", refused.json().get("webAppsInMaintenance").toString(), refused.toString());
        assertEquals(id, refused.json().get("lastDeploymentId").asText());
        assertTrue(refused.json().get("detail").asText().contains("/deployments/" + id + "/reset"), refused.toString());
        assertEquals(rows, rowsAfterRefusal, "a refused delete writes nothing");
        assertEquals(204, deleted.status(), deleted.toString());
        assertEquals(404, host.get("/environments/hist-maint").status());
        assertFalse(host.get("/environments").json().toString().contains("\"hist-maint\""));
        assertProblem(host.get("/environments/hist-maint/deployments"), 404, "name");
        assertProblem(again, 404, "name");
        // the deployment's own rows stay: its status answers, nothing may act on it or read its environment
        assertEquals("Reset", host.get("/deployments/" + id).json().get("status").asText());
        assertEquals(404, host.get("/deployments/" + id + "/log").status());
        assertEquals(409, host.post("/deployments/" + id + "/reset", "{}").status(), "Reset allows no action");
        // registering the name again brings the history back
        assertEquals(201, host.put("/environments/hist-maint", LocalHostHarness.environmentBody(false)).status());
        JsonNode history = host.get("/environments/hist-maint/deployments").json();
        assertEquals(id, history.get("deployments").get(0).get("id").asText(), history.toString());
        assertEquals(200, host.get("/deployments/" + id + "/log").status());
    }

    @Test
    void deleteIsRefusedWhileTheLastDeploymentIsFailedAndAnEarlierFailedRunIsNotFoundOnceItIsDeleted() {
        // Arrange: a run that fails checking its package (nothing in maintenance), then a resume that goes live
        ApiClient.Response registered = host.put("/environments/hist-failed", LocalHostHarness.environmentBody(false));
        assertEquals(201, registered.status(), registered.toString());
        String wrongSha = LocalHostHarness.startBody("hist-failed", LocalHostHarness.NEW_PACKAGE, null)
                .replace(io.smoothdeploy.local.SimulatedCloud.packageSha256(LocalHostHarness.NEW_PACKAGE),
                        io.smoothdeploy.local.SimulatedCloud.packageSha256("https://packages.example.com/other.zip"));
        String failed = host.post("/deployments", wrongSha).json().get("id").asText();
        host.runQueues();
        assertEquals("Failed", host.get("/deployments/" + failed).json().get("status").asText());
        ApiClient.Response whileFailed = host.delete("/environments/hist-failed");
        String resumed = host.post("/deployments", LocalHostHarness.startBody("hist-failed", LocalHostHarness.NEW_PACKAGE,
                null)).json().get("id").asText();
        host.runQueues();
        assertEquals(202, host.post("/deployments/" + resumed + "/complete", "{}").status());
        host.runQueues();
        assertEquals("Succeeded", host.get("/deployments/" + resumed).json().get("status").asText());
        assertEquals(204, host.delete("/environments/hist-failed").status());

        // Act: a reset of the earlier failed run, whose environment is gone
        ApiClient.Response reset = host.post("/deployments/" + failed + "/reset", "{}");

        // Assert
        assertProblem(whileFailed, 409, "name");
        assertEquals("urn:smoothdeploy:problem:environment-not-settled", whileFailed.json().get("type").asText());
        assertTrue(whileFailed.json().get("detail").asText().contains("/deployments/" + failed + "/reset"),
                whileFailed.toString());
        assertProblem(reset, 404, "id");
    }

    @Test
    void deletingAnUnknownEnvironmentAnswers404AndABadName400() {
        assertProblem(host.delete("/environments/nowhere"), 404, "name");
        assertProblem(host.delete("/environments/No.Where"), 400, "name");
    }

    // ------------------------------------------------------------------ helpers

    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    private static final Comparator<Deployment> NEWEST_FIRST = Comparator.comparing(Deployment::createdAt).reversed()
            .thenComparing(Deployment::id);

    private static Deployment seed(int n) {
        return deployment("any", n, n, DeploymentStatus.SUCCEEDED);
    }

    private static Deployment deployment(String environment, int n, int minute, DeploymentStatus status) {
        Instant created = T0.plusSeconds(60L * minute);
        return new Deployment(String.format("d20260105t%06d-%08x", n, n), environment, status, Stage.COMPLETE_CLEANUP, 0,
                DeploymentMode.READ_ONLY, "https://packages.example.com/cms.zip", "0f".repeat(32), null, created,
                created.plusSeconds(30), null, false, List.of(), List.of(), List.of(), null, null, null, 0, null, null);
    }

    /** Writes a finished deployment of the environment straight to the store, as a start and its run would. */
    private Deployment seed(String environment, int n, int minute, DeploymentStatus status) {
        TableDeploymentStore store = host.stack.store();
        Deployment deployment = deployment(environment, n, minute, status);
        store.createDeployment(store.findEnvironment(environment).orElseThrow().withHold(deployment.id()), deployment,
                List.of(), List.of());
        return deployment;
    }

    private static List<String> ids(List<Deployment> deployments) {
        return deployments.stream().map(Deployment::id).toList();
    }

    private static void assertProblem(ApiClient.Response answer, int status, String field) {
        assertEquals(status, answer.status(), answer.toString());
        assertEquals("application/problem+json", answer.contentType(), answer.toString());
        assertEquals(field, answer.json().get("field").asText(), answer.toString());
    }

    static JsonNode find(JsonNode list, String name) {
        for (JsonNode environment : list.get("environments")) {
            if (environment.get("name").asText().equals(name)) {
                return environment;
            }
        }
        throw new AssertionError(name + " is not listed: " + list);
    }
}
