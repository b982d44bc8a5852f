package io.smoothdeploy.local.emulator;

import java.util.LinkedHashMap;
import java.util.Map;

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

    /** How many times the slot was restarted (explicit restarts, plus starts of a stopped slot). */
    public int restarts() {
        return restarts;
    }

    public Map<String, String> appSettings() {
        return Map.copyOf(appSettings);
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

    void setRunning(boolean running) {
        this.running = running;
    }

    void restarted() {
        restarts++;
    }

    EmulatedSlot copy() {
        EmulatedSlot copy = new EmulatedSlot(name, defaultHostName);
        copy.running = running;
        copy.restarts = restarts;
        copy.appSettings.putAll(appSettings);
        copy.connectionStrings.putAll(connectionStrings);
        return copy;
    }
}
