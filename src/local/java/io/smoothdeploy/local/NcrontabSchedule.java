package io.smoothdeploy.local;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A timer trigger's schedule: an NCRONTAB expression of six fields, seconds first, as Azure Functions reads
 * it (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions):
 * {@code {second} {minute} {hour} {day} {month} {day-of-week}}. Each field is {@code *}, a value, a range
 * {@code a-b}, a list {@code a,b,c} or a step {@code *}{@code /n} / {@code a-b/n}; months may be named
 * ({@code Jan}..{@code Dec}), days of the week too ({@code Sun}..{@code Sat}, 0 = Sunday). Times are UTC, the
 * Functions default when {@code WEBSITE_TIME_ZONE} is not set (same page, "NCRONTAB time zones"). As in the
 * NCrontab library the runtime uses, an occurrence must match the day-of-month and the day-of-week fields
 * both. Five-field (classic cron) and TimeSpan schedules are refused: the local host must not accept a
 * schedule the Flex Consumption plan would not run.
 */
public final class NcrontabSchedule {

    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    private static final int SEARCH_YEARS = 5;

    private final String expression;
    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet days;
    private final BitSet months;
    private final BitSet daysOfWeek;

    private NcrontabSchedule(String expression, BitSet[] fields) {
        this.expression = expression;
        this.seconds = fields[0];
        this.minutes = fields[1];
        this.hours = fields[2];
        this.days = fields[3];
        this.months = fields[4];
        this.daysOfWeek = fields[5];
    }

    /**
     * Parses a six-field NCRONTAB expression.
     *
     * @throws IllegalArgumentException naming the field, when the expression is not one
     */
    public static NcrontabSchedule parse(String expression) {
        Objects.requireNonNull(expression, "expression");
        String[] parts = expression.trim().split("\\s+");
        if (parts.length != 6) {
            throw new IllegalArgumentException("'" + expression + "' is not an NCRONTAB expression: Azure Functions"
                    + " needs six fields, {second} {minute} {hour} {day} {month} {day-of-week}, not " + parts.length);
        }
        BitSet[] fields = {
            field(parts[0], 0, 59, null, "second", expression),
            field(parts[1], 0, 59, null, "minute", expression),
            field(parts[2], 0, 23, null, "hour", expression),
            field(parts[3], 1, 31, null, "day", expression),
            field(parts[4], 1, 12, MONTHS, "month", expression),
            field(parts[5], 0, 6, DAYS, "day-of-week", expression),
        };
        return new NcrontabSchedule(expression.trim(), fields);
    }

    /** The expression as given (trimmed). */
    public String expression() {
        return expression;
    }

    /**
     * The first occurrence strictly after {@code after}.
     *
     * @throws IllegalStateException when the schedule has no occurrence in the next five years (say, 30 February)
     */
    public Instant nextAfter(Instant after) {
        LocalDateTime t = LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        LocalDateTime limit = t.plusYears(SEARCH_YEARS);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).plusMonths(1);
            } else if (!days.get(t.getDayOfMonth()) || !daysOfWeek.get(dayOfWeek(t.getDayOfWeek()))) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            } else if (!seconds.get(t.getSecond())) {
                t = t.plusSeconds(1);
            } else {
                return t.toInstant(ZoneOffset.UTC);
            }
        }
        throw new IllegalStateException("schedule '" + expression + "' has no occurrence in the " + SEARCH_YEARS
                + " years after " + after);
    }

    private static int dayOfWeek(DayOfWeek day) {
        return day.getValue() % 7;
    }

    private static BitSet field(String text, int min, int max, List<String> names, String what, String expression) {
        BitSet values = new BitSet(max + 1);
        for (String item : text.split(",", -1)) {
            int step = 1;
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = number(item.substring(slash + 1), 1, max, null, what, expression);
                range = item.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else {
                int dash = range.indexOf('-');
                if (dash > 0) {
                    from = number(range.substring(0, dash), min, max, names, what, expression);
                    to = number(range.substring(dash + 1), min, max, names, what, expression);
                } else {
                    from = number(range, min, max, names, what, expression);
                    to = slash >= 0 ? max : from;
                }
                if (from > to) {
                    throw invalid(expression, what, "range '" + range + "' runs backwards");
                }
            }
            for (int v = from; v <= to; v += step) {
                values.set(v);
            }
        }
        return values;
    }

    private static int number(String text, int min, int max, List<String> names, String what, String expression) {
        if (names != null) {
            int named = names.indexOf(text.toUpperCase(Locale.ROOT));
            if (named >= 0) {
                return named + min;
            }
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw invalid(expression, what, "'" + text + "' is not a number" + (names == null ? "" : " or a name"));
        }
        if (value < min || value > max) {
            throw invalid(expression, what, value + " is outside " + min + "-" + max);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String expression, String field, String why) {
        return new IllegalArgumentException("NCRONTAB expression '" + expression + "': the " + field + " field is"
                + " invalid: " + why);
    }

    @Override
    public String toString() {
        return expression;
    }
}
