package io.smoothdeploy.engine.port;

/**
 * A conditional write lost: a row changed since it was read (HTTP 412 from Table storage), or a row that
 * must be new already exists (409). The caller re-reads and decides again; it never overwrites.
 */
public class ConcurrencyConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The deployment's rows as read right after the lost write, when the store read them; else null. */
    private final transient io.smoothdeploy.engine.DeploymentSnapshot current;

    public ConcurrencyConflictException(String message, Throwable cause) {
        this(message, cause, null);
    }

    public ConcurrencyConflictException(String message, Throwable cause,
                                        io.smoothdeploy.engine.DeploymentSnapshot current) {
        super(message, cause);
        this.current = current;
    }

    /**
     * The deployment's own rows as the store read them after the lost write (as
     * {@link DeploymentStore#loadRows} gives them), so that the caller can decide again without reading them
     * once more; empty when the store did not read them.
     */
    public java.util.Optional<io.smoothdeploy.engine.DeploymentSnapshot> current() {
        return java.util.Optional.ofNullable(current);
    }
}
