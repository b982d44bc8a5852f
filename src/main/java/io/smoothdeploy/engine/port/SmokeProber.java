package io.smoothdeploy.engine.port;

import io.smoothdeploy.engine.SmokeCheck;
import io.smoothdeploy.engine.SmokeCheckResult;

/**
 * The smoke-check port: asks a warm staging slot one question and says whether the answer was the expected one.
 * Unlike warm-up it does not retry; the slot is already warm, so the first answer is the one that counts.
 */
public interface SmokeProber {

    /**
     * Sends one GET of {@code baseUrl + check.path()} with {@code hostName} in the {@code Host} header.
     * A failure to get an answer (refused, timed out, unknown host, TLS) is a failed result, not an exception.
     *
     * @param baseUrl  the staging slot's address (scheme, host and port)
     * @param hostName the staging slot's own default host name, sent as {@code Host} (a custom domain would be
     *                 answered by production, whatever address the request is sent to)
     * @param webApp   the web app being checked, recorded in the result
     * @param check    what to ask for and what to expect
     */
    SmokeCheckResult check(String baseUrl, String hostName, String webApp, SmokeCheck check);
}
