package io.smoothdeploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code deploy} command itself: its subcommands are added by {@link DeployCli#commandLine()}. The options it
 * takes before a command word ({@code --api}, {@code --key}, {@code --output}) apply to that command unless the
 * command is given its own.
 */
@CommandLine.Command(name = "deploy", sortOptions = false,
        description = "Starts and follows smooth deployments through the orchestrator's HTTP API.")
final class RootCommand {

    @Mixin
    ApiOptions connection = new ApiOptions();

    @Mixin
    OutputOption output = new OutputOption();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Prints the commands, options and exit codes.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Prints the CLI's version.")
    boolean version;
}
