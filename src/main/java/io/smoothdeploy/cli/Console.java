package io.smoothdeploy.cli;

import java.io.PrintStream;

/** Where the CLI writes: every line goes through {@link Masking} first. */
final class Console {

    private final PrintStream out;
    private final PrintStream err;
    private Masking masking;

    Console(PrintStream out, PrintStream err, Masking masking) {
        this.out = out;
        this.err = err;
        this.masking = masking;
    }

    void masking(Masking value) {
        masking = value;
    }

    /** A result line on standard output (what a script captures). */
    void out(String line) {
        out.println(masking.text(line));
        out.flush();
    }

    /** A diagnostic line on standard error. */
    void err(String line) {
        err.println(masking.text(line));
        err.flush();
    }
}
