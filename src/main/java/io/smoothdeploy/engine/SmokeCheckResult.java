package io.smoothdeploy.engine;

/**
 * How one {@link SmokeCheck} went against one web app's staging slot. It carries the check's own fields so a
 * stored result can be read (and shown) without the configuration it came from, which may have changed since.
 *
 * @param webApp         the web app whose staging slot was asked (never null, unlike the check's)
 * @param path           the path asked for
 * @param expectedStatus the status the check expected
 * @param bodyContains   the text the body had to contain, or null
 * @param status         the status that came back, or 0 when there was no answer
 * @param passed         whether the status was the expected one and the body contained the text
 * @param detail         {@code "HTTP <status>"} on a pass; otherwise why it failed, in words a person can act on
 *                       ({@code "expected HTTP 200, got 500: <first line of the body>"},
 *                       {@code "the body does not contain 'Welcome'"}, {@code "connection refused"},
 *                       {@code "timed out after 30 s"}); short, and never a secret
 * @param millis         how long the request took, in milliseconds
 */
public record SmokeCheckResult(String webApp, String path, int expectedStatus, String bodyContains, int status,
                               boolean passed, String detail, long millis) {

    /** A pass: the status was the expected one (and the body held the text, if any). */
    public static SmokeCheckResult pass(String webApp, SmokeCheck check, int status, long millis) {
        return new SmokeCheckResult(webApp, check.path(), check.expectedStatus(), check.bodyContains(), status,
                true, "HTTP " + status, millis);
    }

    /** A failure; {@code status} is 0 when nothing answered. */
    public static SmokeCheckResult fail(String webApp, SmokeCheck check, int status, String detail, long millis) {
        return new SmokeCheckResult(webApp, check.path(), check.expectedStatus(), check.bodyContains(), status,
                false, detail, millis);
    }
}
