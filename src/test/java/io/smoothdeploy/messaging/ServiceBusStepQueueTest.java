package io.smoothdeploy.messaging;

import io.smoothdeploy.engine.port.StepQueueException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.StepMessage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import io.smoothdeploy.testing.QueueSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class ServiceBusStepQueueTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:15:30Z");
    private static final String SECRET_CONNECTION = "Endpoint=sb://contoso.servicebus.windows.net/;"
            + "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2VjcmV0LWtleS1kby1ub3QtbGVhaw==";

    private final QueueSender sender = mock(QueueSender.class);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final StepMessageCodec codec = new StepMessageCodec();

    private static Map<String, String> queueSettings() {
        Map<String, String> settings = QueueSettings.sample();
        settings.put("ServiceBusConnection", SECRET_CONNECTION);
        return settings;
    }

    private ServiceBusStepQueue queue(Map<String, String> settings) {
        return new ServiceBusStepQueue(sender, settings, clock);
    }

    private static StepMessage message(Stage stage, String webApp) {
        return new StepMessage("dep-42", "prod", stage, webApp, 0);
    }

    @Test
    void sendsEachMessageNowToTheQueueItsStepSettingNames() {
        // Arrange
        StepMessage clone = message(Stage.CLONE_DB, null);
        StepMessage maintenance = message(Stage.ENTER_MAINTENANCE, "cms");
        StepMessage cleanup = message(Stage.RESET_CLEANUP, null);

        // Act
        queue(queueSettings()).send(List.of(OutgoingMessage.now(clone), OutgoingMessage.now(maintenance),
                OutgoingMessage.now(cleanup)));

        // Assert
        ArgumentCaptor<ServiceBusMessage> sent = ArgumentCaptor.forClass(ServiceBusMessage.class);
        verify(sender).send(eq("clone-db"), sent.capture());
        verify(sender).send(eq("enter-maintenance"), sent.capture());
        verify(sender).send(eq("reset"), sent.capture());
        verify(sender, never()).schedule(any(), any(), any());
        assertEquals(List.of(clone.messageId(), maintenance.messageId(), cleanup.messageId()),
                sent.getAllValues().stream().map(ServiceBusMessage::getMessageId).toList());
    }

    @Test
    void bodyRoundTripsThroughTheCodecWithIdSubjectAndProperties() {
        // Arrange
        StepMessage warmUp = new StepMessage("dep-7", "staging", Stage.WARM_UP, "commerce", 3);

        // Act
        queue(queueSettings()).send(List.of(OutgoingMessage.now(warmUp)));

        // Assert
        ArgumentCaptor<ServiceBusMessage> sent = ArgumentCaptor.forClass(ServiceBusMessage.class);
        verify(sender).send(eq("warm-up"), sent.capture());
        ServiceBusMessage busMessage = sent.getValue();
        assertEquals(warmUp, codec.decode(busMessage.getBody().toString()));
        assertEquals("application/json", busMessage.getContentType());
        assertEquals(warmUp.messageId(), busMessage.getMessageId());
        assertEquals("WARM_UP", busMessage.getSubject());
        assertEquals("dep-7", busMessage.getApplicationProperties().get("deploymentId"));
        assertEquals("WARM_UP", busMessage.getApplicationProperties().get("stage"));
        assertEquals("commerce", busMessage.getApplicationProperties().get("webApp"));
    }

    @Test
    void deploymentLevelMessageCarriesNoWebAppProperty() {
        // Act
        queue(queueSettings()).send(List.of(OutgoingMessage.now(message(Stage.AWAIT_VERIFICATION, null))));

        // Assert
        ArgumentCaptor<ServiceBusMessage> sent = ArgumentCaptor.forClass(ServiceBusMessage.class);
        verify(sender).send(eq("await-verification"), sent.capture());
        assertFalse(sent.getValue().getApplicationProperties().containsKey("webApp"));
        assertNull(codec.decode(sent.getValue().getBody().toString()).webApp());
    }

    @Test
    void delayedMessageIsScheduledAtClockPlusDelay() {
        // Arrange
        StepMessage check = new StepMessage("dep-42", "prod", Stage.CLONE_DB, null, 2);

        // Act
        queue(queueSettings()).send(List.of(new OutgoingMessage(check, Duration.ofSeconds(90))));

        // Assert
        ArgumentCaptor<ServiceBusMessage> scheduled = ArgumentCaptor.forClass(ServiceBusMessage.class);
        verify(sender).schedule(eq("clone-db"), scheduled.capture(),
                eq(OffsetDateTime.parse("2025-03-01T10:17:00Z")));
        verify(sender, never()).send(any(), any());
        assertEquals(check.messageId(), scheduled.getValue().getMessageId());
        assertEquals(check, codec.decode(scheduled.getValue().getBody().toString()));
    }

    @Test
    void zeroOrNegativeDelayIsSentNow() {
        // Act
        queue(queueSettings()).send(List.of(
                new OutgoingMessage(message(Stage.DEPLOY_SLOT, "cms"), Duration.ZERO),
                new OutgoingMessage(message(Stage.DEPLOY_SLOT, "scheduler"), Duration.ofSeconds(-5))));

        // Assert
        verify(sender, org.mockito.Mockito.times(2)).send(eq("deploy-slot"), any());
        verify(sender, never()).schedule(any(), any(), any());
    }

    @Test
    void missingQueueSettingFailsNamingTheSettingAndSendsNothing() {
        // Arrange
        Map<String, String> settings = queueSettings();
        settings.remove("CompleteQueue");
        ServiceBusStepQueue queue = queue(settings);
        List<OutgoingMessage> messages = List.of(OutgoingMessage.now(message(Stage.CLONE_DB, null)),
                OutgoingMessage.now(message(Stage.COMPLETE_SWAP, "cms")));

        // Act
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> queue.send(messages));

        // Assert
        assertTrue(error.getMessage().contains("CompleteQueue"), error.getMessage());
        verifyNoInteractions(sender);
    }

    @Test
    void blankQueueSettingCountsAsMissing() {
        // Arrange
        Map<String, String> settings = queueSettings();
        settings.put("WarmUpQueue", "  ");

        // Act
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> queue(settings).send(List.of(OutgoingMessage.now(message(Stage.WARM_UP, "cms")))));

        // Assert
        assertTrue(error.getMessage().contains("WarmUpQueue"), error.getMessage());
    }

    @Test
    void finishedStageHasNoQueue() {
        assertThrows(IllegalArgumentException.class,
                () -> queue(queueSettings()).send(List.of(OutgoingMessage.now(message(Stage.FINISHED, null)))));
        verifyNoInteractions(sender);
    }

    @Test
    void sendFailureNamesMessageAndQueue() {
        // Arrange
        StepMessage clone = message(Stage.CLONE_DB, null);
        doThrow(new IllegalStateException("link detached")).when(sender).send(eq("clone-db"), any());

        // Act
        StepQueueException error = assertThrows(StepQueueException.class,
                () -> queue(queueSettings()).send(List.of(OutgoingMessage.now(clone))));

        // Assert
        assertTrue(error.getMessage().contains(clone.messageId()), error.getMessage());
        assertTrue(error.getMessage().contains("clone-db"), error.getMessage());
        assertTrue(error.getMessage().contains("link detached"), error.getMessage());
        assertTrue(error.getCause() instanceof IllegalStateException);
    }

    @Test
    void sendFailureDoesNotLeakTheConnectionString() {
        // Arrange
        doThrow(new RuntimeException("cannot connect with " + SECRET_CONNECTION,
                new IllegalArgumentException("bad " + SECRET_CONNECTION)))
                .when(sender).schedule(eq("warm-up"), any(), any());

        // Act
        StepQueueException error = assertThrows(StepQueueException.class, () -> queue(queueSettings())
                .send(List.of(new OutgoingMessage(message(Stage.WARM_UP, "cms"), Duration.ofMinutes(1)))));

        // Assert
        String printed = stackTrace(error);
        assertFalse(printed.contains("c2VjcmV0LWtleS1kby1ub3QtbGVhaw=="), printed);
        assertTrue(printed.contains("SharedAccessKey=***"), printed);
        assertTrue(error.getMessage().contains("warm-up"), error.getMessage());
    }

    @Test
    void redactsKeysAndSignaturesButNotFormatPlaceholders() {
        // Arrange
        String sas = "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature "
                + "sr=contoso&sig=c2lnbmF0dXJlLXNlY3JldA%3d&se=1700000000&skn=send";
        String format = "Expected format: Endpoint={endpoint};SharedAccessKey={sharedAccessKey}";

        // Act
        String redacted = StepQueueException.redact(sas);
        StepQueueException withFormatCause = new StepQueueException("bad", new IllegalArgumentException(format));

        // Assert
        assertFalse(redacted.contains("c2lnbmF0dXJlLXNlY3JldA"), redacted);
        assertTrue(redacted.contains("sig=***&se=1700000000"), redacted);
        assertEquals(format, StepQueueException.redact(format));
        assertTrue(withFormatCause.getCause() instanceof IllegalArgumentException);
    }

    @Test
    void malformedConnectionStringErrorDoesNotQuoteTheKey() {
        // Arrange
        Map<String, String> settings = Map.of("ServiceBusConnection",
                "SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0LWtleS1kby1ub3QtbGVhaw==");

        // Act
        RuntimeException error = assertThrows(RuntimeException.class,
                () -> ServiceBusConnections.clientBuilder("ServiceBusConnection", settings));

        // Assert
        String printed = stackTrace(error);
        assertFalse(printed.contains("c2VjcmV0LWtleS1kby1ub3QtbGVhaw=="), printed);
        assertTrue(error.getMessage().contains("ServiceBusConnection"), error.getMessage());
    }

    @Test
    void missingConnectionNamesBothSettings() {
        // Act
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> ServiceBusConnections.clientBuilder("ServiceBusConnection", Map.of("CloneDbQueue", "clone-db")));

        // Assert
        assertTrue(error.getMessage().contains("ServiceBusConnection__fullyQualifiedNamespace"), error.getMessage());
    }

    @Test
    void connectionStringOrNamespaceBuildsAClientBuilderWithoutConnecting() {
        ServiceBusConnections.clientBuilder("ServiceBusConnection", Map.of("ServiceBusConnection", SECRET_CONNECTION));
        ServiceBusConnections.clientBuilder("ServiceBusConnection",
                Map.of("ServiceBusConnection__fullyQualifiedNamespace", "contoso.servicebus.windows.net"));
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
