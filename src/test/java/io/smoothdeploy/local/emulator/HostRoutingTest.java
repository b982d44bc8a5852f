package io.smoothdeploy.local.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.cloud.arm.ArmCloud;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.warmup.HttpWarmUpProber;
import io.smoothdeploy.engine.port.ProbeResult;
import io.smoothdeploy.engine.port.WarmUpTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator's front end picks the slot by the Host header, as App Service's does: a slot answers on its own
 * default host name, a custom domain reaches production (whatever content production runs after a swap), and a
 * name no app has gets 404. Production runs a healthy cms 1.0; staging runs a 2.0 that fails at startup (500), so
 * the status says which slot answered.
 */
class HostRoutingTest {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000003";
    private static final String CUSTOM = "www.example.com";

    @TempDir
    Path packages;

    private ManualClock clock;
    private AzureEmulator emulator;
    private ArmCloud cloud;
    private String siteId;
    private SlotRef staging;
    private String stagingUrl;
    private String productionUrl;
    private final HttpWarmUpProber prober = new HttpWarmUpProber(Duration.ofSeconds(5));

    @BeforeEach
    void start() {
        clock = new ManualClock();
        emulator = AzureEmulator.start(clock);
        // restarts at once: these tests are about other behaviour (restart lag: SlotRuntimeTest.restarts*)
        emulator.setRestartLag(Duration.ZERO);
        emulator.setSwapDuration(Duration.ZERO);
        SamplePackage.of("cms", "1.0").writeTo(packages.resolve("cms-1.0.zip"));
        SamplePackage.of("cms", "2.0").startupFailure("System.InvalidOperationException: broken release")
                .writeTo(packages.resolve("cms-2.0.zip"));
        emulator.servePackagesFrom(packages);
        siteId = emulator.addSite(SUBSCRIPTION, "rg-web", "cms", "westeurope",
                Map.of(SlotInfo.RUN_FROM_PACKAGE, "https://packages.example/cms-1.0.zip"), Map.of());
        staging = new SlotRef(siteId, "staging");
        cloud = EmulatorArm.cloud(emulator.endpoint(), SUBSCRIPTION, emulator::baseUrlForHost);
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of(), Map.of()));
        cloud.deployPackage(staging, "https://packages.example/cms-2.0.zip?sig=s");
        stagingUrl = cloud.getSlot(staging).orElseThrow().baseUrl();
        productionUrl = cloud.getSlot(SlotRef.production(siteId)).orElseThrow().baseUrl();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void aSlotAnswersOnItsOwnDefaultHostName() {
        // Act
        ProbeResult stagingAnswer = ask(stagingUrl, "cms-staging.azurewebsites.net");
        ProbeResult productionAnswer = ask(productionUrl, "cms.azurewebsites.net");

        // Assert
        assertEquals(500, stagingAnswer.status(), stagingAnswer.toString());
        assertEquals(200, productionAnswer.status(), productionAnswer.toString());
    }

    @Test
    void theHostHeaderNotTheAddressDecidesWhichSlotAnswers() {
        // Act: production's name sent to staging's listener, and the other way round
        ProbeResult productionNameAtStaging = ask(stagingUrl, "cms.azurewebsites.net");
        ProbeResult stagingNameAtProduction = ask(productionUrl, "cms-staging.azurewebsites.net");

        // Assert
        assertEquals(200, productionNameAtStaging.status(), productionNameAtStaging.toString());
        assertEquals(500, stagingNameAtProduction.status(), stagingNameAtProduction.toString());
    }

    @Test
    void aCustomDomainSentToTheStagingSlotReachesProduction() {
        // Arrange
        emulator.bindCustomDomain(siteId, CUSTOM);

        // Act
        ProbeResult answer = ask(stagingUrl, CUSTOM);

        // Assert: the broken staging slot is not what answered
        assertEquals(200, answer.status(), answer.toString());
    }

    @Test
    void anUnboundCustomDomainGets404SiteNotFound() {
        // Act: never bound, so no app on the front end has it
        ProbeResult answer = ask(stagingUrl, CUSTOM);
        ProbeResult unknown = ask(productionUrl, "nobody.azurewebsites.net");

        // Assert
        assertEquals(404, answer.status(), answer.toString());
        assertTrue(answer.detail().contains("Web app not found"), answer.detail());
        assertEquals(404, unknown.status(), unknown.toString());
    }

    @Test
    void aCustomDomainFollowsTheSwapToTheContentNowInProduction() {
        // Arrange
        emulator.bindCustomDomain(siteId, CUSTOM);
        assertEquals(200, ask(stagingUrl, CUSTOM).status());

        // Act
        cloud.beginSwapWithProduction(staging);
        clock.advance(Duration.ofSeconds(1));

        // Assert: production now runs the broken 2.0, and the domain reaches it from either listener
        assertEquals(500, ask(stagingUrl, CUSTOM).status());
        assertEquals(500, ask(productionUrl, CUSTOM).status());
        assertEquals(200, ask(stagingUrl, "cms-staging.azurewebsites.net").status());
    }

    @Test
    void aCustomDomainIsBoundToOneAppOnly() {
        // Arrange
        emulator.bindCustomDomain(siteId, CUSTOM);
        String other = emulator.addSite(SUBSCRIPTION, "rg-web", "other", "westeurope", Map.of(), Map.of());

        // Act + Assert
        assertThrows(IllegalStateException.class, () -> emulator.bindCustomDomain(other, "WWW.example.com"));
        assertThrows(IllegalArgumentException.class, () -> emulator.bindCustomDomain(other, "x.azurewebsites.net"));
    }

    private ProbeResult ask(String baseUrl, String host) {
        List<ProbeResult> results = prober.probe(new WarmUpTarget(baseUrl, List.of(host), List.of("/"), List.of(200)));
        return results.get(0);
    }
}
