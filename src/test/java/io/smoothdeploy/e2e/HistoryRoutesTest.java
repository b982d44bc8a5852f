package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The history routes through the local host: the list of environments, a deployment history, deleting one. */
class HistoryRoutesTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void listsEachEnvironmentByNameWithItsLastDeploymentsStatusAndTheWebAppsInMaintenance() {
        // Arrange: one environment awaiting verification (its web apps in maintenance), one never deployed
        String id = host.registerAndStart("hist-a", true);
        host.runQueues();
        assertEquals(201, host.put("/environments/hist-b", host.environmentOnOwnSite(1)).status());

        // Act
        ApiClient.Response answer = host.get("/environments");

        // Assert
        assertEquals(200, answer.status(), answer.toString());
        List<String> names = new ArrayList<>();
        answer.json().get("environments").forEach(e -> names.add(e.get("name").asText()));
        assertEquals(List.of("hist-a", "hist-b"), names.stream().filter(n -> n.startsWith("hist-")).toList());
        JsonNode a = find(answer.json(), "hist-a");
        assertEquals(id, a.get("currentDeploymentId").asText());
        assertEquals(id, a.get("lastDeployment").get("id").asText());
        assertEquals("AwaitingVerification", a.get("lastDeployment").get("status").asText());
        assertTrue(a.get("inMaintenance").asBoolean(), a.toString());
        assertEquals("[\"cms\",\"scheduler\"]", a.get("webAppsInMaintenance").toString());
        JsonNode b = find(answer.json(), "hist-b");
        assertTrue(b.get("currentDeploymentId").isNull(), b.toString());
        assertTrue(b.get("lastDeployment").isNull(), b.toString());
        assertEquals(false, b.get("inMaintenance").asBoolean());
        assertEquals(0, b.get("webAppsInMaintenance").size());
    }

    @Test
    void afterCompleteTheEnvironmentIsListedWithNothingInMaintenance() {
        // Arrange
        String id = host.registerAndStart("hist-done", false);
        host.runQueues();
        assertEquals(202, host.post("/deployments/" + id + "/complete", "{}").status());
        host.runQueues();

        // Act
        JsonNode listed = find(host.get("/environments").json(), "hist-done");

        // Assert
        assertEquals("Succeeded", listed.get("lastDeployment").get("status").asText(), listed.toString());
        assertTrue(listed.get("currentDeploymentId").isNull(), listed.toString());
        assertEquals(false, listed.get("inMaintenance").asBoolean(), listed.toString());
    }

    static JsonNode find(JsonNode list, String name) {
        for (JsonNode environment : list.get("environments")) {
            if (environment.get("name").asText().equals(name)) {
                return environment;
            }
        }
        throw new AssertionError(name + " is not listed: " + list);
    }
}
