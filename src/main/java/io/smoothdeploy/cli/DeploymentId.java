package io.smoothdeploy.cli;

import picocli.CommandLine.Option;

/** {@code --id D}: the deployment a command is about, checked and turned into its API path the same way everywhere. */
final class DeploymentId {

    @Option(names = "--id", paramLabel = "D", order = 1, description = "The deployment's id (what start printed).")
    String value;

    /** The id, trimmed; a usage error naming {@code command} when it is missing or blank. */
    String required(String command) throws UsageException {
        return CliArgs.required(value, "id", command);
    }

    /** {@code /deployments/{id}} and {@code tail}, the id percent-encoded. */
    static String path(String id, String tail) {
        return "/deployments/" + ApiClient.segment(id) + tail;
    }
}
