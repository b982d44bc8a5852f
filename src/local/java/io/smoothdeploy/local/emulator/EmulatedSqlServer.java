package io.smoothdeploy.local.emulator;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** An Azure SQL logical server (Microsoft.Sql/servers) and its databases. Guarded by the emulator's lock. */
final class EmulatedSqlServer {

    private final String resourceId;
    private final String location;
    private final Map<String, EmulatedDatabase> databases = new LinkedHashMap<>();

    EmulatedSqlServer(String resourceId, String location) {
        this.resourceId = resourceId;
        this.location = location;
    }

    String resourceId() {
        return resourceId;
    }

    String location() {
        return location;
    }

    /** The database of this name; one whose drop is over is gone (and forgotten). */
    Optional<EmulatedDatabase> database(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        EmulatedDatabase database = databases.get(key);
        if (database != null && database.dropped()) {
            databases.remove(key);
            return Optional.empty();
        }
        return Optional.ofNullable(database);
    }

    void put(EmulatedDatabase database) {
        databases.put(database.name().toLowerCase(Locale.ROOT), database);
    }

    Optional<EmulatedDatabase> remove(String name) {
        return Optional.ofNullable(databases.remove(name.toLowerCase(Locale.ROOT)));
    }

    /** The databases that exist (those whose drop is over are forgotten first). */
    Iterable<EmulatedDatabase> databases() {
        databases.values().removeIf(EmulatedDatabase::dropped);
        return databases.values();
    }

    String databaseId(String name) {
        return resourceId + "/databases/" + name;
    }
}
