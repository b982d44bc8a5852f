package io.smoothdeploy.engine.port;

import java.time.Instant;
import java.util.Optional;

/**
 * The Azure SQL part of the cloud port. Copies, restores and deletes are long operations: these methods start
 * them and return; callers poll {@link #getDatabase} from a message scheduled for later.
 */
public interface SqlCloud {

    Optional<DatabaseInfo> getDatabase(DatabaseRef database);

    /** Starts copying {@code source} to {@code target} on the same server, unless {@code target} exists. */
    void beginCopy(DatabaseRef source, DatabaseRef target);

    /**
     * Starts restoring {@code source} as it was at {@code pointInTime} into a new database {@code target},
     * unless {@code target} exists.
     */
    void beginPointInTimeRestore(DatabaseRef source, Instant pointInTime, DatabaseRef target);

    /** Renames a database on its server. */
    void rename(DatabaseRef database, String newName);

    /**
     * Asks for the database to be deleted and returns once that is accepted; nothing happens when it does not exist.
     * Azure SQL drops a database in the background, so {@link #getDatabase} may still find it for a while: callers
     * check in a later run until it is gone. Asking again while it is being dropped is harmless.
     */
    void deleteDatabase(DatabaseRef database);
}
