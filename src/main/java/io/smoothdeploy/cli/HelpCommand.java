package io.smoothdeploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code help [COMMAND]}: the overview (as {@code deploy --help}), or one command's options (as {@code COMMAND --help}). */
@CommandLine.Command(name = "help", customSynopsis = "deploy help [COMMAND]",
        description = {"", "Prints the commands, options and exit codes; with a COMMAND, that command's options.", ""})
final class HelpCommand implements LocalCommand {

    @Parameters(arity = "0..1", paramLabel = "COMMAND", description = "A command, such as wait.")
    String command;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Prints this text.")
    boolean help;

    @Override
    public int run(Console console, CommandLine root) throws UsageException {
        if (command == null) {
            console.out(DeployCli.help(root));
            return DeployCli.OK;
        }
        CommandLine sub = DeployCli.subcommand(root, command);
        if (sub == null) {
            throw new UsageException(DeployCli.unknownCommand(root, command));
        }
        console.out(DeployCli.help(sub));
        return DeployCli.OK;
    }
}
