package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.CMS;
import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.OLD_PACKAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.local.SimulatedCloud;
import io.smoothdeploy.testing.SampleCloud;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the maintenance slot of a main site runs: production's old code, from a package the orchestrator can
 * name. A production that runs a package local to the app ({@code WEBSITE_RUN_FROM_PACKAGE=1}) or content in
 * wwwroot gives nothing that travels to a new slot, so a start that names no package for it is refused.
 */
class MaintenanceContentTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    private void productionRunsLocalPackage() {
        host.cloud.addSite(CMS, "1", Map.of("EPiServerDB", SampleCloud.CONNECTION));
    }

    private void register() {
        ApiClient.Response registered = host.put("/environments/prod", LocalHostHarness.environmentBody(false));
        assertEquals(201, registered.status(), registered.toString());
    }

    private static String startWithCurrentPackage(String currentPackage) {
        String body = LocalHostHarness.startBody("prod", NEW_PACKAGE, null);
        return body.substring(0, body.length() - 1) + ",\"currentPackages\":{\"cms\":\"" + currentPackage + "\"}}";
    }

    @Test
    void productionOnALocalPackageWithNoNamedPackageFailsInThePackageCheckBeforeAnythingChanges() {
        // Arrange
        productionRunsLocalPackage();
        register();

        // Act
        ApiClient.Response started = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null));
        host.runQueues();
        JsonNode status = host.get("/deployments/" + started.json().get("id").asText()).json();

        // Assert
        assertEquals(202, started.status(), started.toString());
        assertEquals("Failed", status.get("status").asText(), status.toString());
        JsonNode error = status.get("errors").get(0);
        assertEquals("CONFIGURATION", error.get("kind").asText());
        assertEquals("VERIFY_PACKAGE", error.get("stage").asText());
        assertTrue(error.get("message").asText().contains("currentPackages.cms"), error.toString());
        assertTrue(error.get("message").asText().contains("WEBSITE_RUN_FROM_PACKAGE is 1"), error.toString());
        assertEquals(List.of(), host.cloud.calls(), "no slot created, nothing swapped, no database copied");
        assertEquals(0, host.cloud.swapRequests(CMS));
        assertEquals(SimulatedCloud.OWN_CONTENT, host.cloud.servedContent(SlotRef.production(CMS)).orElseThrow());
        assertFalse(status.get("webApps").get(0).get("inMaintenance").asBoolean());
    }

    @Test
    void productionWithNoPackageSettingAtAllFailsInThePackageCheckToo() {
        // Arrange: content zip-deployed into wwwroot, no WEBSITE_RUN_FROM_PACKAGE
        host.cloud.addSite(CMS, null, Map.of("EPiServerDB", SampleCloud.CONNECTION));
        register();

        // Act
        ApiClient.Response started = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null));
        host.runQueues();
        JsonNode status = host.get("/deployments/" + started.json().get("id").asText()).json();

        // Assert
        assertEquals("Failed", status.get("status").asText(), status.toString());
        assertTrue(status.get("errors").get(0).get("message").asText().contains("not set"), status.toString());
        assertEquals(List.of(), host.cloud.calls());
    }

    @Test
    void currentPackagesForAWebAppThatIsNotAMainSiteIsRefusedAndWritesNothing() {
        // Arrange
        productionRunsLocalPackage();
        register();
        int rowsBefore = host.rowsWritten();
        String body = LocalHostHarness.startBody("prod", NEW_PACKAGE, null);
        body = body.substring(0, body.length() - 1) + ",\"currentPackages\":{\"shop\":\"" + OLD_PACKAGE + "\"}}";

        // Act
        ApiClient.Response started = host.post("/deployments", body);

        // Assert
        assertEquals(422, started.status(), started.toString());
        assertEquals("currentPackages.shop", started.json().get("field").asText());
        assertFalse(started.body().contains("OLDSECRET"));
        assertEquals(rowsBefore, host.rowsWritten(), "bad input writes nothing");
        assertEquals(List.of(), host.cloud.calls());
    }

    @Test
    void productionOnALocalPackageDeploysTheGivenCurrentPackageToTheMaintenanceSlotAndCompletes() {
        // Arrange
        productionRunsLocalPackage();
        register();

        // Act
        ApiClient.Response started = host.post("/deployments", startWithCurrentPackage(OLD_PACKAGE));
        String id = started.json().get("id").asText();
        host.runQueues();
        String maintenancePackage = host.cloud.inspect(new SlotRef(CMS, "maintenance")).orElseThrow().packageUri();
        String servedWhileInMaintenance = host.cloud.servedContent(SlotRef.production(CMS)).orElseThrow();
        ApiClient.Response completed = host.post("/deployments/" + id + "/complete", null);
        host.runQueues();
        JsonNode done = host.get("/deployments/" + id).json();

        // Assert
        assertEquals(202, started.status(), started.toString());
        assertEquals(OLD_PACKAGE, servedWhileInMaintenance, "production served the old code by its name");
        assertEquals("1", maintenancePackage, "after the swap, the maintenance slot holds production's old value");
        assertTrue(done.get("log") == null || !done.get("log").toString().contains("OLDSECRET"));
        assertEquals(202, completed.status());
        assertEquals("Succeeded", done.get("status").asText());
        assertEquals(NEW_PACKAGE, host.cloud.inspect(SlotRef.production(CMS)).orElseThrow().packageUri());
        assertFalse(started.body().contains("OLDSECRET"), "the SAS of the current package is never echoed");
    }

    @Test
    void currentPackagesThatAreNotHttpsAreRefusedWithoutEchoingThem() {
        // Arrange
        productionRunsLocalPackage();
        register();

        // Act
        ApiClient.Response started = host.post("/deployments",
                startWithCurrentPackage("http://packages.example.com/cms-1.0.zip?sig=PLAINSECRET"));

        // Assert
        assertEquals(400, started.status(), started.toString());
        assertEquals("currentPackages.cms", started.json().get("field").asText());
        assertFalse(started.body().contains("PLAINSECRET"));
        assertEquals(List.of(), host.cloud.calls());
    }

    @Test
    void productionThatNamesNoPackageAfterASucceededDeploymentGetsThePackageThatDeploymentLeftThere() {
        // Arrange: a first deployment goes live; then production's WEBSITE_RUN_FROM_PACKAGE reads 1
        String first = host.registerAndStart("prod", false);
        host.runQueues();
        host.post("/deployments/" + first + "/complete", null);
        host.runQueues();
        host.cloud.addSite(CMS, "1", Map.of("EPiServerDB", SampleCloud.CONNECTION));
        String next = "https://packages.example.com/cms-3.0.zip?sv=2024&sig=NEXTSECRET";

        // Act
        ApiClient.Response started = host.post("/deployments", LocalHostHarness.startBody("prod", next, null));
        host.runQueues();
        String served = host.cloud.servedContent(SlotRef.production(CMS)).orElseThrow();
        JsonNode log = host.get("/deployments/" + started.json().get("id").asText() + "/log").json();

        // Assert
        assertEquals(202, started.status(), started.toString());
        assertEquals(NEW_PACKAGE, served, "the maintenance slot runs the first deployment's package");
        assertTrue(log.toString().contains("left in production"), log.toString());
        assertFalse(log.toString().contains("NEWSECRET"), "the SAS is never logged");
    }

    @Test
    void productionOnAPackageUrlNeedsNoCurrentPackage() {
        // Arrange
        String id = host.registerAndStart("prod", false);

        // Act
        host.runQueues();
        String live = host.cloud.servedContent(SlotRef.production(CMS)).orElseThrow();

        // Assert
        assertEquals("AwaitingVerification", host.get("/deployments/" + id).json().get("status").asText());
        assertEquals(OLD_PACKAGE, live, "the maintenance slot ran production's package URL");
    }
}
