package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.port.ProbeResult;
import io.smoothdeploy.engine.port.WarmUpTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The simulated cloud decides what a slot serves as App Service does: only a package URL travels to a new slot;
 * {@code 1} (the app's own SitePackages) and no value (wwwroot) stay with the slot they were deployed to, and a new
 * slot without a URL serves the empty default site, which answers 200.
 */
class SimulatedCloudContentTest {

    private static final String SITE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app";
    private static final String PACKAGE = "https://packages.example.com/app-1.0.zip?sig=SECRET";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final SimulatedCloud cloud = new SimulatedCloud(clock, Duration.ofMinutes(1));

    private SlotRef newSlotWithProductionsPackageSetting(String productionValue) {
        cloud.addSite(SITE, productionValue, Map.of());
        SlotRef slot = new SlotRef(SITE, "maintenance");
        cloud.ensureSlot(slot);
        if (productionValue != null) {
            cloud.applyConfiguration(slot, new SlotConfiguration(Map.of(SlotInfo.RUN_FROM_PACKAGE, productionValue),
                    Map.of()));
        }
        return slot;
    }

    private ProbeResult probe(SlotRef slot) {
        SlotInfo info = cloud.inspect(slot).orElseThrow();
        return cloud.probe(new WarmUpTarget(info.baseUrl(), List.of(info.defaultHostName()), List.of("/"),
                List.of(200))).get(0);
    }

    @Test
    void aNewSlotGivenRunFromPackageOneServesTheEmptyDefaultSiteWith200() {
        // Arrange
        SlotRef slot = newSlotWithProductionsPackageSetting("1");

        // Act
        String served = cloud.servedContent(slot).orElseThrow();
        ProbeResult answer = probe(slot);

        // Assert
        assertEquals(SimulatedCloud.EMPTY_SITE, served);
        assertEquals(200, answer.status(), "the empty site passes warm-up, as hostingstart does on Azure");
        assertEquals(SimulatedCloud.OWN_CONTENT, cloud.servedContent(SlotRef.production(SITE)).orElseThrow(),
                "production keeps running the package in its own SitePackages");
    }

    @Test
    void aNewSlotWithNoRunFromPackageServesTheEmptyDefaultSite() {
        // Arrange
        SlotRef slot = newSlotWithProductionsPackageSetting(null);

        // Act
        String served = cloud.servedContent(slot).orElseThrow();

        // Assert
        assertEquals(SimulatedCloud.EMPTY_SITE, served);
        assertEquals(200, probe(slot).status());
    }

    @Test
    void aNewSlotGivenAPackageUrlServesThatPackage() {
        // Arrange
        SlotRef slot = newSlotWithProductionsPackageSetting(PACKAGE);

        // Act
        String served = cloud.servedContent(slot).orElseThrow();

        // Assert
        assertEquals(PACKAGE, served);
    }

    @Test
    void aSwapMovesTheEmptySiteIntoProductionAndTheOwnContentOut() {
        // Arrange
        SlotRef slot = newSlotWithProductionsPackageSetting("1");
        cloud.setSwapDuration(Duration.ZERO);

        // Act
        cloud.beginSwapWithProduction(slot);

        // Assert
        assertEquals(SimulatedCloud.EMPTY_SITE, cloud.servedContent(SlotRef.production(SITE)).orElseThrow());
        assertEquals(SimulatedCloud.OWN_CONTENT, cloud.servedContent(slot).orElseThrow());
        assertTrue(cloud.calls().contains("beginSwapWithProduction app/maintenance"), cloud.calls().toString());
    }
}
