package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An idempotency key names one start request. The same request again re-attaches (a new SAS on the same package is
 * the same request); the key sent with another package or mode is refused, and nothing is written.
 */
class IdempotencyConflictTest {

    private static final String OTHER_PACKAGE = "https://packages.example.com/cms-3.0.zip?sv=2024&sig=OTHERSECRET";

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void aKeyReusedWithAnotherPackageIsRefusedAndTheSameRequestReattaches() {
        // Arrange: a deployment started with key build-7
        assertEquals(201, host.put("/environments/prod", LocalHostHarness.environmentBody(false)).status());
        ApiClient.Response first = host.post("/deployments",
                LocalHostHarness.startBody("prod", LocalHostHarness.NEW_PACKAGE, "build-7"));
        String id = first.json().get("id").asText();
        int rows = host.rowsWritten();

        // Act
        ApiClient.Response otherPackage = host.post("/deployments",
                LocalHostHarness.startBody("prod", OTHER_PACKAGE, "build-7"));
        ApiClient.Response otherMode = host.post("/deployments",
                LocalHostHarness.startBody("prod", LocalHostHarness.NEW_PACKAGE, "build-7")
                        .replace("\"ReadOnly\"", "\"ReadWrite\""));
        ApiClient.Response newSas = host.post("/deployments", LocalHostHarness.startBody("prod",
                LocalHostHarness.NEW_PACKAGE.replace("sig=NEWSECRET", "sig=RENEWED"), "build-7"));

        // Assert
        assertEquals(202, first.status(), first.body());
        assertEquals(422, otherPackage.status(), otherPackage.body());
        assertEquals("application/problem+json", otherPackage.contentType());
        assertEquals("idempotencyKey", otherPackage.json().get("field").asText(), otherPackage.body());
        assertTrue(otherPackage.json().get("detail").asText().contains(id), otherPackage.body());
        assertTrue(!otherPackage.body().contains("OTHERSECRET") && !otherPackage.body().contains("NEWSECRET"),
                otherPackage.body());
        assertEquals(422, otherMode.status(), otherMode.body());
        assertEquals(202, newSas.status(), newSas.body());
        assertEquals(id, newSas.json().get("id").asText());
        assertEquals(rows, host.rowsWritten(), "a refused start writes nothing");
    }
}
