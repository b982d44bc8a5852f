package io.smoothdeploy.local.emulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One deployment slot of an {@link EmulatedSite} (the production slot is named {@code production}). Its
 * package is its {@code WEBSITE_RUN_FROM_PACKAGE} app setting, as in App Service. Guarded by the
 * emulator's lock: read it through {@link AzureEmulator#slot} (a copy) from tests.
 */
public final class EmulatedSlot {

    /** The connection string type every string gets unless a request names another. */
    public static final String SQL_AZURE = "SQLAzure";

    private final String name;
    private final String defaultHostName;
    private boolean running = true;
    private int restarts;
    final Map<String, String> appSettings = new LinkedHashMap<>();
    final Map<String, ConnectionString> connectionStrings = new LinkedHashMap<>();
    /**
     * The slot's site configuration ({@code WebApps_GetConfiguration}, {@code …/config/web}): the fields of
     * {@link #SITE_CONFIG_FIELDS} that have a value, as text. A new slot gets App Service's defaults
     * ({@link #defaultSiteConfig}) unless its create request gives them.
     */
    final Map<String, String> siteConfig = new LinkedHashMap<>(defaultSiteConfig());
    /**
     * The package file deployed into this slot itself (its own d:\home\data\SitePackages or wwwroot), which it
     * runs when its WEBSITE_RUN_FROM_PACKAGE is {@code 1} or unset; null for a slot that never got one (a new
     * slot). It travels with the slot's content in a swap, never to a new slot.
     */
    String ownPackage;
    /** The pending swap with preview ({@code applySlotConfig}), or null. */
    private Preview preview;
    /**
     * When the restart a write asked for takes effect (the old instance answers until then), or null when none is
     * pending; see {@link AzureEmulator#setRestartLag}.
     */
    java.time.Instant restartDue;

    /**
     * A swap with preview in progress: the slot whose sticky settings this slot took, and this slot's own
     * values of those settings (null: the slot did not have it), which a reset or a completed swap puts back.
     */
    private static final class Preview {
        final String targetSlot;
        final Map<String, String> ownAppSettings = new LinkedHashMap<>();
        final Map<String, ConnectionString> ownConnectionStrings = new LinkedHashMap<>();

        Preview(String targetSlot) {
            this.targetSlot = targetSlot;
        }

        Preview copy() {
            Preview copy = new Preview(targetSlot);
            copy.ownAppSettings.putAll(ownAppSettings);
            copy.ownConnectionStrings.putAll(ownConnectionStrings);
            return copy;
        }
    }

    /** The site configuration fields the emulator keeps; they travel with the content in a swap. */
    public static final java.util.List<String> SITE_CONFIG_FIELDS = java.util.List.of("netFrameworkVersion",
            "phpVersion", "pythonVersion", "nodeVersion", "powerShellVersion", "linuxFxVersion", "windowsFxVersion",
            "javaVersion", "javaContainer", "javaContainerVersion", "use32BitWorkerProcess", "alwaysOn",
            "http20Enabled", "minTlsVersion", "ftpsState", "webSocketsEnabled");

    /** Which of {@link #SITE_CONFIG_FIELDS} are booleans in ARM's JSON. */
    static final java.util.Set<String> BOOLEAN_FIELDS = java.util.Set.of("use32BitWorkerProcess", "alwaysOn",
            "http20Enabled", "webSocketsEnabled");

