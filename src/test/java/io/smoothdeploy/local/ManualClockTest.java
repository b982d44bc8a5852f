package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    @Test
    void advanceMovesTimeForward() {
        // Arrange
        ManualClock clock = new ManualClock(Instant.parse("2024-01-01T00:00:00Z"));

        // Act
        Instant after = clock.advance(Duration.ofMinutes(3));

        // Assert
        assertEquals(Instant.parse("2024-01-01T00:03:00Z"), after);
        assertEquals(after, clock.instant());
    }

    @Test
    void setMovesTimeToAnInstant() {
        // Arrange
        ManualClock clock = new ManualClock();

        // Act
        clock.set(Instant.parse("2030-06-01T12:00:00Z"));

        // Assert
        assertEquals(Instant.parse("2030-06-01T12:00:00Z"), clock.instant());
    }

    @Test
    void negativeAdvanceIsRejected() {
        // Arrange
        ManualClock clock = new ManualClock();

        // Act
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> clock.advance(Duration.ofSeconds(-1)));

        // Assert
        assertEquals("cannot advance a clock by a negative amount: PT-1S", error.getMessage());
    }

    @Test
    void withZoneSharesTheSameTimeLine() {
        // Arrange
        ManualClock clock = new ManualClock();
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

        // Act
        clock.advance(Duration.ofHours(1));

        // Assert
        assertEquals(clock.instant(), paris.instant());
        assertEquals(ZoneId.of("Europe/Paris"), paris.getZone());
    }

    @Test
    void listenersHearEveryMoveUntilRemovedAlsoThroughAZonedView() {
        // Arrange
        ManualClock clock = new ManualClock(Instant.parse("2024-01-01T00:00:00Z"));
        java.util.List<Instant> heard = new java.util.ArrayList<>();
        java.util.function.Consumer<Instant> listener = heard::add;
        clock.onChange(listener);
        ManualClock paris = (ManualClock) clock.withZone(ZoneId.of("Europe/Paris"));

        // Act
        clock.advance(Duration.ofMinutes(1));
        paris.set(Instant.parse("2024-01-01T01:00:00Z"));
        clock.removeListener(listener);
        clock.advance(Duration.ofMinutes(1));

        // Assert
        assertEquals(java.util.List.of(Instant.parse("2024-01-01T00:01:00Z"), Instant.parse("2024-01-01T01:00:00Z")),
                heard);
    }

    @Test
    void aClosedQueueNoLongerListensToItsClock() {
        // Arrange
        ManualClock clock = new ManualClock();
        InProcessStepQueue queue = new InProcessStepQueue(java.util.Map.of(), clock);
        int listening = clock.listenerCount();

        // Act
        queue.close();

        // Assert
        assertEquals(1, listening);
        assertEquals(0, clock.listenerCount());
    }
}
