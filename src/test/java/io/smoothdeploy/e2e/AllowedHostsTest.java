package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An environment's allowedHosts, through the local host's routes (state on Azurite): kept with the registration,
 * shown by GET, and a package on another host refused at start with a 422 naming packageUri, nothing written.
 */
class AllowedHostsTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void aPackageOffTheAllowListIsRefusedAtStartAndOneOnItStarts() {
        // Arrange
        String env = LocalHostHarness.environmentBody(true);
        ApiClient.Response registered = host.put("/environments/prod", env.substring(0, env.length() - 1)
                + ",\"allowedHosts\":[\"packages.example.com\",\"*.example.net\"],"
                + "\"webhookUrl\":\"https://hooks.example.net/smoothdeploy\"}");
        int rowsBefore = host.rowsWritten();

        // Act
        ApiClient.Response offList = host.post("/deployments", LocalHostHarness.startBody("prod",
                "https://downloads.example.org/cms-2.0.zip?sig=SECRET", null));
        int rowsAfterRefusal = host.rowsWritten();
        ApiClient.Response onList = host.post("/deployments", LocalHostHarness.startBody("prod", NEW_PACKAGE, null));
        JsonNode shown = host.get("/environments/prod").json();

        // Assert
        assertEquals(201, registered.status(), registered.body());
        assertEquals(422, offList.status(), offList.body());
        assertEquals("packageUri", offList.json().get("field").asText());
        assertTrue(offList.json().get("detail").asText().contains("allowedHosts"), offList.body());
        assertTrue(!offList.body().contains("SECRET"), offList.body());
        assertEquals(rowsBefore, rowsAfterRefusal, "a refused start writes nothing");
        assertEquals(202, onList.status(), onList.body());
        assertEquals("[\"packages.example.com\",\"*.example.net\"]", shown.get("allowedHosts").toString());
    }
}
