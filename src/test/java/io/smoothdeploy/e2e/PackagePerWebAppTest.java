package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.CMS;
import static io.smoothdeploy.e2e.LocalHostHarness.COMMERCE;
import static io.smoothdeploy.e2e.LocalHostHarness.SCHEDULER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.local.SimulatedCloud;
import io.smoothdeploy.testing.SampleCloud;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A package per web app ({@code packages} in the start body), through the local host on Azurite with the simulated
 * cloud: each production slot ends up serving its own package, a web app given none keeps production's, and a resume
 * or roll forward that changes one web app's package deploys only that web app's staging slot again.
 */
class PackagePerWebAppTest {

    static final String CMS_PACKAGE = "https://packages.example.com/cms.app.2.0.0.zip?sv=2024&sig=CMSSECRET";
    static final String COMMERCE_PACKAGE = "https://packages.example.com/commerce.app.2.0.0.zip?sv=2024&sig=COMSECRET";
    static final String SCHEDULER_PACKAGE = "https://packages.example.com/scheduler.app.2.0.0.zip?sv=2024&sig=SCHSECRET";
    static final String COMMERCE_FIXED = "https://packages.example.com/commerce.app.2.0.1.zip?sv=2024&sig=COMSECRET";

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void threeWebAppsWithThreeDifferentPackagesEachServeTheirOwnInProduction() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        Map<String, String> packages = Map.of("cms", CMS_PACKAGE, "commerce", COMMERCE_PACKAGE,
                "scheduler", SCHEDULER_PACKAGE);

        // Act
        ApiClient.Response started = host.post("/deployments", startBody(packages, null));
        String id = started.json().get("id").asText();
        host.runQueues();
        JsonNode awaiting = host.get("/deployments/" + id).json();
        host.post("/deployments/" + id + "/complete", null);
        host.runQueues();

