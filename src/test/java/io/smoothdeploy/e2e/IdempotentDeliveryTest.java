package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every step message delivered twice leaves the same state and the same cloud calls as once. */
class IdempotentDeliveryTest {

    @Test
    void everyMessageDeliveredTwiceGivesTheSameStateAndCloudCallsAsOnce() {
        // Arrange & Act
        Outcome once = runWholeDeployment(false);
        Outcome twice = runWholeDeployment(true);

        // Assert
        assertEquals(once.calls(), twice.calls());
        assertEquals(once.statuses(), twice.statuses());
        assertEquals(once.webApps(), twice.webApps());
        assertTrue(twice.redeliveries() > 0, "the second run really delivered duplicates");
    }

    private static Outcome runWholeDeployment(boolean deliverTwice) {
        try (LocalHostHarness host = new LocalHostHarness()) {
            host.queue().deliverEachMessageTwice(deliverTwice);
            String id = host.registerAndStart("prod", true);
            int delivered = host.runQueues().delivered();
            String awaiting = host.get("/deployments/" + id).json().get("status").asText();
            host.post("/deployments/" + id + "/complete", null);
            delivered += host.runQueues().delivered();
            JsonNode done = host.get("/deployments/" + id).json();
            List<String> webApps = new ArrayList<>();
            done.get("webApps").forEach(w -> webApps.add(w.get("name").asText() + "=" + w.get("phase").asText()
                    + "/" + w.get("inMaintenance").asBoolean()));
            List<String> calls = host.cloud.calls().stream().map(c -> c.replace(id, "<id>")).toList();
            return new Outcome(calls, List.of(awaiting, done.get("status").asText()), webApps, delivered);
        }
    }

    private record Outcome(List<String> calls, List<String> statuses, List<String> webApps, int redeliveries) {
    }
}
