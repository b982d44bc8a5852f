package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slot settings (sticky) stay with their slot in a swap, as on App Service and in the emulator
 * (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Which settings are swapped?"); a swap with
 * preview first gives the source production's sticky values, and a cancel gives it its own back.
 */
class SimulatedCloudStickySettingsTest {

    private static final String SITE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final SimulatedCloud cloud = new SimulatedCloud(clock, Duration.ofMinutes(1));
    private final SlotRef production = SlotRef.production(SITE);
    private final SlotRef staging = new SlotRef(SITE, "staging");

    @BeforeEach
    void site() {
        cloud.addSite(SITE, "https://packages.example.com/app-1.0.zip", Map.of("Db", "Server=tcp:prod;Database=p"));
        cloud.applyConfiguration(production, new SlotConfiguration(Map.of("ENVIRONMENT", "Production"), Map.of()));
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of("ENVIRONMENT", "Staging",
                SlotInfo.RUN_FROM_PACKAGE, "https://packages.example.com/app-2.0.zip"),
                Map.of("Db", "Server=tcp:prod;Database=staging")));
        cloud.setSlotSettingNames(SITE, Set.of("ENVIRONMENT"), Set.of("Db"));
        cloud.setSwapDuration(Duration.ZERO);
    }

    @Test
    void stickySettingsStayWithTheirSlotWhileTheContentSwaps() {
        // Act
        cloud.beginSwapWithProduction(staging);

        // Assert: the package travelled; the sticky app setting and connection string did not
        SlotInfo live = cloud.inspect(production).orElseThrow();
        SlotInfo left = cloud.inspect(staging).orElseThrow();
        assertEquals("https://packages.example.com/app-2.0.zip", live.packageUri());
        assertEquals("Production", live.appSettings().get("ENVIRONMENT"));
        assertEquals("Server=tcp:prod;Database=p", live.connectionStrings().get("Db"));
        assertEquals("https://packages.example.com/app-1.0.zip", left.packageUri());
        assertEquals("Staging", left.appSettings().get("ENVIRONMENT"));
        assertEquals("Server=tcp:prod;Database=staging", left.connectionStrings().get("Db"));
    }

    @Test
    void aPreviewGivesTheSourceProductionsStickyValuesAndACancelGivesItsOwnBack() {
        // Act
        cloud.applyProductionConfiguration(staging);
        SlotInfo previewing = cloud.inspect(staging).orElseThrow();
        cloud.resetConfiguration(staging);
        SlotInfo reset = cloud.inspect(staging).orElseThrow();

        // Assert
        assertEquals("Production", previewing.appSettings().get("ENVIRONMENT"));
        assertEquals("Server=tcp:prod;Database=p", previewing.connectionStrings().get("Db"));
        assertEquals("Staging", reset.appSettings().get("ENVIRONMENT"));
        assertEquals("Server=tcp:prod;Database=staging", reset.connectionStrings().get("Db"));
    }

    @Test
    void aSwapCompletingAPreviewLeavesTheSourceItsOwnStickyValues() {
        // Act
        cloud.applyProductionConfiguration(staging);
        cloud.beginSwapWithProduction(staging);

        // Assert
        assertEquals("Production", cloud.inspect(production).orElseThrow().appSettings().get("ENVIRONMENT"));
        assertEquals("Staging", cloud.inspect(staging).orElseThrow().appSettings().get("ENVIRONMENT"));
        assertEquals("Server=tcp:prod;Database=staging", cloud.inspect(staging).orElseThrow().connectionStrings().get("Db"));
    }
}
