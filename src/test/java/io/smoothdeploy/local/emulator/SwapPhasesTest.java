package io.smoothdeploy.local.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.cloud.arm.ArmCloud;
import io.smoothdeploy.local.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The swap's phases in the emulator, through the ARM adapter (https://learn.microsoft.com/azure/app-service/
 * deploy-staging-slots, "Swap operation steps", "Specify custom warm-up", "Troubleshoot swaps"): the source takes
 * production's slot settings and restarts, is warmed by App Service on its ping path, and only then is swapped; a
 * warm-up answer outside the accepted statuses or a failed restart stops the swap with nothing changed. While a swap
 * with preview is pending, both slots' settings are locked (409).
 */
class SwapPhasesTest {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000002";
    private static final String PACKAGES = "https://packages.example.com/";

    private final ManualClock clock = new ManualClock();
    private AzureEmulator emulator;
    private ArmCloud cloud;
    private String site;
    private SlotRef production;
    private SlotRef staging;

    @BeforeEach
    void start() throws IOException {
        Path packages = Files.createTempDirectory("packages");
        SamplePackage.of("cms", "1.0").writeTo(packages.resolve("cms-1.0.zip"));
        SamplePackage.of("cms", "2.0").coldStartSeconds(60).page("/health", 200, "ok")
                .writeTo(packages.resolve("cms-2.0.zip"));
        emulator = AzureEmulator.start(clock);
        // the swap's phases alone: restarts take effect at once here, except where a test sets the lag back
        emulator.setRestartLag(Duration.ZERO);
        emulator.servePackagesFrom(packages);
        site = emulator.addSite(SUBSCRIPTION, "rg", "cms", "westeurope",
                Map.of(SlotInfo.RUN_FROM_PACKAGE, PACKAGES + "cms-1.0.zip", "INSIGHTS", "production-key"), Map.of());
        emulator.setSlotSettingNames(site, Set.of("INSIGHTS"), Set.of());
        production = SlotRef.production(site);
        staging = new SlotRef(site, "staging");
        cloud = EmulatorArm.cloud(emulator.endpoint(), SUBSCRIPTION, emulator::baseUrlForHost);
        cloud.ensureSlot(staging);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private void deployNew(Map<String, String> swapWarmUp) {
        cloud.applyConfiguration(staging, new SlotConfiguration(swapWarmUp, Map.of()));
        cloud.deployPackage(staging, PACKAGES + "cms-2.0.zip");
    }

    private String productionPackage() {
        return emulator.appInstance(site, "production").orElseThrow().manifest().id();
    }

    @Test
    void aSwapWithoutPreviewRestartsTheSourceAndWaitsForItsWarmUpBeforeSwitching() {
        // Arrange: the new package takes 60 s to start; staging lacks production's sticky value
        deployNew(Map.of("WEBSITE_SWAP_WARMUP_PING_PATH", "/health", "WEBSITE_SWAP_WARMUP_PING_STATUSES", "200"));
        clock.advance(Duration.ofMinutes(2));
        long warmed = emulator.appInstance(site, "staging").orElseThrow().id();

        // Act
        cloud.beginSwapWithProduction(staging);
        long atSwap = emulator.appInstance(site, "staging").orElseThrow().id();
        clock.advance(Duration.ofSeconds(30));
        boolean swappingAfterItsDuration = emulator.swapping(site);
        clock.advance(Duration.ofSeconds(31));

        // Assert
        assertNotEquals(warmed, atSwap, "the swap applied production's sticky value and restarted staging");
        assertTrue(swappingAfterItsDuration, "still waiting for the restarted instance to answer its warm-up");
        assertFalse(emulator.swapping(site));
        assertEquals("cms/2.0", productionPackage());
        assertFalse(emulator.appInstance(site, "production").orElseThrow().warmingUp(clock.instant()),
                "production got the instance once it was warm");
    }

    @Test
    void aSwapWaitsForTheSourcesLaggingRestartBeforeItsWarmUpIsJudged() {
        // Arrange: restarts lag as by default; the new package takes 60 s to start once its instance restarts
        emulator.setRestartLag(Duration.ofSeconds(AzureEmulator.DEFAULT_RESTART_LAG_SECONDS));
        deployNew(Map.of("WEBSITE_SWAP_WARMUP_PING_PATH", "/health", "WEBSITE_SWAP_WARMUP_PING_STATUSES", "200"));
        clock.advance(Duration.ofMinutes(2));
        long warmed = emulator.appInstance(site, "staging").orElseThrow().id();

        // Act: the swap applies production's sticky value; its restart lags, then the instance starts cold
        cloud.beginSwapWithProduction(staging);
        clock.advance(Duration.ofSeconds(AzureEmulator.DEFAULT_RESTART_LAG_SECONDS + 30));
        boolean swappingWhileTheRestartedInstanceStarts = emulator.swapping(site);
        long duringTheSwap = emulator.appInstance(site, "staging").orElseThrow().id();
        clock.advance(Duration.ofSeconds(31));

        // Assert: the old process, which answered /health with 200 all along, was never the one judged
        assertTrue(swappingWhileTheRestartedInstanceStarts, "still waiting for the restarted instance");
        assertNotEquals(warmed, duringTheSwap, "the swap's restart took effect after its lag");
        assertFalse(emulator.swapping(site));
        assertEquals("cms/2.0", productionPackage());
        assertFalse(emulator.appInstance(site, "production").orElseThrow().warmingUp(clock.instant()),
                "production got the restarted instance once it was warm");
    }

    @Test
    void aWarmUpAnswerOutsideThePingStatusesStopsTheSwapAndChangesNothing() {
        // Arrange: the ping path does not exist in the new package (404), and only 200 is accepted
        deployNew(Map.of("WEBSITE_SWAP_WARMUP_PING_PATH", "/missing", "WEBSITE_SWAP_WARMUP_PING_STATUSES", "200"));
        clock.advance(Duration.ofMinutes(2));

        // Act
        cloud.beginSwapWithProduction(staging);
        clock.advance(Duration.ofMinutes(10));

        // Assert
        assertFalse(emulator.swapping(site));
        assertEquals("cms/1.0", productionPackage(), "production keeps its content");
        assertTrue(emulator.lastStoppedSwap(site).orElseThrow().contains("answered HTTP 404"),
                emulator.lastStoppedSwap(site).toString());
        assertFalse(emulator.slot(site, "staging").orElseThrow().appSettings().containsKey("INSIGHTS"),
                "the sticky value the swap applied was taken back from staging");
        assertEquals("production-key", emulator.slot(site, "production").orElseThrow().appSettings().get("INSIGHTS"));
    }

    @Test
    void withoutPingStatusesAnyAnswerCountsSoEvenA404IsSwappedIn() {
        // Arrange: App Service's default: every status is valid
        deployNew(Map.of("WEBSITE_SWAP_WARMUP_PING_PATH", "/missing"));
        clock.advance(Duration.ofMinutes(2));

        // Act
        cloud.beginSwapWithProduction(staging);
        clock.advance(Duration.ofMinutes(10));

        // Assert
        assertEquals("cms/2.0", productionPackage());
        assertTrue(emulator.lastStoppedSwap(site).isEmpty());
    }

    @Test
    void aSourceThatIsStillStartingWhenTheWarmUpLimitIsUpStopsTheSwap() {
        // Arrange: a warm-up limit shorter than the package's 60 s start
        emulator.setSwapWarmUpLimit(Duration.ofSeconds(40));
        deployNew(Map.of());
        clock.advance(Duration.ofMinutes(2));

        // Act
        cloud.beginSwapWithProduction(staging);
        clock.advance(Duration.ofSeconds(45));

        // Assert
        assertFalse(emulator.swapping(site));
        assertEquals("cms/1.0", productionPackage());
        assertTrue(emulator.lastStoppedSwap(site).orElseThrow().contains("got no answer within 40 s"),
                emulator.lastStoppedSwap(site).toString());
    }

    @Test
    void aSourceWhosePackageCannotBeLoadedFailsToRestartAndTheSwapStops() {
        // Arrange
        cloud.deployPackage(staging, PACKAGES + "gone.zip");

        // Act
        cloud.beginSwapWithProduction(staging);
        clock.advance(Duration.ofMinutes(2));

        // Assert
        assertEquals("cms/1.0", productionPackage());
        assertTrue(emulator.lastStoppedSwap(site).orElseThrow().contains("failed to restart"),
                emulator.lastStoppedSwap(site).toString());
    }

    @Test
    void whileASwapWithPreviewIsPendingSettingsWritesToEitherSlotAreRefusedUntilItIsCancelled() {
        // Arrange
        deployNew(Map.of());
        cloud.applyProductionConfiguration(staging);
        SlotConfiguration change = new SlotConfiguration(Map.of("A", "1"), Map.of());

        // Act
        CloudException onStaging = assertThrows(CloudException.class, () -> cloud.applyConfiguration(staging, change));
        CloudException onProduction = assertThrows(CloudException.class,
                () -> cloud.applyConfiguration(production, change));
        cloud.resetConfiguration(staging);
        cloud.applyConfiguration(staging, change);

        // Assert
        assertTrue(onStaging.getMessage().contains("prepared for swap"), onStaging.getMessage());
        assertTrue(onProduction.getMessage().contains("prepared for swap"), onProduction.getMessage());
        assertFalse(onStaging.isBusy(), "not an operation that ends by itself: someone must complete or cancel it");
        assertEquals("1", emulator.slot(site, "staging").orElseThrow().appSettings().get("A"), "writable again");
    }

    @Test
    void aSwapCompletingAPreviewRestartsNothing() {
        // Arrange
        deployNew(Map.of());
        cloud.applyProductionConfiguration(staging);
        clock.advance(Duration.ofMinutes(2));
        long warmed = emulator.appInstance(site, "staging").orElseThrow().id();

        // Act
        cloud.beginSwapWithProduction(staging);
        clock.advance(Duration.ofSeconds(30));

        // Assert
        assertEquals(warmed, emulator.appInstance(site, "production").orElseThrow().id());
        assertEquals("production-key", emulator.slot(site, "production").orElseThrow().appSettings().get("INSIGHTS"));
        assertFalse(emulator.slot(site, "staging").orElseThrow().appSettings().containsKey("INSIGHTS"),
                "the slot that left production has the staging slot's own (no) value");
    }
}
