package io.smoothdeploy.cli;

import picocli.CommandLine;

/** A command that needs no API: {@code help} and {@code completion}. */
interface LocalCommand {

    /**
     * @param root the whole command line, for the help texts and the completion script
     * @return the exit code
     */
    int run(Console console, CommandLine root) throws UsageException;
}
