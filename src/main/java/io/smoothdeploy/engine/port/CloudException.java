package io.smoothdeploy.engine.port;

/**
 * A cloud operation failed. {@code code} is the cloud's error code (for ARM, the error code of its error
 * body, such as {@code ResourceNotFound}); {@code transientFailure} says whether trying the same call again
 * later may succeed (throttling, 5xx, timeouts). The message never holds a secret.
 *
 * <p>A <em>credential failure</em> ({@link #credentials}, {@link #isCredentialFailure}) is the orchestrator's
 * own identity failing: its token could not be fetched (the managed-identity endpoint is down or refuses), or
 * Azure refused the token it sent (401). It is told apart from other failures because the cure differs: the
 * call itself was fine and nothing about the deployment is wrong, so a step can be retried later rather than
 * failed, and a report can point at the identity rather than at the site. It is always transient: identity
 * endpoints recover and tokens get renewed. A refused <em>permission</em> (403, a missing role assignment) is
 * not a credential failure: retrying it does not help until someone grants the role.
 */
public class CloudException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * The code of a {@linkplain #busy busy} refusal: the resource is in the middle of another operation (App
     * Service answers a write to a site that is swapping with 409 "Cannot modify this site because another
     * operation is in progress").
     */
    public static final String OPERATION_IN_PROGRESS = "OperationInProgress";

    private final String code;
    private final boolean transientFailure;
    private final boolean credentialFailure;
    private final java.time.Duration retryAfter;

    public CloudException(String code, String message, boolean transientFailure) {
        this(code, message, transientFailure, false, null);
    }

    public CloudException(String code, String message, boolean transientFailure, Throwable cause) {
        this(code, message, transientFailure, false, cause);
    }

    private CloudException(String code, String message, boolean transientFailure, boolean credentialFailure,
                           Throwable cause) {
        this(code, message, transientFailure, credentialFailure, null, cause);
    }

    private CloudException(String code, String message, boolean transientFailure, boolean credentialFailure,
                           java.time.Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.transientFailure = transientFailure || credentialFailure;
        this.credentialFailure = credentialFailure;
        this.retryAfter = retryAfter;
    }

    /**
     * The cloud throttled the call (ARM's 429) and asked to be left alone for {@code retryAfter} (null: it did not
     * say). Transient: the caller tries again, no sooner than that.
     */
    public static CloudException throttled(String code, String message, java.time.Duration retryAfter,
                                           Throwable cause) {
        return new CloudException(code, message, true, false, retryAfter, cause);
    }

    /**
     * A failure of the orchestrator's credential (always transient).
     *
     * @param code    ARM's code when ARM refused the token ({@code ExpiredAuthenticationToken}, …), else our own
     *                code for why no token could be had
     * @param message what was attempted and why it failed; the caller makes sure it holds no token or secret
     * @param cause   what the SDK or the credential threw, or null
     */
    public static CloudException credentials(String code, String message, Throwable cause) {
        return new CloudException(code, message, true, true, cause);
    }

    /**
     * The resource is busy with another operation (a slot swap, most often): nothing was changed, and the same
     * call can be made again once that operation is over. Transient; callers check again later rather than fail,
     * and never take it for "not started" evidence about their own operation. {@code message} keeps what the
     * cloud said (never a secret).
     */
    public static CloudException busy(String message, Throwable cause) {
        return new CloudException(OPERATION_IN_PROGRESS, message, true, false, cause);
    }

    /** Whether this is a {@linkplain #busy busy} refusal. */
    public boolean isBusy() {
        return OPERATION_IN_PROGRESS.equals(code);
    }

    public String code() {
        return code;
    }

    /**
     * How long the cloud asked the caller to wait before the next attempt (ARM's {@code Retry-After} on a 429);
     * null when it did not say.
     */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /** Whether the orchestrator's own credential failed (see the class comment); such a failure is transient. */
    public boolean isCredentialFailure() {
        return credentialFailure;
    }
}
