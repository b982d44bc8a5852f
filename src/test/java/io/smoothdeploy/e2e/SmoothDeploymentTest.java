package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.CMS;
import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.OLD_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.SQL_SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A single-web-app deployment driven through the local host's HTTP routes and in-process queues, on real
 * Table storage, with the simulated cloud recording every call.
 */
class SmoothDeploymentTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void deploymentReachesAwaitingVerificationThenGoesLiveOnComplete() {
        // Arrange
        String id = host.registerAndStart("prod", false);

        // Act
        host.runQueues();
        JsonNode awaiting = host.get("/deployments/" + id).json();
        ApiClient.Response completed = host.post("/deployments/" + id + "/complete", null);
        host.runQueues();
        JsonNode done = host.get("/deployments/" + id).json();

        // Assert
        assertEquals("AwaitingVerification", awaiting.get("status").asText());
        assertEquals("WarmedUp", awaiting.get("webApps").get(0).get("phase").asText());
        assertTrue(awaiting.get("webApps").get(0).get("inMaintenance").asBoolean());
        assertEquals("https://cms-prod-staging.azurewebsites.net/", awaiting.get("validationLinks").get(0).asText());
        JsonNode timings = awaiting.get("webApps").get(0).get("timings");
        assertEquals(List.of("ENTER_MAINTENANCE", "DEPLOY_SLOT", "WARM_UP"), fieldNames(timings), "in run order");
        assertTrue(timings.get("WARM_UP").get("runs").asInt() >= 1);
        assertEquals(202, completed.status());
        assertEquals("Succeeded", done.get("status").asText());
        assertEquals(100, done.get("percentComplete").asInt());
        assertFalse(done.get("webApps").get(0).get("inMaintenance").asBoolean());
        String temp = "cmsdb-sd-" + id;
        assertEquals(List.of(
                "beginCopy cms-sql/cmsdb -> cms-sql/" + temp,
                "ensureSlot cms-prod/maintenance",
                "applyConfiguration cms-prod/maintenance",
                // a warm-looking round is confirmed on the current instance (a soft, synchronous restart)
                "awaitCurrentInstance cms-prod/maintenance",
                "beginSwapWithProduction cms-prod/maintenance",
                "ensureSlot cms-prod/staging",
                "applyConfiguration cms-prod/staging",
                "deployPackage cms-prod/staging",
                // swap with preview: production's slot settings before the warm-up, completed by the swap
                "applyProductionConfiguration cms-prod/staging",
                "awaitCurrentInstance cms-prod/staging",
                "beginSwapWithProduction cms-prod/staging",
                // the rollback window (30 minutes by default): the previous code on the maintenance slot is kept,
                // and confirmed warm on its current instance, instead of stopped
                "awaitCurrentInstance cms-prod/maintenance",
                "deleteDatabase cms-sql/" + temp), host.cloud.calls());
        SlotInfo production = host.cloud.inspect(SlotRef.production(CMS)).orElseThrow();
        assertEquals(NEW_PACKAGE, production.packageUri());
        assertTrue(production.connectionStrings().get("EPiServerDB").contains("Initial Catalog=cmsdb;"),
                "the new code runs on the real database");
        assertEquals(List.of("cmsdb"), host.cloud.databaseNames(SQL_SERVER));
        JsonNode environment = host.get("/environments/prod").json();
        assertTrue(environment.get("currentDeploymentId").isNull(), "the environment is free again");
    }

    @Test
    void whileInMaintenanceTheLiveSiteRunsTheOldCodeOnTheCloneInReadOnlyMode() {
        // Arrange
        String id = host.registerAndStart("prod", false);

        // Act
        host.runQueues();

        // Assert
        SlotInfo production = host.cloud.inspect(SlotRef.production(CMS)).orElseThrow();
        assertEquals(OLD_PACKAGE, production.packageUri());
        assertEquals("ReadOnly", production.appSettings().get("Cms__DatabaseMode"));
        assertTrue(production.connectionStrings().get("EPiServerDB").contains("Initial Catalog=cmsdb-sd-" + id + ";"));
        SlotInfo staging = host.cloud.inspect(new SlotRef(CMS, "staging")).orElseThrow();
        assertEquals(NEW_PACKAGE, staging.packageUri());
        assertTrue(staging.connectionStrings().get("EPiServerDB").contains("Initial Catalog=cmsdb;"),
                "migrations run against the real database from the staging slot");
    }

    @Test
    void resetSwapsTheOldCodeBackAndDropsTheClone() {
        // Arrange
        String id = host.registerAndStart("prod", false);
        host.runQueues();
        int callsBeforeReset = host.cloud.calls().size();

        // Act
        ApiClient.Response reset = host.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":false}");
        host.runQueues();
        JsonNode done = host.get("/deployments/" + id).json();

        // Assert
        assertEquals(202, reset.status());
        assertEquals("Reset", done.get("status").asText());
        assertEquals("RolledBack", done.get("webApps").get(0).get("phase").asText());
        assertEquals(List.of(
                "resetConfiguration cms-prod/staging",
                "beginSwapWithProduction cms-prod/maintenance",
                "stopSlot cms-prod/maintenance",
                "deleteDatabase cms-sql/cmsdb-sd-" + id),
                host.cloud.calls().subList(callsBeforeReset, host.cloud.calls().size()));
        SlotInfo production = host.cloud.inspect(SlotRef.production(CMS)).orElseThrow();
        assertEquals(OLD_PACKAGE, production.packageUri());
        assertTrue(production.connectionStrings().get("EPiServerDB").contains("Initial Catalog=cmsdb;"));
        assertEquals(List.of("cmsdb"), host.cloud.databaseNames(SQL_SERVER));
    }

    @Test
    void resetWithDatabaseRollbackRestoresBeforeSwappingBack() {
        // Arrange
        String id = host.registerAndStart("prod", false);
        host.runQueues();
        int callsBeforeReset = host.cloud.calls().size();

        // Act
        host.post("/deployments/" + id + "/reset", "{\"rollbackDatabase\":true}");
        host.runQueues();

        // Assert
        assertEquals("Reset", host.get("/deployments/" + id).json().get("status").asText());
        List<String> calls = host.cloud.calls().subList(callsBeforeReset, host.cloud.calls().size());
        List<String> operations = new ArrayList<>();
        calls.forEach(c -> operations.add(c.substring(0, c.indexOf(' '))));
        // The database the restore replaced is dropped at clean-up, once the state has recorded the restore.
        assertEquals(List.of("beginPointInTimeRestore", "rename", "rename", "stopSlot", "resetConfiguration", "beginSwapWithProduction",
                "stopSlot", "deleteDatabase", "deleteDatabase"), operations);
        assertTrue(calls.get(calls.size() - 2).endsWith("-replaced"), calls.toString());
        assertTrue(calls.get(0).contains("@2026-11-23T09:00:00Z"), "restored to the moment the deployment started");
        assertEquals(List.of("cmsdb"), host.cloud.databaseNames(SQL_SERVER));
    }

    @Test
    void logTellsTheStoryOldestFirstWithoutSecrets() {
        // Arrange
        String id = host.registerAndStart("prod", true);
        host.runQueues();

        // Act
        JsonNode lines = host.get("/deployments/" + id + "/log").json().get("lines");

        // Assert
        List<String> messages = new ArrayList<>();
        lines.forEach(l -> messages.add(l.get("message").asText()));
        assertTrue(messages.get(0).startsWith("Deployment " + id + " started"));
        assertTrue(messages.contains("Enabling zero downtime deployment mode ReadOnly on site cms"));
        assertTrue(messages.contains("Putting site scheduler in maintenance mode"));
        assertEquals(1, messages.stream().filter("All sites in this deployment are now in maintenance mode"::equals).count());
        assertTrue(messages.indexOf("All sites in this deployment are now in maintenance mode")
                > messages.indexOf("Putting site scheduler in maintenance mode"));
        assertFalse(String.join("\n", messages).contains("SECRET"));
        assertFalse(host.get("/deployments/" + id).body().contains("SECRET"));
    }

    @Test
    void secondStartWithTheSameIdempotencyKeyReturnsTheSameDeployment() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.environmentBody(false));
        String body = LocalHostHarness.startBody("prod", NEW_PACKAGE, "pipeline-run-77");

        // Act
        ApiClient.Response first = host.post("/deployments", body);
        ApiClient.Response second = host.post("/deployments", body);
        host.runQueues();

        // Assert
        assertEquals(202, first.status());
        assertEquals(202, second.status());
        assertEquals(first.json().get("id").asText(), second.json().get("id").asText());
        assertEquals(first.location(), second.location());
        assertTrue(first.location().endsWith("/api/deployments/" + first.json().get("id").asText()));
        assertEquals(1, host.cloud.calls().stream().filter(c -> c.startsWith("beginCopy")).count(),
                "the repeated start cloned nothing more");
        assertEquals("AwaitingVerification", host.get(first.location().substring(first.location().indexOf("/deployments")))
                .json().get("status").asText());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
