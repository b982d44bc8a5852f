package io.smoothdeploy.engine.port;

import java.util.Map;

/**
 * A slot as the cloud reports it.
 *
 * @param slot              which slot
 * @param running           false when the slot is stopped
 * @param defaultHostName   the slot's own host name (for example {@code cms-staging.azurewebsites.net})
 * @param baseUrl           where requests reach this slot directly (in Azure {@code https://<defaultHostName>})
 * @param appSettings       its app settings (values may be secrets: never log them)
 * @param connectionStrings its connection strings by name (values are secrets: never log them)
 */
public record SlotInfo(SlotRef slot, boolean running, String defaultHostName, String baseUrl,
                       Map<String, String> appSettings,
                       Map<String, String> connectionStrings) {

    /** The app setting that makes App Service run a slot from a package. */
    public static final String RUN_FROM_PACKAGE = "WEBSITE_RUN_FROM_PACKAGE";

    public SlotInfo {
        appSettings = Map.copyOf(appSettings);
        connectionStrings = Map.copyOf(connectionStrings);
    }

    /** The package the slot runs, or null. */
    public String packageUri() {
        return appSettings.get(RUN_FROM_PACKAGE);
    }
}
