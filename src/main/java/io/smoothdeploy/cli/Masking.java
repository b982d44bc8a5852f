package io.smoothdeploy.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of what the CLI prints: the function key and every access token are replaced wherever they
 * appear, and a URI whose
 * query string holds a SAS signature ({@code sig=}) is shown as {@code https://host/path?<redacted>}
 * (the same form as the API's own redaction).
 */
final class Masking {

    static final String KEY_MASK = "***";
    private static final Pattern URI = Pattern.compile("(?i)\\bhttps?://[^\\s\"'<>]+");
    /** Shorter keys are not searched for in text: replacing them would garble output and hide nothing. */
    private static final int MIN_KEY_LENGTH = 6;

    private final List<String> keys;

    Masking(String key) {
        this(key == null ? List.of() : List.of(key));
    }

    /** Every key that may be printed by mistake: the one on the command line and the one in the environment. */
    Masking(Collection<String> keys) {
        List<String> usable = new ArrayList<>();
        for (String key : keys) {
            if (key != null && key.length() >= MIN_KEY_LENGTH && !usable.contains(key)) {
                usable.add(key);
            }
        }
        // The longest first: a key that contains another is replaced whole.
        usable.sort((a, b) -> b.length() - a.length());
        this.keys = List.copyOf(usable);
    }

    /** This masking, and {@code secret} besides (a token got while the CLI runs). */
    Masking plus(String secret) {
        List<String> more = new ArrayList<>(keys);
        more.add(secret);
        return new Masking(more);
    }

    /** The text with the keys replaced and the SAS query of every URI in it redacted. */
    String text(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String key : keys) {
            masked = masked.replace(key, KEY_MASK);
        }
        Matcher matcher = URI.matcher(masked);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String uri = matcher.group();
            int query = uri.indexOf('?');
            boolean sas = query >= 0 && uri.substring(query).toLowerCase(Locale.ROOT).contains("sig=");
            matcher.appendReplacement(out, Matcher.quoteReplacement(sas ? packageUri(uri) : uri));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** A package URI as the CLI shows it: without its query string, whatever the query holds. */
    static String packageUri(String uri) {
        if (uri == null) {
            return null;
        }
        int query = uri.indexOf('?');
        String head = query < 0 ? uri : uri.substring(0, query);
        int fragment = head.indexOf('#');
        if (fragment >= 0) {
            head = head.substring(0, fragment);
        }
        int scheme = head.indexOf("://");
        if (scheme >= 0) {
            int at = head.indexOf('@', scheme + 3);
            int slash = head.indexOf('/', scheme + 3);
            if (at >= 0 && (slash < 0 || at < slash)) {
                head = head.substring(0, scheme + 3) + head.substring(at + 1);
            }
        }
        return head + (query < 0 ? "" : "?<redacted>");
    }
}
