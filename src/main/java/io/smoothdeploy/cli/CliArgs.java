package io.smoothdeploy.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks on option values that picocli leaves to the command, so that every command words its refusals the same
 * way: a required option given blank, and durations ({@code 90s}, {@code 5m}, {@code 1h30m}, {@code 500ms}).
 * Picocli itself parses the command line ({@link DeployCli}).
 */
final class CliArgs {

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|h|m|s)");

    private CliArgs() {
    }

    /**
     * A required option's value, trimmed. The options are declared optional to picocli, so that the API's URL is
     * checked first, as it always was, and every command words a missing option alike.
     */
    static String required(String value, String option, String command) throws UsageException {
        if (value == null || value.isBlank()) {
            throw new UsageException("--" + option + " is required for '" + command + "'");
        }
        return value.trim();
    }

    /** The option as a duration, or {@code otherwise} when it is not given. */
    static Duration duration(String value, String option, Duration otherwise) throws UsageException {
        if (value == null) {
            return otherwise;
        }
        Duration parsed = parseDuration(value);
        if (parsed == null || parsed.isZero() || parsed.isNegative()) {
            throw new UsageException("--" + option + " must be a positive duration such as 90s, 5m, 1h30m or 500ms,"
                    + " not '" + value + "'");
        }
        return parsed;
    }

    /** {@code 90} (seconds), {@code 90s}, {@code 5m}, {@code 1h30m}, {@code 500ms}; null when not a duration. */
    static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        Matcher matcher = DURATION_PART.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (matcher.find()) {
            if (matcher.start() != end || matcher.group(1).length() > 9) {
                return null;
            }
            long amount = Long.parseLong(matcher.group(1));
            switch (matcher.group(2)) {
                case "h" -> total = total.plusHours(amount);
                case "m" -> total = total.plusMinutes(amount);
                case "s" -> total = total.plusSeconds(amount);
                default -> total = total.plusMillis(amount);
            }
            end = matcher.end();
        }
        return end == 0 || end != value.length() ? null : total;
    }

    /** A duration as {@code 1h02m05s}, {@code 3m20s} or {@code 45s}. */
    static String format(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (h > 0) {
            return String.format(Locale.ROOT, "%dh%02dm%02ds", h, m, s);
        }
        return m > 0 ? String.format(Locale.ROOT, "%dm%02ds", m, s) : s + "s";
    }
}
