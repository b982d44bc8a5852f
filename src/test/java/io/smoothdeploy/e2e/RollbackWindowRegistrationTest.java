package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a registration may say about the rollback window and the checks after going live, and what GET shows back. */
class RollbackWindowRegistrationTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void theWindowAndTheChecksAfterGoingLiveAreShownWithTheirDefaultsAndGoBackWithPut() {
        // Arrange
        String body = with(",\"verification\":{\"afterComplete\":{\"smokeChecks\":[{\"path\":\"/checkout\"}]}}");

        // Act
        int registered = host.put("/environments/prod", body).status();
        JsonNode shown = host.get("/environments/prod").json();
        int putBack = host.put("/environments/prod", shown.toString()).status();

        // Assert
        assertEquals(201, registered);
        assertEquals(30, shown.get("rollbackWindowMinutes").asInt(), shown.toString());
        JsonNode watch = shown.get("verification").get("afterComplete");
        assertEquals(30, watch.get("intervalSeconds").asInt());
        assertEquals(5, watch.get("minutes").asInt());
        assertEquals("RollBack", watch.get("onFail").asText());
        assertEquals("/checkout", watch.get("smokeChecks").get(0).get("path").asText());
        assertEquals(200, putBack, "what GET shows goes back with PUT");
    }

    @Test
    void checksAfterGoingLiveWithoutAWindowAnOutOfRangeWindowAndAnUnknownPolicyAreRefusedNamingTheField() {
        // Act
        ApiClient.Response noWindow = host.put("/environments/a", with(",\"rollbackWindowMinutes\":0,"
                + "\"verification\":{\"afterComplete\":{\"smokeChecks\":[{\"path\":\"/checkout\"}]}}"));
        ApiClient.Response tooLong = host.put("/environments/b", with(",\"rollbackWindowMinutes\":1441"));
        ApiClient.Response badPolicy = host.put("/environments/c", with(",\"verification\":{\"afterComplete\":"
                + "{\"smokeChecks\":[{\"path\":\"/checkout\"}],\"onFail\":\"Reset\"}}"));
        ApiClient.Response noChecks = host.put("/environments/d", with(",\"verification\":{\"afterComplete\":{}}"));

        // Assert
        assertRefused(noWindow, "verification.afterComplete", "rollbackWindowMinutes above 0");
        assertRefused(tooLong, "rollbackWindowMinutes", "rollbackWindowMinutes");
        assertRefused(badPolicy, "verification.afterComplete.onFail", "RollBack or Notify");
        assertRefused(noChecks, "verification.afterComplete.smokeChecks", "at least one check");
        assertEquals(404, host.get("/environments/a").status(), "bad input writes nothing");
    }

    private static String with(String extra) {
        String body = LocalHostHarness.environmentBody(false);
        return body.substring(0, body.length() - 1) + extra + "}";
    }

    private static void assertRefused(ApiClient.Response answer, String field, String text) {
        assertEquals(400, answer.status(), answer.toString());
        assertTrue(answer.body().contains("\"" + field + "\""), field + " named: " + answer.body());
        assertTrue(answer.body().contains(text), answer.body());
    }
}
