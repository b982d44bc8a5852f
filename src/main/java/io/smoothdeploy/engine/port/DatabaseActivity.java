package io.smoothdeploy.engine.port;

import java.util.OptionalLong;

/**
 * Tells whether anything wrote to a database. Completing a ReadWrite deployment drops the temporary clone
 * the maintenance slot ran on, so whatever the live site wrote there during the deployment is lost; this
 * port lets the orchestrator warn about it before it happens.
 *
 * <p>The answer is advice, not a gate: an implementation that cannot read the counter (no permission,
 * network trouble, the database still being copied) logs a warning without secrets and answers empty rather
 * than failing the step that asked.
 */
public interface DatabaseActivity {

    /**
     * How many row modifications (inserts, updates and deletes) reached the database since it was created:
     * rows a copy brought from its source do not count. Empty when the counter cannot be read.
     *
     * @throws CloudException only when the database clearly does not exist ({@code ResourceNotFound})
     */
    OptionalLong writesSinceCreated(DatabaseRef database);

    /**
     * Makes the database read-only, so that the count of its writes is final: nothing written to it after this
     * can be lost without having been counted. Calling it again changes nothing.
     *
     * @return false when the database could not be made read-only (logged, without secrets): the caller must
     *     then treat any count as possibly too low
     */
    boolean stopWrites(DatabaseRef database);
}
