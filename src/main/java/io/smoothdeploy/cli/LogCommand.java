package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code log}: {@code GET /deployments/{id}/log}, one line per entry (time, level, web app, message), or the API's
 * JSON with {@code --output json}. With {@code --follow} it polls the status and the log until the deployment is
 * terminal, printing each entry once as it appears, and exits as {@code wait --until terminal} does; in json mode
 * each entry is one JSON object per line (JSON Lines).
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
        while (true) {
            JsonNode deployment;
            JsonNode log;
            try {
                // The status first: when it is terminal, the log read after it holds every entry up to the end.
                deployment = context.api().get(path).body();
                log = context.api().get(path + "/log").body();
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
                Map<String, Integer> seen = new HashMap<>();
                for (JsonNode line : log.path("lines")) {
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

    private static String text(JsonNode line) {
        String webApp = line.path("webApp").asText("");
        return line.path("at").asText() + " " + line.path("level").asText()
                + (webApp.isEmpty() ? "" : " [" + webApp + "]") + " " + line.path("message").asText();
    }
}
