package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.CMS;
import static io.smoothdeploy.e2e.LocalHostHarness.COMMERCE;
import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.OLD_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.SCHEDULER;
import static io.smoothdeploy.e2e.LocalHostHarness.SQL_SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A 3-web-app environment (cms and commerce main sites, a scheduler on a maintenance page) where commerce
 * alone fails at one step; then either a new start resumes the run, or a reset cleans it up.
 */
class PartialFailureTest {

    private static final String COMMERCE_SITE = "commerce-prod";

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    /** Where commerce fails, and how the failure is injected and mended. */
    enum FailurePoint {
        CLONE_DB,
        ENTER_MAINTENANCE,
        DEPLOY_SLOT,
        WARM_UP;

        void inject(LocalHostHarness host, String deploymentId) {
            CloudException conflict = new CloudException("Conflict", "the operation conflicts with another", false);
            switch (this) {
                case CLONE_DB -> host.cloud.failNext("beginCopy", "cms-sql/cmsdb -> cms-sql/cmsdb-sd-" + deploymentId, 1,
                        conflict);
                case ENTER_MAINTENANCE -> host.cloud.failNext("beginSwapWithProduction", COMMERCE_SITE + "/maintenance", 1, conflict);
                case DEPLOY_SLOT -> host.cloud.failNext("deployPackage", COMMERCE_SITE + "/staging", 1, conflict);
                case WARM_UP -> host.cloud.breakSlot(new SlotRef(COMMERCE, "staging"), 500);
            }
        }

        void mend(LocalHostHarness host) {
            if (this == WARM_UP) {
                host.cloud.repairSlot(new SlotRef(COMMERCE, "staging"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(FailurePoint.class)
    void newStartAfterAPartialFailureResumesAndSucceedsWithoutRedoingMaintenanceOrTheClone(FailurePoint point) {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        String failed = failAt(point);

        // Act
        point.mend(host);
        ApiClient.Response restarted = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null));
        host.runQueues();
        String resumed = restarted.json().get("id").asText();
        String awaiting = host.get("/deployments/" + resumed).json().get("status").asText();
        host.post("/deployments/" + resumed + "/complete", null);
        host.runQueues();

        // Assert
        assertEquals(202, restarted.status(), restarted.body());
        assertEquals("AwaitingVerification", awaiting, point + ": " + host.get("/deployments/" + resumed + "/log").body());
        assertEquals("Succeeded", host.get("/deployments/" + resumed).json().get("status").asText());
        for (String site : List.of("cms-prod", COMMERCE_SITE, "scheduler-prod")) {
            assertEquals(1, succeeded("beginSwapWithProduction " + site + "/maintenance"),
                    point + ": " + site + " was put into maintenance once: " + host.cloud.calls());
        }
        assertEquals(1, succeeded("beginCopy"), point + ": one clone: " + host.cloud.calls());
        for (String site : List.of(CMS, COMMERCE, SCHEDULER)) {
            assertEquals(NEW_PACKAGE, production(site).packageUri(), point + ": " + site + " runs the new package");
        }
        assertEquals(List.of("cmsdb"), host.cloud.databaseNames(SQL_SERVER), point + ": no temporary database left");
        List<String> log = messages(resumed);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Resuming failed deployment " + failed)), log.toString());
    }

    @ParameterizedTest
    @EnumSource(FailurePoint.class)
    void resetAfterAPartialFailureTakesEveryWebAppOutOfMaintenanceAndDropsTheClone(FailurePoint point) {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        String failed = failAt(point);
        JsonNode failedStatus = host.get("/deployments/" + failed).json();

        // Act
        ApiClient.Response reset = host.post("/deployments/" + failed + "/reset", null);
        host.runQueues();

        // Assert
        assertEquals(List.of("reset"), List.of(failedStatus.get("allowedActions").get(0).asText()));
        assertEquals(202, reset.status(), reset.body());
        JsonNode done = host.get("/deployments/" + failed).json();
        assertEquals("Reset", done.get("status").asText(), point + ": " + host.get("/deployments/" + failed + "/log").body());
        done.get("webApps").forEach(w -> assertFalse(w.get("inMaintenance").asBoolean(), point + ": " + w));
        for (String site : List.of(CMS, COMMERCE)) {
            SlotInfo production = production(site);
            assertEquals(OLD_PACKAGE, production.packageUri(), point + ": " + site);
            assertTrue(production.connectionStrings().get("EPiServerDB").contains("Initial Catalog=cmsdb;"), point + ": " + site);
        }
        assertEquals("https://packages.example.com/scheduler-1.0.zip", production(SCHEDULER).packageUri());
        assertEquals(List.of("cmsdb"), host.cloud.databaseNames(SQL_SERVER), point + ": no temporary database left");
        assertTrue(host.get("/environments/prod").json().get("currentDeploymentId").isNull());
    }

    /** Starts a deployment with commerce failing at {@code point}; returns the failed deployment's id. */
    private String failAt(FailurePoint point) {
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json().get("id").asText();
        point.inject(host, id);
        host.queue().runUntilIdle(Duration.ofHours(2));
        JsonNode status = host.get("/deployments/" + id).json();
        assertEquals("Failed", status.get("status").asText(), point + ": " + status);
        if (point != FailurePoint.CLONE_DB) {
            for (JsonNode webApp : status.get("webApps")) {
                boolean isCommerce = webApp.get("name").asText().equals("commerce");
                assertEquals(isCommerce, webApp.has("error"), point + ": only the failed web app has an error: " + webApp);
            }
        }
        return id;
    }

    private long succeeded(String callPrefix) {
        return host.cloud.calls().stream().filter(c -> c.startsWith(callPrefix) && !c.endsWith("(failed)") && !c.endsWith("(busy)")).count();
    }

    private SlotInfo production(String site) {
        return host.cloud.inspect(SlotRef.production(site)).orElseThrow();
    }

    private List<String> messages(String id) {
        List<String> lines = new ArrayList<>();
        host.get("/deployments/" + id + "/log").json().get("lines").forEach(l -> lines.add(l.get("message").asText()));
        return lines;
    }
}
