package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.InProcessStepQueue;
import io.smoothdeploy.local.InProcessStepQueue.DuplicateTiming;
import io.smoothdeploy.local.faults.CrashPoint;
import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.local.faults.FaultInjector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A whole deployment (start, await verification, complete) on the local host with the queue's harsh modes:
 * duplicates before and after completion, out-of-order delivery, seeded random crashes at every crash point.
 * Each must end as a run on a kind queue does: Succeeded, the same web app phases, no dead letter, and no
 * delivery over its time budget.
 */
class HarshQueueDeploymentTest {

    private static Outcome deploy(FaultInjector faults, Consumer<InProcessStepQueue> harshness) {
        try (LocalHostHarness host = new LocalHostHarness(LocalStack.Faults.crashes(faults))) {
            harshness.accept(host.queue());
            String id = host.registerAndStart("prod", true);
            host.runQueues();
            String awaiting = host.get("/deployments/" + id).json().get("status").asText();
            if (!awaiting.equals("AwaitingVerification")) {
                return new Outcome(List.of(awaiting), List.of(), host.queue().deadLetters().size(), null, order(host));
            }
            host.post("/deployments/" + id + "/complete", null);
            host.runQueues();
            JsonNode done = host.get("/deployments/" + id).json();
            List<String> webApps = new ArrayList<>();
            done.get("webApps").forEach(w -> webApps.add(w.get("name").asText() + "=" + w.get("phase").asText()
                    + "/" + w.get("inMaintenance").asBoolean()));
            return new Outcome(List.of(awaiting, done.get("status").asText()), webApps,
                    host.queue().deadLetters().size(), host.queue().deliveriesOverBudget(), order(host));
        }
    }

    /** The messages delivered, in delivery order, the deployment id taken out. */
    private static List<String> order(LocalHostHarness host) {
        return host.queue().deliveries().stream()
                .map(d -> d.messageId().replaceAll("^[^:]+:", "") + "#" + d.deliveryCount()).toList();
    }

    private static final Outcome KIND = deploy(null, queue -> { });

    private static void assertLikeAKindRun(Outcome harsh) {
        assertEquals(List.of("AwaitingVerification", "Succeeded"), harsh.statuses());
        assertEquals(KIND.webApps(), harsh.webApps());
        assertEquals(0, harsh.deadLetters());
        assertEquals(List.of(), harsh.overBudget(), "every delivery within its time budget");
    }

    @Test
    void aKindRunSucceeds() {
        // Arrange + Act: KIND

        // Assert
        assertEquals(List.of("AwaitingVerification", "Succeeded"), KIND.statuses());
        assertEquals(0, KIND.deadLetters());
    }

    @Test
    void duplicatesDeliveredWhileTheOriginalStillRunsChangeNothing() {
        // Arrange + Act
        Outcome harsh = deploy(null, queue -> queue.duplicateEachMessage(DuplicateTiming.BEFORE_COMPLETION));

        // Assert
        assertLikeAKindRun(harsh);
        assertTrue(harsh.deliveries().size() > KIND.deliveries().size() * 3 / 2, harsh.deliveries().toString());
    }

    @Test
    void lateDuplicatesChangeNothing() {
        // Arrange + Act
        Outcome harsh = deploy(null, queue -> queue.duplicateEachMessage(DuplicateTiming.LATE, new Random(11),
                Duration.ofMinutes(2)));

        // Assert
        assertLikeAKindRun(harsh);
        assertTrue(harsh.deliveries().size() > KIND.deliveries().size() * 3 / 2, harsh.deliveries().toString());
    }

    @Test
    void outOfOrderDeliveryChangesNothing() {
        // Arrange + Act
        Outcome harsh = deploy(null, queue -> queue.reorder(new Random(5), Duration.ofSeconds(30)));

        // Assert
        assertLikeAKindRun(harsh);
        assertTrue(!harsh.deliveries().equals(KIND.deliveries()), "the order changed: " + harsh.deliveries());
    }

    @Test
    void seededRandomCrashesAtEveryCrashPointAreRecoveredFrom() {
        // Arrange
        FaultInjector faults = new FaultInjector().crashRandomly(new Random(2024), 0.15).maxCrashes(8);

        // Act
        Outcome harsh = deploy(faults, queue -> { });

        // Assert
        assertTrue(faults.injected().size() >= 3, "crashes were injected: " + faults.crashesInjected());
        faults.injected().forEach(crash -> assertTrue(harsh.deliveries().contains(
                crash.messageId().replaceAll("^[^:]+:", "") + "#" + (crash.deliveryCount() + 1)),
                "the message of " + crash.describe() + " was delivered again"));
        assertLikeAKindRun(harsh);
    }

    @Test
    void aCrashAfterEachFirstStateCommitIsRecoveredFrom() {
        // Arrange
        FaultInjector faults = new FaultInjector().crash(
                io.smoothdeploy.local.faults.CrashRule.at(CrashPoint.AFTER_STATE_COMMIT).onDelivery(1).occurrence(1)
                        .times(50));

        // Act
        Outcome harsh = deploy(faults, queue -> { });

        // Assert
        assertTrue(faults.crashesInjected(CrashPoint.AFTER_STATE_COMMIT) > 3, faults.crashesInjected().toString());
        assertLikeAKindRun(harsh);
    }

    private record Outcome(List<String> statuses, List<String> webApps, int deadLetters,
                           List<InProcessStepQueue.DeliveryRecord> overBudget, List<String> deliveries) {
    }
}
