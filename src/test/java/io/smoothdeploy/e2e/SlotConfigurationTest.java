package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The slots the engine creates and writes have production's configuration: the connection string keeps the type
 * production gives it (the type sets the environment variable the app reads), and a slot the engine creates has
 * production's site configuration (stack, bitness, always-on), which travels with the content into production.
 */
class SlotConfigurationTest {

    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        azure.close();
    }

    @Test
    void aSqlServerConnectionStringKeepsItsTypeOnEverySlotTheEngineWrites() {
        // Arrange: production's string is of type SQLServer, and the app reads SQLCONNSTR_EPiServerDB
        azure = new EmulatorHarness(SamplePackage.of("cms", "1.0").connectionStringType("SQLServer"),
                SamplePackage.of("cms", "2.0").connectionStringType("SQLServer"));
        azure.emulator.setConnectionStringType(azure.cmsSite, "production", "EPiServerDB", "SQLServer");
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();
        JsonNode awaiting = azure.http.get("/deployments/" + id).json();
        String maintenanceType = azure.emulator.slot(azure.cmsSite, "maintenance")
                .map(s -> s.connectionStringTypes().get("EPiServerDB")).orElse(null);
        String stagingType = azure.emulator.slot(azure.cmsSite, "staging")
                .map(s -> s.connectionStringTypes().get("EPiServerDB")).orElse(null);
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        assertEquals("AwaitingVerification", awaiting.get("status").asText(), awaiting.toString());
        assertEquals("SQLServer", maintenanceType);
        assertEquals("SQLServer", stagingType);
        assertEquals("Succeeded", azure.http.get("/deployments/" + id).json().get("status").asText());
        assertEquals("SQLServer", azure.emulator.slot(azure.cmsSite, "production").orElseThrow()
                .connectionStringTypes().get("EPiServerDB"));
        assertEquals("cms/2.0", azure.productionPackage());
    }

    @Test
    void slotsSwappedIntoProductionKeepProductionsStackAndBitness() {
        // Arrange: production runs Java 17 on Tomcat, 64-bit, always on
        azure = new EmulatorHarness(SamplePackage.of("cms", "1.0"), SamplePackage.of("cms", "2.0"));
        Map<String, String> stack = Map.of("javaVersion", "17", "javaContainer", "TOMCAT",
                "javaContainerVersion", "10.1", "use32BitWorkerProcess", "false", "alwaysOn", "true",
                "http20Enabled", "true", "ftpsState", "Disabled");
        azure.emulator.setSiteConfig(azure.cmsSite, "production", stack);
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();
        List<String> inMaintenance = azure.emulator.configurationMismatches(azure.cmsSite);
        azure.http.post("/deployments/" + id + "/complete", null);
        azure.runQueues();

        // Assert
        assertEquals(List.of(), inMaintenance, "the maintenance slot reached production with production's stack");
        assertEquals("Succeeded", azure.http.get("/deployments/" + id).json().get("status").asText());
        assertEquals(List.of(), azure.emulator.configurationMismatches(azure.cmsSite),
                "the staging slot reached production with production's stack");
        Map<String, String> live = azure.emulator.slot(azure.cmsSite, "production").orElseThrow().siteConfig();
        stack.forEach((field, value) -> assertEquals(value, live.get(field), field));
    }
}
