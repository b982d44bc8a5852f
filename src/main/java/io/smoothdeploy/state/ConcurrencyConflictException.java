package io.smoothdeploy.state;

/**
 * A conditional write lost: a row changed since it was read (HTTP 412 from Table storage), or a row that
 * must be new already exists (409). The caller re-reads and decides again; it never overwrites.
 */
public class ConcurrencyConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConcurrencyConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
