package io.smoothdeploy.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line: a command word, then {@code --name value} (or {@code --name=value}) options and
 * {@code --flag} switches, in any order. A leading {@code deploy} word is skipped, so both
 * {@code deploy start ...} and {@code start ...} work.
 */
final class CliArgs {

    /** Options that take no value. */
    static final Set<String> FLAGS = Set.of("rollback-database", "accept-data-loss", "help");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|h|m|s)");

    private final String command;
    private final Map<String, String> options;
    private final Set<String> flags;

    private CliArgs(String command, Map<String, String> options, Set<String> flags) {
        this.command = command;
        this.options = options;
        this.flags = flags;
    }

    static CliArgs parse(String[] args) throws UsageException {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        Set<String> flags = new java.util.LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h")) {
                flags.add("help");
            } else if (arg.startsWith("--") && arg.length() > 2) {
                String name = arg.substring(2);
                String value = null;
                int equals = name.indexOf('=');
                if (equals >= 0) {
                    value = name.substring(equals + 1);
                    name = name.substring(0, equals);
                }
                if (FLAGS.contains(name)) {
                    if (value != null) {
                        throw new UsageException("--" + name + " takes no value");
                    }
                    flags.add(name);
                    continue;
                }
                if (value == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                if (options.containsKey(name)) {
                    throw new UsageException("--" + name + " is given twice");
                }
                options.put(name, value);
            } else if (arg.startsWith("-") && arg.length() > 1) {
                throw new UsageException("unknown option " + arg + " (options are spelt --name)");
            } else {
                words.add(arg);
            }
        }
        if (!words.isEmpty() && words.get(0).equals("deploy")) {
            words.remove(0);
        }
        if (words.size() > 1) {
            throw new UsageException("unexpected argument '" + words.get(1) + "'");
        }
        return new CliArgs(words.isEmpty() ? null : words.get(0), options, flags);
    }

    /** The command word, or null. */
    String command() {
        return command;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    /** Refuses options and flags the command does not know. */
    void allowOnly(Set<String> known) throws UsageException {
        for (String name : options.keySet()) {
            if (!known.contains(name)) {
                throw new UsageException("unknown option --" + name + " for '" + command + "'");
            }
        }
        for (String name : flags) {
            if (!known.contains(name) && !name.equals("help")) {
                throw new UsageException("unknown option --" + name + " for '" + command + "'");
            }
        }
    }

    String optional(String name) {
        return options.get(name);
    }

    String required(String name) throws UsageException {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException("--" + name + " is required for '" + command + "'");
        }
        return value.trim();
    }

    /** The option as a duration, or {@code otherwise} when it is not given. */
    Duration duration(String name, Duration otherwise) throws UsageException {
        String value = options.get(name);
        if (value == null) {
            return otherwise;
        }
        Duration parsed = parseDuration(value);
        if (parsed == null || parsed.isZero() || parsed.isNegative()) {
            throw new UsageException("--" + name + " must be a positive duration such as 90s, 5m, 1h30m or 500ms,"
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
