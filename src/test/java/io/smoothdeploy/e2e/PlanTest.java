package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.CMS;
import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.port.CloudException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dry run, {@code POST /deployments/plan}, through the local host on Azurite: it writes nothing, and what it
 * says a start would do is what the start then does.
 */
class PlanTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void planOfAFailedThreeWebAppRunListsExactlyTheWebAppsTheResumeThenSkips() {
        // Arrange: every web app enters maintenance; deploying commerce's staging slot is refused, so it fails alone
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        String failed = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json()
                .get("id").asText();
        host.cloud.failNext("deployPackage", "commerce-prod/staging", 1,
                new CloudException("Conflict", "the operation conflicts with another", false));
        host.queue().runUntilIdle(Duration.ofHours(2));
        assertEquals("Failed", host.get("/deployments/" + failed).json().get("status").asText());
        int rowsBefore = host.rowsWritten();
        int callsBefore = host.cloud.calls().size();

        // Act 1: the dry run
        ApiClient.Response planned = host.post("/deployments/plan", LocalHostHarness.startBody("prod", NEW_PACKAGE, null));
        int rowsAfterPlan = host.rowsWritten();
        List<String> planCalls = host.cloud.calls().subList(callsBefore, host.cloud.calls().size());
        List<String> planWrites = planCalls.stream().filter(c -> !c.startsWith("get") && !c.startsWith("slotSettingNames"))
                .toList();

