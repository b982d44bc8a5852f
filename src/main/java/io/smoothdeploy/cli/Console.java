package io.smoothdeploy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import java.io.PrintStream;

/**
 * Where the CLI writes: every line goes through {@link Masking} first. With {@code --output json}, standard
 * output carries the result's JSON alone, and the lines meant for people ({@link #say}) go to standard error.
 */
final class Console {

    private final PrintStream out;
    private final PrintStream err;
    private Masking masking;
    private Output output = Output.TEXT;

    Console(PrintStream out, PrintStream err, Masking masking) {
        this.out = out;
        this.err = err;
        this.masking = masking;
    }

    void masking(Masking value) {
        masking = value;
    }

    /** Masks {@code secret} in everything printed from now on. */
    synchronized void hide(String secret) {
        masking = masking.plus(secret);
    }

    void output(Output value) {
        output = value;
    }

    boolean json() {
        return output == Output.JSON;
    }

    /** The text as it may be shown or written: keys and SAS signatures masked. */
    String masked(String text) {
        return masking.text(text);
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

    /** A line for people: standard output in text mode, standard error in json mode. */
    void say(String line) {
        if (json()) {
            err(line);
        } else {
            out(line);
        }
    }

    /** A JSON document, indented, on standard output. */
    void printJson(JsonNode node) {
        out(indented(node));
    }

    /** A JSON document on one line of standard output (one per line: JSON Lines). */
    void printJsonLine(JsonNode node) {
        out(node.toString());
    }

    static String indented(JsonNode node) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }
}
