package io.smoothdeploy.engine.port;

import java.util.Set;

/**
 * The names a site marks as slot settings ("deployment slot setting", sticky): in a swap these stay with their slot
 * instead of travelling with the content, and before the swap App Service applies the target slot's values of them to
 * the source slot and restarts it. Source: {@code WebApps_ListSlotConfigurationNames} ({@code GET
 * …/sites/{name}/config/slotConfigNames}) in azure-rest-api-specs, Microsoft.Web WebApps.json, and
 * https://learn.microsoft.com/azure/app-service/deploy-staging-slots ("Which settings are swapped?").
 *
 * @param appSettingNames        sticky app setting names
 * @param connectionStringNames  sticky connection string names
 */
public record SlotSettingNames(Set<String> appSettingNames, Set<String> connectionStringNames) {

    public static final SlotSettingNames NONE = new SlotSettingNames(Set.of(), Set.of());

    public SlotSettingNames {
        appSettingNames = Set.copyOf(appSettingNames);
        connectionStringNames = Set.copyOf(connectionStringNames);
    }
}
