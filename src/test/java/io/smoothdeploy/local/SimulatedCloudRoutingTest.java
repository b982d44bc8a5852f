package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.SmokeCheck;
import io.smoothdeploy.engine.port.ProbeResult;
import io.smoothdeploy.engine.port.WarmUpTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated cloud routes warm-up and smoke requests by Host, as App Service's front end (and the emulator) do:
 * production runs a healthy 1.0, staging a 2.0 that answers 500, so the status says which slot answered.
 */
class SimulatedCloudRoutingTest {

    private static final String SITE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app";
    private static final String OLD = "https://packages.example.com/app-1.0.zip";
    private static final String NEW = "https://packages.example.com/app-2.0.zip";
    private static final String CUSTOM = "www.example.com";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final SimulatedCloud cloud = new SimulatedCloud(clock, Duration.ofMinutes(1));
    private final SlotRef staging = new SlotRef(SITE, "staging");
    private SlotInfo stagingInfo;

    @BeforeEach
    void seed() {
        cloud.setSwapDuration(Duration.ZERO);
        cloud.addSite(SITE, OLD, Map.of());
        cloud.ensureSlot(staging);
        cloud.applyConfiguration(staging, new SlotConfiguration(Map.of(), Map.of()));
        cloud.deployPackage(staging, NEW);
        cloud.breakPackage(NEW, 500);
        stagingInfo = cloud.inspect(staging).orElseThrow();
    }

    private ProbeResult ask(String baseUrl, String host) {
        return cloud.probe(new WarmUpTarget(baseUrl, List.of(host), List.of("/"), List.of(200))).get(0);
    }

    @Test
    void theStagingSlotAnswersOnItsOwnHostName() {
        assertEquals("app-staging.azurewebsites.net", stagingInfo.defaultHostName());
        assertEquals(500, ask(stagingInfo.baseUrl(), stagingInfo.defaultHostName()).status());
    }

    @Test
    void aCustomDomainSentToTheStagingSlotReachesProduction() {
        // Arrange
        cloud.bindCustomDomain(SITE, CUSTOM);

        // Act
        ProbeResult answer = ask(stagingInfo.baseUrl(), CUSTOM);

        // Assert
        assertEquals(200, answer.status(), "production's 1.0 answered, not the broken staging slot");
    }

    @Test
    void anUnknownHostGets404() {
        ProbeResult answer = ask(stagingInfo.baseUrl(), CUSTOM);

        assertEquals(404, answer.status());
        assertEquals(ProbeResult.Outcome.UNEXPECTED_STATUS, answer.outcome());
    }

    @Test
    void aCustomDomainFollowsTheSwap() {
        // Arrange
        cloud.bindCustomDomain(SITE, CUSTOM);

        // Act
        cloud.beginSwapWithProduction(staging);

        // Assert
        assertEquals(500, ask(stagingInfo.baseUrl(), CUSTOM).status(), "the domain reaches the 2.0 now live");
        assertEquals(200, ask(stagingInfo.baseUrl(), stagingInfo.defaultHostName()).status());
    }

    @Test
    void smokeChecksAreRoutedByHostToo() {
        // Arrange
        cloud.bindCustomDomain(SITE, CUSTOM);

        // Act
        var viaCustom = cloud.check(stagingInfo.baseUrl(), CUSTOM, "app", SmokeCheck.of("/"));
        var viaOwn = cloud.check(stagingInfo.baseUrl(), stagingInfo.defaultHostName(), "app", SmokeCheck.of("/"));

        // Assert
        assertEquals(200, viaCustom.status());
        assertEquals(500, viaOwn.status());
    }

    @Test
    void aCustomDomainBelongsToOneSite() {
        cloud.bindCustomDomain(SITE, CUSTOM);
        String other = SITE.replace("/app", "/other");
        cloud.addSite(other, OLD, Map.of());

        assertThrows(IllegalStateException.class, () -> cloud.bindCustomDomain(other, CUSTOM));
    }
}