        // Assert: each production slot serves its own package
        assertEquals(202, started.status(), started.body());
        assertEquals("AwaitingVerification", awaiting.get("status").asText(), log(id).toString());
        assertEquals("Succeeded", host.get("/deployments/" + id).json().get("status").asText(), log(id).toString());
        assertEquals(CMS_PACKAGE, served(CMS));
        assertEquals(COMMERCE_PACKAGE, served(COMMERCE));
        assertEquals(SCHEDULER_PACKAGE, served(SCHEDULER));
        for (String site : List.of("cms-prod", "commerce-prod", "scheduler-prod")) {
            assertEquals(1, succeeded("deployPackage " + site + "/staging"), site + ": " + host.cloud.calls());
        }
        // Assert: the status shows each web app's package, without its SAS
        assertTrue(awaiting.get("package").get("uri").isNull(), awaiting.toString());
        for (JsonNode webApp : awaiting.get("webApps")) {
            String name = webApp.get("name").asText();
            String uri = packages.get(name);
            assertEquals(uri.substring(0, uri.indexOf('?')) + "?<redacted>", webApp.get("package").get("uri").asText());
            assertEquals(SimulatedCloud.packageSha256(uri), webApp.get("package").get("sha256").asText());
            assertFalse(webApp.get("package").get("kept").asBoolean());
            assertEquals(webApp.get("package"), awaiting.get("packages").get(name));
        }
        // Assert: each distinct package was verified before anything changed, and no SAS reached a view
        List<String> lines = log(id);
        for (String uri : packages.values()) {
            String shown = uri.substring(0, uri.indexOf('?')) + "?<redacted>";
            assertTrue(lines.stream().anyMatch(l -> l.contains(shown) && l.contains("matches its SHA-256"))
                    || lines.stream().anyMatch(l -> l.startsWith("Every package matches")), lines.toString());
        }
        JsonNode timeline = host.get("/deployments/" + id + "/timeline").json();
        assertEquals(awaiting.get("packages").get("commerce").get("uri"), timeline.get("packages").get("commerce")
                .get("uri"));
        String bundle = host.get("/deployments/" + id + "/support-bundle").body();
        for (String secret : List.of("CMSSECRET", "COMSECRET", "SCHSECRET")) {
            assertFalse(bundle.contains(secret), "the bundle holds no SAS");
            assertFalse(timeline.toString().contains(secret), "the timeline holds no SAS");
            assertFalse(lines.toString().contains(secret), "the log holds no SAS");
        }
        assertTrue(bundle.contains("commerce.app.2.0.0.zip"), "the bundle shows commerce's package");
    }

    @Test
    void aWebAppGivenNoPackageKeepsThePackageItsProductionRuns() {
        // Arrange: the scheduler is given no package
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());

        // Act
        String id = host.post("/deployments", startBody(Map.of("cms", CMS_PACKAGE, "commerce", COMMERCE_PACKAGE), null))
                .json().get("id").asText();
        host.runQueues();
        JsonNode awaiting = host.get("/deployments/" + id).json();
        host.post("/deployments/" + id + "/complete", null);
        host.runQueues();

        // Assert: it took part (maintenance page, staging slot) on its own code, and serves it again
        assertEquals("Succeeded", host.get("/deployments/" + id).json().get("status").asText(), log(id).toString());
        assertEquals(SampleCloud.SCHEDULER_PACKAGE, served(SCHEDULER));
        assertEquals(CMS_PACKAGE, served(CMS));
        assertEquals(COMMERCE_PACKAGE, served(COMMERCE));
        assertEquals(1, succeeded("beginSwapWithProduction scheduler-prod/maintenance"), host.cloud.calls().toString());
        JsonNode kept = awaiting.get("packages").get("scheduler");
        assertTrue(kept.get("kept").asBoolean(), awaiting.toString());
        assertEquals(SampleCloud.SCHEDULER_PACKAGE, kept.get("uri").asText());
        assertTrue(kept.get("sha256").isNull());
    }

    @Test
    void aWebAppGivenNoPackageWhosePackageNobodyCanNameFailsTheFirstStageWithNothingChanged() {
        // Arrange: the scheduler's production runs content deployed into it (WEBSITE_RUN_FROM_PACKAGE=1)
        host.cloud.addSite(SCHEDULER, "1", Map.of());
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        int callsBefore = host.cloud.calls().size();

        // Act
        ApiClient.Response planned = host.post("/deployments/plan",
                startBody(Map.of("cms", CMS_PACKAGE, "commerce", COMMERCE_PACKAGE), null));
        String id = host.post("/deployments", startBody(Map.of("cms", CMS_PACKAGE, "commerce", COMMERCE_PACKAGE), null))
                .json().get("id").asText();
        host.runQueues();

        // Assert
        JsonNode status = host.get("/deployments/" + id).json();
        assertEquals("Failed", status.get("status").asText());
        JsonNode error = status.get("errors").get(0);
        assertEquals("VERIFY_PACKAGE", error.get("stage").asText(), error.toString());
        assertEquals("CONFIGURATION", error.get("kind").asText(), error.toString());
        assertTrue(error.get("message").asText().contains("packages.scheduler"), error.toString());
        List<String> changes = host.cloud.calls().subList(callsBefore, host.cloud.calls().size()).stream()
                .filter(c -> !c.startsWith("get") && !c.startsWith("slotSettingNames")).toList();
        assertEquals(List.of(), changes, "nothing changed in the cloud");
        assertFalse(planned.json().get("wouldStart").asBoolean(), planned.body());
        assertTrue(planned.json().get("wouldFail").toString().contains("packages.scheduler"), planned.body());
    }

    @Test
    void aResumeThatChangesOneWebAppsPackageDeploysOnlyThatWebAppAgain() {
        // Arrange: commerce's package fails its warm-up after all three staging slots were deployed
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        Map<String, String> packages = new LinkedHashMap<>(Map.of("cms", CMS_PACKAGE, "commerce", COMMERCE_PACKAGE,
                "scheduler", SCHEDULER_PACKAGE));
        host.cloud.breakPackage(COMMERCE_PACKAGE, 500);
        String failed = host.post("/deployments", startBody(packages, null)).json().get("id").asText();
        host.runQueues();
        JsonNode failedStatus = host.get("/deployments/" + failed).json();
        assertEquals("Failed", failedStatus.get("status").asText(), log(failed).toString());
        assertEquals("WARM_UP", failedStatus.get("errors").get(0).get("stage").asText(), failedStatus.toString());
        int callsBefore = host.cloud.calls().size();

        // Act: the same packages, but a fixed one for commerce
        packages.put("commerce", COMMERCE_FIXED);
        ApiClient.Response planned = host.post("/deployments/plan", startBody(packages, null));
        String resumed = host.post("/deployments", startBody(packages, null)).json().get("id").asText();
        host.runQueues();
        List<String> resumeCalls = host.cloud.calls().subList(callsBefore, host.cloud.calls().size());
        host.post("/deployments/" + resumed + "/complete", null);
        host.runQueues();

        // Assert: only commerce's staging slot was deployed again; each production serves its own
        assertEquals("Succeeded", host.get("/deployments/" + resumed).json().get("status").asText(),
                log(resumed).toString());
        assertEquals(1, count(resumeCalls, "deployPackage commerce-prod/staging"), resumeCalls.toString());
        assertEquals(0, count(resumeCalls, "deployPackage cms-prod/staging"), resumeCalls.toString());
        assertEquals(0, count(resumeCalls, "deployPackage scheduler-prod/staging"), resumeCalls.toString());
        assertEquals(CMS_PACKAGE, served(CMS));
        assertEquals(COMMERCE_FIXED, served(COMMERCE));
        assertEquals(SCHEDULER_PACKAGE, served(SCHEDULER));
        assertTrue(log(resumed).stream().anyMatch(l -> l.startsWith("Resuming failed deployment " + failed)
                && l.contains("a different package, deployed again on: commerce")), log(resumed).toString());
        // Assert: the dry run said the same
        for (JsonNode webApp : planned.json().get("webApps")) {
            assertEquals(webApp.get("name").asText().equals("commerce"), webApp.get("redeploys").asBoolean(),
                    planned.body());
        }
    }

    @Test
    void aRollForwardThatChangesOneWebAppsPackageDeploysOnlyThatWebAppAgain() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        String id = host.post("/deployments", startBody(Map.of("cms", CMS_PACKAGE, "commerce", COMMERCE_PACKAGE,
                "scheduler", SCHEDULER_PACKAGE), null)).json().get("id").asText();
        host.runQueues();
        assertEquals("AwaitingVerification", host.get("/deployments/" + id).json().get("status").asText());
        int callsBefore = host.cloud.calls().size();

        // Act: only commerce is named; the others keep what this run gave them
        ApiClient.Response rolled = host.post("/deployments", startBody(Map.of("commerce", COMMERCE_FIXED), null));
        host.runQueues();
        List<String> rollCalls = host.cloud.calls().subList(callsBefore, host.cloud.calls().size());
        host.post("/deployments/" + id + "/complete", null);
        host.runQueues();

        // Assert
        assertEquals(202, rolled.status(), rolled.body());
        assertEquals(id, rolled.json().get("id").asText());
        assertEquals("Succeeded", host.get("/deployments/" + id).json().get("status").asText(), log(id).toString());
        assertEquals(1, count(rollCalls, "deployPackage commerce-prod/staging"), rollCalls.toString());
        assertEquals(0, count(rollCalls, "deployPackage cms-prod/staging"), rollCalls.toString());
        assertEquals(0, count(rollCalls, "deployPackage scheduler-prod/staging"), rollCalls.toString());
        assertEquals(CMS_PACKAGE, served(CMS));
        assertEquals(COMMERCE_FIXED, served(COMMERCE));
        assertEquals(SCHEDULER_PACKAGE, served(SCHEDULER));
    }

    @Test
    void aPackageThatDoesNotMatchItsSha256FailsTheFirstStageNamingItsWebAppsWithNothingChanged() {
        // Arrange: cms and commerce share a package; the scheduler's SHA-256 is another build's
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        String body = startBody(Map.of("cms", CMS_PACKAGE, "commerce", CMS_PACKAGE, "scheduler", SCHEDULER_PACKAGE), null)
                .replace(SimulatedCloud.packageSha256(SCHEDULER_PACKAGE), SimulatedCloud.packageSha256(COMMERCE_PACKAGE));
        int callsBefore = host.cloud.calls().size();

        // Act
        String id = host.post("/deployments", body).json().get("id").asText();
        host.runQueues();

        // Assert
        JsonNode status = host.get("/deployments/" + id).json();
        assertEquals("Failed", status.get("status").asText());
        JsonNode error = status.get("errors").get(0);
        assertEquals("VERIFY_PACKAGE", error.get("stage").asText(), error.toString());
        assertEquals("PACKAGE", error.get("kind").asText(), error.toString());
        assertTrue(error.get("message").asText().contains("scheduler.app.2.0.0.zip?<redacted> (for scheduler)"),
                error.toString());
        assertFalse(error.toString().contains("SCHSECRET"), error.toString());
        List<String> changes = host.cloud.calls().subList(callsBefore, host.cloud.calls().size()).stream()
                .filter(c -> !c.startsWith("get") && !c.startsWith("slotSettingNames")).toList();
        assertEquals(List.of(), changes, "nothing changed in the cloud");
        assertTrue(log(id).stream().anyMatch(l -> l.contains("cms.app.2.0.0.zip?<redacted> (for cms, commerce) matches")),
                "the shared package was read once, for both: " + log(id));
    }

    @Test
    void aPackageWhoseFirstReadFailsForAMomentIsStillCheckedBeforeAnythingChanges() {
        // Arrange: cms's SHA-256 is another build's, and its first read fails as a busy blob download does
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        String body = startBody(Map.of("cms", CMS_PACKAGE, "commerce", COMMERCE_PACKAGE, "scheduler", SCHEDULER_PACKAGE),
                null).replace(SimulatedCloud.packageSha256(CMS_PACKAGE), SimulatedCloud.packageSha256(COMMERCE_FIXED));
        host.cloud.failNextRead(CMS_PACKAGE, 1, new io.smoothdeploy.engine.port.CloudException("ServerBusy",
                "the storage account is busy", true));
        int callsBefore = host.cloud.calls().size();

        // Act
        String id = host.post("/deployments", body).json().get("id").asText();
        host.runQueues();

        // Assert: the retry read cms's package again, found the mismatch, and nothing changed
        JsonNode status = host.get("/deployments/" + id).json();
        assertEquals("Failed", status.get("status").asText(), log(id).toString());
        JsonNode error = status.get("errors").get(0);
        assertEquals("VERIFY_PACKAGE", error.get("stage").asText(), error.toString());
        assertTrue(error.get("message").asText().contains("cms.app.2.0.0.zip?<redacted> (for cms) does not match"),
                error.toString());
        List<String> changes = host.cloud.calls().subList(callsBefore, host.cloud.calls().size()).stream()
                .filter(c -> !c.startsWith("get") && !c.startsWith("slotSettingNames")).toList();
        assertEquals(List.of(), changes, "nothing changed in the cloud");
    }

    @Test
    void aBadPackagesMapIsRefusedWithAProblemAndWritesNothing() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        int rowsBefore = host.rowsWritten();
        String sha = SimulatedCloud.packageSha256(CMS_PACKAGE);

        // Act
        ApiClient.Response unknown = host.post("/deployments", startBody(Map.of("cms", CMS_PACKAGE, "cmss",
                COMMERCE_PACKAGE), null));
        ApiClient.Response both = host.post("/deployments", "{\"environment\":\"prod\",\"mode\":\"ReadOnly\","
                + "\"packageUri\":\"" + CMS_PACKAGE + "\",\"packageSha256\":\"" + sha + "\",\"packages\":{\"cms\":"
                + "{\"uri\":\"" + CMS_PACKAGE + "\",\"sha256\":\"" + sha + "\"}}}");
        ApiClient.Response badSha = host.post("/deployments", "{\"environment\":\"prod\",\"mode\":\"ReadOnly\","
                + "\"packages\":{\"cms\":{\"uri\":\"" + CMS_PACKAGE + "\",\"sha256\":\"abc\"}}}");
        ApiClient.Response badUri = host.post("/deployments", "{\"environment\":\"prod\",\"mode\":\"ReadOnly\","
                + "\"packages\":{\"cms\":{\"uri\":\"http://packages.example.com/cms.zip?sig=PLAINSECRET\",\"sha256\":\""
                + sha + "\"}}}");
        ApiClient.Response empty = host.post("/deployments", "{\"environment\":\"prod\",\"mode\":\"ReadOnly\","
                + "\"packages\":{}}");
        ApiClient.Response misspelt = host.post("/deployments", "{\"environment\":\"prod\",\"mode\":\"ReadOnly\","
                + "\"packages\":{\"cms\":{\"url\":\"" + CMS_PACKAGE + "\",\"sha256\":\"" + sha + "\"}}}");

        // Assert
        assertProblem(unknown, 422, "packages.cmss");
        assertProblem(both, 400, "packages");
        assertProblem(badSha, 400, "packages.cms.sha256");
        assertProblem(badUri, 400, "packages.cms.uri");
        assertProblem(empty, 400, "packages");
        assertProblem(misspelt, 400, "packages.cms.url");
        assertFalse(badUri.body().contains("PLAINSECRET"), "the problem does not echo the URI");
        assertEquals(rowsBefore, host.rowsWritten(), "nothing written");
    }

    @Test
    void theSameIdempotencyKeyWithAnotherPackageForOneWebAppIsAConflict() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        Map<String, String> packages = new LinkedHashMap<>(Map.of("cms", CMS_PACKAGE, "commerce", COMMERCE_PACKAGE));
        ApiClient.Response first = host.post("/deployments", startBody(packages, "build-42"));

        // Act
        ApiClient.Response again = host.post("/deployments", startBody(packages, "build-42"));
        packages.put("commerce", COMMERCE_FIXED);
        ApiClient.Response other = host.post("/deployments", startBody(packages, "build-42"));

        // Assert
        assertEquals(202, first.status(), first.body());
        assertEquals(202, again.status(), again.body());
        assertEquals(first.json().get("id"), again.json().get("id"));
        assertProblem(other, 422, "idempotencyKey");
        assertTrue(other.body().contains("commerce"), other.body());
        assertFalse(other.body().contains("COMSECRET"), other.body());
    }

    private static void assertProblem(ApiClient.Response response, int status, String field) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        assertTrue(response.body().contains("\"" + field + "\""), field + " in " + response.body());
    }

    /** A start body giving each web app named in {@code packages} its own package (sha256 as the cloud computes it). */
    static String startBody(Map<String, String> packages, String key) {
        StringBuilder body = new StringBuilder("{\"environment\":\"prod\",\"mode\":\"ReadOnly\",\"packages\":{");
        String separator = "";
        for (Map.Entry<String, String> entry : packages.entrySet()) {
            body.append(separator).append('"').append(entry.getKey()).append("\":{\"uri\":\"").append(entry.getValue())
                    .append("\",\"sha256\":\"").append(SimulatedCloud.packageSha256(entry.getValue())).append("\"}");
            separator = ",";
        }
        body.append('}');
        if (key != null) {
            body.append(",\"idempotencyKey\":\"").append(key).append('"');
        }
        return body.append('}').toString();
    }

    private String served(String site) {
        return host.cloud.servedContent(SlotRef.production(site)).orElseThrow();
    }

    private long succeeded(String callPrefix) {
        return count(host.cloud.calls(), callPrefix);
    }

    private static long count(List<String> calls, String callPrefix) {
        return calls.stream().filter(c -> c.startsWith(callPrefix) && !c.endsWith("(failed)") && !c.endsWith("(busy)"))
                .count();
    }

    private List<String> log(String id) {
        List<String> lines = new ArrayList<>();
        host.get("/deployments/" + id + "/log").json().get("lines").forEach(l -> lines.add(l.get("message").asText()));
        return lines;
    }
}
