package io.smoothdeploy.cli;

import picocli.CommandLine;

/**
 * {@code status}: {@code GET /deployments/{id}}, printed as JSON on standard output: without the per-web-app
 * timings in text mode (as it always was), the API's body whole with {@code --output json}. Either way the package
 * URI is shown without its query string.
 */
@CommandLine.Command(name = "status", sortOptions = false,
        customSynopsis = "deploy status --id D [--output json|text] [--api URL] [--audience AUD | --key KEY]",
        description = {"", "Prints the deployment's status as JSON: status, stage, percentComplete, webApps, errors,"
                + " warnings, validationLinks, allowedActions. Text mode leaves out each web app's timings;"
                + " json mode prints the API's answer whole.", ""},
        footer = {"", "Exit codes: 0 printed, 2 usage error, 3 the API refused it (such as an unknown id)."})
final class StatusCommand extends DeploymentCommand {

    @Override
    int run(Context context) throws UsageException, ApiException, InterruptedException {
        ApiClient.Answer answer = context.api().get(DeploymentId.path(id(), ""));
        context.console().printJson(context.console().json() ? DeploymentText.redacted(answer.body())
                : DeploymentText.summary(answer.body()));
        return DeployCli.OK;
    }
}
