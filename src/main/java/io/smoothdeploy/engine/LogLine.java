package io.smoothdeploy.engine;

import java.time.Instant;

/**
 * One line of a deployment's detailed log.
 *
 * @param at      when it happened
 * @param level   Info, Warning or Error
 * @param webApp  the web app it is about, or null
 * @param message the line itself (never a secret)
 */
public record LogLine(Instant at, Level level, String webApp, String message) {

    public enum Level { INFO, WARNING, ERROR }

    public static LogLine info(Instant at, String webApp, String message) {
        return new LogLine(at, Level.INFO, webApp, message);
    }

    public static LogLine warning(Instant at, String webApp, String message) {
        return new LogLine(at, Level.WARNING, webApp, message);
    }

    public static LogLine error(Instant at, String webApp, String message) {
        return new LogLine(at, Level.ERROR, webApp, message);
    }
}
