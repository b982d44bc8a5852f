package io.smoothdeploy.engine;

/**
 * The production database P of an environment.
 *
 * @param serverResourceId the Azure SQL logical server's ARM resource id
 * @param name             the database name on that server
 */
public record DatabaseConfig(String serverResourceId, String name) {
}
