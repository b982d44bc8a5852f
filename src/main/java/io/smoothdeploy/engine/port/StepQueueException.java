package io.smoothdeploy.engine.port;

import java.util.regex.Pattern;

/**
 * A step message could not be sent or scheduled, or the queues could not be reached. The message never
 * carries a secret: key and signature values of connection strings are redacted.
 */
public class StepQueueException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private static final Pattern SECRET = Pattern.compile(
            "(?i)\\b(SharedAccessKey|SharedAccessSignature|AccountKey|sig)=(?!\\{|\\*\\*\\*)[^;\\s\"'&]+");

    public StepQueueException(String message) {
        super(redact(message));
    }

    /**
     * Wraps {@code cause}, quoting its (redacted) description. The cause is kept as the cause only when none
     * of its messages holds a secret; otherwise only its description, redacted, is kept.
     */
    public StepQueueException(String message, Throwable cause) {
        super(redact(message + ": " + describe(cause)), holdsSecret(cause) ? null : cause);
    }

    /** {@code text} with every connection string key or signature value replaced by {@code ***}. */
    public static String redact(String text) {
        return text == null ? null : SECRET.matcher(text).replaceAll("$1=***");
    }

    private static String describe(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    private static boolean holdsSecret(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && SECRET.matcher(t.getMessage()).find()) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (holdsSecret(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }
}
