package io.smoothdeploy.engine;

import java.net.URI;
import java.net.URISyntaxException;

/** Keeps secrets out of logs, statuses and errors. */
public final class Redact {

    private Redact() {
    }

    /**
     * A URI without its query string (where a SAS token lives) or user info: {@code https://host/path?…}.
     * Text that is not a URI is replaced whole.
     */
    public static String uri(String uri) {
        if (uri == null) {
            return null;
        }
        try {
            URI parsed = new URI(uri);
            if (parsed.getScheme() == null || parsed.getRawAuthority() == null) {
                return "<redacted>";
            }
            String host = parsed.getHost() == null ? "" : parsed.getHost();
            String port = parsed.getPort() < 0 ? "" : ":" + parsed.getPort();
            String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
            return parsed.getScheme() + "://" + host + port + path + (parsed.getRawQuery() == null ? "" : "?<redacted>");
        } catch (URISyntaxException e) {
            return "<redacted>";
        }
    }
}
