package io.smoothdeploy.cli;

import java.io.PrintStream;
import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command line that pipeline steps call: {@code deploy start|status|wait|complete|reset}, and the read
 * commands ({@code log}, {@code diagnosis}, {@code timeline}, {@code support-bundle}, {@code environment}) and
 * {@code register}, over the
 * orchestrator's HTTP API. It holds no business rules: each command is one HTTP call (or, for {@code wait},
 * a loop of them), and the exit code tells the pipeline what happened. See {@link #USAGE_TEXT}.
 */
public final class DeployCli {

    /** Success: the wanted status was reached, or the action was accepted. */
    public static final int OK = 0;
    /** The deployment ended Failed or Reset (or otherwise not as wanted); its errors are printed. */
    public static final int DEPLOYMENT_FAILED = 1;
    /** The command line is wrong. */
    public static final int USAGE = 2;
    /** The API refused the request (problem+json) or could not be reached. */
    public static final int API_ERROR = 3;
    /** {@code wait} ran out of time. */
    public static final int TIMEOUT = 4;

    /**
     * {@code complete} was refused because writes reached the temporary database (ReadWrite mode): the deployment
     * still awaits verification, nothing failed; complete with {@code --accept-data-loss}, or reset.
     */
    public static final int HELD = 5;

    public static final String ENV_API = "SMOOTHDEPLOY_API";
    public static final String ENV_KEY = "SMOOTHDEPLOY_KEY";

    static final String USAGE_TEXT = String.join("\n",
            "Usage: deploy <command> [options]",
            "",
            "Starts and follows smooth deployments through the orchestrator's HTTP API.",
            "",
            "Commands:",
            "  start     --environment E --package URI (--sha256 HEX | --package-file ZIP)",
            "            --mode ReadOnly|ReadWrite|MaintenancePage --idempotency-key K",
            "            Starts a deployment and prints its id (alone, on standard output). Run again with",
            "            the same idempotency key, it prints the same id: a restarted job re-attaches.",
            "            --package-file computes the SHA-256 of the local zip that was uploaded to URI.",
            "            [--current-packages NAME=URI,...] the package each main site's production runs",
            "            now, needed when its WEBSITE_RUN_FROM_PACKAGE is 1 or unset (the start says so).",
            "            [--commit-id SHA] [--pipeline-run-url URL] where the package came from, shown in the",
            "            deployment's status and timeline.",
            "  status    --id D",
            "            Prints the deployment's status as JSON: status, stage, percentComplete, webApps,",
            "            errors, warnings, validationLinks, allowedActions.",
            "  wait      --id D [--until AwaitingVerification|Succeeded|Reset|terminal]",
            "            [--timeout 30m] [--poll 5s] [--heartbeat 1m]",
            "            Polls until the deployment has the wanted status (default Succeeded), printing a",
            "            progress line when the status, percentage or a web app's phase changes. terminal",
            "            waits for the end: exit 0 on Succeeded or Reset, 1 on Failed.",
            "  complete  --id D [--accept-data-loss --accepted-by NAME]",
            "            Goes live (the deployment must be AwaitingVerification). In ReadWrite mode, when writes",
            "            reached the temporary database, it is refused (exit 5) unless --accept-data-loss is",
            "            given with who accepts losing them.",
            "  reset     --id D [--rollback-database]",
            "            Rolls back (from AwaitingVerification or Failed); --rollback-database first restores",
            "            the database to the moment the deployment started.",
            "  log       --id D            the deployment's log, one line per entry",
            "  diagnosis --id D            why it failed: cause, evidence, fix, advice (JSON)",
            "  timeline  --id D            every step of every web app with its times (JSON)",
            "  support-bundle --id D [--output FILE]",
            "            everything a support ticket needs, redacted (JSON; to FILE with --output)",
            "  environment --name N        an environment's registration and last deployments (JSON)",
            "  register  --name N --file F registers (or updates) environment N from the JSON in F",
            "",
            "Options of every command:",
            "  --api URL   the API's base URL, e.g. https://<app>.azurewebsites.net/api (or " + ENV_API + ")",
            "  --key KEY   the function key, sent as x-functions-key (or " + ENV_KEY + "; prefer the variable,",
            "              so the key is not on the command line). Never printed.",
            "  --help      this text",
            "",
            "Durations: 90s, 5m, 1h30m, 500ms, or a number of seconds. Package URIs are printed without",
            "their query string (https://host/path?<redacted>).",
            "",
            "Exit codes:",
            "  0  success: the wanted status was reached, or the action was accepted",
            "  1  the deployment ended Failed or Reset instead of the wanted status (Succeeded instead of",
            "     Reset for --until Reset); its errors are printed with kind, stage, web app and message",
            "  2  usage error",
            "  3  API error: the API refused the request (its problem title, detail and field are printed),",
            "     or could not be reached",
            "  4  timeout: wait did not see the wanted status within --timeout",
            "  5  held: complete was refused because writes reached the temporary database (ReadWrite);",
            "     the deployment still awaits verification: accept the loss or reset");

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("start", new StartCommand());
        COMMANDS.put("status", new StatusCommand());
        COMMANDS.put("wait", new WaitCommand());
        COMMANDS.put("complete", ActionCommand.complete());
        COMMANDS.put("reset", ActionCommand.reset());
        COMMANDS.put("log", ReadCommand.log());
        COMMANDS.put("diagnosis", ReadCommand.diagnosis());
        COMMANDS.put("timeline", ReadCommand.timeline());
        COMMANDS.put("support-bundle", ReadCommand.supportBundle());
        COMMANDS.put("environment", ReadCommand.environment());
        COMMANDS.put("register", new RegisterCommand());
    }

    private DeployCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs one command on real time; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, out, err, env, Pacer.system());
    }

    /**
     * Runs one command; returns the exit code.
     *
     * @param env   the environment variables ({@value #ENV_API}, {@value #ENV_KEY})
     * @param pacer the clock and the pause between two polls of {@code wait}
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Pacer pacer) {
        Console console = new Console(out, err, new Masking(null));
        CliArgs parsed;
        try {
            parsed = CliArgs.parse(args);
        } catch (UsageException e) {
            return usageError(console, e.getMessage());
        }
        // From here on, whatever is printed is searched for the key, wherever the key came from.
        String key = firstNonBlank(parsed.optional("key"), env.get(ENV_KEY));
        console.masking(new Masking(key));
        if (parsed.command() == null || parsed.command().equals("help")) {
            if (parsed.flag("help") || "help".equals(parsed.command())) {
                console.out(USAGE_TEXT);
                return OK;
            }
            return usageError(console, "no command given");
        }
        Command command = COMMANDS.get(parsed.command().toLowerCase(Locale.ROOT));
        if (command == null) {
            return usageError(console, "unknown command '" + parsed.command() + "'; the commands are "
                    + String.join(", ", COMMANDS.keySet()));
        }
        if (parsed.flag("help")) {
            console.out(USAGE_TEXT);
            return OK;
        }
        try {
            Set<String> known = new HashSet<>(command.options());
            known.add("api");
            known.add("key");
            parsed.allowOnly(known);
            String api = firstNonBlank(parsed.optional("api"), env.get(ENV_API));
            ApiClient client = new ApiClient(apiBase(api), key);
            return command.run(new Command.Context(parsed, console, client, pacer));
        } catch (UsageException e) {
            return usageError(console, e.getMessage());
        } catch (ApiException e) {
            e.describe().forEach(console::err);
            return API_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            console.err("Interrupted");
            return API_ERROR;
        }
    }

    private static String apiBase(String api) throws UsageException {
        if (api == null) {
            throw new UsageException("the API's base URL is needed: --api https://<app>.azurewebsites.net/api or "
                    + ENV_API);
        }
        URI uri;
        try {
            uri = URI.create(api.trim());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--api is not a URL: " + api);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawQuery() != null) {
            throw new UsageException("--api must be an http(s) base URL such as https://<app>.azurewebsites.net/api,"
                    + " not " + api);
        }
        return api.trim();
    }

    private static int usageError(Console console, String message) {
        console.err("deploy: " + message);
        console.err("Run 'deploy --help' for the commands, options and exit codes.");
        return USAGE;
    }

    private static String firstNonBlank(String first, String second) {
        if (first != null && !first.isBlank()) {
            return first.trim();
        }
        return second == null || second.isBlank() ? null : second.trim();
    }
}
