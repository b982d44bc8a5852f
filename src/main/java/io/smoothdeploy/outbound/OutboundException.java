package io.smoothdeploy.outbound;

/**
 * An outbound call that was refused or did not succeed. The message is meant for the person who configured the
 * URL: it names the host at most, never the query string, the bytes that came back, or the answer's body.
 */
public final class OutboundException extends RuntimeException {

    /** What went wrong, in the few words a caller may pass on. */
    public enum Reason {
        /** The URL may not be called at all: its scheme, its host (allow-list) or an address it resolves to. */
        REFUSED(false),
        /** No usable answer: no connection, an error status, a stall, too many redirects. */
        NOT_REACHABLE(true),
        /** The body was bigger than the size cap; reading stopped at the cap. */
        TOO_BIG(false),
        /** The whole exchange took longer than the time cap; reading stopped then. */
        TOO_SLOW(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether trying again later may help (a connection failure, a 5xx); the others fail the same again. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Reason reason;
    private final boolean retryable;

    public OutboundException(Reason reason, String message) {
        this(reason, message, reason.retryable());
    }

    public OutboundException(Reason reason, String message, boolean retryable) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryable = retryable;
    }

    public Reason reason() {
        return reason;
    }

    public boolean retryable() {
        return retryable;
    }
}
