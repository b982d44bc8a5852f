package io.smoothdeploy.local.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.cloud.arm.ArmCloud;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.warmup.HttpWarmUpProber;
import io.smoothdeploy.engine.port.ProbeResult;
import io.smoothdeploy.engine.port.WarmUpTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slot runtime over real loopback HTTP: packages written by {@link SamplePackage}, deployed through the
 * real ARM adapter ({@link ArmCloud} on azure-resourcemanager) against the emulator, then asked over HTTP.
 * Time is a {@link ManualClock}: cold starts take no real time.
 */
class SlotRuntimeTest {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000002";
    private static final String CMS_1 = "https://packages.example/releases/cms-1.0.zip?sv=2024&sig=secret-one";
    private static final String LIVE_DB = "Server=tcp:sql-prod.database.windows.net,1433;Initial Catalog=cms;"
            + "Password=p@ss";
    private static final String COPY_DB = "Server=tcp:sql-prod.database.windows.net;Database=cms-copy;Password=p@ss";

    @TempDir
    Path packages;

    private ManualClock clock;
    private AzureEmulator emulator;
    private ArmCloud cloud;
    private HttpClient http;
    private String siteId;
    private String serverId;
    private SlotRef production;
    private SlotRef staging;

    @BeforeEach
    void start() {
        clock = new ManualClock();
        emulator = AzureEmulator.start(clock);
        // restarts at once: these tests are about other behaviour (restart lag: SlotRuntimeTest.restarts*)
        emulator.setRestartLag(Duration.ZERO);
        serverId = emulator.addSqlServer(SUBSCRIPTION, "rg-data", "sql-prod", "westeurope");
        emulator.addDatabase(serverId, "cms");
        emulator.addDatabase(serverId, "cms-copy");
        SamplePackage.of("cms", "1.0").writeTo(packages.resolve("cms-1.0.zip"));
        emulator.servePackagesFrom(packages);
        siteId = emulator.addSite(SUBSCRIPTION, "rg-web", "cms", "westeurope",
                Map.of(SlotInfo.RUN_FROM_PACKAGE, CMS_1, "Cms__DatabaseMode", "ReadWrite"),
                Map.of("EPiServerDB", LIVE_DB));
        production = SlotRef.production(siteId);
        staging = new SlotRef(siteId, "staging");
        cloud = EmulatorArm.cloud(emulator.endpoint(), SUBSCRIPTION, emulator::baseUrlForHost);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    // ----- serving a package -----

    @Test
    void theSeededProductionSlotServesItsPackageAtTheUrlArmReports() throws Exception {
        // Act
        SlotInfo slot = cloud.getSlot(production).orElseThrow();
        HttpResponse<String> response = get(slot.baseUrl() + "/");

        // Assert
        assertEquals(emulator.slotUrl(siteId, "production").orElseThrow().toString(), slot.baseUrl());
        assertTrue(slot.baseUrl().startsWith("http://127.0.0.1:"));
        assertEquals(200, response.statusCode());
        assertEquals("cms 1.0", response.body());
        assertEquals("cms/1.0", packageOf(response));
        assertEquals(404, get(slot.baseUrl() + "/nope").statusCode());
    }

    @Test
    void startingInReadWriteModeMigratesTheDatabaseOncePerVersion() {
        // Arrange
        EmulatedDatabase live = emulator.database(serverId, "cms");
        assertEquals(1, live.writeCount());
        assertTrue(live.values().get(0).contains("\"migration\":\"1.0\""));

        // Act
        cloud.applyConfiguration(production, new SlotConfiguration(Map.of("Cms__DatabaseMode", "ReadOnly"), Map.of()));
        cloud.applyConfiguration(production, new SlotConfiguration(Map.of("Cms__DatabaseMode", "ReadWrite"), Map.of()));

        // Assert: the database is at 1.0 already, so neither restart wrote to it (a clone stays unwritten)
        assertEquals(1, live.writeCount());
    }

    @Test
    void aColdStartAnswers503UntilItsTimeHasPassedOnTheEmulatorsClock() throws Exception {
        // Arrange
        SamplePackage.of("cms", "2.0").coldStartSeconds(3).writeTo(packages.resolve("cms-2.0.zip"));
        String url = deployToStaging("cms-2.0.zip", Map.of());
        long instance = emulator.appInstance(siteId, "staging").orElseThrow().id();

        // Act
        HttpResponse<String> cold = get(url + "/");
        clock.advance(Duration.ofMillis(2_999));
        HttpResponse<String> stillCold = get(url + "/");
        clock.advance(Duration.ofMillis(1));
        HttpResponse<String> warm = get(url + "/");

        // Assert
        assertEquals(503, cold.statusCode());
        assertEquals("Service Unavailable: warming up", cold.body());
        assertEquals(503, stillCold.statusCode());
        assertEquals(200, warm.statusCode());
        assertEquals("cms 2.0", warm.body());

        // Act: a restart is a new start, cold again
        cloud.deployPackage(staging, "https://elsewhere.example/x/cms-2.0.zip");

        // Assert
        assertNotEquals(instance, emulator.appInstance(siteId, "staging").orElseThrow().id());
        assertEquals(503, get(url + "/").statusCode());
    }

    @Test
    void theWarmUpProberReachesTheSlotThroughTheBaseUrlArmReports() {
        // Arrange
        SamplePackage.of("cms", "2.0").coldStartSeconds(3).page("/health", 200, "healthy")
                .writeTo(packages.resolve("cms-2.0.zip"));
        String url = deployToStaging("cms-2.0.zip", Map.of());
        assertEquals(url, cloud.getSlot(staging).orElseThrow().baseUrl());
        HttpWarmUpProber prober = new HttpWarmUpProber(Duration.ofSeconds(5));
        WarmUpTarget target = new WarmUpTarget(url, List.of("cms-staging.azurewebsites.net"), List.of("/", "/health"),
                List.of(200));

        // Act
        List<ProbeResult> cold = prober.probe(target);
        clock.advance(Duration.ofSeconds(3));
        List<ProbeResult> warm = prober.probe(target);

        // Assert
        assertEquals(ProbeResult.Outcome.SERVER_ERROR, cold.get(0).outcome());
        assertEquals(503, cold.get(0).status());
        assertTrue(warm.stream().allMatch(ProbeResult::ok), warm.toString());
    }

    // ----- what a package's manifest makes it do -----

    @Test
    void aPackageWithoutReadOnlySupportFailsInReadOnlyMode() throws Exception {
        // Arrange
        SamplePackage.of("cms", "2.0").supportsReadOnly(false).writeTo(packages.resolve("cms-2.0.zip"));
        SamplePackage.of("cms", "2.1").writeTo(packages.resolve("cms-2.1.zip"));

        // Act
        String url = deployToStaging("cms-2.0.zip", Map.of("Cms__DatabaseMode", "ReadOnly"));
        HttpResponse<String> unsupported = get(url + "/");
        cloud.deployPackage(staging, "https://packages.example/releases/cms-2.1.zip?sig=x");
        HttpResponse<String> supported = get(url + "/");

        // Assert
        assertEquals(500, unsupported.statusCode());
        assertEquals("Database is in read-only mode", firstLine(unsupported.body()));
        assertEquals("cms/2.0", packageOf(unsupported));
        assertEquals(200, supported.statusCode());
    }

    @Test
    void aStartupFailureAnswers500WithItsMessageAndAStackTrace() throws Exception {
        // Arrange
        String message = "System.InvalidOperationException: Unable to resolve service for type 'ICache'";
        SamplePackage.of("cms", "2.0").startupFailure(message).writeTo(packages.resolve("cms-2.0.zip"));

        // Act
        HttpResponse<String> response = get(deployToStaging("cms-2.0.zip", Map.of()) + "/");

        // Assert
        assertEquals(500, response.statusCode());
        String[] lines = response.body().split("\n");
        assertEquals(message, lines[0]);
        assertTrue(lines[1].startsWith("   at "), response.body());
    }

    @Test
    void anIpFilterForbidsRequestsWithoutItsHeader() throws Exception {
        // Arrange
        SamplePackage.of("cms", "2.0").ipFilter("X-Allowed", "yes").writeTo(packages.resolve("cms-2.0.zip"));
        String url = deployToStaging("cms-2.0.zip", Map.of());

        // Act
        HttpResponse<String> without = get(url + "/");
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(url + "/")).header("X-Allowed", "no"));
        HttpResponse<String> with = send(HttpRequest.newBuilder(URI.create(url + "/")).header("X-Allowed", "yes"));

