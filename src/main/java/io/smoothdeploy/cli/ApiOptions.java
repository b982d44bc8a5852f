package io.smoothdeploy.cli;

import picocli.CommandLine.Option;

/** {@code --api} and {@code --key}: where the API is and how to pass its door. Every command that calls it has them. */
final class ApiOptions {

    @Option(names = "--api", paramLabel = "URL", order = 100,
            description = "The API's base URL, such as https://<app>.azurewebsites.net/api (or the variable "
                    + DeployCli.ENV_API + ").")
    String api;

    @Option(names = "--key", paramLabel = "KEY", order = 101,
            description = "The function key, sent as x-functions-key (or the variable " + DeployCli.ENV_KEY
                    + ", which keeps it off the command line). Never printed.")
    String key;
}
