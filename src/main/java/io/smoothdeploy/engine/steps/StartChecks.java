package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.port.SlotSettingNames;
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
        problems.addAll(keptPackages(appService, deployment, environment).problems());
        return problems;
    }

    /**
     * For a deployment that gives a package per web app: what each web app given none keeps.
     *
     * @param named    web app name to the package its production slot runs (the URI may carry a SAS)
     * @param problems why a web app given none cannot keep its package, one per web app: nobody can name it
     */
    public record Kept(java.util.Map<String, String> named, List<String> problems) {
    }

    /**
     * Names the package each web app that the deployment gives no package (and whose kept package is not recorded
     * yet) keeps: the one its production slot runs, by a name every slot can fetch ({@link #currentPackage}). Its
     * staging slot gets that package, so it goes through the deployment on its own code (the web apps share the
     * database, so each takes part). Never unknown content: when nothing names it, that is a problem, and the first
     * stage fails with nothing changed. Reads only production slots.
     */
    public static Kept keptPackages(AppServiceCloud appService, Deployment deployment, EnvironmentConfig environment) {
        java.util.Map<String, String> named = new java.util.LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (!deployment.perWebAppPackages()) {
            return new Kept(named, problems);
        }
        for (WebAppConfig webApp : environment.webApps()) {
            if (deployment.packageFor(webApp.name()).isPresent()) {
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
            if (production.isEmpty()) {
                continue;
            }
            Optional<String> current = currentPackage(deployment, webApp, production.get());
            if (current.isPresent()) {
                named.put(webApp.name(), current.get());
            } else if (!reportedAsUnnamedOldCode(deployment, webApp, production.get())) {
                problems.add("Web app " + webApp.name() + " is given no package in packages, so it keeps the package"
                        + " its production slot runs, but nobody can name that package: production's"
                        + " WEBSITE_RUN_FROM_PACKAGE is not a package URL, and a staging slot gets none of its"
                        + " content; nothing was changed. Give it its package as packages." + webApp.name()
                        + " ({\"uri\": \"https://...\", \"sha256\": \"...\"}), or deploy it once as a package URL,"
                        + " then start again");
            }
        }
        return new Kept(named, problems);
    }

    /**
     * The package {@code webApp}'s production slot runs now, by a name every slot can fetch, or empty. While this
     * lineage's maintenance content serves, production's own value is the maintenance slot's: for a main site that
     * is its old code on the clone (named by the enter-maintenance step, so it is the package production ran), and
     * for another web app it is the maintenance page, which is never its package.
     */
    static Optional<String> currentPackage(Deployment deployment, WebAppConfig webApp, SlotInfo production) {
        boolean maintenanceServes = SlotMarkers.carries(production, SlotMarkers.maintenance(deployment.lineageId()));
        boolean oldCodeServes = webApp.role() == WebAppRole.ZERO_DOWNTIME && deployment.mode().usesDatabaseClone();
        if (maintenanceServes && !oldCodeServes) {
            return Optional.empty();
        }
        return EnterMaintenanceStep.oldPackage(deployment, webApp.name(), production);
    }

    /** True when {@link #unnamedOldCode} reports the same missing name already (a main site's old code). */
    private static boolean reportedAsUnnamedOldCode(Deployment deployment, WebAppConfig webApp, SlotInfo production) {
        return deployment.mode().usesDatabaseClone() && webApp.role() == WebAppRole.ZERO_DOWNTIME
                && !SlotMarkers.carries(production, SlotMarkers.maintenance(deployment.lineageId()));
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
