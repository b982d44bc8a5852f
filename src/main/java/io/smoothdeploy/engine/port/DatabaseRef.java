package io.smoothdeploy.engine.port;

/**
 * An Azure SQL database.
 *
 * @param serverResourceId the logical server's ARM resource id
 * @param name             the database name
 */
public record DatabaseRef(String serverResourceId, String name) {

    @Override
    public String toString() {
        return serverResourceId.substring(serverResourceId.lastIndexOf('/') + 1) + "/" + name;
    }
}
