package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.local.FunctionCatalog.TriggerKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimerSchedulerTest {

    private static final StepMessage CLONE = new StepMessage("d1", "prod", Stage.CLONE_DB, null, 0);

    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final RecordingStepFunctions steps = new RecordingStepFunctions(clock);
    private final Ticks ticks = new Ticks(clock);
    private final Map<String, String> settings = new HashMap<>(Map.of("CloneDbQueue", "clone-db",
            "EnterMaintenanceQueue", "enter-maintenance", "TickSchedule", "0 */5 * * * *"));
    private FunctionCatalog catalog = new FunctionCatalog(settings, steps, ticks);
    private InProcessStepQueue queue = new InProcessStepQueue(catalog, clock);
    private TimerScheduler timers = new TimerScheduler(catalog, clock);

    @AfterEach
    void close() {
        timers.close();
        queue.close();
    }

    @Test
    void theCatalogListsATimerWithItsResolvedSchedule() {
        // Arrange + Act
        FunctionCatalog.FunctionInfo info = catalog.functions().stream().filter(f -> f.name().equals("Tick"))
                .findFirst().orElseThrow();

        // Assert
        assertEquals(TriggerKind.TIMER, info.kind());
        assertEquals("0 */5 * * * *", info.schedule());
        assertEquals("Tick: timer, schedule 0 */5 * * * * (UTC)", info.summary());
    }

    @Test
    void aTimerWhoseScheduleSettingIsMissingFailsTheCatalogNamingTheSetting() {
        // Arrange
        settings.remove("TickSchedule");

        // Act
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> new FunctionCatalog(settings, ticks));

        // Assert
        assertTrue(error.getMessage().contains("'TickSchedule'"), error.getMessage());
    }

    @Test
    void virtualTimeRunFiresTheTimersDueInTheTimeItAdvancesOver() {
        // Arrange
        queue.timers(timers);
        queue.send(List.of(new OutgoingMessage(CLONE, Duration.ofMinutes(12))));

        // Act
        queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(List.of(Instant.parse("2024-05-01T10:05:00Z"), Instant.parse("2024-05-01T10:10:00Z")), ticks.at);
        assertEquals(Instant.parse("2024-05-01T10:12:00Z"), steps.received.get(0).at());
        assertEquals(Instant.parse("2024-05-01T10:12:00Z"), clock.instant(), "timers alone do not keep the run going");
    }

    @Test
    void aTimerThatSendsAMessageHasItDeliveredInTheSameRun() {
        // Arrange
        queue.timers(timers);
        ticks.onTick = now -> queue.send(List.of(OutgoingMessage.now(CLONE)));
        queue.send(List.of(new OutgoingMessage(new StepMessage("d1", "prod", Stage.CLONE_DB, null, 9),
                Duration.ofMinutes(6))));

        // Act
        queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(List.of(Instant.parse("2024-05-01T10:05:00Z"), Instant.parse("2024-05-01T10:06:00Z")),
                steps.received.stream().map(RecordingStepFunctions.Received::at).toList());
    }

    @Test
    void timersTurnedOffDoNotFire() {
        // Arrange
        queue.timers(timers.enabled(false));
        queue.send(List.of(new OutgoingMessage(CLONE, Duration.ofMinutes(12))));

        // Act
        queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertTrue(ticks.at.isEmpty());
        assertEquals(1, steps.received.size());
    }

    @Test
    void missedOccurrencesFireOnceLateAsPastDue() {
        // Arrange
        queue.timers(timers);
        clock.advance(Duration.ofMinutes(17));

        // Act
        queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(List.of(Instant.parse("2024-05-01T10:17:00Z")), ticks.at);
        TimerScheduler.Firing firing = timers.fired().get(0);
        assertTrue(firing.pastDue());
        assertTrue(ticks.infos.get(0).contains("\"IsPastDue\":true"), ticks.infos.get(0));
        assertEquals(Instant.parse("2024-05-01T10:20:00Z"), timers.nextDue("Tick"));
    }

    @Test
    void aFailingTimerIsLoggedAndTheScheduleGoesOn() {
        // Arrange
        queue.timers(timers);
        ticks.onTick = now -> {
            throw new IllegalStateException("table storage down");
        };
        queue.send(List.of(new OutgoingMessage(CLONE, Duration.ofMinutes(11))));

        // Act
        queue.runUntilIdle(Duration.ofHours(1));

        // Assert
        assertEquals(2, ticks.at.size());
        assertEquals("java.lang.IllegalStateException: table storage down", timers.fired().get(0).failure());
        assertEquals(1, steps.received.size());
    }

    @Test
    void liveSchedulerFiresOnTheSystemClock() throws Exception {
        // Arrange
        settings.put("TickSchedule", "* * * * * *");
        Ticks live = new Ticks(Clock.systemUTC());
        timers = new TimerScheduler(new FunctionCatalog(settings, live), Clock.systemUTC());
        CountDownLatch twice = new CountDownLatch(2);
        timers.onFired(firing -> twice.countDown());

        // Act
        timers.start();
        boolean fired = twice.await(5, TimeUnit.SECONDS);

        // Assert
        assertTrue(fired, "an every-second timer fired twice within 5 s: " + live.at);
        assertFalse(timers.fired().get(0).pastDue());
        assertTrue(live.at.get(1).isAfter(live.at.get(0)));
    }

    /** A timer-triggered function, annotated as the real one is. */
    public static class Ticks {
        private final Clock clock;
        final List<Instant> at = new CopyOnWriteArrayList<>();
        final List<String> infos = new CopyOnWriteArrayList<>();
        volatile Consumer<Instant> onTick = now -> { };

        Ticks(Clock clock) {
            this.clock = clock;
        }

        @FunctionName("Tick")
        public void tick(@TimerTrigger(name = "timer", schedule = "%TickSchedule%") String timer,
                         ExecutionContext context) {
            at.add(clock.instant());
            infos.add(timer);
            onTick.accept(clock.instant());
        }
    }
}
