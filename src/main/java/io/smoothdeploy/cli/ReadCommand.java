package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The read-only commands that print the API's JSON, indented, on standard output, in text and json mode alike:
 * {@code diagnosis}, {@code timeline} and {@code support-bundle} of a deployment, and {@code environment} (an
 * environment's registration and its last deployments). {@code support-bundle --file FILE} writes the bundle to
 * the file instead. ({@code log} is {@link LogCommand}.)
 */
final class ReadCommand {

    private ReadCommand() {
    }

    /** GETs the path and prints its JSON, indented. */
    static int print(Command.Context context, String path) throws ApiException, InterruptedException {
        context.console().printJson(context.api().get(path).body());
        return DeployCli.OK;
    }

    /** {@code diagnosis}. */
    @CommandLine.Command(name = "diagnosis", sortOptions = false,
            customSynopsis = "deploy diagnosis --id D [--output json|text] [--api URL] [--audience AUD | --key KEY]",
            description = {"", "Why the deployment failed, as JSON: the classified cause, the evidence lines, the"
                    + " fix and the advice (retry, new package, reset ...).", ""},
            footer = {"", "Exit codes: 0 printed, 2 usage error, 3 the API refused it."})
    static final class Diagnosis extends DeploymentCommand {

        @Override
        int run(Context context) throws UsageException, ApiException, InterruptedException {
            return print(context, DeploymentId.path(id(), "/diagnosis"));
        }
    }

    /** {@code timeline}. */
    @CommandLine.Command(name = "timeline", sortOptions = false,
            customSynopsis = "deploy timeline --id D [--output json|text] [--api URL] [--audience AUD | --key KEY]",
            description = {"", "Every step of every web app with its start and end, and where the package came from"
                    + " (commit, pipeline run), as JSON.", ""},
            footer = {"", "Exit codes: 0 printed, 2 usage error, 3 the API refused it."})
    static final class Timeline extends DeploymentCommand {

        @Override
        int run(Context context) throws UsageException, ApiException, InterruptedException {
            return print(context, DeploymentId.path(id(), "/timeline"));
        }
    }

    /** {@code environment}. */
    @CommandLine.Command(name = "environment", sortOptions = false,
            customSynopsis = {"deploy environment --name N [--output json|text]",
                "                   [--api URL] [--audience AUD | --key KEY]"},
            description = {"", "An environment's registration and its last deployments, as JSON.", ""},
            footer = {"", "Exit codes: 0 printed, 2 usage error, 3 the API refused it (such as an unknown name)."})
    static final class Environment extends ResultCommand {

        @Option(names = "--name", paramLabel = "N", order = 1, description = "The environment's name.")
        String name;

        @Override
        int run(Context context) throws UsageException, ApiException, InterruptedException {
            return print(context, "/environments/" + ApiClient.segment(CliArgs.required(name, "name", "environment")));
        }
    }

    /** {@code environments}. */
    @CommandLine.Command(name = "environments", sortOptions = false,
            customSynopsis = "deploy environments [--output json|text] [--api URL] [--audience AUD | --key KEY]",
            description = {"", "Every registered environment with its running deployment, its last deployment's"
                    + " status and the web apps left in maintenance, as JSON.", ""},
            footer = {"", "Exit codes: 0 printed, 2 usage error, 3 the API refused it."})
    static final class Environments extends ResultCommand {

        @Override
        int run(Context context) throws UsageException, ApiException, InterruptedException {
            return print(context, "/environments");
        }
    }

    /** {@code whoami}: {@code GET /me}. */
    @CommandLine.Command(name = "whoami", sortOptions = false,
            customSynopsis = "deploy whoami [--output json|text] [--api URL] [--audience AUD | --key KEY]",
            description = {"", "Who the API sees you as: your name, object id and roles, and for each operation"
                    + " whether your roles allow it (and why not), as JSON.", ""},
            footer = {"", "Exit codes: 0 printed, 2 usage error, 3 the API refused it (such as no sign-in)."})
    static final class WhoAmI extends ResultCommand {

        @Override
        int run(Context context) throws UsageException, ApiException, InterruptedException {
            return print(context, "/me");
        }
    }

    /** {@code deployments}: one page of an environment's history. */
    @CommandLine.Command(name = "deployments", sortOptions = false,
            customSynopsis = {"deploy deployments --environment N [--status S] [--limit N] [--continuation-token T]",
                "                   [--output json|text] [--api URL] [--audience AUD | --key KEY]"},
            description = {"", "An environment's deployments, newest first, as JSON: one page of --limit (1 to 100,"
                    + " default 20), only those with --status when given. The answer's continuationToken, passed"
                    + " back with --continuation-token (and the same --status), prints the next page.", ""},
            footer = {"", "Exit codes: 0 printed, 2 usage error, 3 the API refused it (such as an unknown name or"
                    + " a bad token)."})
    static final class Deployments extends ResultCommand {

        @Option(names = "--environment", paramLabel = "N", order = 1, description = "The environment's name.")
        String environment;

        @Option(names = "--status", paramLabel = "S", order = 2,
                description = "Only deployments with this status (InProgress, AwaitingVerification, Succeeded,"
                        + " Failed, Reset ...).")
        String status;

        @Option(names = "--limit", paramLabel = "N", order = 3, description = "At most N deployments (1 to 100).")
        Integer limit;

        @Option(names = "--continuation-token", paramLabel = "T", order = 4,
                description = "The continuationToken of the page before.")
        String continuationToken;

        @Override
        int run(Context context) throws UsageException, ApiException, InterruptedException {
            String name = CliArgs.required(environment, "environment", "deployments");
            StringBuilder query = new StringBuilder();
            append(query, "status", status);
            append(query, "limit", limit == null ? null : String.valueOf(limit));
            append(query, "continuationToken", continuationToken);
            return print(context, "/environments/" + ApiClient.segment(name) + "/deployments" + query);
        }

        private static void append(StringBuilder query, String name, String value) {
            if (value != null) {
                query.append(query.length() == 0 ? '?' : '&').append(name).append('=')
                        .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * {@code support-bundle}. Its {@code --output} was a file before {@code --output json|text} existed, and still
     * is for any value other than {@code json} or {@code text}; {@code --file} is the name to use.
     */
    @CommandLine.Command(name = "support-bundle", sortOptions = false,
            customSynopsis = {"deploy support-bundle --id D [--file FILE] [--output json|text]",
                "                      [--api URL] [--audience AUD | --key KEY]"},
            description = {"", "Everything a support ticket needs about the deployment, redacted, as JSON: on"
                    + " standard output, or written to FILE.", ""},
            footer = {"", "Exit codes: 0 printed or written, 2 usage error (or FILE cannot be written), 3 the API"
                    + " refused it."})
    static final class SupportBundle extends Command {

        @Mixin
        DeploymentId deployment = new DeploymentId();

        @Option(names = "--file", paramLabel = "FILE", order = 2, description = "Writes the bundle to FILE.")
        String file;

        @Option(names = "--output", paramLabel = "json|text", order = 103,
                completionCandidates = OutputOption.Formats.class,
                description = "The bundle is JSON either way. Any other value is taken as --file (its older name).")
        String output;

        @Override
        String output() {
            return isFormat(output) ? output : null;
        }

        private static boolean isFormat(String value) {
            String format = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            return format.equals("json") || format.equals("text");
        }

        @Override
        int run(Context context) throws UsageException, ApiException, InterruptedException {
            String target = file;
            if (output != null && !isFormat(output)) {
                if (target != null) {
                    throw new UsageException("give the bundle's file once: --file FILE (--output FILE is its older"
                            + " name)");
                }
                target = output;
            }
            String path = DeploymentId.path(deployment.required("support-bundle"), "/support-bundle");
            if (target == null) {
                return print(context, path);
            }
            JsonNode body = context.api().get(path).body();
            try {
                Files.writeString(Path.of(target), context.console().masked(Console.indented(body)) + "\n",
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageException("could not write " + target + ": " + e.getMessage());
            }
            context.console().err("Support bundle written to " + target);
            return DeployCli.OK;
        }
    }
}
