package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code log}: {@code GET /deployments/{id}/log}, one line per entry (time, level, web app, message), or the API's
 * JSON with {@code --output json}. With {@code --follow} it polls the status and the log until the deployment is
 * terminal, printing each entry once as it appears, and exits as {@code wait --until terminal} does; in json mode
 * each entry is one JSON object per line (JSON Lines). A follow reads the log a page at a time
 * ({@code ?since=&limit=}), and each poll only from {@link #OVERLAP} before where the last one ended, so that a long
 * log is not read again on every poll.
 */
@CommandLine.Command(name = "log", sortOptions = false,
        customSynopsis = {"deploy log --id D [--follow [--timeout 30m] [--poll 5s]] [--output json|text]",
            "           [--api URL] [--audience AUD | --key KEY]"},
        description = {"", "The deployment's log, one line per entry: time, level, [web app], message.",
            "--follow prints new entries as the deployment runs, until it ends (Succeeded, Failed or Reset). A"
                    + " deployment awaiting verification goes on only when someone completes or resets it, so"
                    + " follow it with a --timeout, or use wait --until AwaitingVerification.",
            "json mode prints the API's JSON ({\"deploymentId\", \"lines\": [...]}); with --follow, each entry as one"
                    + " JSON object per line.", ""},
        footer = {"", "Durations: 90s, 5m, 1h30m, 500ms, or a number of seconds.",
            "Exit codes: 0 printed (--follow: it ended Succeeded or Reset), 1 --follow: it ended Failed (its errors"
                    + " are printed), 2 usage error, 3 API error, 4 --follow: timeout."})
final class LogCommand extends DeploymentCommand {

    /** The page size a follow asks for: the API's largest. */
    static final int PAGE = 100;

    /**
     * How far before the end of the last read a poll reads again. A line carries the time its step decided it and
     * is committed with that decision, within one delivery, which holds its message for at most Service Bus's lock
     * duration (infra: PT5M); a slower writer's line is thus at most that much older than the lines read around it.
     * The lines read again are known by their fields and not printed twice.
     */
    static final Duration OVERLAP = Duration.ofMinutes(5);

    @Option(names = "--follow", order = 2,
            description = "Keeps printing new entries until the deployment is terminal.")
    boolean follow;

    @Option(names = "--timeout", paramLabel = "DURATION", order = 3,
            description = "With --follow: how long to follow at most (default 30m); then exit 4.")
    String timeout;

    @Option(names = "--poll", paramLabel = "DURATION", order = 4,
            description = "With --follow: the pause between polls (default 5s).")
    String poll;

    @Override
    int run(Context context) throws UsageException, ApiException, InterruptedException {
        String id = id();
        String path = DeploymentId.path(id, "");
        if (!follow) {
            if (timeout != null || poll != null) {
                throw new UsageException((timeout != null ? "--timeout" : "--poll") + " goes with --follow");
            }
            JsonNode body = context.api().get(path + "/log").body();
            if (context.console().json()) {
                context.console().printJson(body);
                return DeployCli.OK;
            }
            for (JsonNode line : body.path("lines")) {
                context.console().out(text(line));
            }
            return DeployCli.OK;
        }
        return follow(context, id, path, CliArgs.duration(timeout, "timeout", WaitCommand.DEFAULT_TIMEOUT),
                CliArgs.duration(poll, "poll", WaitCommand.DEFAULT_POLL));
    }

    private int follow(Context context, String id, String path, Duration timeout, Duration poll)
            throws ApiException, InterruptedException {
        Console console = context.console();
        Pacer pacer = context.pacer();
        Instant deadline = pacer.now().plus(timeout);
        // Each entry is printed once: an entry is known by all its fields, counted, so that two equal entries are
        // both printed, and an entry that a slower writer commits between two earlier ones is not missed.
        Map<String, Integer> printed = new HashMap<>();
        int transientFailures = 0;
        String lastStatus = null;
        Instant readTo = null;
        while (true) {
            JsonNode deployment;
            List<JsonNode> log;
            try {
                // The status first: when it is terminal, the log read after it holds every entry up to the end.
                deployment = context.api().get(path).body();
                Instant from = readTo == null ? null : readTo.minus(OVERLAP);
                ReadLog read = readFrom(context, path, from);
                log = read.lines();
                if (read.next() != null && (readTo == null || read.next().isAfter(readTo))) {
                    readTo = read.next();
                }
                transientFailures = 0;
            } catch (ApiException e) {
                if (!e.isTransient() || ++transientFailures > WaitCommand.MAX_TRANSIENT_FAILURES) {
                    throw e;
                }
                console.err("warning: " + e.getMessage() + " (" + transientFailures + " in a row; still following)");
                deployment = null;
                log = null;
            }
            if (log != null) {
                // Every entry of one time is in the read or none is (a read starts at a millisecond), so counting
                // equal entries within the read and comparing with the count printed is exact.
                Map<String, Integer> seen = new HashMap<>();
                for (JsonNode line : log) {
                    String identity = line.toString();
                    int occurrence = seen.merge(identity, 1, Integer::sum);
                    if (occurrence > printed.getOrDefault(identity, 0)) {
                        printed.put(identity, occurrence);
                        if (console.json()) {
                            console.printJsonLine(line);
                        } else {
                            console.out(text(line));
                        }
                    }
                }
            }
            if (deployment != null) {
                lastStatus = DeploymentText.progress(deployment);
                String status = DeploymentText.status(deployment);
                Integer outcome = WaitCommand.Until.TERMINAL.outcome(status);
                if (outcome != null) {
                    if (outcome == DeployCli.OK) {
                        console.err("Deployment " + id + " is " + status);
                    } else {
                        console.err("Deployment " + id + " ended " + status + ":");
                        DeploymentText.errors(deployment).forEach(console::err);
                    }
                    return outcome;
                }
            }
            Instant now = pacer.now();
            if (!now.isBefore(deadline)) {
                console.err("Timed out after " + CliArgs.format(timeout) + ": deployment " + id + " is "
                        + (lastStatus == null ? "unknown (no answer)" : lastStatus) + ", not terminal");
                return DeployCli.TIMEOUT;
            }
            Duration left = Duration.between(now, deadline);
            pacer.sleep(left.compareTo(poll) < 0 ? left : poll);
        }
    }

    /** The lines read from {@code from} (null: the first line) to the log's end, and the {@code since} after them. */
    private record ReadLog(List<JsonNode> lines, Instant next) {
    }

    /**
     * Reads the log from {@code from} on, a page at a time, for as long as the API says more lines are there. An API
     * that answers without {@code next} (from before the log was paged) has answered the whole log.
     */
    private static ReadLog readFrom(Context context, String path, Instant from)
            throws ApiException, InterruptedException {
        List<JsonNode> lines = new ArrayList<>();
        Instant since = from;
        while (true) {
            String query = "?limit=" + PAGE + (since == null ? "" : "&since=" + since);
            JsonNode page = context.api().get(path + "/log" + query).body();
            page.path("lines").forEach(lines::add);
            JsonNode next = page.path("next");
            if (!next.isTextual()) {
                return new ReadLog(lines, page.has("next") ? since : null);
            }
            Instant after = Instant.parse(next.asText());
            if (!page.path("more").asBoolean(false) || (since != null && !after.isAfter(since))) {
                return new ReadLog(lines, after);
            }
            since = after;
        }
    }

    private static String text(JsonNode line) {
        String webApp = line.path("webApp").asText("");
        return line.path("at").asText() + " " + line.path("level").asText()
                + (webApp.isEmpty() ? "" : " [" + webApp + "]") + " " + line.path("message").asText();
    }
}
