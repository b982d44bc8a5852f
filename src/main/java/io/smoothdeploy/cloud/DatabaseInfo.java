package io.smoothdeploy.cloud;

/**
 * A database as the cloud reports it.
 *
 * @param database which database
 * @param state    whether it can be used yet
 * @param detail   the cloud's own status word, for logs
 */
public record DatabaseInfo(DatabaseRef database, State state, String detail) {

    public enum State {
        /** Being created by a copy or a restore. */
        CREATING,
        ONLINE,
        /** The copy or restore that was creating it failed. */
        FAILED
    }
}
