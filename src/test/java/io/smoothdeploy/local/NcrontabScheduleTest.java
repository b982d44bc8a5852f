package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class NcrontabScheduleTest {

    private static Instant at(String text) {
        return Instant.parse(text);
    }

    @Test
    void everyFiveMinutesFiresOnTheMinutesDivisibleByFive() {
        // Arrange
        NcrontabSchedule schedule = NcrontabSchedule.parse("0 */5 * * * *");

        // Act
        Instant first = schedule.nextAfter(at("2024-05-01T10:02:30Z"));
        Instant second = schedule.nextAfter(first);

        // Assert
        assertEquals(at("2024-05-01T10:05:00Z"), first);
        assertEquals(at("2024-05-01T10:10:00Z"), second, "strictly after: an occurrence is not its own next");
    }

    @Test
    void theFirstFieldIsSeconds() {
        // Arrange
        NcrontabSchedule schedule = NcrontabSchedule.parse("*/10 * * * * *");

        // Act
        Instant next = schedule.nextAfter(at("2024-05-01T10:00:05.500Z"));

        // Assert
        assertEquals(at("2024-05-01T10:00:10Z"), next);
    }

    @Test
    void weekdayRangesSkipTheWeekend() {
        // Arrange
        NcrontabSchedule schedule = NcrontabSchedule.parse("0 30 9 * * 1-5");

        // Act
        Instant next = schedule.nextAfter(at("2024-05-03T10:00:00Z"));

        // Assert
        assertEquals(at("2024-05-06T09:30:00Z"), next, "Friday after 9:30 -> Monday 9:30");
    }

    @Test
    void namesListsAndBothDayFieldsMustMatch() {
        // Arrange
        NcrontabSchedule newYear = NcrontabSchedule.parse("0 0 0 1 Jan *");
        NcrontabSchedule fridayThe13th = NcrontabSchedule.parse("0 0 0 13 * Fri");
        NcrontabSchedule twiceAnHour = NcrontabSchedule.parse("0 15,45 * * * *");

        // Act
        Instant a = newYear.nextAfter(at("2024-05-01T00:00:00Z"));
        Instant b = fridayThe13th.nextAfter(at("2024-05-01T00:00:00Z"));
        Instant c = twiceAnHour.nextAfter(at("2024-05-01T10:20:00Z"));

        // Assert
        assertEquals(at("2025-01-01T00:00:00Z"), a);
        assertEquals(at("2024-09-13T00:00:00Z"), b);
        assertEquals(at("2024-05-01T10:45:00Z"), c);
    }

    @Test
    void expressionsAzureFunctionsWouldRefuseAreRefused() {
        // Arrange
        String[] invalid = {"*/5 * * * *", "60 * * * * *", "00:05:00", "0 0 0 * 13 *", "0 5-1 * * * *", "0 x * * * *"};

        // Act + Assert
        for (String expression : invalid) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> NcrontabSchedule.parse(expression), expression);
            assertTrue(error.getMessage().contains(expression), error.getMessage());
        }
    }

    @Test
    void aScheduleThatNeverFiresSaysSo() {
        // Arrange
        NcrontabSchedule never = NcrontabSchedule.parse("0 0 0 30 Feb *");

        // Act + Assert
        assertThrows(IllegalStateException.class, () -> never.nextAfter(at("2024-05-01T00:00:00Z")));
    }
}
