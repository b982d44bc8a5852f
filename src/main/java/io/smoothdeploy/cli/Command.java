package io.smoothdeploy.cli;

import java.util.Set;

/** One CLI command: the options it takes, and what it does with them. */
interface Command {

    /** Options of this command, besides the common --api, --key and --help. */
    Set<String> options();

    /** @return the exit code */
    int run(Context context) throws UsageException, ApiException, InterruptedException;

    /** What a command works with. */
    record Context(CliArgs args, Console console, ApiClient api, Pacer pacer) {
    }
}
