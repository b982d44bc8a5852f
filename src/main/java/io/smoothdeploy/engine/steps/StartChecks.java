package io.smoothdeploy.engine.steps;

import io.smoothdeploy.cloud.AppServiceCloud;
import io.smoothdeploy.cloud.CloudException;
import io.smoothdeploy.cloud.SlotInfo;
import io.smoothdeploy.cloud.SlotRef;
import io.smoothdeploy.cloud.SlotSettingNames;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.MaintenancePackages;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks the first stage makes in the cloud before anything changes, read-only: sticky database and engine
 * settings, and main sites whose old code no package names. {@link VerifyPackageStep} fails a deployment with
 * them; the dry run ({@link StartPlanner}) lists them, from the same code, so the two cannot drift.
 */
public final class StartChecks {

    private StartChecks() {
    }

    /**
     * Why {@code deployment} of {@code environment} would fail its first stage, one problem per line, or nothing.
     * Reads only (production slots and slot-setting names); a transient, busy or credential failure is thrown.
     */
    public static List<String> problems(AppServiceCloud appService, Deployment deployment,
                                        EnvironmentConfig environment) {
        List<String> problems = unnamedOldCode(appService, deployment, environment);
        problems.addAll(stickyEngineSettings(appService, environment));
        return problems;
    }

    /**
     * Why the site cannot be deployed smoothly because its database connection string or database-mode setting is a
     * slot setting, if so. A swap keeps a sticky value with its slot and first applies the target's value to the
     * source (restarting it): the maintenance content would take production's connection string (P) and mode, so the
     * old code would run on P while the new release migrates P, and the restart at the swap would throw the warm-up
     * away (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Which settings are swapped?" and
     * "Swap operation steps"). The message names the settings, never their values.
     */
    private static Optional<String> stickyDatabaseSettings(AppServiceCloud appService, EnvironmentConfig environment,
                                                           WebAppConfig webApp) {
        SlotSettingNames sticky = appService.slotSettingNames(webApp.resourceId());
        List<String> names = new ArrayList<>();
        if (sticky.connectionStringNames().contains(environment.connectionStringName())) {
            names.add("connection string " + environment.connectionStringName());
        }
        if (sticky.appSettingNames().contains(environment.databaseModeSetting())) {
            names.add("app setting " + environment.databaseModeSetting());
        }
        if (names.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("site " + webApp.name() + " marks its " + String.join(" and its ", names)
                + " as a deployment slot setting (sticky), so a swap would leave production's value in place: the old"
                + " code in maintenance would run on the production database while the new release migrates it, and"
                + " the restart the swap makes would throw its warm-up away; nothing was changed. In the portal"
                + " (Configuration) clear the \"Deployment slot setting\" box of " + String.join(" and ", names)
                + " on every slot of " + webApp.name() + " (or set slotSetting false), then start again");
    }

    /** The app settings the engine writes on every slot it swaps into production: they must move with the content. */
    static final List<String> ENGINE_SETTINGS = List.of(SlotMarkers.SETTING, SlotInfo.RUN_FROM_PACKAGE,
            SwapWarmUp.PING_PATH, SwapWarmUp.PING_STATUSES);

    /**
     * For each web app: why a setting the engine writes is a slot setting, if so. A swap leaves a sticky value with
     * its slot (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Which settings are swapped?"), so
     * a sticky content marker never reaches production (entering maintenance would configure and swap again until
     * its deadline), a sticky package stays behind (production would keep running the code the swap should have
     * replaced), and a sticky warm-up ping would warm the slot with production's path and statuses. A site the cloud
     * cannot find is left to the steps that report it in their own words.
     */
    private static List<String> stickyEngineSettings(AppServiceCloud appService, EnvironmentConfig environment) {
        List<String> problems = new ArrayList<>();
        for (WebAppConfig webApp : environment.webApps()) {
            SlotSettingNames sticky;
            try {
                sticky = appService.slotSettingNames(webApp.resourceId());
            } catch (CloudException e) {
                if (e.isTransient() || e.isBusy() || e.isCredentialFailure()) {
                    throw e;
                }
                continue;
            }
            List<String> names = ENGINE_SETTINGS.stream().filter(sticky.appSettingNames()::contains)
                    .map(name -> "app setting " + name).toList();
            if (!names.isEmpty()) {
                problems.add("site " + webApp.name() + " marks its " + String.join(" and its ", names)
                        + " as a deployment slot setting (sticky), but the orchestrator writes it on the slot it swaps"
                        + " in and it must move with the content; nothing was changed. In the portal (Configuration)"
                        + " clear the \"Deployment slot setting\" box of " + String.join(" and ", names) + " on every"
                        + " slot of " + webApp.name() + " (or set slotSetting false), then start again");
            }
        }
        return problems;
    }

    /**
     * For each main site still to enter maintenance: why its old code has no package anyone can name, if so. A
     * production already carrying this lineage's maintenance content (a roll forward, a resumed run) is skipped, as
     * is a site the cloud cannot find (entering maintenance reports that in its own words).
     */
    private static List<String> unnamedOldCode(AppServiceCloud appService, Deployment deployment,
                                               EnvironmentConfig environment) {
        List<String> problems = new ArrayList<>();
        if (!deployment.mode().usesDatabaseClone()) {
            return problems;
        }
        String marker = SlotMarkers.maintenance(deployment.lineageId());
        for (WebAppConfig webApp : environment.webApps()) {
            if (webApp.role() != WebAppRole.ZERO_DOWNTIME) {
                continue;
            }
            Optional<SlotInfo> production;
            try {
                production = appService.getSlot(SlotRef.production(webApp.resourceId()));
            } catch (CloudException e) {
                if (e.isTransient() || e.isBusy() || e.isCredentialFailure()) {
                    throw e;
                }
                continue;
            }
            if (production.isEmpty() || SlotMarkers.carries(production.get(), marker)) {
                continue;
            }
            stickyDatabaseSettings(appService, environment, webApp).ifPresent(problems::add);
            if (EnterMaintenanceStep.oldPackage(deployment, webApp.name(), production.get()).isEmpty()) {
                problems.add(MaintenancePackages.refusal(webApp.name(), production.get().packageUri()));
            }
        }
        return problems;
    }
}
