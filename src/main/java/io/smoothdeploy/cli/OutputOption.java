package io.smoothdeploy.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** {@code --output json|text}, on every command that prints a result. */
final class OutputOption {

    @Option(names = "--output", paramLabel = "json|text", order = 103, completionCandidates = Formats.class,
            description = "text (the default) prints the result for people and scripts as the README shows; json "
                    + "prints the API's JSON alone on standard output and everything else on standard error.")
    String output;

    /** What completion offers for {@code --output}. */
    static final class Formats implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("json", "text").iterator();
        }
    }
}
