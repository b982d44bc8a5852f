package io.smoothdeploy.engine.steps;

import io.smoothdeploy.cloud.AppServiceCloud;
import io.smoothdeploy.cloud.CloudException;
import io.smoothdeploy.cloud.PackageDigest;
import io.smoothdeploy.cloud.SlotInfo;
import io.smoothdeploy.cloud.SlotRef;
import io.smoothdeploy.cloud.SlotSettingNames;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.MaintenancePackages;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.StepOutcome;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppRole;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the package and checks its bytes against the SHA-256 the caller gave, before anything in the cloud
 * changes: a package that was replaced, truncated or mixed up with another build fails here, with every site
 * still as it was. It runs first in every run and again after a roll forward (a new package).
 *
 * <p>It also makes sure each main site's maintenance slot will get production's old code from a package someone
 * can name ({@link MaintenancePackages}): a production whose WEBSITE_RUN_FROM_PACKAGE is {@code 1} or unset, with
 * no package named at start, fails here as a configuration error that says to give {@code currentPackages.<name>},
 * before anything changes. The start does not read the cloud (it answers at once, and credential or throttling
 * trouble is ridden out by this stage's retries instead); this stage reads only production's settings.
 *
 * <p>And it reads each main site's slot-setting names: a database connection string or database-mode setting
 * marked as a slot setting is refused here too, before anything changes (see {@link #stickyDatabaseSettings}), as
 * is, on every web app, a slot setting the engine itself writes (see {@link #stickyEngineSettings}).
 */
final class VerifyPackageStep implements StageStep {

    private final PackageDigest packages;
    private final AppServiceCloud appService;
    private final Clock clock;

    VerifyPackageStep(PackageDigest packages, AppServiceCloud appService, Clock clock) {
        this.packages = packages;
        this.appService = appService;
        this.clock = clock;
    }

    @Override
    public StepOutcome run(StepContext context) {
        Deployment deployment = context.deployment();
        String shown = Redact.uri(deployment.packageUri());
        Instant started = clock.instant();
        String actual;
        try {
            actual = packages.sha256(deployment.packageUri(), context.environment().allowedHosts())
                    .toLowerCase(Locale.ROOT);
        } catch (CloudException e) {
            if (e.isTransient()) {
                throw e;
            }
            // The adapter's message says only what the user needs (not reachable, not a zip, over a cap).
            return StepOutcome.fail(FailureKind.PACKAGE, "package " + shown + " could not be read (" + e.code()
                    + ": " + e.getMessage() + "); nothing was changed. " + advice(e.code()));
        }
        String expected = deployment.packageSha256().toLowerCase(Locale.ROOT);
        if (!expected.equals(actual)) {
            // The SHA-256 of what answered is not reported: it would tell a caller what some URL serves.
            return StepOutcome.fail(FailureKind.PACKAGE, "package " + shown + " does not match the SHA-256 the"
                    + " deployment was started with (" + expected + "); nothing was changed. Upload the package"
                    + " again, or start with the SHA-256 of the package that is there");
        }
        List<String> unnamed = unnamedOldCode(context);
        unnamed.addAll(stickyEngineSettings(context));
        if (!unnamed.isEmpty()) {
            return StepOutcome.fail(FailureKind.CONFIGURATION, String.join("; ", unnamed));
        }
        long seconds = Duration.between(started, clock.instant()).toSeconds();
        return StepOutcome.advance("Package " + shown + " matches its SHA-256 " + actual + " (read in " + seconds
                + " s)");
    }

    private static String advice(String code) {
        return switch (code) {
            case "PackageTooBig" -> "Make the package smaller, or raise the app setting PackageDownloadMaxMegabytes,"
                    + " then start again";
            case "PackageDownloadTooSlow" -> "Put the package where it downloads faster (the same region), or raise"
                    + " the app setting PackageDownloadMaxSeconds, then start again";
            case "PackageNotZip" -> "Point packageUri at the zip of the build (App Service runs a package from a"
                    + " zip), then start again";
            case "PackageUriRefused" -> "Use an https URI on a public host (and on the environment's allowedHosts,"
                    + " when it has them), then start again";
            default -> "Check that the URI is right and its SAS grants read access and has not expired, then start"
                    + " again";
        };
    }

    /**
     * Why the site cannot be deployed smoothly because its database connection string or database-mode setting is a
     * slot setting, if so. A swap keeps a sticky value with its slot and first applies the target's value to the
     * source (restarting it): the maintenance content would take production's connection string (P) and mode, so the
     * old code would run on P while the new release migrates P, and the restart at the swap would throw the warm-up
     * away (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Which settings are swapped?" and
     * "Swap operation steps"). The message names the settings, never their values.
     */
    private Optional<String> stickyDatabaseSettings(StepContext context, WebAppConfig webApp) {
        SlotSettingNames sticky = appService.slotSettingNames(webApp.resourceId());
        EnvironmentConfig environment = context.environment();
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
    private List<String> stickyEngineSettings(StepContext context) {
        List<String> problems = new ArrayList<>();
        for (WebAppConfig webApp : context.environment().webApps()) {
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
    private List<String> unnamedOldCode(StepContext context) {
        Deployment deployment = context.deployment();
        List<String> problems = new ArrayList<>();
        if (!deployment.mode().usesDatabaseClone()) {
            return problems;
        }
        String marker = SlotMarkers.maintenance(deployment.lineageId());
        for (WebAppConfig webApp : context.environment().webApps()) {
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
            stickyDatabaseSettings(context, webApp).ifPresent(problems::add);
            if (EnterMaintenanceStep.oldPackage(deployment, webApp.name(), production.get()).isEmpty()) {
                problems.add(MaintenancePackages.refusal(webApp.name(), production.get().packageUri()));
            }
        }
        return problems;
    }
}
