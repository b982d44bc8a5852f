package io.smoothdeploy.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.StepMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class StepMessageCodecTest {

    private final StepMessageCodec codec = new StepMessageCodec();

    @ParameterizedTest
    @EnumSource(Stage.class)
    void everyStageRoundTrips(Stage stage) {
        // Arrange
        StepMessage message = new StepMessage("dep-1", "prod", stage, "cms", 4);

        // Act
        StepMessage decoded = codec.decode(codec.encode(message));

        // Assert
        assertEquals(message, decoded);
    }

    @Test
    void nullWebAppRoundTripsAsNull() {
        // Arrange
        StepMessage message = new StepMessage("dep-1", "prod", Stage.CLONE_DB, null, 0);

        // Act
        String body = codec.encode(message);

        // Assert
        assertTrue(!body.contains("webApp"), body);
        assertNull(codec.decode(body).webApp());
        assertEquals(message, codec.decode(body));
    }

    @Test
    void explicitJsonNullWebAppDecodesAsNull() {
        StepMessage decoded = codec.decode(
                "{\"deploymentId\":\"d\",\"environment\":\"e\",\"stage\":\"WARM_UP\",\"webApp\":null,\"sequence\":1}");

        assertNull(decoded.webApp());
        assertEquals(1, decoded.sequence());
    }

    @Test
    void missingSequenceMeansFirstRun() {
        StepMessage decoded = codec.decode("{\"deploymentId\":\"d\",\"environment\":\"e\",\"stage\":\"CLONE_DB\"}");

        assertEquals(0, decoded.sequence());
    }

    @Test
    void textAroundQuotesAndUnicodeRoundTrip() {
        StepMessage message = new StepMessage("dep \"q\" 1", "prød\\env", Stage.DEPLOY_SLOT, "web/app ✓", 2);

        assertEquals(message, codec.decode(codec.encode(message)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not json",
        "{",
        "[]",
        "\"CLONE_DB\"",
        "42",
        "null",
        "{}",
        "{\"environment\":\"e\",\"stage\":\"CLONE_DB\"}",
        "{\"deploymentId\":\"d\",\"stage\":\"CLONE_DB\"}",
        "{\"deploymentId\":\"d\",\"environment\":\"e\"}",
        "{\"deploymentId\":\"\",\"environment\":\"e\",\"stage\":\"CLONE_DB\"}",
        "{\"deploymentId\":7,\"environment\":\"e\",\"stage\":\"CLONE_DB\"}",
        "{\"deploymentId\":\"d\",\"environment\":\"e\",\"stage\":\"MAKE_COFFEE\"}",
        "{\"deploymentId\":\"d\",\"environment\":\"e\",\"stage\":\"clone_db\"}"
    })
    void malformedBodyIsRejected(String body) {
        assertThrows(IllegalArgumentException.class, () -> codec.decode(body));
    }

    @Test
    void messageIdIsDeterministicAndDistinguishesWork() {
        StepMessage first = new StepMessage("dep-1", "prod", Stage.WARM_UP, "cms", 0);

        assertEquals(first.messageId(), new StepMessage("dep-1", "prod", Stage.WARM_UP, "cms", 0).messageId());
        assertEquals(first.messageId(), codec.decode(codec.encode(first)).messageId());
        assertNotEquals(first.messageId(), new StepMessage("dep-1", "prod", Stage.WARM_UP, "cms", 1).messageId());
        assertNotEquals(first.messageId(), new StepMessage("dep-1", "prod", Stage.WARM_UP, "commerce", 0).messageId());
        assertNotEquals(first.messageId(), new StepMessage("dep-1", "prod", Stage.DEPLOY_SLOT, "cms", 0).messageId());
        assertNotEquals(first.messageId(), new StepMessage("dep-1", "prod", Stage.WARM_UP, null, 0).messageId());
    }

    @Test
    void messageIdStaysWithin128CharactersForVeryLongNames() {
        // Arrange
        String longWebApp = "w".repeat(300);
        StepMessage message = new StepMessage("3f1c9a2e-0d47-4c1b-9e55-7a1f0b6c2d88", "prod",
                Stage.RESET_RESTORE_DATABASE, longWebApp, 12345);
        StepMessage otherWebApp = new StepMessage(message.deploymentId(), "prod", Stage.RESET_RESTORE_DATABASE,
                "x".repeat(300), 12345);

        // Act
        String id = message.messageId();

        // Assert
        assertTrue(id.length() <= 128, "length " + id.length());
        assertEquals(id, new StepMessage(message.deploymentId(), "prod", Stage.RESET_RESTORE_DATABASE,
                "w".repeat(300), 12345).messageId());
        assertNotEquals(id, otherWebApp.messageId());
    }

    @Test
    void messageIdAtTheLimitIsKeptReadable() {
        String webApp = "a".repeat(128 - "d:WARM_UP::0".length());
        StepMessage message = new StepMessage("d", "prod", Stage.WARM_UP, webApp, 0);

        assertEquals("d:WARM_UP:" + webApp + ":0", message.messageId());
        assertEquals(128, message.messageId().length());
    }
}
