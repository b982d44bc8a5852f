package io.smoothdeploy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import com.azure.core.credential.TokenCredential;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line that pipeline steps call: {@code deploy start|status|wait|complete|reset}, and the read
 * commands ({@code log}, {@code diagnosis}, {@code timeline}, {@code support-bundle}, {@code environment}, {@code environments}, {@code deployments}) and
 * {@code register} and {@code delete-environment}, over the orchestrator's HTTP API; {@code help} and {@code completion bash} besides. It holds
 * no business rules: each command is one HTTP call (or, for {@code wait} and {@code log --follow}, a loop of them),
 * and the exit code tells the pipeline what happened. See {@link #USAGE_TEXT}. Picocli parses the command line
 * (one annotated class per command); this class picks the one way the command signs in ({@link SignIn}: an Entra
 * ID token for {@code --audience}, a ready token, a function key, or nothing), runs the command it names, maps what
 * goes wrong to an exit code and keeps secrets out of what is printed.
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
    public static final String ENV_AUDIENCE = "SMOOTHDEPLOY_AUDIENCE";
    public static final String ENV_TOKEN = "SMOOTHDEPLOY_TOKEN";

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
            "  plan      the options of start (--idempotency-key optional)",
            "            The dry run: prints what start would do (start, resume or roll forward; which web",
            "            apps enter maintenance or are there already; the clone; each slot's package) and what",
            "            would stop it, changing nothing. Exit 1 when its first stage would fail the run.",
            "  status    --id D",
            "            Prints the deployment's status as JSON: status, stage, percentComplete, webApps,",
            "            errors, warnings, validationLinks, allowedActions.",
            "  wait      --id D [--until AwaitingVerification|Succeeded|Reset|Cancelled|RolledBack|",
            "            terminal]",
            "            [--timeout 30m] [--poll 5s] [--heartbeat 1m]",
            "            Polls until the deployment has the wanted status (default Succeeded), printing a",
            "            progress line when the status, percentage or a web app's phase changes. terminal",
            "            waits for the end: exit 0 on Succeeded, Reset or Cancelled, 1 on Failed.",
            "  complete  --id D [--accept-data-loss [--accepted-by NAME]]",
            "            Goes live (the deployment must be AwaitingVerification). In ReadWrite mode, when writes",
            "            reached the temporary database, it is refused (exit 5) unless --accept-data-loss is",
            "            given with who accepts losing them.",
            "  reset     --id D [--rollback-database] [--validate-before-swap]",
            "            Rolls back (from AwaitingVerification or Failed); --rollback-database first restores",
            "            the database to the moment the deployment started; --validate-before-swap stops at",
            "            AwaitingResetVerification with the old code on its slot until complete swaps it back.",
            "  cancel    --id D [--rollback-database] [--reason R]",
            "            Stops an InProgress deployment and undoes it as reset does (old code live, the",
            "            temporary database dropped); follow it with: deploy wait --id D --until Cancelled.",
            "  rollback  --id D",
            "            Rolls back after going live, while its rollback window is open (status shows",
            "            rollbackAvailableUntil): the previous code returns; the database keeps its changes.",
            "  log       --id D [--follow [--timeout 30m] [--poll 5s]]",
            "            the deployment's log, one line per entry; --follow prints new entries until the",
            "            deployment ends, and exits as wait --until terminal does",
            "  diagnosis --id D            why it failed: cause, evidence, fix, advice (JSON)",
            "  timeline  --id D            every step of every web app with its times (JSON)",
            "  support-bundle --id D [--file FILE]",
            "            everything a support ticket needs, redacted (JSON; to FILE with --file, or with",
            "            --output FILE, its older spelling)",
            "  environment --name N        an environment's registration and last deployments (JSON)",
            "  environments                every environment, its last deployment's status, what is in",
            "            maintenance (JSON)",
            "  deployments --environment N [--status S] [--limit N] [--continuation-token T]",
            "            the environment's deployments, newest first, a page at a time (JSON)",
            "  register  --name N --file F registers (or updates) environment N from the JSON in F",
            "  delete-environment --name N removes environment N (refused while it runs or is in maintenance)",
            "  whoami                      who the API sees you as, your roles and what they allow (JSON)",
            "  completion bash             prints a bash completion script (source <(deploy completion bash))",
            "  help [COMMAND]              this text, or one command's options (as deploy COMMAND --help)",
            "",
            "Options of every command that calls the API:",
            "  --api URL   the API's base URL, e.g. https://<app>.azurewebsites.net/api (or " + ENV_API + ")",
            "  --audience AUD",
            "              the API's Application ID URI, e.g. api://<client id> (or " + ENV_AUDIENCE + "): the CLI",
            "              gets an Entra ID token for AUD/.default once per run (renewed before it expires) from",
            "              the first Azure sign-in it finds: AZURE_CLIENT_ID/AZURE_TENANT_ID with a secret,",
            "              certificate, AZURE_FEDERATED_TOKEN_FILE or (GitHub Actions, id-token: write) a fresh",
            "              GitHub ID token, then az login, then a managed identity",
            "              (where one is announced, or with " + Credentials.ENV_MANAGED_IDENTITY
                    + "=system|<client id>),",
            "              and sends it as Authorization: Bearer (over https only, or http to localhost)",
            "  " + ENV_TOKEN + "  (a variable) a ready access token to send instead, for when no sign-in above",
            "              works where the CLI runs",
            "  --key KEY   sent as x-functions-key (or " + ENV_KEY + "), for a gateway of your own that checks a",
            "              key; the API itself takes only Entra ID tokens (--audience), no function keys.",
            "              One way to sign in at a time: --key with --audience is a usage error.",
            "              Keys and tokens are never printed.",
            "  --output json|text",
            "              text (the default) prints as above; json prints the API's JSON alone on standard",
            "              output (wait: the last status seen; log --follow: one entry per line) and every",
            "              other line on standard error",
            "  --help      this text; after a command, that command's options",
            "  --version   the CLI's version",
            "",
            "Durations: 90s, 5m, 1h30m, 500ms, or a number of seconds. Package URIs are printed without",
            "their query string (https://host/path?<redacted>).",
            "",
            "Exit codes:",
            "  0  success: the wanted status was reached, or the action was accepted",
            "  1  the deployment ended Failed or Reset instead of the wanted status (Succeeded instead of",
            "     Reset for --until Reset); its errors are printed with kind, stage, web app and message",
            "  2  usage error",
            "  3  API error: the API refused the request (its problem title, detail and field are printed;",
            "     401: the token or key was refused; 403: the identity lacks the role the problem names), or",
            "     could not be reached, or no access token could be had (sign-in error: run az login ...)",
            "  4  timeout: wait did not see the wanted status within --timeout (log --follow: the end)",
            "  5  held: complete was refused because writes reached the temporary database (ReadWrite);",
            "     the deployment still awaits verification: accept the loss or reset");

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
     * @param env   the environment variables ({@value #ENV_API}, {@value #ENV_AUDIENCE}, {@value #ENV_TOKEN},
     *              {@value #ENV_KEY}, and those of the Azure sign-ins that {@link Credentials} reads)
     * @param pacer the clock and the pause between two polls of {@code wait}
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Pacer pacer) {
        return run(args, out, err, env, pacer, Credentials::chain);
    }

    /**
     * Runs one command with {@code credentials} as the Azure sign-ins to get a token from (tests give one of their
     * own; the CLI gives {@link Credentials#chain}).
     */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Pacer pacer,
                   Function<Map<String, String>, TokenCredential> credentials) {
        // A leading "deploy" is skipped, so both "deploy start ..." and "start ..." work.
        String[] words = args.length > 0 && args[0].equals("deploy") ? Arrays.copyOfRange(args, 1, args.length) : args;
        // Whatever is printed, a refusal of the command line included, is searched for the key, wherever it came from.
        Console console = new Console(out, err, new Masking(keys(words, env)));
        CommandLine root = commandLine();
        ParseResult parsed;
        try {
            parsed = root.parseArgs(words);
        } catch (ParameterException e) {
            return usageError(console, refusal(e, root), e.getCommandLine());
        }
        List<CommandLine> chain = parsed.asCommandLineList();
        CommandLine named = chain.get(chain.size() - 1);
        for (CommandLine line : chain) {
            if (line.isUsageHelpRequested()) {
                console.out(help(line));
                return OK;
            }
        }
        if (root.isVersionHelpRequested()) {
            console.out("smooth-deploy " + version());
            return OK;
        }
        Object command = named.getCommand();
        try {
            if (command instanceof RootCommand) {
                throw new UsageException("no command given");
            }
            if (command instanceof LocalCommand local) {
                return local.run(console, root);
            }
            RootCommand top = root.getCommand();
            Command apiCommand = (Command) command;
            String output = firstNonBlank(apiCommand.output(), top.output.output);
            console.output(output == null ? Output.TEXT : Output.parse(output));
            String key = firstNonBlank(apiCommand.connection.key, top.connection.key, env.get(ENV_KEY));
            String audience = firstNonBlank(apiCommand.connection.audience, top.connection.audience,
                    env.get(ENV_AUDIENCE));
            String token = firstNonBlank(env.get(ENV_TOKEN));
            String api = firstNonBlank(apiCommand.connection.api, top.connection.api, env.get(ENV_API));
            String base = apiBase(api);
            SignIn signIn = signIn(key, audience, token, () -> new AccessTokens(credentials.apply(env),
                    audience(audience), pacer, console::hide, console::err));
            signIn.checkTransport(URI.create(base));
            ApiClient client = new ApiClient(base, signIn);
            return apiCommand.run(new Command.Context(console, client, pacer));
        } catch (UsageException e) {
            return usageError(console, e.getMessage(), named);
        } catch (ApiException e) {
            e.describe().forEach(console::err);
            if (console.json() && e.problem() != null) {
                console.printJson(e.problem());
            }
            return API_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            console.err("Interrupted");
            return API_ERROR;
        }
    }

    /** The command line, one picocli command per CLI command. */
    static CommandLine commandLine() {
        CommandLine root = new CommandLine(new RootCommand());
        for (Object command : List.of(new StartCommand(), new PlanCommand(), new StatusCommand(), new WaitCommand(),
                new ActionCommand.Complete(), new ActionCommand.Reset(), new ActionCommand.Cancel(),
                new ActionCommand.Rollback(), new LogCommand(), new ReadCommand.Diagnosis(),
                new ReadCommand.Timeline(), new ReadCommand.SupportBundle(), new ReadCommand.Environment(),
                new ReadCommand.Environments(),
                new ReadCommand.Deployments(), new DeleteEnvironmentCommand(), new ReadCommand.WhoAmI(),
                new RegisterCommand(), new CompletionCommand(), new HelpCommand())) {
            root.addSubcommand(command);
        }
        // "@file" is a value like any other (a name, a commit), never a file of arguments to read.
        root.setExpandAtFiles(false);
        root.setSubcommandsCaseInsensitive(true);
        // "--id --until X" is a missing value, not an id that starts with "--".
        root.setUnmatchedOptionsAllowedAsOptionParameters(false);
        root.setUsageHelpWidth(100);
        return root;
    }

    /** The help text of the whole CLI ({@link #USAGE_TEXT}) or of one command (picocli's, from its annotations). */
    static String help(CommandLine line) {
        if (line.getCommand() instanceof RootCommand) {
            return USAGE_TEXT + "\n\nRun 'deploy <command> --help' for one command's options.";
        }
        return line.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing();
    }

    /** The command of that name (any case), or null. */
    static CommandLine subcommand(CommandLine root, String name) {
        for (Map.Entry<String, CommandLine> entry : root.getSubcommands().entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name.trim())) {
                return entry.getValue();
            }
        }
        return null;
    }

    static String unknownCommand(CommandLine root, String name) {
        return "unknown command '" + name + "'; the commands are " + String.join(", ", root.getSubcommands().keySet());
    }

    /** The project's version, as the build wrote it into version.properties. */
    static String version() {
        Properties properties = new Properties();
        try (InputStream in = DeployCli.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        String version = properties.getProperty("version", "");
        return version.isBlank() || version.contains("${") ? "unknown (not built by Maven)" : version.trim();
    }

    /** Picocli's refusal, in the CLI's words where they are plainer. */
    private static String refusal(ParameterException e, CommandLine root) {
        if (e instanceof UnmatchedArgumentException unmatched && e.getCommandLine() == root
                && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
            return unknownCommand(root, unmatched.getUnmatched().get(0));
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /** The secrets that could be echoed: the {@code --key} values on the command line, and the variables. */
    private static List<String> keys(String[] words, Map<String, String> env) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            if (words[i].equals("--key") && i + 1 < words.length) {
                keys.add(words[i + 1].trim());
            } else if (words[i].startsWith("--key=")) {
                keys.add(words[i].substring("--key=".length()).trim());
            }
        }
        for (String variable : List.of(ENV_KEY, ENV_TOKEN, GitHubIdToken.ENV_TOKEN)) {
            if (env.get(variable) != null) {
                keys.add(env.get(variable).trim());
            }
        }
        return keys;
    }

    /** A supplier that may refuse. */
    private interface TokenSource {
        AccessTokens get() throws UsageException;
    }

    /** One way to sign in, from what was given; two at once is a usage error. */
    private static SignIn signIn(String key, String audience, String token, TokenSource tokens)
            throws UsageException {
        if (token != null && (audience != null || key != null)) {
            throw new UsageException(ENV_TOKEN + " is a ready token: give it alone, without "
                    + (audience != null ? "--audience/" + ENV_AUDIENCE : "--key/" + ENV_KEY));
        }
        if (audience != null && key != null) {
            throw new UsageException("give one way to sign in, not both: --audience/" + ENV_AUDIENCE + " (an Entra ID"
                    + " token, for an API behind platform authentication) or --key/" + ENV_KEY + " (a Functions app"
                    + " deployed without it)");
        }
        if (token != null) {
            return SignIn.readyToken(token);
        }
        if (audience != null) {
            return SignIn.token(tokens.get());
        }
        return key != null ? SignIn.key(key) : SignIn.none();
    }

    /** The audience as the token request needs it: no trailing slash or {@code /.default}. */
    static String audience(String audience) throws UsageException {
        String value = audience.trim();
        if (value.endsWith("/.default")) {
            value = value.substring(0, value.length() - "/.default".length());
        }
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        boolean guid = value.matches("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        boolean uri = value.matches("(?i)[a-z][a-z0-9+.-]*://[^\\s?#]+");
        if (!guid && !uri) {
            throw new UsageException("--audience (" + ENV_AUDIENCE + ") must be the API's Application ID URI, such as"
                    + " api://<client id> (main.bicep's output " + ENV_AUDIENCE + "), not '" + audience + "'");
        }
        return value;
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

    private static int usageError(Console console, String message, CommandLine where) {
        console.err("deploy: " + message);
        if (where != null && !(where.getCommand() instanceof RootCommand)) {
            console.err("Run 'deploy " + where.getCommandName() + " --help' for its options.");
        }
        console.err("Run 'deploy --help' for the commands, options and exit codes.");
        return USAGE;
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }
}
