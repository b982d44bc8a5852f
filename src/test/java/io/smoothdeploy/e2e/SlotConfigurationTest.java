package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.emulator.SamplePackage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The slots the engine creates and writes have production's configuration: the connection string keeps the type
 * production gives it (the type sets the environment variable the app reads).
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
}
