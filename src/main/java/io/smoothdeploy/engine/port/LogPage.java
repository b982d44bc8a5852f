package io.smoothdeploy.engine.port;

import io.smoothdeploy.engine.LogLine;
import java.time.Instant;
import java.util.List;

/**
 * A page of a deployment's log, oldest first.
 *
 * @param lines the page's lines
 * @param next  the {@code since} to ask for the lines after this page: the millisecond after its last line, or
 *              the {@code since} it was asked with when it holds no line (null when that was null too)
 * @param more  whether lines after this page were already there when it was read (ask again at once), or
 *              not (the next lines are ones not yet written: poll)
 */
public record LogPage(List<LogLine> lines, Instant next, boolean more) {

    public LogPage {
        lines = List.copyOf(lines);
    }

    /**
     * The page of {@code log} (oldest first, by time) that a store answers for {@code since} and {@code limit}: the
     * lines at or after {@code since}, at most {@code limit} of them, except that a page never splits a
     * millisecond (it holds every line of its last line's millisecond, so that the next page, asked from the
     * millisecond after, repeats and skips nothing).
     */
    public static LogPage of(List<LogLine> log, Instant since, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, not " + limit);
        }
        List<LogLine> page = new java.util.ArrayList<>();
        boolean more = false;
        for (LogLine line : log) {
            if (since != null && line.at() != null && line.at().isBefore(since)) {
                continue;
            }
            if (page.size() >= limit && millis(line) != millis(page.get(page.size() - 1))) {
                more = true;
                break;
            }
            page.add(line);
        }
        Instant next = page.isEmpty() ? since : Instant.ofEpochMilli(millis(page.get(page.size() - 1)) + 1);
        return new LogPage(page, next, more);
    }

    /** The millisecond a line's row key sorts it by. */
    public static long millis(LogLine line) {
        return line.at() == null ? 0 : Math.max(0, line.at().toEpochMilli());
    }
}
