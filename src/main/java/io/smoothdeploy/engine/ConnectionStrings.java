package io.smoothdeploy.engine;

import java.util.Locale;
import java.util.Optional;

/** Reads and rewrites the database name of a SQL connection string, without ever printing it. */
public final class ConnectionStrings {

    private static final String[] DATABASE_KEYS = {"initial catalog", "database"};

    private ConnectionStrings() {
    }

    /** The same connection string pointed at another database; empty when it names no database. */
    public static Optional<String> withDatabase(String connectionString, String database) {
        String[] parts = connectionString.split(";", -1);
        boolean replaced = false;
        for (int i = 0; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT);
            for (String databaseKey : DATABASE_KEYS) {
                if (key.equals(databaseKey)) {
                    parts[i] = parts[i].substring(0, eq + 1) + database;
                    replaced = true;
                }
            }
        }
        return replaced ? Optional.of(String.join(";", parts)) : Optional.empty();
    }

    /** The database a connection string names, if any. */
    public static Optional<String> database(String connectionString) {
        for (String part : connectionString.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            for (String databaseKey : DATABASE_KEYS) {
                if (key.equals(databaseKey)) {
                    return Optional.of(part.substring(eq + 1).trim());
                }
            }
        }
        return Optional.empty();
    }
}
