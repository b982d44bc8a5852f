package io.smoothdeploy.engine;

import java.time.Instant;

/**
 * One line of a deployment's detailed log.
 *
 * <p>The text is for people. What a program needs to know of a line is in fields ({@code stage}, {@code retry}),
 * so the diagnosis and the reports never read the text, and it may be reworded freely.
 *
 * @param at      when it happened
 * @param level   Info, Warning or Error
 * @param webApp  the web app it is about, or null
 * @param message the line itself (never a secret)
 * @param stage   the stage whose delivery wrote it, or null (a line of the API, or stored before it was recorded)
 * @param retry   true for the line that records a transient failure being retried
 */
public record LogLine(Instant at, Level level, String webApp, String message, Stage stage, boolean retry) {

    public enum Level { INFO, WARNING, ERROR }

    public LogLine(Instant at, Level level, String webApp, String message) {
        this(at, level, webApp, message, null, false);
    }

    public static LogLine info(Instant at, String webApp, String message) {
        return new LogLine(at, Level.INFO, webApp, message);
    }

    public static LogLine warning(Instant at, String webApp, String message) {
        return new LogLine(at, Level.WARNING, webApp, message);
    }

    public static LogLine error(Instant at, String webApp, String message) {
        return new LogLine(at, Level.ERROR, webApp, message);
    }

    /** The warning that a transient failure is being retried. */
    public static LogLine retry(Instant at, String webApp, String message) {
        return new LogLine(at, Level.WARNING, webApp, message, null, true);
    }

    /** This line, written by a delivery of {@code written}, unless it already names a stage. */
    public LogLine inStage(Stage written) {
        return stage != null || written == null ? this : new LogLine(at, level, webApp, message, written, retry);
    }

    /** This line with other text (and everything else as it is). */
    public LogLine withMessage(String text) {
        return new LogLine(at, level, webApp, text, stage, retry);
    }
}
