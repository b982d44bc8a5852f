package io.smoothdeploy.cli;

import java.util.Locale;

/** {@code --output json|text}: what a command prints on standard output. */
enum Output {
    /** As a person reads it (the default; what the README's samples and the pipelines parse). */
    TEXT,
    /** The API's JSON (or the CLI's documented object) alone on standard output; the rest on standard error. */
    JSON;

    static Output parse(String text) throws UsageException {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "json" -> JSON;
            case "text" -> TEXT;
            default -> throw new UsageException("--output must be json or text, not '" + text + "'");
        };
    }
}
