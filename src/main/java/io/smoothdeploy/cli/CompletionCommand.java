package io.smoothdeploy.cli;

import java.util.Locale;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code completion bash}: prints a bash completion script for every command and option, made by picocli's
 * {@link AutoComplete} from the same command line that parses the arguments, so it cannot fall out of step.
 */
@CommandLine.Command(name = "completion", sortOptions = false,
        customSynopsis = "deploy completion bash [--command-name NAME]",
        description = {"", "Prints a bash completion script for the commands, their options and the values of"
                + " --mode, --until and --output. Load it in the shell that runs the CLI:",
            "  deploy() { java -jar /path/to/smooth-deploy-cli.jar \"$@\"; }",
            "  source <(deploy completion bash)",
            "or save it as a file in bash-completion's completions folder. zsh runs it too, after"
                    + " autoload -U +X bashcompinit && bashcompinit.", ""},
        footer = {"", "Exit codes: 0 printed, 2 usage error (a shell other than bash)."})
final class CompletionCommand implements LocalCommand {

    @Parameters(arity = "0..1", paramLabel = "SHELL", description = "bash (the only one; the default).")
    String shell;

    @Option(names = "--command-name", paramLabel = "NAME", order = 1,
            description = "The name the script completes (default deploy), such as smooth-deploy for a wrapper"
                    + " script of that name.")
    String commandName;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Prints this text.")
    boolean help;

    @Override
    public int run(Console console, CommandLine root) throws UsageException {
        if (shell != null && !shell.trim().toLowerCase(Locale.ROOT).equals("bash")) {
            throw new UsageException("completion is made for bash (zsh loads it through bashcompinit), not '" + shell
                    + "'");
        }
        String name = commandName == null ? "deploy" : commandName.trim();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new UsageException("--command-name must be a command's name (letters, digits, '.', '_', '-'), not '"
                    + commandName + "'");
        }
        console.out(AutoComplete.bash(name, root).stripTrailing());
        return DeployCli.OK;
    }
}
