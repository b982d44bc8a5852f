package io.smoothdeploy.cli;

import picocli.CommandLine.Option;

/**
 * {@code --api}, {@code --audience} and {@code --key}: where the API is and how to sign in to it. Every command that
 * calls it has them.
 */
final class ApiOptions {

    @Option(names = "--api", paramLabel = "URL", order = 100,
            description = "The API's base URL, such as https://<app>.azurewebsites.net/api (or the variable "
                    + DeployCli.ENV_API + ").")
    String api;

    @Option(names = "--audience", paramLabel = "AUD", order = 101,
            description = "The API's Application ID URI, such as api://<client id> (or the variable "
                    + DeployCli.ENV_AUDIENCE + "): the CLI gets an Entra ID token for AUD from the Azure"
                    + " sign-in it finds (environment or workload identity, az login, managed identity) and sends it"
                    + " as Authorization: Bearer. Never printed.")
    String audience;

    @Option(names = "--key", paramLabel = "KEY", order = 102,
            description = "A key sent as x-functions-key (or the variable " + DeployCli.ENV_KEY + ", which keeps it"
                    + " off the command line), for a gateway of your own that checks one: the API itself takes no"
                    + " function keys, only Entra ID tokens (--audience). Not with --audience. Never printed.")
    String key;
}
