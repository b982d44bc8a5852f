package io.smoothdeploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code delete-environment --name N}: {@code DELETE /environments/{name}}. Prints what was done on standard error
 * and the name on standard output (with {@code --output json}: {@code {"name": N, "deleted": true}}).
 */
@CommandLine.Command(name = "delete-environment", sortOptions = false,
        customSynopsis = {"deploy delete-environment --name N [--output json|text]",
            "                          [--api URL] [--audience AUD | --key KEY]"},
        description = {"", "Removes environment N's registration (role Admin). Refused while a deployment holds it, or"
                + " while its last deployment left a web app in maintenance or failed without a reset. Its"
                + " deployments' history stays, and comes back if N is registered again.", ""},
        footer = {"", "Exit codes: 0 deleted, 2 usage error, 3 the API refused it (unknown name, or the problem says"
                + " what to finish first)."})
final class DeleteEnvironmentCommand extends ResultCommand {

    @Option(names = "--name", paramLabel = "N", order = 1, description = "The environment's name.")
    String name;

    @Override
    int run(Context context) throws UsageException, ApiException, InterruptedException {
        String name = CliArgs.required(this.name, "name", "delete-environment");
        context.api().delete("/environments/" + ApiClient.segment(name));
        context.console().err("Environment " + name + " deleted (its deployments' history stays)");
        if (context.console().json()) {
            context.console().printJson(io.smoothdeploy.json.Json.mapper().createObjectNode().put("name", name)
                    .put("deleted", true));
        } else {
            context.console().out(name);
        }
        return DeployCli.OK;
    }
}
