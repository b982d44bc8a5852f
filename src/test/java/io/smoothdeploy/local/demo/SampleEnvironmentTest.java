package io.smoothdeploy.local.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.emulator.AzureEmulator;
import io.smoothdeploy.warmup.HttpWarmUpProber;
import io.smoothdeploy.engine.port.ProbeResult;
import io.smoothdeploy.engine.port.WarmUpTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample the local host and the demo run binds the custom domain its registration names. */
class SampleEnvironmentTest {

    @TempDir
    Path packages;

    @Test
    void theRegisteredCustomDomainIsBoundToTheCmsProductionSlot() throws Exception {
        try (AzureEmulator emulator = AzureEmulator.start(new ManualClock())) {
            // Arrange
            SampleEnvironment sample = SampleEnvironment.create(emulator, packages, "t");
            String production = emulator.slotUrl(sample.cmsSite(), "production").orElseThrow().toString();

            // Act
            List<ProbeResult> answers = new HttpWarmUpProber(Duration.ofSeconds(5)).probe(new WarmUpTarget(production,
                    List.of(SampleEnvironment.CMS_DOMAIN, "elsewhere.example.com"), List.of("/health"), List.of(200)));

            // Assert
            assertTrue(sample.registration().contains("\"hostNames\":[\"" + SampleEnvironment.CMS_DOMAIN + "\"]"));
            assertTrue(answers.get(0).ok(), answers.toString());
            assertEquals(404, answers.get(1).status(), "a domain nobody bound is not found");
        }
    }
}
