package io.smoothdeploy.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The API's public base URL, for the {@code Location} of a started deployment. It comes from configuration, never
 * from the request's {@code Host} header, which the caller chooses (a request with {@code Host: evil.example:1}
 * must not get a Location on evil.example).
 */
public final class PublicApiBase {

    /** The optional app setting naming the API's public address (a custom domain, say). */
    public static final String PUBLIC_URL_SETTING = "SMOOTHDEPLOY_PUBLIC_URL";
    /** Set by App Service: the app's default host name (Learn: "Environment variables and app settings"). */
    static final String HOST_NAME_SETTING = "WEBSITE_HOSTNAME";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

    private PublicApiBase() {
    }

    /**
     * {@value #PUBLIC_URL_SETTING} when set (an https URL, {@code /api} appended unless it ends so), else
     * {@code https://<WEBSITE_HOSTNAME>/api}, else null (the Location is then relative).
     *
     * @throws IllegalStateException when {@value #PUBLIC_URL_SETTING} is set but is not an https URL with a host
     */
    public static String fromSettings(Map<String, String> settings) {
        String configured = settings.get(PUBLIC_URL_SETTING);
        if (configured != null && !configured.isBlank()) {
            URI uri;
            try {
                uri = new URI(configured.strip());
            } catch (URISyntaxException e) {
                throw invalid();
            }
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw invalid();
            }
            String text = uri.toString();
            text = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
            return text.endsWith("/api") ? text : text + "/api";
        }
        String host = settings.get(HOST_NAME_SETTING);
        if (host != null && HOST.matcher(host.strip()).matches()) {
            return "https://" + host.strip().toLowerCase(Locale.ROOT) + "/api";
        }
        return null;
    }

    private static IllegalStateException invalid() {
        return new IllegalStateException("the setting " + PUBLIC_URL_SETTING + " must be the API's public https "
                + "address with a host and no query, such as https://deploy.example.com");
    }
}