        // Act 2: the real resume
        int callsBeforeResume = host.cloud.calls().size();
        ApiClient.Response started = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null));
        String resumed = started.json().get("id").asText();
        host.runQueues();
        List<String> resumeCalls = host.cloud.calls().subList(callsBeforeResume, host.cloud.calls().size());

        // Assert: nothing written, by the API or in the cloud
        assertEquals(200, planned.status(), planned.body());
        assertEquals(rowsBefore, rowsAfterPlan, "the plan writes no row");
        assertEquals(List.of(), planWrites, "the plan only reads the cloud: " + planCalls);
        JsonNode plan = planned.json();
        assertEquals("Resume", plan.get("action").asText());
        assertEquals(failed, plan.get("earlierDeploymentId").asText());
        assertTrue(plan.get("wouldStart").asBoolean(), plan.toString());
        assertTrue(plan.get("temporaryDatabase").get("reused").asBoolean(), plan.toString());
        // Assert: the web apps the plan skips are the ones the resume skips, by its log and by its swaps
        String resumeLine = messages(resumed).stream().filter(l -> l.startsWith("Resuming failed deployment"))
                .findFirst().orElseThrow();
        assertTrue(plan.get("log").toString().contains(json(resumeLine)), "the plan's log has the resume's line: "
                + resumeLine + " in " + plan.get("log"));
        Set<String> enteredByResume = new TreeSet<>();
        Set<String> deployedByResume = new TreeSet<>();
        for (String name : List.of("cms", "commerce", "scheduler")) {
            if (succeeded(resumeCalls, "beginSwapWithProduction " + name + "-prod/maintenance")) {
                enteredByResume.add(name);
            }
            if (succeeded(resumeCalls, "deployPackage " + name + "-prod/staging")) {
                deployedByResume.add(name);
            }
        }
        assertEquals(Set.of("cms", "commerce", "scheduler"), names(plan, "alreadyInMaintenance"), plan.toString());
        assertEquals(Set.of(), names(plan, "entersMaintenance"), plan.toString());
        assertEquals(Set.of(), enteredByResume, "the resume swapped nothing into maintenance: " + resumeCalls);
        assertTrue(resumeLine.contains("not entered again: cms, commerce, scheduler")
                || resumeLine.contains("not entered again: commerce, cms, scheduler"), resumeLine);
        assertEquals(deployedByResume, names(plan, "redeploys"), "the plan redeploys what the resume did: " + resumeCalls);
        assertFalse(deployedByResume.contains("cms"), "cms had the package already: " + resumeCalls);
        assertTrue(deployedByResume.contains("commerce"), resumeCalls.toString());
        assertEquals("AwaitingVerification", host.get("/deployments/" + resumed).json().get("status").asText());
        for (JsonNode webApp : plan.get("webApps")) {
            assertEquals("https://packages.example.com/cms-2.0.zip?<redacted>", webApp.get("stagingPackageUri").asText());
        }
        assertFalse(planned.body().contains("NEWSECRET"), "no SAS in the plan");
    }

    @Test
    void aStartThePlanSaysIsRefusedGetsTheSameProblemAndNeitherWritesAnything() {
        // Arrange: a failed run with web apps in maintenance in ReadOnly mode
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null));
        host.cloud.failNext("deployPackage", "commerce-prod/staging", 1,
                new CloudException("Conflict", "the operation conflicts with another", false));
        host.queue().runUntilIdle(Duration.ofHours(2));
        String readWrite = LocalHostHarness.startBody("prod", NEW_PACKAGE, null).replace("ReadOnly", "ReadWrite");
        String unknown = LocalHostHarness.startBody("nowhere", NEW_PACKAGE, null);
        String badMode = LocalHostHarness.startBody("prod", NEW_PACKAGE, null).replace("ReadOnly", "Quick");
        int rowsBefore = host.rowsWritten();

        // Act
        List<int[]> statuses = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        for (String body : List.of(readWrite, unknown, badMode)) {
            ApiClient.Response plan = host.post("/deployments/plan", body);
            ApiClient.Response start = host.post("/deployments", body);
            statuses.add(new int[] {plan.status(), start.status()});
            if (!plan.json().get("detail").equals(start.json().get("detail"))) {
                differences.add(plan.body() + " vs " + start.body());
            }
        }
        int rowsAfter = host.rowsWritten();

        // Assert
        assertEquals(List.of("422/422", "404/404", "400/400"), statuses.stream().map(s -> s[0] + "/" + s[1]).toList());
        assertEquals(List.of(), differences, "the plan answers the start's own problem");
        assertEquals(rowsBefore, rowsAfter);
    }

    @Test
    void planOfABusyEnvironmentIsTheStartsConflict() {
        // Arrange: a run in progress
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null));
        String other = LocalHostHarness.startBody("prod", NEW_PACKAGE.replace("cms-2.0", "cms-2.1"), null);
        int rowsBefore = host.rowsWritten();

        // Act
        ApiClient.Response plan = host.post("/deployments/plan", other);
        ApiClient.Response start = host.post("/deployments", other);

        // Assert
        assertEquals(409, plan.status(), plan.body());
        assertEquals(start.status(), plan.status());
        assertEquals(start.json().get("detail"), plan.json().get("detail"));
        assertEquals(rowsBefore, host.rowsWritten());
    }

    @Test
    void stickyConnectionStringIsListedByThePlanAndFailsTheStartWithTheSameWords() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.environmentBody(false));
        host.cloud.setSlotSettingNames(CMS, Set.of(), Set.of("EPiServerDB"));
        int rowsBefore = host.rowsWritten();

        // Act
        JsonNode plan = host.post("/deployments/plan", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json();
        int rowsAfter = host.rowsWritten();
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json().get("id")
                .asText();
        host.runQueues();
        JsonNode status = host.get("/deployments/" + id).json();

        // Assert
        assertEquals(rowsBefore, rowsAfter);
        assertEquals("Start", plan.get("action").asText());
        assertFalse(plan.get("wouldStart").asBoolean(), plan.toString());
        assertEquals(1, plan.get("wouldFail").size(), plan.toString());
        String reason = plan.get("wouldFail").get(0).asText();
        assertTrue(reason.contains("connection string EPiServerDB"), reason);
        assertEquals("Failed", status.get("status").asText());
        assertTrue(status.get("errors").get(0).get("message").asText().contains(reason), status.toString());
        assertEquals(Set.of("cms"), names(plan, "entersMaintenance"));
        assertEquals("https://packages.example.com/cms-1.0.zip", plan.get("webApps").get(0).get("maintenancePackageUri")
                .asText().replace("?<redacted>", ""));
    }

    private static boolean succeeded(List<String> calls, String prefix) {
        return calls.stream().anyMatch(c -> c.startsWith(prefix) && !c.endsWith("(failed)") && !c.endsWith("(busy)"));
    }

    private static Set<String> names(JsonNode plan, String flag) {
        Set<String> names = new TreeSet<>();
        plan.get("webApps").forEach(w -> {
            if (w.get(flag).asBoolean()) {
                names.add(w.get("name").asText());
            }
        });
        return names;
    }

    private static String json(String text) {
        return new com.fasterxml.jackson.databind.node.TextNode(text).toString();
    }

    private List<String> messages(String id) {
        List<String> lines = new ArrayList<>();
        host.get("/deployments/" + id + "/log").json().get("lines").forEach(l -> lines.add(l.get("message").asText()));
        return lines;
    }
}