        // Assert
        assertEquals(403, without.statusCode());
        assertEquals("Forbidden: IP address not allowed", without.body());
        assertEquals(403, wrong.statusCode());
        assertEquals(200, with.statusCode());
    }

    @Test
    void aFailingMigrationBreaksTheAppInReadWriteModeOnly() throws Exception {
        // Arrange
        SamplePackage.of("cms", "2.0").migrationFailure("Migration 2.0.0042 failed: column exists")
                .writeTo(packages.resolve("cms-2.0.zip"));
        int before = emulator.database(serverId, "cms-copy").writeCount();

        // Act
        String url = deployToStaging("cms-2.0.zip", Map.of("Cms__DatabaseMode", "ReadOnly"));
        HttpResponse<String> readOnly = get(url + "/");
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of("Cms__DatabaseMode", "ReadWrite"), Map.of()));
        HttpResponse<String> readWrite = get(url + "/");

        // Assert
        assertEquals(200, readOnly.statusCode());
        assertEquals(500, readWrite.statusCode());
        assertEquals("Migration 2.0.0042 failed: column exists", firstLine(readWrite.body()));
        assertEquals(before, emulator.database(serverId, "cms-copy").writeCount());
    }

    @Test
    void writesLandInTheDatabaseTheConnectionStringNamesAndAreRefusedInReadOnlyMode() throws Exception {
        // Arrange
        SamplePackage.of("cms", "2.0").writeTo(packages.resolve("cms-2.0.zip"));
        String url = deployToStaging("cms-2.0.zip", Map.of("Cms__DatabaseMode", "ReadWrite"));
        EmulatedDatabase copy = emulator.database(serverId, "cms-copy");
        EmulatedDatabase live = emulator.database(serverId, "cms");
        int copyBefore = copy.writeCount();
        int liveBefore = live.writeCount();

        // Act
        HttpResponse<String> written = post(url + "/write");

        // Assert
        assertEquals(200, written.statusCode());
        assertEquals(copyBefore + 1, copy.writeCount());
        assertTrue(copy.values().get(copyBefore).contains("\"by\":\"cms/2.0\""), copy.values().toString());
        assertEquals(liveBefore, live.writeCount());

        // Act: ReadOnly
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of("Cms__DatabaseMode", "ReadOnly"), Map.of()));
        HttpResponse<String> refused = post(url + "/write");

        // Assert
        assertEquals(503, refused.statusCode());
        assertTrue(refused.body().contains("read-only mode"), refused.body());
        assertEquals(copyBefore + 1, copy.writeCount());
    }

    // ----- slots without a package, stopped slots -----

    @Test
    void aSlotWithoutContentServesTheEmptyDefaultSiteAndAMissingPackage503WithoutTheSas() throws Exception {
        // Arrange: production runs a package of its own (1), so the settings a new slot clones name no content
        emulator.deployToSlotItself(siteId, "production", "cms-1.0.zip");
        cloud.ensureSlot(staging);
        String url = cloud.getSlot(staging).orElseThrow().baseUrl();

        // Act
        HttpResponse<String> empty = get(url + "/");
        cloud.deployPackage(staging, "https://packages.example/releases/cms-9.9.zip?sv=2024&sig=top-secret");
        HttpResponse<String> missing = get(url + "/");

        // Assert
        assertEquals(200, empty.statusCode(), "an empty slot answers hostingstart.html, as on Azure");
        assertEquals(SlotRuntime.HOSTING_START, empty.body());
        assertEquals("none", packageOf(empty));
        assertEquals(503, missing.statusCode());
        assertTrue(missing.body().startsWith("package not found"), missing.body());
        assertFalse(missing.body().contains("sig") || missing.body().contains("top-secret"), missing.body());
    }

    @Test
    void aNewSlotGivenRunFromPackageOneServesTheEmptyDefaultSiteWhileProductionRunsItsOwnPackage() throws Exception {
        // Arrange: production got its package by az webapp deploy (its own SitePackages, WEBSITE_RUN_FROM_PACKAGE=1)
        emulator.deployToSlotItself(siteId, "production", "cms-1.0.zip");
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of(SlotInfo.RUN_FROM_PACKAGE, "1"), Map.of()));

        // Act
        HttpResponse<String> slot = get(cloud.getSlot(staging).orElseThrow().baseUrl() + "/");
        clock.advance(Duration.ofSeconds(3));
        HttpResponse<String> live = get(cloud.getSlot(production).orElseThrow().baseUrl() + "/");

        // Assert
        assertEquals(200, slot.statusCode());
        assertEquals(SlotRuntime.HOSTING_START, slot.body());
        assertEquals("none", packageOf(slot), "no app behaviour: the package stayed with production");
        assertEquals("1", cloud.getSlot(production).orElseThrow().packageUri());
        assertEquals("cms/1.0", packageOf(live), "production runs the package in its own SitePackages");
    }

    @Test
    void aSwapMovesContentDeployedIntoTheSlotItselfAndLeavesTheEmptySiteInProduction() throws Exception {
        // Arrange
        emulator.deployToSlotItself(siteId, "production", "cms-1.0.zip");
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of(SlotInfo.RUN_FROM_PACKAGE, "1"), Map.of()));

        // Act
        swapAndFinish(staging);
        HttpResponse<String> live = get(cloud.getSlot(production).orElseThrow().baseUrl() + "/");

        // Assert
        assertEquals(200, live.statusCode());
        assertEquals(SlotRuntime.HOSTING_START, live.body(), "an empty site swapped in serves hostingstart");
        assertEquals("cms-1.0.zip", emulator.slot(siteId, "staging").orElseThrow().ownPackage());
    }

    @Test
    void aStoppedSlotAnswers503AndStartsAgainAsANewInstance() throws Exception {
        // Arrange
        String url = cloud.getSlot(production).orElseThrow().baseUrl();
        long first = emulator.appInstance(siteId, "production").orElseThrow().id();

        // Act
        cloud.stopSlot(production);
        HttpResponse<String> stopped = get(url + "/");
        cloud.startSlot(production);
        HttpResponse<String> started = get(url + "/");

        // Assert
        assertEquals(503, stopped.statusCode());
        assertEquals(200, started.statusCode());
        assertNotEquals(first, emulator.appInstance(siteId, "production").orElseThrow().id());
    }

    // ----- restarts are asynchronous -----

    @Test
    void restartsAfterASettingsWriteTakeEffectOnlyOnceTheRestartLagHasPassed() throws Exception {
        // Arrange: production runs 1.0; 2.0 has a cold start; restarts lag ten seconds
        emulator.setRestartLag(Duration.ofSeconds(10));
        SamplePackage.of("cms", "2.0").coldStartSeconds(3).writeTo(packages.resolve("cms-2.0.zip"));
        String url = cloud.getSlot(production).orElseThrow().baseUrl();
        AppInstance before = emulator.appInstance(siteId, "production").orElseThrow();

        // Act: the package change is one app settings write, answered at once
        cloud.deployPackage(production, "https://packages.example/releases/cms-2.0.zip?sv=2024&sig=s");
        HttpResponse<String> rightAfter = get(url + "/");
        boolean pending = emulator.slot(siteId, "production").orElseThrow().restartPending();
        clock.advance(Duration.ofSeconds(10));
        HttpResponse<String> restarted = get(url + "/");
        clock.advance(Duration.ofSeconds(3));
        HttpResponse<String> warm = get(url + "/");

        // Assert: the old process answered until the lag was over, then the new one started cold
        assertEquals(200, rightAfter.statusCode());
        assertEquals("cms/1.0", packageOf(rightAfter));
        assertTrue(pending);
        assertEquals(503, restarted.statusCode());
        assertEquals(200, warm.statusCode());
        assertEquals("cms/2.0", packageOf(warm));
        AppInstance after = emulator.appInstance(siteId, "production").orElseThrow();
        assertNotEquals(before.id(), after.id());
        assertEquals(clock.instant().minusSeconds(3), after.startedAt(), "the cold start counts from the restart");
        assertFalse(emulator.slot(siteId, "production").orElseThrow().restartPending());
    }

    @Test
    void writesWithinTheLagShareOneRestartWhichReadsTheLatestSettings() throws Exception {
        // Arrange
        emulator.setRestartLag(Duration.ofSeconds(10));
        int restartsBefore = emulator.slot(siteId, "production").orElseThrow().restarts();

        // Act: two writes four seconds apart
        cloud.applyConfiguration(production, new SlotConfiguration(Map.of("Cms__DatabaseMode", "ReadOnly"), Map.of()));
        clock.advance(Duration.ofSeconds(4));
        cloud.applyConfiguration(production, new SlotConfiguration(Map.of("Feature", "on"), Map.of()));
        clock.advance(Duration.ofSeconds(6));
        AppInstance after = emulator.appInstance(siteId, "production").orElseThrow();

        // Assert: one restart, ten seconds after the first write, with both writes' values
        assertEquals(restartsBefore + 1, emulator.slot(siteId, "production").orElseThrow().restarts());
        assertEquals("ReadOnly", after.databaseMode());
        assertEquals("on", after.appSettings().get("Feature"));
    }

    @Test
    void aSynchronousSoftRestartMakesAPendingRestartTakeEffectBeforeItAnswers() throws Exception {
        // Arrange: a package write whose restart is pending
        emulator.setRestartLag(Duration.ofSeconds(10));
        SamplePackage.of("cms", "2.0").writeTo(packages.resolve("cms-2.0.zip"));
        String url = cloud.getSlot(production).orElseThrow().baseUrl();
        cloud.deployPackage(production, "https://packages.example/releases/cms-2.0.zip?sv=2024&sig=s");
        int restartsBefore = emulator.slot(siteId, "production").orElseThrow().restarts();

        // Act: WebApps_Restart with softRestart=true&synchronous=true
        HttpResponse<String> restart = post(emulator.endpoint() + siteId
                + "/restart?softRestart=true&synchronous=true&api-version=" + AzureEmulator.WEB_API_VERSION);
        HttpResponse<String> answer = get(url + "/");

        // Assert: the pending restart took effect, as the one restart of this package change
        assertEquals(200, restart.statusCode(), restart.body());
        assertEquals("cms/2.0", packageOf(answer));
        assertEquals(restartsBefore + 1, emulator.slot(siteId, "production").orElseThrow().restarts());
        assertFalse(emulator.slot(siteId, "production").orElseThrow().restartPending());
    }

    @Test
    void aSoftRestartWithNothingToApplyRestartsNothing() throws Exception {
        // Arrange: production runs its settings; nothing is pending
        emulator.setRestartLag(Duration.ofSeconds(10));
        AppInstance before = emulator.appInstance(siteId, "production").orElseThrow();
        int restartsBefore = emulator.slot(siteId, "production").orElseThrow().restarts();

        // Act
        HttpResponse<String> restart = post(emulator.endpoint() + siteId
                + "/restart?softRestart=true&synchronous=true&api-version=" + AzureEmulator.WEB_API_VERSION);

        // Assert
        assertEquals(200, restart.statusCode(), restart.body());
        assertEquals(before, emulator.appInstance(siteId, "production").orElseThrow());
        assertEquals(restartsBefore, emulator.slot(siteId, "production").orElseThrow().restarts());
    }

    @Test
    void aPlainRestartIsAsynchronousToo() throws Exception {
        // Arrange
        emulator.setRestartLag(Duration.ofSeconds(10));
        AppInstance before = emulator.appInstance(siteId, "production").orElseThrow();

        // Act: WebApps_Restart without synchronous: "the API responds immediately (asynchronous)"
        HttpResponse<String> restart = post(emulator.endpoint() + siteId + "/restart?api-version=" + AzureEmulator.WEB_API_VERSION);
        AppInstance during = emulator.appInstance(siteId, "production").orElseThrow();
        clock.advance(Duration.ofSeconds(10));

        // Assert
        assertEquals(200, restart.statusCode(), restart.body());
        assertEquals(before, during);
        assertNotEquals(before.id(), emulator.appInstance(siteId, "production").orElseThrow().id());
    }

    @Test
    void theInstanceThatLeavesProductionRestartsWithTheSourceSlotsStickyValues() throws Exception {
        // Arrange: the database mode is sticky; staging says ReadOnly, production ReadWrite; restarts lag 10 s
        emulator.setSlotSettingNames(siteId, java.util.Set.of("Cms__DatabaseMode"), java.util.Set.of());
        SamplePackage.of("cms", "2.0").writeTo(packages.resolve("cms-2.0.zip"));
        deployToStaging("cms-2.0.zip", Map.of("Cms__DatabaseMode", "ReadOnly"));
        AppInstance oldProduction = emulator.appInstance(siteId, "production").orElseThrow();
        emulator.setRestartLag(Duration.ofSeconds(10));
        int stagingRestarts = emulator.slot(siteId, "staging").orElseThrow().restarts();

        // Act: the swap; App Service restarts staging with production's value first (within the swap's 30 s)
        cloud.beginSwapWithProduction(staging);
        clock.advance(Duration.ofSeconds(AzureEmulator.DEFAULT_SWAP_SECONDS));
        AppInstance leftRightAfter = emulator.appInstance(siteId, "staging").orElseThrow();
        clock.advance(Duration.ofSeconds(10));
        AppInstance leftRestarted = emulator.appInstance(siteId, "staging").orElseThrow();

        // Assert: the old production process answers in staging as it was, then restarts with staging's own value
        assertEquals(oldProduction, leftRightAfter);
        assertNotEquals(oldProduction.id(), leftRestarted.id());
        assertEquals("1.0", leftRestarted.manifest().version());
        assertEquals("ReadOnly", leftRestarted.databaseMode());
        assertEquals(stagingRestarts + 2, emulator.slot(siteId, "staging").orElseThrow().restarts());
    }

    // ----- swaps -----

    @Test
    void aSwapMovesTheWarmInstanceToProductionWithoutANewStart() throws Exception {
        // Arrange
        SamplePackage.of("cms", "2.0").coldStartSeconds(3).writeTo(packages.resolve("cms-2.0.zip"));
        String stagingUrl = deployToStaging("cms-2.0.zip", Map.of());
        clock.advance(Duration.ofSeconds(3));
        AppInstance warmed = emulator.appInstance(siteId, "staging").orElseThrow();
        AppInstance live = emulator.appInstance(siteId, "production").orElseThrow();
        String productionUrl = cloud.getSlot(production).orElseThrow().baseUrl();

        // Act
        swapAndFinish(staging);
        HttpResponse<String> fromProduction = get(productionUrl + "/");
        HttpResponse<String> fromStaging = get(stagingUrl + "/");

        // Assert: same listeners, exchanged instances, no cold start in production; the instance that left production
        // was restarted in the staging slot (a new start of the same package)
        assertEquals(200, fromProduction.statusCode());
        assertEquals("cms/2.0", packageOf(fromProduction));
        assertEquals("cms/1.0", packageOf(fromStaging));
        assertEquals(warmed, emulator.appInstance(siteId, "production").orElseThrow());
        AppInstance left = emulator.appInstance(siteId, "staging").orElseThrow();
        assertEquals(live.packageFile(), left.packageFile());
        assertNotEquals(live.id(), left.id());
        assertEquals(productionUrl, cloud.getSlot(production).orElseThrow().baseUrl());
    }

    @Test
    void noRequestToProductionFailsWhileSlotsSwapBackAndForth() throws Exception {
        // Arrange
        SamplePackage.of("cms", "2.0").coldStartSeconds(3).writeTo(packages.resolve("cms-2.0.zip"));
        deployToStaging("cms-2.0.zip", Map.of());
        clock.advance(Duration.ofSeconds(3));
        String productionUrl = cloud.getSlot(production).orElseThrow().baseUrl();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        Thread client = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!done.get() && answered.get() < 20_000 && System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> response = get(productionUrl + "/");
                    if (response.statusCode() != 200) {
                        failures.add(response.statusCode() + " " + response.body());
                    }
                    seen.merge(packageOf(response), 1, Integer::sum);
                } catch (IOException | InterruptedException | RuntimeException e) {
                    failures.add(e.toString());
                }
                answered.incrementAndGet();
            }
        }, "production-client");

        // Act
        client.start();
        List<String> servedAfterSwap = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            swapAndFinish(staging);
            int now = answered.get();
            long wait = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (answered.get() < now + 5 && System.nanoTime() < wait) {
                Thread.sleep(1);
            }
            servedAfterSwap.add(packageOf(get(productionUrl + "/")));
        }
        done.set(true);
        client.join(10_000);

        // Assert
        assertFalse(client.isAlive());
        assertEquals(List.of(), failures);
        assertTrue(answered.get() >= 20, "only " + answered.get() + " requests");
        assertEquals(2, seen.size(), seen.toString());
        for (int i = 0; i < 20; i++) {
            assertEquals(i % 2 == 0 ? "cms/2.0" : "cms/1.0", servedAfterSwap.get(i), "after swap " + (i + 1));
        }
    }

    @Test
    void aSwapWithPreviewRestartsTheSlotWithProductionsStickySettingsAndSwapsThatWarmInstance() throws Exception {
        // Arrange: the database mode is a slot setting; staging runs 2.0 read-only on the copy
        emulator.setSlotSettingNames(siteId, java.util.Set.of("Cms__DatabaseMode"), java.util.Set.of());
        SamplePackage.of("cms", "2.0").coldStartSeconds(3).writeTo(packages.resolve("cms-2.0.zip"));
        String stagingUrl = deployToStaging("cms-2.0.zip", Map.of("Cms__DatabaseMode", "ReadOnly"));
        AppInstance readOnly = emulator.appInstance(siteId, "staging").orElseThrow();
        EmulatedDatabase copy = emulator.database(serverId, "cms-copy");
        int copyWrites = copy.writeCount();
        String productionUrl = cloud.getSlot(production).orElseThrow().baseUrl();

        // Act: phase 1
        cloud.applyProductionConfiguration(staging);

        // Assert: a new start of 2.0 with production's mode, which migrated the database staging points at
        AppInstance previewed = emulator.appInstance(siteId, "staging").orElseThrow();
        assertTrue(readOnly.readOnly());
        assertNotEquals(readOnly.id(), previewed.id());
        assertEquals("ReadWrite", previewed.databaseMode());
        assertEquals(COPY_DB, previewed.connectionString());
        assertEquals(copyWrites + 1, copy.writeCount());
        assertEquals(503, get(stagingUrl + "/").statusCode());
        clock.advance(Duration.ofSeconds(3));
        assertEquals(200, get(stagingUrl + "/").statusCode());

        // Act: phase 2
        swapAndFinish(staging);

        // Assert: production serves the warmed instance as it is; staging is back to its own mode
        HttpResponse<String> fromProduction = get(productionUrl + "/");
        assertEquals(200, fromProduction.statusCode());
        assertEquals("cms/2.0", packageOf(fromProduction));
        assertEquals(previewed, emulator.appInstance(siteId, "production").orElseThrow());
        AppInstance old = emulator.appInstance(siteId, "staging").orElseThrow();
        assertEquals("1.0", old.manifest().version());
        assertEquals("ReadOnly", old.databaseMode());
    }

    @Test
    void aSwapWhoseStickyValuesDifferRestartsTheSourceWithProductionsValuesBeforeTheSwitch() throws Exception {
        // Arrange: staging runs 2.0 read-only and is warm; the database mode is a slot setting
        emulator.setSlotSettingNames(siteId, java.util.Set.of("Cms__DatabaseMode"), java.util.Set.of());
        SamplePackage.of("cms", "2.0").coldStartSeconds(3).writeTo(packages.resolve("cms-2.0.zip"));
        String stagingUrl = deployToStaging("cms-2.0.zip", Map.of("Cms__DatabaseMode", "ReadOnly"));
        clock.advance(Duration.ofSeconds(3));
        AppInstance readOnly = emulator.appInstance(siteId, "staging").orElseThrow();
        int restartsBefore = emulator.slot(siteId, "staging").orElseThrow().restarts();
        EmulatedDatabase copy = emulator.database(serverId, "cms-copy");
        int copyWrites = copy.writeCount();
        String productionUrl = cloud.getSlot(production).orElseThrow().baseUrl();

        // Act: the swap starts; App Service first restarts staging with production's sticky values
        cloud.beginSwapWithProduction(staging);
        HttpResponse<String> duringSwap = get(stagingUrl + "/");
        clock.advance(Duration.ofSeconds(AzureEmulator.DEFAULT_SWAP_SECONDS));
        HttpResponse<String> firstAfterSwap = get(productionUrl + "/");

        // Assert: a new start in ReadWrite (which migrated the database), warm by the time routing switched
        AppInstance live = emulator.appInstance(siteId, "production").orElseThrow();
        assertTrue(readOnly.readOnly());
        assertEquals(503, duringSwap.statusCode());
        assertNotEquals(readOnly.id(), live.id());
        assertEquals("ReadWrite", live.databaseMode());
        assertEquals(copyWrites + 1, copy.writeCount());
        // one restart before the switch (production's sticky values), one after (the content that left production
        // gets staging's own values)
        assertEquals(restartsBefore + 2, emulator.slot(siteId, "staging").orElseThrow().restarts());
        assertEquals(200, firstAfterSwap.statusCode());
        assertEquals("cms/2.0", packageOf(firstAfterSwap));
    }

    @Test
    void aSwapCompletingAPreviewWithNothingLeftToApplyDoesNotRestart() {
        // Arrange
        emulator.setSlotSettingNames(siteId, java.util.Set.of("Cms__DatabaseMode"), java.util.Set.of());
        SamplePackage.of("cms", "2.0").writeTo(packages.resolve("cms-2.0.zip"));
        deployToStaging("cms-2.0.zip", Map.of("Cms__DatabaseMode", "ReadOnly"));
        cloud.applyProductionConfiguration(staging);
        AppInstance previewed = emulator.appInstance(siteId, "staging").orElseThrow();
        int restartsBefore = emulator.slot(siteId, "staging").orElseThrow().restarts();

        // Act
        swapAndFinish(staging);

        // Assert: production serves the previewed instance; the swap itself restarted nothing on the source
        assertEquals(previewed, emulator.appInstance(siteId, "production").orElseThrow());
    }

    @Test
    void cancellingAPreviewRestartsTheSlotWithItsOwnStickySettings() {
        // Arrange
        emulator.setSlotSettingNames(siteId, java.util.Set.of("Cms__DatabaseMode"), java.util.Set.of());
        SamplePackage.of("cms", "2.0").writeTo(packages.resolve("cms-2.0.zip"));
        deployToStaging("cms-2.0.zip", Map.of("Cms__DatabaseMode", "ReadOnly"));
        cloud.applyProductionConfiguration(staging);
        AppInstance previewed = emulator.appInstance(siteId, "staging").orElseThrow();

        // Act
        cloud.resetConfiguration(staging);

        // Assert
        AppInstance reset = emulator.appInstance(siteId, "staging").orElseThrow();
        assertEquals("ReadWrite", previewed.databaseMode());
        assertNotEquals(previewed.id(), reset.id());
        assertEquals("ReadOnly", reset.databaseMode());
        assertEquals("ReadWrite", emulator.appInstance(siteId, "production").orElseThrow().databaseMode());
    }

    // ----- helpers -----

    /** Creates the staging slot (production's connection strings, then {@link #COPY_DB}), deploys, returns its URL. */
    private String deployToStaging(String packageFile, Map<String, String> settings) {
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(settings, Map.of("EPiServerDB", COPY_DB)));
        cloud.deployPackage(staging, "https://packages.example/releases/" + packageFile + "?sv=2024&sig=s");
        return cloud.getSlot(staging).orElseThrow().baseUrl();
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)));
    }

    private HttpResponse<String> post(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String packageOf(HttpResponse<?> response) {
        return response.headers().firstValue("X-Package").orElse("none");
    }

    private static String firstLine(String body) {
        int end = body.indexOf('\n');
        return end < 0 ? body : body.substring(0, end);
    }

    /** Starts a swap and lets the emulator's swap duration pass on its clock, so the slots have exchanged. */
    private void swapAndFinish(SlotRef source) {
        cloud.beginSwapWithProduction(source);
        clock.advance(Duration.ofSeconds(AzureEmulator.DEFAULT_SWAP_SECONDS));
    }

}
