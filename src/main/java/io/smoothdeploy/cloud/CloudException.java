package io.smoothdeploy.cloud;

/**
 * A cloud operation failed. {@code code} is the cloud's error code (for ARM, the error code of its error
 * body, such as {@code ResourceNotFound}); {@code transientFailure} says whether trying the same call again
 * later may succeed (throttling, 5xx, timeouts). The message never holds a secret.
 */
public class CloudException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final boolean transientFailure;

    public CloudException(String code, String message, boolean transientFailure) {
        super(message);
        this.code = code;
        this.transientFailure = transientFailure;
    }

    public CloudException(String code, String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.transientFailure = transientFailure;
    }

    public String code() {
        return code;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
