package io.smoothdeploy.engine.port;

import java.time.Instant;

/**
 * A database as the cloud reports it.
 *
 * @param database        which database
 * @param state           whether it can be used yet
 * @param detail          the cloud's own status word, for logs
 * @param earliestRestore the earliest point a point-in-time restore of it can go back to (Azure SQL's
 *                        {@code earliestRestoreDate}); null when the cloud does not say
 */
public record DatabaseInfo(DatabaseRef database, State state, String detail, Instant earliestRestore) {

    /** A database whose earliest restore point is not known. */
    public DatabaseInfo(DatabaseRef database, State state, String detail) {
        this(database, state, detail, null);
    }

    public enum State {
        /** Being created by a copy or a restore. */
        CREATING,
        ONLINE,
        /** The copy or restore that was creating it failed. */
        FAILED
    }
}
