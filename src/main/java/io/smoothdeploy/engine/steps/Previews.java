package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotSettingNames;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Swap with preview for the maintenance slot, read from the cloud rather than recorded. A swap into production first
 * applies production's slot settings (the app settings and connection strings marked "deployment slot setting") to
 * the source and restarts it when a value differs (https://learn.microsoft.com/azure/app-service/deploy-staging-slots,
 * "Swap operation steps"). A slot that already holds production's value of every slot setting gives that swap
 * nothing to apply: no restart, so the warm-up the engine did is what production gets.
 *
 * <p>The decision for the maintenance slot (entering maintenance, and Reset's swap back): it uses the preview too,
 * whenever production has slot settings whose values it lacks (sticky settings about the database are refused at
 * the start, so these are others, such as an Application Insights connection). Unlike the staging slot's preview
 * (recorded in the web app's row, {@link WarmUpStep}) it needs no record: the check is the slot's values against
 * production's, so a crash before or after applying it is seen by the next run as it is, and its preview ends with
 * the swap it prepares (or is cancelled with the staging slot's by a later deployment's configuration).
 */
final class Previews {

    private Previews() {
    }

    /** True when {@code slot} holds production's value of every slot setting, so a swap would apply nothing. */
    static boolean hasProductionSlotSettings(AppServiceCloud appService, SlotInfo production, SlotInfo slot) {
        SlotSettingNames sticky = appService.slotSettingNames(production.slot().siteResourceId());
        return same(sticky.appSettingNames(), production.appSettings(), slot.appSettings())
                && same(sticky.connectionStringNames(), production.connectionStrings(), slot.connectionStrings());
    }

    private static boolean same(Set<String> names, Map<String, String> production, Map<String, String> slot) {
        return names.stream().allMatch(name -> Objects.equals(production.get(name), slot.get(name)));
    }
}
