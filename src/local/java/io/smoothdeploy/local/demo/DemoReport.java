package io.smoothdeploy.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** The demo's closing tables: each step's duration per web app, and what the load generator saw. */
final class DemoReport {

    private DemoReport() {
    }

    /** A table of step durations (seconds) per web app, from a deployment status's {@code webApps[].timings}. */
    static String stepTable(JsonNode deployment) {
        List<String> stages = new ArrayList<>();
        for (JsonNode webApp : deployment.get("webApps")) {
            Iterator<String> names = webApp.path("timings").fieldNames();
            while (names.hasNext()) {
                String stage = names.next();
                if (!stages.contains(stage)) {
                    stages.add(stage);
                }
            }
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-12s", "web app"));
        stages.forEach(s -> table.append(String.format(Locale.ROOT, " %17s", s)));
        table.append('\n');
        for (JsonNode webApp : deployment.get("webApps")) {
            table.append(String.format(Locale.ROOT, "%-12s", webApp.get("name").asText()));
            for (String stage : stages) {
                JsonNode timing = webApp.path("timings").get(stage);
                table.append(timing == null ? String.format(Locale.ROOT, " %17s", "-")
                        : String.format(Locale.ROOT, " %15.1fs%s", timing.get("seconds").asDouble(),
                        timing.get("runs").asInt() > 1 ? "*" : " "));
            }
            table.append('\n');
        }
        return table.append("(* = checked more than once)\n").toString();
    }

    /** Requests, failures, latency overall and in the 10 s around each swap, and the first request after each. */
    static String loadSummary(LoadReport report, List<Swap> swaps) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "requests sent: %d, failed (non-2xx or no answer): %d%n", report.sent(),
                report.failed()));
        text.append(String.format(Locale.ROOT, "latency overall: p50 %s, p99 %s%n", LoadReport.millis(report.percentile(0.5)),
                LoadReport.millis(report.percentile(0.99))));
        Duration half = Duration.ofSeconds(5);
        for (Swap swap : swaps) {
            text.append(String.format(Locale.ROOT, "around %-28s (%d requests): p50 %s, p99 %s; first request after: %s%n",
                    swap.label(), report.countAround(swap.at(), half),
                    LoadReport.millis(report.percentileAround(swap.at(), half, 0.5)),
                    LoadReport.millis(report.percentileAround(swap.at(), half, 0.99)),
                    report.firstAfter(swap.at()).map(s -> LoadReport.millis(s.latency()) + " (HTTP " + s.status() + ")")
                            .orElse("none")));
        }
        return text.toString();
    }

    /** A swap into production, as the log tells it. */
    record Swap(String label, Instant at) {
    }
}
