package io.smoothdeploy.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One CLI command that calls the API. Its options are picocli fields (declared optional: {@link CliArgs#required}
 * checks them after the API's URL, so every command words a missing option alike); {@link #run} does the work.
 */
abstract class Command {

    @Mixin
    ApiOptions connection = new ApiOptions();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Prints this command's options and stops.")
    boolean help;

    /** @return the exit code */
    abstract int run(Context context) throws UsageException, ApiException, InterruptedException;

    /** The {@code --output json|text} given to this command, or null (also when the command has no such option). */
    String output() {
        return null;
    }

    /** What a command works with. */
    record Context(Console console, ApiClient api, Pacer pacer) {
    }
}
