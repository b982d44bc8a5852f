package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.CMS;
import static io.smoothdeploy.e2e.LocalHostHarness.COMMERCE;
import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.SCHEDULER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.SlotRef;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** While awaiting verification, a start with another package rolls the same run forward. */
class RollForwardTest {

    private static final String PACKAGE_C = "https://packages.example.com/cms-2.1.zip?sv=2024&sig=CSECRET";

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void newPackageWhileAwaitingVerificationIsDeployedToStagingWithoutASecondCloneOrMaintenanceSwap() {
        // Arrange
        host.put("/environments/prod", LocalHostHarness.threeWebAppBody());
        String id = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null)).json().get("id").asText();
        host.runQueues();

        // Act
        ApiClient.Response rolled = host.post("/deployments", LocalHostHarness.startBody("prod", PACKAGE_C, "fix-1"));
        host.runQueues();
        ApiClient.Response again = host.post("/deployments", LocalHostHarness.startBody("prod", PACKAGE_C, "fix-1"));

        // Assert
        assertEquals(202, rolled.status(), rolled.body());
        assertEquals(id, rolled.json().get("id").asText(), "the same run rolls forward");
        assertEquals(id, again.json().get("id").asText(), "the roll forward's idempotency key finds the run");
        assertEquals("AwaitingVerification", host.get("/deployments/" + id).json().get("status").asText());
        for (String site : List.of(CMS, COMMERCE, SCHEDULER)) {
            assertEquals(PACKAGE_C, host.cloud.inspect(new SlotRef(site, "staging")).orElseThrow().packageUri(), site);
        }
        assertEquals(1, host.cloud.calls().stream().filter(c -> c.startsWith("beginCopy")).count(), "one clone");
        for (String site : List.of("cms-prod", "commerce-prod", "scheduler-prod")) {
            assertEquals(1, host.cloud.calls().stream().filter(c -> c.equals("beginSwapWithProduction " + site + "/maintenance"))
                    .count(), "one maintenance swap for " + site);
            assertEquals(2, host.cloud.calls().stream().filter(c -> c.equals("deployPackage " + site + "/staging"))
                    .count(), "two staging deployments for " + site);
        }
        assertTrue(host.get("/deployments/" + id + "/log").body().contains("Rolling forward"));
        assertTrue(!host.get("/deployments/" + id + "/log").body().contains("CSECRET"));
    }
}
