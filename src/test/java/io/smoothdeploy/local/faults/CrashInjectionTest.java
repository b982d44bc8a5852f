package io.smoothdeploy.local.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.Decision;
import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.local.FunctionCatalog;
import io.smoothdeploy.local.InProcessStepQueue;
import io.smoothdeploy.local.InProcessStepQueue.DeliveryOutcome;
import io.smoothdeploy.local.InProcessStepQueue.DeliveryRecord;
import io.smoothdeploy.local.InProcessStepQueue.RunSummary;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.RecordingStepFunctions;
import io.smoothdeploy.engine.port.StepQueue;
import io.smoothdeploy.engine.port.DeploymentStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A crash at a crash point is a process death: what was done stays, the message returns after its lock. */
class CrashInjectionTest {

    private static final Map<String, String> SETTINGS = Map.of(
            "CloneDbQueue", "clone-db", "EnterMaintenanceQueue", "enter-maintenance");
    private static final StepMessage CLONE = new StepMessage("d1", "prod", Stage.CLONE_DB, null, 0);
    private static final StepMessage ENTER = new StepMessage("d1", "prod", Stage.ENTER_MAINTENANCE, "www", 0);
    private static final Duration LOCK = InProcessStepQueue.DEFAULT_LOCK_DURATION;

    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final RecordingStepFunctions functions = new RecordingStepFunctions(clock);
    private final FaultInjector faults = new FaultInjector();
    private final InProcessStepQueue queue = new InProcessStepQueue(new FunctionCatalog(SETTINGS, functions), clock)
            .faults(faults);
    private final DeploymentStore storeBehind = mock(DeploymentStore.class);
    private final DeploymentStore store = CrashingPorts.store(storeBehind, faults);
    private final AppServiceCloud cloudBehind = mock(AppServiceCloud.class);
    private final AppServiceCloud cloud = CrashingPorts.appService(cloudBehind, faults);
    private final StepQueue sender = CrashingPorts.stepQueue(queue, faults);
    private final Instant start = clock.instant();

    @AfterEach
    void closeQueue() {
        queue.close();
    }

    private List<Instant> cloneDbDeliveryTimes() {
        return functions.receivedBy("CloneDb").stream().map(RecordingStepFunctions.Received::at).toList();
    }

    private List<Integer> cloneDbDeliveryCounts() {
        return functions.receivedBy("CloneDb").stream().map(RecordingStepFunctions.Received::deliveryCount).toList();
    }

    @Test
    void crashAfterStateCommitKeepsTheCommitAndRedeliversAfterTheLockDuration() {
        // Arrange
        faults.crash(CrashRule.at(CrashPoint.AFTER_STATE_COMMIT).ofMessage(CLONE.messageId()).onDelivery(1));
        functions.onCloneDb = (body, count) -> store.commit(null);
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        verify(storeBehind, times(2)).commit(any());
        assertEquals(List.of(start, start.plus(LOCK)), cloneDbDeliveryTimes(), "back only when the lock expired");
        assertEquals(List.of(1, 2), cloneDbDeliveryCounts());
        assertEquals(1, summary.crashes());
        assertEquals(0, summary.failedDeliveries(), "a crash is not an abandon");
        assertEquals(1, summary.delivered());
        assertEquals(1, faults.crashesInjected(CrashPoint.AFTER_STATE_COMMIT));
    }

    @Test
    void crashAfterSendKeepsTheSentMessage() {
        // Arrange
        faults.crash(CrashRule.at(CrashPoint.AFTER_SEND));
        functions.onCloneDb = (body, count) -> sender.send(List.of(OutgoingMessage.now(ENTER)));
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(1, functions.receivedBy("EnterMaintenance").size());
        assertEquals(start, functions.receivedBy("EnterMaintenance").get(0).at(), "sent before the crash, delivered at once");
        assertEquals(List.of(start, start.plus(LOCK)), cloneDbDeliveryTimes());
        assertEquals(1, summary.duplicatesDropped(), "the redelivered handler's send is a duplicate");
    }

    @Test
    void crashBeforeCompletionRedeliversAHandlerThatSucceeded() {
        // Arrange
        faults.crash(CrashRule.at(CrashPoint.BEFORE_COMPLETION).onDelivery(1));
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(List.of(1, 2), cloneDbDeliveryCounts());
        assertEquals(List.of(start, start.plus(LOCK)), cloneDbDeliveryTimes());
        assertEquals(List.of(DeliveryOutcome.CRASHED, DeliveryOutcome.COMPLETED),
                queue.deliveries().stream().map(DeliveryRecord::outcome).toList());
        assertEquals(1, summary.delivered());
    }