    /**
     * What a slot created without a site configuration has: no stack (javaVersion null) and a 32-bit worker. The
     * recorded slot-swap session of azure-sdk-for-java (sdk/resourcemanager/azure-resourcemanager-appservice/src/test/
     * resources/session-records/DeploymentSlotsTests.canCRUDSwapSlots.json) shows production on javaVersion 1.7.0_51
     * with Tomcat and a slot created without configuration on javaVersion null, use32BitWorkerProcess true. The
     * other values are harsh guesses (always-on off, HTTP/1.1, FTP allowed), so that a slot nobody configured never
     * looks like production by luck.
     */
    static Map<String, String> defaultSiteConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("netFrameworkVersion", "v4.0");
        config.put("use32BitWorkerProcess", "true");
        config.put("alwaysOn", "false");
        config.put("http20Enabled", "false");
        config.put("minTlsVersion", "1.2");
        config.put("ftpsState", "AllAllowed");
        config.put("webSocketsEnabled", "false");
        return config;
    }

    /** The slot's site configuration (see {@link #SITE_CONFIG_FIELDS}); fields without a value are absent. */
    public Map<String, String> siteConfig() {
        return Map.copyOf(siteConfig);
    }

    EmulatedSlot(String name, String defaultHostName) {
        this.name = name;
        this.defaultHostName = defaultHostName;
    }

    /** A connection string as App Service stores it. */
    public record ConnectionString(String value, String type) {
    }

    public String name() {
        return name;
    }

    public String defaultHostName() {
        return defaultHostName;
    }

    public boolean running() {
        return running;
    }

    /** How many times the slot was restarted (explicit restarts, starts of a stopped slot, settings writes). */
    public int restarts() {
        return restarts;
    }

    public Map<String, String> appSettings() {
        return Map.copyOf(appSettings);
    }

    /** Connection string types by name ({@code SQLAzure}, {@code SQLServer}, {@code Custom}, …). */
    public Map<String, String> connectionStringTypes() {
        Map<String, String> types = new LinkedHashMap<>();
        connectionStrings.forEach((k, v) -> types.put(k, v.type()));
        return Map.copyOf(types);
    }

    /**
     * The connection strings as the app sees them: environment variables named with the type's prefix
     * ({@code SQLAZURECONNSTR_EPiServerDB}); https://learn.microsoft.com/azure/app-service/configure-common
     * ("Configure connection strings": the prefixes for SQLServer, MySql, SQLAzure, PostgreSQL and Custom; the
     * other types of {@code ConnectionStringType} in the Microsoft.Web REST spec follow the same pattern).
     */
    Map<String, String> environmentConnectionStrings() {
        Map<String, String> variables = new LinkedHashMap<>();
        connectionStrings.forEach((k, v) -> variables.put(environmentPrefix(v.type()) + k, v.value()));
        return Map.copyOf(variables);
    }

    /** The environment-variable prefix of a connection string type; throws for a type App Service does not have. */
    static String environmentPrefix(String type) {
        String prefix = PREFIXES.get(type.toLowerCase(java.util.Locale.ROOT));
        if (prefix == null) {
            throw new IllegalArgumentException("no connection string type " + type + "; App Service has " + TYPES);
        }
        return prefix;
    }

    /** The types of {@code ConnectionStringType} (Microsoft.Web WebApps.json), as ARM spells them. */
    static final java.util.List<String> TYPES = java.util.List.of("MySql", "SQLServer", "SQLAzure", "Custom",
            "NotificationHub", "ServiceBus", "EventHub", "ApiHub", "DocDb", "RedisCache", "PostgreSQL");

    private static final Map<String, String> PREFIXES = new java.util.HashMap<>();

    static {
        for (String type : TYPES) {
            PREFIXES.put(type.toLowerCase(java.util.Locale.ROOT), type.toUpperCase(java.util.Locale.ROOT) + "CONNSTR_");
        }
        PREFIXES.put("sqlserver", "SQLCONNSTR_");
    }

    /** Connection string values by name. */
    public Map<String, String> connectionStrings() {
        Map<String, String> values = new LinkedHashMap<>();
        connectionStrings.forEach((k, v) -> values.put(k, v.value()));
        return Map.copyOf(values);
    }

    public String packageUri() {
        return appSettings.get("WEBSITE_RUN_FROM_PACKAGE");
    }

    /** The package file deployed into the slot itself (see {@link AzureEmulator#deployToSlotItself}), or null. */
    public String ownPackage() {
        return ownPackage;
    }

    /** The slot whose sticky settings this slot took in a pending swap with preview, or empty. */
    public Optional<String> previewTargetSlot() {
        return preview == null ? Optional.empty() : Optional.of(preview.targetSlot);
    }

    /**
     * Phase 1 of a swap with preview: takes {@code target}'s values of the sticky names (removing those target
     * lacks), remembering this slot's own values the first time each name is taken.
     *
     * @return whether any value of this slot changed
     */
    boolean applyPreview(EmulatedSlot target, Set<String> stickySettings, Set<String> stickyConnectionStrings) {
        if (preview == null) {
            preview = new Preview(target.name());
        }
        boolean changed = take(appSettings, target.appSettings, stickySettings, preview.ownAppSettings);
        return take(connectionStrings, target.connectionStrings, stickyConnectionStrings, preview.ownConnectionStrings)
                || changed;
    }

    /** Puts this slot's own sticky values back and ends the preview; false when there was none. */
    boolean resetPreview() {
        if (preview == null) {
            return false;
        }
        restore(appSettings, preview.ownAppSettings);
        restore(connectionStrings, preview.ownConnectionStrings);
        preview = null;
        return true;
    }

    private static <V> boolean take(Map<String, V> mine, Map<String, V> theirs, Set<String> names,
                                    Map<String, V> remembered) {
        boolean changed = false;
        for (String name : names) {
            if (!remembered.containsKey(name)) {
                remembered.put(name, mine.get(name));
            }
            V wanted = theirs.get(name);
            V old = wanted == null ? mine.remove(name) : mine.put(name, wanted);
            changed |= !Objects.equals(old, wanted);
        }
        return changed;
    }

    private static <V> void restore(Map<String, V> mine, Map<String, V> remembered) {
        remembered.forEach((name, value) -> {
            if (value == null) {
                mine.remove(name);
            } else {
                mine.put(name, value);
            }
        });
    }

    void setRunning(boolean running) {
        this.running = running;
    }

    void restarted() {
        restarts++;
    }

    /** True while a restart that a write asked for has not taken effect yet (the old instance still answers). */
    public boolean restartPending() {
        return restartDue != null;
    }

    EmulatedSlot copy() {
        EmulatedSlot copy = new EmulatedSlot(name, defaultHostName);
        copy.running = running;
        copy.restarts = restarts;
        copy.restartDue = restartDue;
        copy.ownPackage = ownPackage;
        copy.appSettings.putAll(appSettings);
        copy.connectionStrings.putAll(connectionStrings);
        copy.siteConfig.clear();
        copy.siteConfig.putAll(siteConfig);
        copy.preview = preview == null ? null : preview.copy();
        return copy;
    }
}
