package io.smoothdeploy.engine;

/**
 * What a step saw when it failed, as fields rather than words: the diagnosis ({@code Classifier}) and the reports
 * read these, never the text of an error or a log line, so rewording a message cannot change a diagnosis.
 *
 * <p>Stored with the error in the deployment's and the web app's rows. An error recorded before these fields
 * existed has none (null), and its diagnosis is then the generic one for its {@link FailureKind}.
 *
 * @param probe           the warm-up request that failed (null when the failure was not a warm-up)
 * @param cloudCode       the error code Azure (or the identity endpoint) answered with, such as
 *                        {@code ExpiredAuthenticationToken} or {@code Conflict}; null when there was none
 * @param retries         how many transient failures in a row were retried before this one gave up (0: none)
 * @param packageMismatch true when the package was read and its SHA-256 is not the one the deployment started with
 * @param credentials     true when the failing call was refused for the orchestrator's own credentials (its token
 *                        could not be fetched, or Azure refused it)
 */
public record FailureEvidence(Probe probe, String cloudCode, int retries, boolean packageMismatch,
                              boolean credentials) {

    /**
     * One warm-up request's failing answer.
     *
     * @param slot     the slot probed, such as {@code staging}
     * @param hostName the Host header the request carried
     * @param path     the path asked for
     * @param status   the HTTP status, 0 when there was no HTTP answer (refused connection, timeout)
     * @param detail   the first line of the answer's body, or what went wrong instead (never a secret)
     */
    public record Probe(String slot, String hostName, String path, int status, String detail) {

        public boolean serverError() {
            return status >= 500 && status <= 599;
        }

        /** {@code host/path}, as a person would type it. */
        public String target() {
            return (hostName == null ? "" : hostName) + (path == null ? "" : path);
        }
    }

    public static FailureEvidence probe(Probe probe) {
        return new FailureEvidence(probe, null, 0, false, false);
    }

    public static FailureEvidence cloud(String code, boolean credentials) {
        return new FailureEvidence(null, code, 0, false, credentials);
    }

    public static FailureEvidence mismatch() {
        return new FailureEvidence(null, null, 0, true, false);
    }

    public FailureEvidence withRetries(int count) {
        return new FailureEvidence(probe, cloudCode, count, packageMismatch, credentials);
    }
}
