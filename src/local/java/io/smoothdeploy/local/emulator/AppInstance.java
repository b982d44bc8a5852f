package io.smoothdeploy.local.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What one slot serves: one start of its package with the app settings and connection strings it started
 * with. Immutable. A restart, a settings change or a package change replaces a slot's instance with a new one
 * (a new {@code startedAt}, so a new cold start); a swap moves instances between slots as they are.
 *
 * @param id                a number unique within the emulator, growing with every start
 * @param packageFile       the file {@code WEBSITE_RUN_FROM_PACKAGE} resolves to (its last path segment, never
 *                          the query string), or null when the slot has no package
 * @param manifest          the package's manifest, or null when there is no package or it could not be read
 * @param packageProblem    why there is no manifest ({@value #EMPTY_SITE} for a slot with no content, {@code package
 *                          not found: x.zip}, …), or null
 * @param connectionStrings the connection strings as environment variables, named with their type's prefix
 *                          ({@code SQLAZURECONNSTR_EPiServerDB}: see {@link PackageManifest#connectionStringVariable})
 * @param startedAt         when the instance started, on the emulator's clock
 * @param startupError      the first line of a failure at start (a failed migration), or null
 */
public record AppInstance(long id, String packageFile, PackageManifest manifest, String packageProblem,
                          Map<String, String> appSettings, Map<String, String> connectionStrings, Instant startedAt,
                          String startupError) {

    /**
     * The {@code packageProblem} of a slot with no content: no package URL, and nothing deployed into the slot itself.
     * It serves App Service's empty default site (hostingstart.html) with 200.
     */
    public static final String EMPTY_SITE = "empty default site";

    /** True for a slot with no content of its own and no package URL: it serves the empty default site. */
    public boolean emptySite() {
        return manifest == null && EMPTY_SITE.equals(packageProblem);
    }

    public AppInstance {
        appSettings = Map.copyOf(appSettings);
        connectionStrings = Map.copyOf(connectionStrings);
    }

    /** The database mode the app reads ({@code ReadOnly}, {@code ReadWrite}, …), or null when not set. */
    public String databaseMode() {
        String setting = manifest == null ? PackageManifest.DEFAULT_DATABASE_MODE_SETTING
                : manifest.databaseModeSetting();
        return appSettings.get(setting);
    }

    /** True when the database mode setting says {@code ReadOnly}; anything else (or nothing) is ReadWrite. */
    public boolean readOnly() {
        return "ReadOnly".equalsIgnoreCase(databaseMode());
    }

    /**
     * The connection string the app reads, or null: the environment variable of its name with the prefix of the type
     * it expects, so a string whose type was changed (SQLServer written back as SQLAzure) is not found.
     */
    public String connectionString() {
        String variable = manifest == null ? EmulatedSlot.environmentPrefix(PackageManifest.DEFAULT_CONNECTION_STRING_TYPE)
                + PackageManifest.DEFAULT_CONNECTION_STRING_NAME : manifest.connectionStringVariable();
        return connectionStrings.get(variable);
    }

    /** Whether the app is still warming up at {@code now}. */
    public boolean warmingUp(Instant now) {
        Duration coldStart = manifest == null ? Duration.ZERO : manifest.coldStart();
        return now.isBefore(startedAt.plus(coldStart));
    }

    /** The same running instance with other settings (a swap applying sticky settings before the switch). */
    AppInstance withSettings(Map<String, String> newAppSettings, Map<String, String> newConnectionStrings) {
        return new AppInstance(id, packageFile, manifest, packageProblem, newAppSettings, newConnectionStrings,
                startedAt, startupError);
    }
}
