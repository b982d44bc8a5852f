package io.smoothdeploy.engine.port;

import java.util.Map;

/**
 * Settings to merge into a slot: the entries given are set, every other setting is left as it is.
 *
 * @param appSettings       app settings to set
 * @param connectionStrings connection strings to set, each with the type production has for that name (SQLAzure
 *                          for a name production lacks)
 */
public record SlotConfiguration(Map<String, String> appSettings, Map<String, String> connectionStrings) {

    public SlotConfiguration {
        appSettings = Map.copyOf(appSettings);
        connectionStrings = Map.copyOf(connectionStrings);
    }
}
