package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.local.InProcessStepQueue.DeliveryOutcome;
import io.smoothdeploy.local.InProcessStepQueue.DeliveryRecord;
import io.smoothdeploy.local.InProcessStepQueue.DuplicateTiming;
import io.smoothdeploy.local.InProcessStepQueue.RunSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-process queue is as strict as Service Bus: peek-lock expiry, abandon, the duplicate window, fault modes. */
class InProcessStepQueueServiceBusSemanticsTest {

    private static final Map<String, String> SETTINGS = Map.of(
            "CloneDbQueue", "clone-db", "EnterMaintenanceQueue", "enter-maintenance");
    private static final StepMessage CLONE = new StepMessage("d1", "prod", Stage.CLONE_DB, null, 0);
    private static final StepMessage ENTER = new StepMessage("d1", "prod", Stage.ENTER_MAINTENANCE, "www", 0);
    private static final Duration LOCK = InProcessStepQueue.DEFAULT_LOCK_DURATION;

    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final RecordingStepFunctions functions = new RecordingStepFunctions(clock);
    private InProcessStepQueue queue = new InProcessStepQueue(new FunctionCatalog(SETTINGS, functions), clock);

    @AfterEach
    void closeQueue() {
        queue.close();
    }

    private List<Integer> deliveryCounts(String function) {
        return functions.receivedBy(function).stream().map(RecordingStepFunctions.Received::deliveryCount).toList();
    }

