package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code wait}: polls {@code GET /deployments/{id}} until the deployment reaches the wanted status, printing a
 * progress line whenever the status, percentage, stage or a web app's phase changes (and a heartbeat line when
 * nothing has changed for a while). No answer, 429 and 5xx are tolerated a few times in a row. With
 * {@code --output json} the progress goes to standard error and standard output gets the last status seen (the
 * API's JSON), whatever the exit code.
 */
@CommandLine.Command(name = "wait", sortOptions = false,
        customSynopsis = {"deploy wait --id D [--until AwaitingVerification|Succeeded|Reset|RolledBack|terminal]",
            "            [--timeout 30m] [--poll 5s] [--heartbeat 1m]",
            "            [--output json|text] [--api URL] [--audience AUD | --key KEY]"},
        description = {"", "Polls the deployment until it has the wanted status (default Succeeded), printing a"
                + " progress line when its status, percentage, stage or a web app's phase changes. With"
                + " AwaitingVerification it then prints the validation links and the allowed actions. terminal"
                + " waits for the end, whichever it is. No answer, 429 and 5xx are ridden out up to "
                + WaitCommand.MAX_TRANSIENT_FAILURES + " times in a row.", ""},
        footer = {"", "Durations: 90s, 5m, 1h30m, 500ms, or a number of seconds.",
            "Exit codes: 0 the wanted status (terminal: Succeeded, Reset or RolledBack), 1 it ended otherwise (its errors are"
                    + " printed), 2 usage error, 3 API error, 4 timeout."})
final class WaitCommand extends DeploymentCommand {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    static final Duration DEFAULT_POLL = Duration.ofSeconds(5);
    static final Duration DEFAULT_HEARTBEAT = Duration.ofMinutes(1);
    /** Transient failures in a row that {@code wait} rides out before it gives up with exit code 3. */
    static final int MAX_TRANSIENT_FAILURES = 5;

    /** What to wait for, and what each status then means. */
    enum Until {
        AWAITING_VERIFICATION("AwaitingVerification"),
        SUCCEEDED("Succeeded"),
        RESET("Reset"),
        CANCELLED("Cancelled"),
        ROLLED_BACK("RolledBack"),
        /** A two-phase reset waiting for its check (or past it: Reset). */
        AWAITING_RESET_VERIFICATION("AwaitingResetVerification"),
        TERMINAL("terminal");

        private final String wireName;

        Until(String wireName) {
            this.wireName = wireName;
        }

        static Until parse(String text) throws UsageException {
            for (Until until : values()) {
                if (until.wireName.equalsIgnoreCase(text.trim())) {
                    return until;
                }
            }
            throw new UsageException("--until must be AwaitingVerification, Succeeded, Reset, Cancelled, RolledBack,"
                    + " AwaitingResetVerification or terminal, not '" + text + "'");
        }

        /** The exit code for a deployment in {@code status}, or null to keep waiting. */
        Integer outcome(String status) {
            boolean ended = status.equals("Succeeded") || status.equals("Failed") || status.equals("Reset")
                    || status.equals("Cancelled")
                    || status.equals("RolledBack");
            switch (this) {
                case AWAITING_VERIFICATION:
                    if (status.equals("AwaitingVerification") || status.equals("Succeeded")) {
                        return DeployCli.OK;
                    }
                    return ended ? DeployCli.DEPLOYMENT_FAILED : null;
                case SUCCEEDED:
                    return ended ? (status.equals("Succeeded") ? DeployCli.OK : DeployCli.DEPLOYMENT_FAILED) : null;
                case RESET:
                    return ended ? (status.equals("Reset") ? DeployCli.OK : DeployCli.DEPLOYMENT_FAILED) : null;
                case CANCELLED:
                    return ended ? (status.equals("Cancelled") ? DeployCli.OK : DeployCli.DEPLOYMENT_FAILED) : null;
                case ROLLED_BACK:
                    return ended ? (status.equals("RolledBack") ? DeployCli.OK : DeployCli.DEPLOYMENT_FAILED) : null;
                case AWAITING_RESET_VERIFICATION:
                    if (status.equals("AwaitingResetVerification") || status.equals("Reset")) {
                        return DeployCli.OK;
                    }
                    return ended ? DeployCli.DEPLOYMENT_FAILED : null;
                default:
                    return ended ? (status.equals("Failed") ? DeployCli.DEPLOYMENT_FAILED : DeployCli.OK) : null;
            }
        }
    }

    @Option(names = "--until", paramLabel = "STATUS", order = 2, completionCandidates = UntilNames.class,
            description = "AwaitingVerification, Succeeded (the default), Reset, Cancelled, RolledBack,"
                    + " AwaitingResetVerification or terminal.")
    String until;

    @Option(names = "--timeout", paramLabel = "DURATION", order = 3,
            description = "How long to wait at most (default 30m); then exit 4.")
    String timeout;

    @Option(names = "--poll", paramLabel = "DURATION", order = 4, description = "The pause between polls (default 5s).")
    String poll;

    @Option(names = "--heartbeat", paramLabel = "DURATION", order = 5,
            description = "Prints a 'still' line when nothing has changed for this long (default 1m).")
    String heartbeat;

    /** What completion offers for {@code --until}. */
    static final class UntilNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Arrays.stream(Until.values()).map(until -> until.wireName).iterator();
        }
    }

    @Override
    int run(Context context) throws UsageException, ApiException, InterruptedException {
        String id = id();
        Until until = this.until == null ? Until.SUCCEEDED : Until.parse(this.until);
        Duration timeout = CliArgs.duration(this.timeout, "timeout", DEFAULT_TIMEOUT);
        Duration poll = CliArgs.duration(this.poll, "poll", DEFAULT_POLL);
        Duration heartbeat = CliArgs.duration(this.heartbeat, "heartbeat", DEFAULT_HEARTBEAT);
        Console console = context.console();
        Pacer pacer = context.pacer();
        String path = DeploymentId.path(id, "");

        Instant started = pacer.now();
        Instant deadline = started.plus(timeout);
        console.say("Waiting up to " + CliArgs.format(timeout) + " for deployment " + id + " to be "
                + until.wireName + " (polling every " + CliArgs.format(poll) + ")");
        String lastLine = null;
        JsonNode last = null;
        Instant lastPrinted = started;
        int transientFailures = 0;
        boolean hinted = false;
        while (true) {
            JsonNode deployment = null;
            try {
                deployment = context.api().get(path).body();
                transientFailures = 0;
            } catch (ApiException e) {
                if (!e.isTransient() || ++transientFailures > MAX_TRANSIENT_FAILURES) {
                    throw e;
                }
                console.err("warning: " + e.getMessage() + " (" + transientFailures + " in a row; still waiting)");
            }
            Instant now = pacer.now();
            if (deployment != null) {
                last = deployment;
                String line = DeploymentText.progress(deployment);
                String elapsed = "[" + CliArgs.format(Duration.between(started, now)) + "] ";
                if (!line.equals(lastLine)) {
                    console.say(elapsed + line);
                    lastLine = line;
                    lastPrinted = now;
                } else if (!now.isBefore(lastPrinted.plus(heartbeat))) {
                    console.say(elapsed + "still " + line);
                    lastPrinted = now;
                }
                String status = DeploymentText.status(deployment);
                Integer outcome = until.outcome(status);
                if (outcome != null) {
                    return finish(console, id, until, deployment, outcome);
                }
                if (status.equals("AwaitingVerification") && !hinted) {
                    console.err("Deployment " + id + " awaits verification: it goes on when someone completes or"
                            + " resets it (deploy complete|reset --id " + id + ")");
                    hinted = true;
                }
            }
            if (!now.isBefore(deadline)) {
                console.err("Timed out after " + CliArgs.format(timeout) + ": deployment " + id + " is "
                        + (lastLine == null ? "unknown (no answer)" : lastLine) + ", not " + until.wireName);
                if (last != null && console.json()) {
                    console.printJson(DeploymentText.redacted(last));
                }
                return DeployCli.TIMEOUT;
            }
            Duration left = Duration.between(now, deadline);
            pacer.sleep(left.compareTo(poll) < 0 ? left : poll);
        }
    }

    private static int finish(Console console, String id, Until until, JsonNode deployment, int outcome) {
        int code = report(console, id, until, deployment, outcome);
        if (console.json()) {
            console.printJson(DeploymentText.redacted(deployment));
        }
        return code;
    }

    private static int report(Console console, String id, Until until, JsonNode deployment, int outcome) {
        String status = DeploymentText.status(deployment);
        if (outcome != DeployCli.OK) {
            console.err(until == Until.TERMINAL ? "Deployment " + id + " ended " + status + ":"
                    : "Deployment " + id + " is " + status + ", not " + until.wireName + ":");
            DeploymentText.errors(deployment).forEach(console::err);
            return outcome;
        }
        if (until == Until.AWAITING_VERIFICATION && status.equals("Succeeded")) {
            console.say("Deployment " + id + " is already Succeeded (it is past AwaitingVerification)");
            return outcome;
        }
        console.say("Deployment " + id + " is " + status);
        if (status.equals("AwaitingVerification")) {
            List<String> links = new ArrayList<>();
            deployment.path("validationLinks").forEach(link -> links.add(link.asText()));
            links.forEach(link -> console.say("Validation link: " + link));
            List<String> actions = new ArrayList<>();
            deployment.path("allowedActions").forEach(action -> actions.add(action.asText()));
            console.say("Allowed actions: " + String.join(", ", actions).toLowerCase(Locale.ROOT));
        }
        for (JsonNode warning : deployment.path("warnings")) {
            console.err("warning: " + (warning.isValueNode() ? warning.asText() : warning.toString()));
        }
        return outcome;
    }
}
