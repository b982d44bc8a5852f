package io.smoothdeploy.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query of {@code GET /deployments/{id}/log}: {@code since}, a time (an ISO-8601 instant in UTC, such as
 * {@code 2026-12-02T15:07:48.123Z}: the lines at or after it), and {@code limit}, 1 to 100 lines a page (default 20,
 * as the deployment history pages). A time, not a sequence number, because a line's place in the log is its time:
 * the answer's {@code next} is the millisecond after the page's last line, to be passed back as {@code since}.
 * With neither parameter the answer is the whole log, as before paging existed.
 *
 * @param since null for the log from its first line
 * @param limit null for the whole log (neither parameter given)
 */
record LogQuery(Instant since, Integer limit) {

    private static final Set<String> KNOWN = Set.of("since", "limit");

    boolean whole() {
        return limit == null;
    }

    /** The query, or a 400 naming every parameter at fault; nothing is read before it passes. */
    static LogQuery parse(Map<String, String> query) {
        Map<String, String> parameters = query == null ? Map.of() : query;
        List<Problem.FieldError> errors = new ArrayList<>();
        for (String name : new TreeSet<>(parameters.keySet())) {
            if (!KNOWN.contains(name)) {
                String shown = HeaderText.clean(name, 40) == null ? "(unprintable)" : HeaderText.clean(name, 40);
                errors.add(new Problem.FieldError(shown, "unknown query parameter '" + shown
                        + "': this route takes since and limit"));
            }
        }
        Instant since = null;
        String sinceText = blankToNull(parameters.get("since"));
        if (sinceText != null) {
            try {
                since = sinceText.length() > 40 ? null : Instant.parse(sinceText);
            } catch (DateTimeParseException e) {
                since = null;
            }
            if (since == null) {
                errors.add(new Problem.FieldError("since", "since must be a time in UTC as ISO-8601, such as "
                        + "2026-12-02T15:07:48.123Z: pass the next of the page before, or leave it out for the log "
                        + "from its first line"));
            }
        }
        Integer limit = null;
        String limitText = blankToNull(parameters.get("limit"));
        if (limitText != null) {
            int parsed = limitText.matches("\\d{1,3}") ? Integer.parseInt(limitText) : -1;
            if (parsed < 1 || parsed > HistoryQuery.MAX_LIMIT) {
                errors.add(new Problem.FieldError("limit", "limit must be a whole number from 1 to "
                        + HistoryQuery.MAX_LIMIT + " (default " + HistoryQuery.DEFAULT_LIMIT + ")"));
            } else {
                limit = parsed;
            }
        }
        if (!errors.isEmpty()) {
            throw Problem.invalid(errors);
        }
        if (limit == null && since != null) {
            limit = HistoryQuery.DEFAULT_LIMIT;
        }
        return new LogQuery(since, limit);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
