package io.smoothdeploy.engine;

import java.time.Instant;

/**
 * One line of a deployment's detailed log.
 *
 * <p>The text is for people. What a program needs to know of a line is in fields ({@code stage}, {@code event}),
 * so the diagnosis and the reports never read the text, and it may be reworded freely.
 *
 * @param at      when it happened
 * @param level   Info, Warning or Error
 * @param webApp  the web app it is about, or null
 * @param message the line itself (never a secret)
 * @param stage   the stage whose delivery wrote it, or null (a line of the API, or stored before it was recorded)
 * @param event   what a report counts this line as (null: it is only text)
 */
public record LogLine(Instant at, Level level, String webApp, String message, Stage stage, Event event) {

    public enum Level { INFO, WARNING, ERROR }

    /** What a line records, for the lines the reports count. */
    public enum Event {
        /** A transient failure, being retried. */
        RETRY,
        /** A start that rolls a running deployment forward to a new package. */
        ROLL_FORWARD
    }

    public LogLine(Instant at, Level level, String webApp, String message) {
        this(at, level, webApp, message, null, null);
    }

    /** True for the line that records a transient failure being retried. */
    public boolean retry() {
        return event == Event.RETRY;
    }

    /** This line, recording {@code recorded}. */
    public LogLine as(Event recorded) {
        return new LogLine(at, level, webApp, message, stage, recorded);
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
        return new LogLine(at, Level.WARNING, webApp, message, null, Event.RETRY);
    }

    /** This line, written by a delivery of {@code written}, unless it already names a stage. */
    public LogLine inStage(Stage written) {
        return stage != null || written == null ? this : new LogLine(at, level, webApp, message, written, event);
    }

    /** This line with other text (and everything else as it is). */
    public LogLine withMessage(String text) {
        return new LogLine(at, level, webApp, text, stage, event);
    }
}
