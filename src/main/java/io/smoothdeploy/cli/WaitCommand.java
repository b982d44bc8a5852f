package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code wait}: polls {@code GET /deployments/{id}} until the deployment reaches the wanted status, printing a
 * progress line whenever the status, percentage, stage or a web app's phase changes (and a heartbeat line when
 * nothing has changed for a while). No answer, 429 and 5xx are tolerated a few times in a row.
 */
final class WaitCommand implements Command {

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
            throw new UsageException("--until must be AwaitingVerification, Succeeded, Reset or terminal, not '"
                    + text + "'");
        }

        /** The exit code for a deployment in {@code status}, or null to keep waiting. */
        Integer outcome(String status) {
            boolean ended = status.equals("Succeeded") || status.equals("Failed") || status.equals("Reset");
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
                default:
                    return ended ? (status.equals("Failed") ? DeployCli.DEPLOYMENT_FAILED : DeployCli.OK) : null;
            }
        }
    }

    @Override
    public Set<String> options() {
        return Set.of("id", "until", "timeout", "poll", "heartbeat");
    }

    @Override
    public int run(Context context) throws UsageException, ApiException, InterruptedException {
        CliArgs args = context.args();
        String id = args.required("id");
        Until until = args.optional("until") == null ? Until.SUCCEEDED : Until.parse(args.optional("until"));
        Duration timeout = args.duration("timeout", DEFAULT_TIMEOUT);
        Duration poll = args.duration("poll", DEFAULT_POLL);
        Duration heartbeat = args.duration("heartbeat", DEFAULT_HEARTBEAT);
        Console console = context.console();
        Pacer pacer = context.pacer();
        String path = "/deployments/" + ApiClient.segment(id);

        Instant started = pacer.now();
        Instant deadline = started.plus(timeout);
        console.out("Waiting up to " + CliArgs.format(timeout) + " for deployment " + id + " to be "
                + until.wireName + " (polling every " + CliArgs.format(poll) + ")");
        String lastLine = null;
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
                String line = DeploymentText.progress(deployment);
                String elapsed = "[" + CliArgs.format(Duration.between(started, now)) + "] ";
                if (!line.equals(lastLine)) {
                    console.out(elapsed + line);
                    lastLine = line;
                    lastPrinted = now;
                } else if (!now.isBefore(lastPrinted.plus(heartbeat))) {
                    console.out(elapsed + "still " + line);
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
                return DeployCli.TIMEOUT;
            }
            Duration left = Duration.between(now, deadline);
            pacer.sleep(left.compareTo(poll) < 0 ? left : poll);
        }
    }

    private static int finish(Console console, String id, Until until, JsonNode deployment, int outcome) {
        String status = DeploymentText.status(deployment);
        if (outcome != DeployCli.OK) {
            console.err(until == Until.TERMINAL ? "Deployment " + id + " ended " + status + ":"
                    : "Deployment " + id + " is " + status + ", not " + until.wireName + ":");
            DeploymentText.errors(deployment).forEach(console::err);
            return outcome;
        }
        if (until == Until.AWAITING_VERIFICATION && status.equals("Succeeded")) {
            console.out("Deployment " + id + " is already Succeeded (it is past AwaitingVerification)");
            return outcome;
        }
        console.out("Deployment " + id + " is " + status);
        if (status.equals("AwaitingVerification")) {
            List<String> links = new ArrayList<>();
            deployment.path("validationLinks").forEach(link -> links.add(link.asText()));
            links.forEach(link -> console.out("Validation link: " + link));
            List<String> actions = new ArrayList<>();
            deployment.path("allowedActions").forEach(action -> actions.add(action.asText()));
            console.out("Allowed actions: " + String.join(", ", actions).toLowerCase(Locale.ROOT));
        }
        for (JsonNode warning : deployment.path("warnings")) {
            console.err("warning: " + (warning.isValueNode() ? warning.asText() : warning.toString()));
        }
        return outcome;
    }
}