    @Test
    void crashAfterACloudCallKeepsTheCloudChangeAndRedelivers() {
        // Arrange
        SlotRef staging = new SlotRef("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Web/sites/cms", "staging");
        faults.crash(CrashRule.at(CrashPoint.AFTER_CLOUD_CALL).after("beginSwapWithProduction"));
        functions.onCloneDb = (body, count) -> {
            cloud.getSlot(staging);
            cloud.beginSwapWithProduction(staging);
            cloud.stopSlot(staging);
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        verify(cloudBehind, times(2)).beginSwapWithProduction(staging);
        verify(cloudBehind, times(1)).stopSlot(staging);
        assertEquals(List.of(start, start.plus(LOCK)), cloneDbDeliveryTimes());
        FaultInjector.Occurrence crash = faults.injected().get(0);
        assertEquals(2, crash.occurrenceInDelivery(), "getSlot was the first cloud call of the delivery");
        assertEquals(CLONE.messageId(), crash.messageId());
    }

    @Test
    void theThirdCloudCallOfADeliveryCanBeChosen() {
        // Arrange
        SlotRef staging = new SlotRef("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Web/sites/cms", "staging");
        faults.crash(CrashRule.at(CrashPoint.AFTER_CLOUD_CALL).ofMessage(CLONE.messageId()).occurrence(3));
        functions.onCloneDb = (body, count) -> {
            cloud.ensureSlot(staging);
            cloud.startSlot(staging);
            cloud.stopSlot(staging);
            cloud.deployPackage(staging, "p");
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals("stopSlot", faults.injected().get(0).operation());
        verify(cloudBehind, times(1)).deployPackage(staging, "p");
    }

    @Test
    void productCodeCatchingRuntimeExceptionsCannotSwallowACrash() {
        // Arrange
        faults.crash(CrashRule.at(CrashPoint.AFTER_STATE_COMMIT));
        functions.onCloneDb = (body, count) -> {
            try {
                store.commit(null);
            } catch (RuntimeException swallowed) {
                // product code that recovers from store errors
            }
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(1, summary.crashes());
        assertEquals(List.of(1, 2), cloneDbDeliveryCounts());
    }

    @Test
    void aMessageWhoseHandlerAlwaysCrashesIsDeadLetteredAfterMaxDeliveryCount() {
        // Arrange
        queue.maxDeliveryCount(3);
        faults.crash(CrashRule.at(CrashPoint.BEFORE_COMPLETION).times(100));
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(List.of(start, start.plus(LOCK), start.plus(LOCK).plus(LOCK)), cloneDbDeliveryTimes());
        assertEquals(1, summary.deadLettered());
        assertEquals(3, queue.deadLetters().get(0).deliveryCount());
        assertTrue(queue.deadLetters().get(0).reason().startsWith("MaxDeliveryCountExceeded"));
    }

    @Test
    void aFailingCallReachesNoCrashPoint() {
        // Arrange
        faults.crash(CrashRule.at(CrashPoint.AFTER_STATE_COMMIT).times(10));
        org.mockito.Mockito.doThrow(new IllegalStateException("conflict")).when(storeBehind).commit(any());
        functions.onCloneDb = (body, count) -> {
            if (count == 1) {
                store.commit((Decision) null);
            }
        };
        queue.send(List.of(OutgoingMessage.now(CLONE)));

        // Act
        RunSummary summary = queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(0, summary.crashes());
        assertEquals(1, summary.failedDeliveries());
        assertEquals(List.of(start, start), cloneDbDeliveryTimes(), "an exception is an abandon: at once");
    }

    @Test
    void noCrashOutsideADelivery() {
        // Arrange
        faults.crash(CrashRule.at(CrashPoint.AFTER_STATE_COMMIT));

        // Act
        store.commit(null);

        // Assert
        assertEquals(1, faults.timesReached(CrashPoint.AFTER_STATE_COMMIT));
        assertEquals(0, faults.crashesInjected(CrashPoint.AFTER_STATE_COMMIT));
        assertThrows(InjectedCrash.class, () -> {
            try (FaultInjector.Delivery ignored = faults.enterDelivery("clone-db", "m", 1)) {
                store.commit(null);
            }
        });
    }
}
