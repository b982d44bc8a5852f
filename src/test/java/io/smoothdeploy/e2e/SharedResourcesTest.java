package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A site or a database belongs to one environment. Two environments on one site would each swap its slots and
 * put it in and out of maintenance without knowing of the other: a second deployment entered maintenance on a
 * site already in maintenance for the first, and both awaited verification, each ready to swap its own release
 * into the same production. The second registration is refused instead, naming the environment that has it,
 * and writes nothing.
 */
class SharedResourcesTest {

    private LocalHostHarness host;

    @BeforeEach
    void start() {
        host = new LocalHostHarness();
        host.stack.timerScheduler().enabled(false);
    }

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void aSiteAnotherEnvironmentHasIsRefusedAndNothingIsWritten() {
        // Arrange: one environment on the sample sites, with a deployment awaiting verification
        String id = host.registerAndStart("prod", false);
        host.runQueues();
        assertEquals("AwaitingVerification", host.get("/deployments/" + id).json().get("status").asText());
        int rows = host.rowsWritten();

        // Act: a second environment naming the same CMS site (its resource id in other letter case)
        ApiClient.Response answer = host.put("/environments/prod-hotfix", host.environmentOnOwnSite(1)
                .replace(LocalHostHarness.CMS + "-1", LocalHostHarness.CMS.toUpperCase(java.util.Locale.ROOT)));

        // Assert
        assertEquals(409, answer.status(), answer.toString());
        assertEquals("urn:smoothdeploy:problem:resource-in-another-environment",
                answer.json().get("type").asText(), answer.toString());
        assertEquals("webApps[0].resourceId", answer.json().get("field").asText(), answer.toString());
        assertEquals("prod", answer.json().get("otherEnvironment").asText(), answer.toString());
        assertTrue(answer.json().get("detail").asText().contains("cms-prod"), answer.toString());
        assertEquals(rows, host.rowsWritten(), "a refused registration writes nothing");
        assertEquals(404, host.get("/environments/prod-hotfix").status());
    }

    @Test
    void aDatabaseAnotherEnvironmentHasIsRefused() {
        // Arrange
        assertEquals(201, host.put("/environments/prod", LocalHostHarness.environmentBody(false)).status());

        // Act: other sites, the same production database
        ApiClient.Response answer = host.put("/environments/prod-eu", host.environmentOnOwnSite(2)
                .replace("\"name\":\"cmsdb2\"", "\"name\":\"cmsdb\""));

        // Assert
        assertEquals(409, answer.status(), answer.toString());
        assertEquals("database.name", answer.json().get("field").asText(), answer.toString());
        assertEquals("prod", answer.json().get("otherEnvironment").asText(), answer.toString());
    }

    @Test
    void registeringTheSameEnvironmentAgainIsNotAConflictWithItself() {
        // Arrange
        assertEquals(201, host.put("/environments/prod", LocalHostHarness.environmentBody(false)).status());

        // Act
        ApiClient.Response again = host.put("/environments/prod", LocalHostHarness.environmentBody(true));

        // Assert
        assertEquals(200, again.status(), again.toString());
    }
}