    @Test
    void handlerThatOutlivesItsLockSeesTheMessageDeliveredToAnotherWorkerWhileItStillRuns() {
        // Arrange
        Instant start = clock.instant();
        List<Integer> seenWhileRunning = new ArrayList<>();
        functions.onCloneDb = (body, count) -> {
            if (count == 1) {
                clock.advance(LOCK.plusSeconds(1));
                seenWhileRunning.addAll(deliveryCounts("CloneDb"));
            }
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(List.of(1, 2), seenWhileRunning, "the redelivery ran while the first handler still ran");
        assertEquals(start.plus(LOCK), functions.receivedBy("CloneDb").get(1).at().minusSeconds(1),
                "redelivered once the clock passed the lock's expiry");
        assertEquals(1, summary.delivered(), "only the second delivery completed the message");
        assertEquals(1, summary.lockLosses());
        assertEquals(0, summary.pending());
    }

    @Test
    void completionAfterTheLockExpiredIsRefusedAndLeavesTheMessageInTheQueue() {
        // Arrange
        functions.onCloneDb = (body, count) -> {
            if (count == 1) {
                clock.advance(LOCK);
            } else if (count == 2) {
                throw new IllegalStateException("the second worker fails");
            }
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(List.of(1, 2, 3), deliveryCounts("CloneDb"),
                "the first handler's late completion did not remove the message the second abandoned");
        assertEquals(List.of(DeliveryOutcome.ABANDONED, DeliveryOutcome.LOCK_LOST, DeliveryOutcome.COMPLETED),
                queue.deliveries().stream().map(DeliveryRecord::outcome).toList());
        assertEquals(1, summary.delivered());
        assertEquals(1, summary.lockLosses());
    }

    @Test
    void handlerThatFinishesWithinItsLockCompletesTheMessage() {
        // Arrange
        functions.onCloneDb = (body, count) -> clock.advance(LOCK.minusSeconds(1));
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(List.of(1), deliveryCounts("CloneDb"));
        assertEquals(0, summary.lockLosses());
    }

    @Test
    void lockThatKeepsExpiringUsesUpTheDeliveriesAndDeadLettersTheMessage() {
        // Arrange
        queue.maxDeliveryCount(3);
        AtomicInteger depth = new AtomicInteger();
        functions.onCloneDb = (body, count) -> {
            depth.incrementAndGet();
            clock.advance(LOCK);
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(List.of(1, 2, 3), deliveryCounts("CloneDb"));
        assertEquals(1, summary.deadLettered());
        assertTrue(queue.deadLetters().get(0).reason().startsWith("MaxDeliveryCountExceeded"),
                queue.deadLetters().get(0).reason());
        assertEquals(0, summary.delivered());
    }

    @Test
    void liveWorkersHandOutAMessageWhoseLockExpiredWhileItsFirstHandlerStillRuns() throws Exception {
        // Arrange
        RecordingStepFunctions live = new RecordingStepFunctions(Clock.systemUTC());
        CountDownLatch secondDelivery = new CountDownLatch(1);
        live.onCloneDb = (body, count) -> {
            if (count == 1) {
                assertTrue(secondDelivery.await(10, TimeUnit.SECONDS), "no second worker got the message");
            } else {
                secondDelivery.countDown();
            }
        };
        queue = new InProcessStepQueue(new FunctionCatalog(SETTINGS, live), Clock.systemUTC())
                .lockDuration(Duration.ofSeconds(1)).start(2);

        // Act
        queue.send(List.of(OutgoingMessage.now(CLONE)));
        boolean idle = queue.awaitIdle(Duration.ofSeconds(15));

        // Assert
        assertTrue(idle);
        assertEquals(List.of(1, 2), live.receivedBy("CloneDb").stream()
                .map(RecordingStepFunctions.Received::deliveryCount).toList());
        assertEquals(1, queue.deliveredCount());
        assertEquals(1, queue.lockLosses());
    }

    @Test
    void sendWithinTheInfraWindowIsDroppedAndOneAfterItIsAccepted() {
        // Arrange
        Duration window = InProcessStepQueue.DEFAULT_DUPLICATE_DETECTION_WINDOW;
        queue.send(List.of(OutgoingMessage.now(CLONE)));
        queue.runUntilIdle(Duration.ofMinutes(1));

        // Act
        clock.advance(window.minusSeconds(1));
        queue.send(List.of(OutgoingMessage.now(CLONE)));
        RunSummary within = queue.runUntilIdle(Duration.ofMinutes(1));
        clock.advance(window);
        queue.send(List.of(OutgoingMessage.now(CLONE)));
        RunSummary after = queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(Duration.ofMinutes(20), window);
        assertEquals(1, within.duplicatesDropped());
        assertEquals(0, within.delivered());
        assertEquals(0, after.duplicatesDropped());
        assertEquals(1, after.delivered());
    }

    @Test
    void duplicateDetectionRemembersOnlyTheIdsInsideTheWindow() {
        // Arrange
        int sends = 2_000;

        // Act
        for (int i = 0; i < sends; i++) {
            queue.enqueue("clone-db", "m" + i, "{}", Duration.ofDays(1));
            clock.advance(Duration.ofMinutes(1));
        }

        // Assert
        assertEquals(20, queue.rememberedIds(), "ids older than the 20-minute window are forgotten");
        assertTrue(queue.enqueue("clone-db", "m0", "{}", null), "sent long before the window: accepted again");
        assertEquals(false, queue.enqueue("clone-db", "m" + (sends - 1), "{}", null), "sent a minute ago: dropped");
    }

    @Test
    void reorderDeliversMessagesSentTogetherOutOfSendOrder() {
        // Arrange
        queue.reorder(new Random(7), Duration.ofSeconds(30));
        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            StepMessage check = new StepMessage("d1", "prod", Stage.CLONE_DB, null, i);
            sent.add(check.messageId());
            queue.send(List.of(OutgoingMessage.now(check)));
        }

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofMinutes(5));

        // Assert
        List<String> deliveredOrder = functions.received.stream().map(RecordingStepFunctions.Received::messageId).toList();
        assertEquals(8, summary.delivered());
        assertEquals(Set8.of(sent), Set8.of(deliveredOrder));
        assertNotEquals(sent, deliveredOrder);
    }

    @Test
    void aDelayedMessageArrivesBehindOnesSentAfterIt() {
        // Arrange
        queue.delayMessages((queueName, id, requested) -> id.equals(CLONE.messageId()) ? Duration.ofSeconds(10) : null);

        // Act
        queue.send(List.of(OutgoingMessage.now(CLONE)));
        queue.send(List.of(OutgoingMessage.now(ENTER)));
        queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(List.of("EnterMaintenance", "CloneDb"),
                functions.received.stream().map(RecordingStepFunctions.Received::function).toList());
    }

    @Test
    void duplicateBeforeCompletionArrivesWhileTheOriginalStillRuns() {
        // Arrange
        queue.duplicateEachMessage(DuplicateTiming.BEFORE_COMPLETION);
        List<Integer> seenAfterSend = new ArrayList<>();
        functions.onCloneDb = (body, count) -> {
            if (count == 1) {
                queue.send(List.of(OutgoingMessage.now(ENTER)));
                seenAfterSend.addAll(deliveryCounts("CloneDb"));
            }
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofMinutes(1));

        // Assert
        assertEquals(List.of(1, 2), seenAfterSend);
        assertEquals(List.of(1, 2), deliveryCounts("EnterMaintenance"));
        assertEquals(4, summary.delivered());
    }

    @Test
    void lateDuplicateArrivesAfterMessagesSentLater() {
        // Arrange
        queue.duplicateEachMessage(DuplicateTiming.LATE, new Random(3), Duration.ofSeconds(30));
        functions.onCloneDb = (body, count) -> {
            if (count == 1) {
                queue.send(List.of(OutgoingMessage.now(ENTER)));
            }
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        queue.runUntilIdle(Duration.ofMinutes(5));

        // Assert
        List<String> order = functions.received.stream().map(r -> r.function() + "#" + r.deliveryCount()).toList();
        assertEquals("CloneDb#1", order.get(0));
        assertEquals("EnterMaintenance#1", order.get(1));
        assertEquals(Set8.of(List.of("CloneDb#2", "EnterMaintenance#2")), Set8.of(order.subList(2, 4)));
    }

    @Test
    void longestDeliveryNamesTheMessageThatTookLongestOnTheQueueClock() {
        // Arrange
        functions.onCloneDb = (body, count) -> clock.advance(Duration.ofSeconds(90));
        functions.onEnterMaintenance = (body, count) -> clock.advance(Duration.ofSeconds(5));
        queue.send(List.of(OutgoingMessage.now(ENTER), OutgoingMessage.now(CLONE)));

        // Act
        queue.runUntilIdle(Duration.ofMinutes(10));

        // Assert
        DeliveryRecord longest = queue.longestDelivery().orElseThrow();
        assertEquals(CLONE.messageId(), longest.messageId());
        assertEquals(Duration.ofSeconds(90), longest.clockTime());
        assertEquals(List.of(CLONE.messageId()),
                queue.deliveriesOverBudget().stream().map(DeliveryRecord::messageId).toList(),
                "90 s is over the default 60 s budget; 5 s is not");
        assertTrue(queue.longestWallDelivery().isPresent());
    }

    @Test
    void aLargerTimeBudgetAcceptsTheSameDelivery() {
        // Arrange
        queue.timeBudget(Duration.ofMinutes(2));
        functions.onCloneDb = (body, count) -> clock.advance(Duration.ofSeconds(90));
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        queue.runUntilIdle(Duration.ofMinutes(10));

        // Assert
        assertTrue(queue.deliveriesOverBudget().isEmpty());
        assertEquals(Duration.ofSeconds(90), queue.longestDelivery().orElseThrow().clockTime());
    }

    /** Sets for comparing contents regardless of order. */
    private static final class Set8 {
        static <T> java.util.Set<T> of(List<T> items) {
            return new java.util.HashSet<>(items);
        }
    }
}
