package io.smoothdeploy.api;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Text taken from a request header, made safe to store and show: terminal escape sequences and every control or
 * invisible formatting character (bidirectional overrides among them) are removed, runs of white space become
 * one space, and the result is cut to a length. A header such as {@code ceo@example.com\e[31m FAKE\e[0m}
 * is stored as {@code ceo@example.com FAKE}: nothing in it can recolour, rewrite or hide a line of a log.
 */
public final class HeaderText {

    /** ESC [ ... final byte (CSI), ESC ] ... BEL or ESC \ (OSC), and ESC with one following character. */
    private static final Pattern ESCAPES = Pattern.compile(
            "\\u001B\\[[0-?]*[ -/]*[@-~]|\\u001B\\][^\\u0007\\u001B]*(\\u0007|\\u001B\\\\)?|\\u001B.?|\\u009B[0-?]*[ -/]*[@-~]");
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cn}\\p{Zl}\\p{Zp}]");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private HeaderText() {
    }

    /** The cleaned text, at most {@code maxLength} characters; null for null or for nothing left. */
    public static String clean(String raw, int maxLength) {
        if (raw == null) {
            return null;
        }
        String text = ESCAPES.matcher(raw).replaceAll("");
        text = INVISIBLE.matcher(text).replaceAll("");
        text = SPACES.matcher(text).replaceAll(" ").strip();
        if (text.length() > maxLength) {
            int end = Character.isHighSurrogate(text.charAt(maxLength - 1)) ? maxLength - 1 : maxLength;
            text = text.substring(0, end) + "…";
        }
        return text.isEmpty() ? null : text;
    }

    /** A header's value, whatever the case of its name (runtimes present names in either case). */
    static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey() != null && header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}
