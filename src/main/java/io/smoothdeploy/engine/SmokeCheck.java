package io.smoothdeploy.engine;

/**
 * One smoke check: a GET that a web app's staging slot must answer as expected once it is warm, before the
 * deployment may go live on its own. Warm-up only asks "does it answer?"; a smoke check asks "does it answer
 * with the right thing?", which is what lets a deployment complete (or reset) without a person looking.
 *
 * <p>The request goes to the staging slot under the host name the web app will serve, so host-based routing
 * in the application sees what it will see in production.
 *
 * @param webApp         the web app it applies to (its {@link WebAppConfig#name() name}), or null for every web
 *                       app of the environment
 * @param path           what to ask for, starting with {@code /}; may carry a query string
 * @param expectedStatus the status that counts as a pass; 0 (a field left out) means
 *                       {@value #DEFAULT_EXPECTED_STATUS}
 * @param bodyContains   text the body must contain (case-sensitive, looked for in the first megabyte), or null
 *                       when any body will do; an empty text counts as null
 */
public record SmokeCheck(String webApp, String path, int expectedStatus, String bodyContains) {

    /** The status a check expects unless it says otherwise. */
    public static final int DEFAULT_EXPECTED_STATUS = 200;

    public SmokeCheck {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("a smoke check's path must start with /, was " + path);
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            // A space or a control character would make an invalid URL, found only when the check runs.
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("a smoke check's path must not contain spaces or control "
                        + "characters: " + path.strip());
            }
        }
        if (expectedStatus == 0) {
            expectedStatus = DEFAULT_EXPECTED_STATUS;
        }
        if (expectedStatus < 100 || expectedStatus > 599) {
            throw new IllegalArgumentException("a smoke check's expected status must be an HTTP status (100-599), "
                    + "was " + expectedStatus);
        }
        if (webApp != null && webApp.isBlank()) {
            webApp = null;
        }
        if (bodyContains != null && bodyContains.isEmpty()) {
            bodyContains = null;
        }
    }

    /** A check of {@code path} on every web app that expects {@value #DEFAULT_EXPECTED_STATUS} and any body. */
    public static SmokeCheck of(String path) {
        return new SmokeCheck(null, path, DEFAULT_EXPECTED_STATUS, null);
    }

    /** Whether this check runs against {@code webAppName}: its own web app's, or every web app's. */
    public boolean appliesTo(String webAppName) {
        return webApp == null || webApp.equals(webAppName);
    }
}
