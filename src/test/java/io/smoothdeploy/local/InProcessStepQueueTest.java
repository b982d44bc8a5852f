package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.local.InProcessStepQueue.DeadLetter;
import io.smoothdeploy.local.InProcessStepQueue.RunSummary;
import io.smoothdeploy.messaging.StepMessageCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InProcessStepQueueTest {

    private static final Map<String, String> SETTINGS = Map.of(
            "CloneDbQueue", "clone-db", "EnterMaintenanceQueue", "enter-maintenance");
    private static final StepMessage CLONE = new StepMessage("d1", "prod", Stage.CLONE_DB, null, 0);
    private static final StepMessage ENTER = new StepMessage("d1", "prod", Stage.ENTER_MAINTENANCE, "www", 0);

    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final RecordingStepFunctions functions = new RecordingStepFunctions(clock);
    private InProcessStepQueue queue = new InProcessStepQueue(new FunctionCatalog(SETTINGS, functions), clock);

    @AfterEach
    void closeQueue() {
        queue.close();
    }

    @Test
    void deliversAStepMessageToTheQueueItsStepSettingNames() {
        // Arrange
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(1, summary.delivered());
        assertEquals(0, summary.pending());
        List<RecordingStepFunctions.Received> received = functions.receivedBy("CloneDb");
        assertEquals(1, received.size());
        assertEquals(CLONE, new StepMessageCodec().decode(received.get(0).body()));
        assertEquals(CLONE.messageId(), received.get(0).messageId());
        assertEquals(1, received.get(0).deliveryCount());
        assertTrue(functions.receivedBy("EnterMaintenance").isEmpty());
    }

    @Test
    void duplicateDetectionDropsASecondSendWithTheSameIdWithinTheWindow() {
        // Arrange
        queue.send(List.of(OutgoingMessage.now(CLONE)));
        queue.runUntilIdle(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(9));

        // Act
        queue.send(List.of(OutgoingMessage.now(CLONE)));
        RunSummary summary = queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(0, summary.delivered());
        assertEquals(1, summary.duplicatesDropped());
        assertEquals(1, queue.duplicatesDropped());
        assertEquals(1, functions.received.size());
    }

    @Test
    void sameIdIsAcceptedAgainAfterTheDetectionWindow() {
        // Arrange
        queue.send(List.of(OutgoingMessage.now(CLONE)));
        queue.runUntilIdle(Duration.ofMinutes(1));
        clock.advance(InProcessStepQueue.DEFAULT_DUPLICATE_DETECTION_WINDOW.plusSeconds(1));

        // Act
        queue.send(List.of(OutgoingMessage.now(CLONE)));
        RunSummary summary = queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(1, summary.delivered());
        assertEquals(0, summary.duplicatesDropped());
    }

    @Test
    void scheduledMessageIsNotDeliveredBeforeItsDueTime() {
        // Arrange
        Instant sentAt = clock.instant();
        queue.send(List.of(new OutgoingMessage(CLONE, Duration.ofMinutes(5))));

        // Act
        RunSummary early = queue.runUntilIdle(Duration.ofMinutes(4));
        RunSummary later = queue.runUntilIdle(Duration.ofMinutes(10));

        // Assert
        assertEquals(0, early.delivered());
        assertEquals(1, early.pending());
        assertEquals(sentAt.plus(Duration.ofMinutes(4)), early.virtualTime());
        assertEquals(1, later.delivered());
        assertEquals(sentAt.plus(Duration.ofMinutes(5)), functions.received.get(0).at());
        assertEquals(sentAt.plus(Duration.ofMinutes(5)), later.virtualTime());
    }

    @Test
    void scheduledMessagesAreDeliveredInDueOrder() {
        // Arrange
        StepMessage check1 = new StepMessage("d1", "prod", Stage.CLONE_DB, null, 1);
        StepMessage check2 = new StepMessage("d1", "prod", Stage.CLONE_DB, null, 2);
        queue.send(List.of(new OutgoingMessage(check2, Duration.ofMinutes(2)),
                new OutgoingMessage(check1, Duration.ofMinutes(1))));

        // Act
        queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(List.of(check1.messageId(), check2.messageId()),
                functions.received.stream().map(RecordingStepFunctions.Received::messageId).toList());
    }

    @Test
    void failingHandlerIsAbandonedAndRedeliveredAtOnceThenDeadLetteredAfterMaxDeliveryCountWithTheReason() {
        // Arrange
        queue.maxDeliveryCount(3);
        functions.onCloneDb = (body, count) -> {
            throw new IllegalStateException("database copy refused");
        };
        List<DeadLetter> announced = new CopyOnWriteArrayList<>();
        queue.onDeadLetter(announced::add);
        Instant start = clock.instant();
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(List.of(1, 2, 3),
                functions.received.stream().map(RecordingStepFunctions.Received::deliveryCount).toList());
        // Service Bus makes an abandoned message available again at once: no lock wait, no back-off.
        assertEquals(List.of(start, start, start),
                functions.received.stream().map(RecordingStepFunctions.Received::at).toList());
        assertEquals(0, summary.delivered());
        assertEquals(3, summary.failedDeliveries());
        assertEquals(1, summary.deadLettered());
        DeadLetter deadLetter = queue.deadLetters().get(0);
        assertEquals(new DeadLetter("clone-db", CLONE.messageId(), new StepMessageCodec().encode(CLONE), 3,
                "java.lang.IllegalStateException: database copy refused"), deadLetter);
        assertEquals(List.of(deadLetter), announced);
    }

    @Test
    void defaultMaxDeliveryCountIsTen() {
        // Arrange
        functions.onCloneDb = (body, count) -> {
            throw new IllegalArgumentException("nope");
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(10, functions.received.size());
        assertEquals(10, queue.deadLetters().get(0).deliveryCount());
    }

    @Test
    void handlerThatFailsOnceSucceedsOnRedeliveryWithAHigherDeliveryCount() {
        // Arrange
        functions.onCloneDb = (body, count) -> {
            if (count == 1) {
                throw new IllegalStateException("transient");
            }
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofMinutes(5));

        // Assert
        assertEquals(1, summary.delivered());
        assertEquals(1, summary.failedDeliveries());
        assertEquals(List.of(1, 2),
                functions.received.stream().map(RecordingStepFunctions.Received::deliveryCount).toList());
        assertTrue(queue.deadLetters().isEmpty());
    }

    @Test
    void deliverEachMessageTwiceRedeliversEveryMessageAfterItsFirstDelivery() {
        // Arrange
        queue.deliverEachMessageTwice(true);
        queue.send(List.of(OutgoingMessage.now(CLONE), OutgoingMessage.now(ENTER)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(4, summary.delivered());
        assertEquals(List.of(1, 2), functions.receivedBy("CloneDb").stream()
                .map(RecordingStepFunctions.Received::deliveryCount).toList());
        assertEquals(List.of(1, 2), functions.receivedBy("EnterMaintenance").stream()
                .map(RecordingStepFunctions.Received::deliveryCount).toList());
        assertEquals(0, summary.duplicatesDropped());
    }

    @Test
    void handlerCanSendTheFollowUpMessageInVirtualTime() {
        // Arrange
        functions.onCloneDb = (body, count) -> queue.send(List.of(new OutgoingMessage(ENTER, Duration.ofSeconds(10))));
        Instant start = clock.instant();
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(2, summary.delivered());
        assertEquals(start.plusSeconds(10), functions.receivedBy("EnterMaintenance").get(0).at());
    }

    @Test
    void idempotentFollowUpSendsUnderDoubleDeliveryAreDroppedAsDuplicates() {
        // Arrange
        queue.deliverEachMessageTwice(true);
        functions.onCloneDb = (body, count) -> queue.send(List.of(OutgoingMessage.now(ENTER)));
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(2, functions.receivedBy("CloneDb").size());
        assertEquals(2, functions.receivedBy("EnterMaintenance").size());
        assertEquals(1, summary.duplicatesDropped());
    }

    @Test
    void theDeliveryJournalKeepsOnlyTheNewestDeliveriesUpToItsLimit() {
        // Arrange: a journal of 2, and three deliveries
        queue.journalLimit(2);
        StepMessage third = new StepMessage("d2", "prod", Stage.CLONE_DB, null, 0);
        queue.send(List.of(OutgoingMessage.now(CLONE)));
        queue.runUntilIdle(Duration.ofMinutes(1));
        queue.send(List.of(OutgoingMessage.now(ENTER)));
        queue.runUntilIdle(Duration.ofMinutes(1));
        queue.send(List.of(OutgoingMessage.now(third)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert: all three were delivered; the journal holds the last two, oldest first
        assertEquals(1, summary.delivered());
        assertEquals(3, functions.receivedBy("CloneDb").size() + functions.receivedBy("EnterMaintenance").size());
        assertEquals(List.of(ENTER.messageId(), third.messageId()),
                queue.deliveries().stream().map(InProcessStepQueue.DeliveryRecord::messageId).toList());
        assertThrows(IllegalArgumentException.class, () -> queue.journalLimit(0));
    }

    @Test
    void anIdleLiveQueueForgetsSentIdsOnceTheirWindowHasPassed() throws Exception {
        // Arrange
        RecordingStepFunctions functions = new RecordingStepFunctions(clock);
        queue = new InProcessStepQueue(new FunctionCatalog(SETTINGS, functions), clock).start(1);
        queue.send(List.of(OutgoingMessage.now(CLONE), OutgoingMessage.now(ENTER)));
        assertTrue(queue.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(2, queue.rememberedIds());

        // Act: nothing is sent any more; the window passes
        clock.advance(InProcessStepQueue.DEFAULT_DUPLICATE_DETECTION_WINDOW.plusSeconds(1));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (queue.rememberedIds() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        // Assert
        assertEquals(0, queue.rememberedIds(), "no id is kept past its window, even with no send to trim on");
    }

    @Test
    void liveModeDeliversOnWorkerThreadsAndAwaitIdleWaitsForFollowUps() throws Exception {
        // Arrange
        RecordingStepFunctions live = new RecordingStepFunctions(Clock.systemUTC());
        queue = InProcessStepQueue.live(new FunctionCatalog(SETTINGS, live));
        InProcessStepQueue liveQueue = queue;
        live.onCloneDb = (body, count) -> liveQueue.send(List.of(new OutgoingMessage(ENTER, Duration.ofMillis(200))));
        Instant sent = Instant.now();

        // Act
        liveQueue.send(List.of(OutgoingMessage.now(CLONE)));
        boolean idle = liveQueue.awaitIdle(Duration.ofSeconds(10));

        // Assert
        assertTrue(idle);
        assertEquals(1, live.receivedBy("CloneDb").size());
        assertEquals(1, live.receivedBy("EnterMaintenance").size());
        assertFalse(live.receivedBy("EnterMaintenance").get(0).at().isBefore(sent.plusMillis(200)));
        assertEquals(2, liveQueue.deliveredCount());
    }

    @Test
    void liveModeRetriesAndDeadLetters() throws Exception {
        // Arrange
        RecordingStepFunctions live = new RecordingStepFunctions(Clock.systemUTC());
        live.onCloneDb = (body, count) -> {
            throw new IllegalStateException("still failing");
        };
        queue = new InProcessStepQueue(new FunctionCatalog(SETTINGS, live), Clock.systemUTC())
                .maxDeliveryCount(2).start(2);

        // Act
        queue.send(List.of(OutgoingMessage.now(CLONE)));
        boolean idle = queue.awaitIdle(Duration.ofSeconds(10));

        // Assert
        assertTrue(idle);
        assertEquals(2, live.received.size());
        assertEquals("java.lang.IllegalStateException: still failing", queue.deadLetters().get(0).reason());
    }

    @Test
    void awaitIdleTimesOutWhileAMessageIsStillScheduled() throws Exception {
        // Arrange
        queue = InProcessStepQueue.live(new FunctionCatalog(SETTINGS, new RecordingStepFunctions(Clock.systemUTC())));
        queue.send(List.of(new OutgoingMessage(CLONE, Duration.ofHours(1))));

        // Act
        boolean idle = queue.awaitIdle(Duration.ofMillis(100));

        // Assert
        assertFalse(idle);
        assertEquals(1, queue.pendingMessages().size());
    }

    @Test
    void sendingAStepWhoseQueueSettingIsMissingFailsNamingTheSetting() {
        // Arrange
        InProcessStepQueue unconfigured = new InProcessStepQueue(Map.of("CloneDbQueue", "clone-db"), clock);

        // Act
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> unconfigured.send(List.of(OutgoingMessage.now(CLONE), OutgoingMessage.now(ENTER))));

        // Assert
        assertTrue(error.getMessage().contains("'EnterMaintenanceQueue'"), error.getMessage());
        assertTrue(unconfigured.pendingMessages().isEmpty(), "nothing of a failed batch is sent");
    }

    @Test
    void queueMadeBeforeItsCatalogDeliversOnceConnected() {
        // Arrange
        InProcessStepQueue early = new InProcessStepQueue(SETTINGS, clock);
        early.send(List.of(OutgoingMessage.now(CLONE)));
        RecordingStepFunctions late = new RecordingStepFunctions(clock);

        // Act
        early.connect(new FunctionCatalog(SETTINGS, late));
        RunSummary summary = early.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(1, summary.delivered());
        assertEquals(1, late.received.size());
    }

    @Test
    void messageOnAQueueWithoutAListenerIsDeadLettered() {
        // Arrange
        queue.enqueue("nobody-listens", "m1", "{}", Duration.ZERO);

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(1, summary.deadLettered());
        assertTrue(queue.deadLetters().get(0).reason().startsWith("NoListener"), queue.deadLetters().get(0).reason());
    }

    @Test
    void deadLetterQueueListenerReceivesTheDeadLetteredMessage() {
        // Arrange
        DeadLetterFunctions deadLetterFunctions = new DeadLetterFunctions();
        queue = new InProcessStepQueue(new FunctionCatalog(SETTINGS, functions, deadLetterFunctions), clock)
                .maxDeliveryCount(1);
        functions.onCloneDb = (body, count) -> {
            throw new IllegalStateException("fails");
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(List.of(new StepMessageCodec().encode(CLONE)), deadLetterFunctions.bodies);
    }

    /** Listens on the clone-db dead-letter queue, as a dead-letter handler would in Azure. */
    public static class DeadLetterFunctions {
        final List<String> bodies = new CopyOnWriteArrayList<>();

        @FunctionName("CloneDbDeadLetters")
        public void cloneDbDeadLetters(@ServiceBusQueueTrigger(name = "message",
                queueName = "%CloneDbQueue%/$DeadLetterQueue", connection = "ServiceBusConnection") String message) {
            bodies.add(message);
        }
    }
}
