package io.smoothdeploy.engine.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppRole;
import io.smoothdeploy.engine.port.ProbeResult;
import io.smoothdeploy.engine.port.WarmUpTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which Host each warm-up request carries: a slot is addressed by its own default host name (App Service routes a
 * custom domain to production), and the configured custom domains are only asked of production once it is live.
 */
class SlotWarmerTest {

    private static final String SITE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/cms-prod";
    private static final SlotInfo STAGING = new SlotInfo(new SlotRef(SITE, "staging"), true,
            "cms-prod-staging.azurewebsites.net", "https://cms-prod-staging.azurewebsites.net", Map.of(), Map.of());
    private static final SlotInfo PRODUCTION = new SlotInfo(SlotRef.production(SITE), true,
            "cms-prod.azurewebsites.net", "https://cms-prod.azurewebsites.net", Map.of(), Map.of());

    private final List<WarmUpTarget> sent = new ArrayList<>();
    private final SlotWarmer warmer = new SlotWarmer(target -> {
        sent.add(target);
        List<ProbeResult> results = new ArrayList<>();
        target.hostNames().forEach(host -> target.paths().forEach(path -> results.add(
                new ProbeResult(host, path, ProbeResult.Outcome.OK, 200, Duration.ZERO, null))));
        return results;
    });

    private static WebAppConfig cms(List<String> hostNames) {
        return new WebAppConfig("cms", SITE, WebAppRole.ZERO_DOWNTIME, "staging", "maintenance",
                new WebAppConfig.WarmUpConfig(hostNames, List.of("/", "/health"), List.of(200)));
    }

    @Test
    void aSlotIsWarmedOnItsOwnHostNameEvenWhenCustomDomainsAreConfigured() {
        // Act
        SlotWarmer.Round round = warmer.probe(STAGING, cms(List.of("www.example.com", "cms.example.com")));

        // Assert
        assertEquals(1, sent.size());
        assertEquals("https://cms-prod-staging.azurewebsites.net", sent.get(0).baseUrl());
        assertEquals(List.of("cms-prod-staging.azurewebsites.net"), sent.get(0).hostNames());
        assertEquals(2, round.results().size());
    }

    @Test
    void theCustomDomainsAreAskedOfProductionOnlyInTheLiveCheck() {
        // Act
        warmer.probeLive(PRODUCTION, cms(List.of("www.example.com")));

        // Assert
        assertEquals("https://cms-prod.azurewebsites.net", sent.get(0).baseUrl());
        assertEquals(List.of("www.example.com"), sent.get(0).hostNames());
    }

    @Test
    void withoutCustomDomainsTheLiveCheckSendsNothing() {
        // Act
        SlotWarmer.Round round = warmer.probeLive(PRODUCTION, cms(List.of()));

        // Assert
        assertTrue(sent.isEmpty());
        assertTrue(round.results().isEmpty());
    }

    @Test
    void aCheckAfterGoingLiveThatCannotBeSentIsAFailedRoundNotAnException() {
        // Arrange: a prober that cannot send another Host header over https (the JVM refused the header)
        SlotWarmer refusing = new SlotWarmer(target -> {
            throw new IllegalStateException("the JDK refuses to set Host: start the JVM with "
                    + "-Djdk.httpclient.allowRestrictedHeaders=host");
        });

        // Act
        SlotWarmer.Round round = refusing.probeLive(PRODUCTION, cms(List.of("www.example.com")));

        // Assert: the swap is done; the caller gets a round to report, not an exception that fails the delivery
        assertTrue(!round.warm(), round.toString());
        assertTrue(round.summary().contains("www.example.com"), round.summary());
        assertTrue(round.summary().contains("allowRestrictedHeaders"), round.summary());
    }
}
