package io.smoothdeploy.local.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoReportTest {

    @Test
    void stepTableHasARowPerWebAppAndAColumnPerStep() throws Exception {
        // Arrange
        JsonNode deployment = Json.mapper().readTree("{\"webApps\":["
                + "{\"name\":\"cms\",\"timings\":{\"ENTER_MAINTENANCE\":{\"seconds\":2.5,\"runs\":3},"
                + "\"DEPLOY_SLOT\":{\"seconds\":0.4,\"runs\":1}}},"
                + "{\"name\":\"scheduler\",\"timings\":{\"ENTER_MAINTENANCE\":{\"seconds\":1.0,\"runs\":1}}}]}");

        // Act
        String table = DemoReport.stepTable(deployment);

        // Assert
        String[] lines = table.split("\n");
        assertTrue(lines[0].contains("ENTER_MAINTENANCE") && lines[0].contains("DEPLOY_SLOT"), table);
        assertTrue(lines[1].startsWith("cms") && lines[1].contains("2.5s*") && lines[1].contains("0.4s"), table);
        assertTrue(lines[2].startsWith("scheduler") && lines[2].contains("1.0s") && lines[2].trim().endsWith("-"), table);
    }

    @Test
    void loadSummaryGivesFailuresAndTheFirstRequestAfterEachSwap() {
        // Arrange
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        LoadReport report = new LoadReport(List.of(new LoadReport.Sample(t0, Duration.ofMillis(3), 200),
                new LoadReport.Sample(t0.plusSeconds(2), Duration.ofMillis(9), 200)));

        // Act
        String summary = DemoReport.loadSummary(report, List.of(new DemoReport.Swap("swap to maintenance", t0.plusSeconds(1))));

        // Assert
        assertTrue(summary.contains("requests sent: 2, failed (non-2xx or no answer): 0"), summary);
        assertTrue(summary.contains("first request after: 9.0 ms (HTTP 200)"), summary);
    }
}
