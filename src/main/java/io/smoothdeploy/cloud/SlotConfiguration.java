package io.smoothdeploy.cloud;

import java.util.Map;

/**
 * Settings to merge into a slot: the entries given are set, every other setting is left as it is.
 *
 * @param appSettings       app settings to set
 * @param connectionStrings connection strings to set (SQL Azure type)
 */
public record SlotConfiguration(Map<String, String> appSettings, Map<String, String> connectionStrings) {

    public SlotConfiguration {
        appSettings = Map.copyOf(appSettings);
        connectionStrings = Map.copyOf(connectionStrings);
    }
}
