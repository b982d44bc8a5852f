package io.smoothdeploy.cli;

import picocli.CommandLine.Mixin;

/**
 * A command that prints a result, and so takes {@code --output json|text} ({@link OutputOption}): declared here once
 * for all of them. ({@code support-bundle}, whose {@code --output} may also name a file, declares its own.)
 */
abstract class ResultCommand extends Command {

    @Mixin
    OutputOption output = new OutputOption();

    @Override
    String output() {
        return output.output;
    }
}
