package io.smoothdeploy.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** Keeps secrets out of logs, statuses and errors. */
public final class Redact {

    private static final Pattern URL_QUERY = Pattern.compile("(https?://[^\\s\"'<>?]+)\\?(?!<redacted>)[^\\s\"'<>]+");
    private static final Pattern SECRET_PAIR = Pattern.compile(
            "(?i)\\b(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd|sig|client_secret)=[^;&\\s\"']+");
    private static final Pattern BEARER = Pattern.compile("(?i)\\bBearer\\s+[A-Za-z0-9._~+/=-]{8,}");

    private Redact() {
    }

    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)(sig|signature|token|access_token|code|key|apikey|api_key|secret|client_secret|password|pwd|auth.*|"
                    + "credential.*|skoid|sktid|ske|skt|sks|skv)");

    /**
     * A link to keep and show, such as a pipeline run's URL: its query string stays (a build id is needed to
     * open the run) except the values of parameters whose names say they are secrets ({@code sig}, {@code code},
     * {@code token}, {@code key} …), which become {@code <redacted>}. User info is dropped. Text that is not an
     * absolute URI is replaced whole.
     */
    public static String link(String uri) {
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
            StringBuilder out = new StringBuilder(parsed.getScheme()).append("://").append(host).append(port).append(path);
            if (parsed.getRawQuery() != null) {
                String separator = "?";
                for (String pair : parsed.getRawQuery().split("&")) {
                    int equals = pair.indexOf('=');
                    String name = equals < 0 ? pair : pair.substring(0, equals);
                    boolean secret = SECRET_PARAMETER.matcher(name).matches();
                    out.append(separator).append(name);
                    if (equals >= 0) {
                        out.append('=').append(secret ? "<redacted>" : pair.substring(equals + 1));
                    }
                    separator = "&";
                }
            }
            return out.toString();
        } catch (URISyntaxException e) {
            return "<redacted>";
        }
    }

    /**
     * Free text with every secret-shaped part replaced: URL query strings (SAS tokens), key, password and
     * signature pairs of connection strings, and bearer tokens. A last line of defence for text gathered from
     * many places (a support bundle); the parts that write text redact at the source as well.
     */
    public static String text(String text) {
        if (text == null) {
            return null;
        }
        String out = URL_QUERY.matcher(text).replaceAll("$1?<redacted>");
        out = SECRET_PAIR.matcher(out).replaceAll("$1=<redacted>");
        return BEARER.matcher(out).replaceAll("Bearer <redacted>");
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
