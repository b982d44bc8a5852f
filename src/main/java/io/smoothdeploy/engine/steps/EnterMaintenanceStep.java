package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.ConnectionStrings;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.MaintenancePackages;
import io.smoothdeploy.engine.StepOutcome;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Puts one web app in maintenance. A main site gets its maintenance slot running the OLD package on the
 * temporary database T in the deployment's database mode; another app gets the maintenance page. The slot
 * is warmed, then swapped into production. The production slot's content marker says whether the swap
 * already happened.
 *
 * <p>Each run does one bounded piece and reads the cloud to know which: (a) create, configure and start the
 * slot, then give it production's slot settings when it lacks them (swap with preview, {@link Previews}: the swap
 * then restarts nothing); (b) one warm-up round; (c) when a round finds the slot warm, start the swap; (d) later runs find the
 * swap still running (the site answers busy) until production carries the maintenance marker. Nothing waits
 * for a long operation inside a run.
 */
final class EnterMaintenanceStep implements StageStep {

    private final AppServiceCloud appService;
    private final SlotWarmer warmer;
    private final Pacing pacing;

    EnterMaintenanceStep(AppServiceCloud appService, SlotWarmer warmer, Pacing pacing) {
        this.appService = appService;
        this.warmer = warmer;
        this.pacing = pacing;
    }

    @Override
    public StepOutcome run(StepContext context) {
        String site = context.webAppConfig().name();
        String marker = SlotMarkers.maintenance(context.deployment().lineageId());
        Optional<SlotInfo> production = appService.getSlot(context.production());
        if (production.isEmpty()) {
            return CloudChecks.missingProduction(context);
        }
        if (SlotMarkers.carries(production.get(), marker)) {
            return StepOutcome.advance(doneLine(context, site));
        }
        Optional<StepOutcome> swapping = Swaps.awaitRequested(context, pacing,
                context.environment().warmUpTimeout().plus(pacing.swapTimeout()), "the maintenance content");
        if (swapping.isPresent()) {
            return swapping.get();
        }
        if (context.zeroDowntime() && oldPackage(context, production.get()).isEmpty()) {
            // The package check refuses this already; a production changed since it ran still never gets an empty
            // slot swapped in
            return StepOutcome.fail(FailureKind.CONFIGURATION, "site " + site + " runs a package nobody can name "
                    + "(its WEBSITE_RUN_FROM_PACKAGE is not a package URL) and this deployment names none, so its "
                    + "maintenance slot would serve an empty site; nothing was swapped. Reset, then start again with "
                    + MaintenancePackages.FIELD + "." + site + " set to the https URI of the package production runs");
        }
        Optional<SlotConfiguration> wanted = maintenanceConfiguration(context, production.get());
        if (wanted.isEmpty()) {
            return StepOutcome.fail(FailureKind.CONFIGURATION, "site " + site + " has no connection string named "
                    + context.environment().connectionStringName() + " that names a database");
        }
        SlotRef maintenance = context.maintenance();
        Optional<SlotInfo> existing = appService.getSlot(maintenance);
        if (existing.isEmpty() || !matches(existing.get(), wanted.get()) || !existing.get().running()) {
            // (a) one run: create, configure and start the slot; warm-up starts with the next run
            if (existing.isEmpty()) {
                appService.ensureSlot(maintenance);
            }
            SlotInfo slot = appService.getSlot(maintenance).orElseThrow();
            if (!matches(slot, wanted.get())) {
                if (existing.isPresent()) {
                    // a slot left in a swap with preview (an earlier attempt that never swapped) refuses config
                    // writes (409, "its configuration settings have been prepared for swap"): cancel it first;
                    // without a pending preview this changes nothing
                    appService.resetConfiguration(maintenance);
                }
                appService.applyConfiguration(maintenance, wanted.get());
                slot = appService.getSlot(maintenance).orElseThrow();
            }
            if (!slot.running()) {
                appService.startSlot(maintenance);
            }
            return StepOutcome.checkAgain(pacing.warmUpPoll(), "Prepared maintenance slot " + maintenance
                    + "; warming it up");
        }
        Optional<StepOutcome> stopped = Swaps.explainStopped(appService, warmer, context, maintenance,
                "the maintenance content", "its previous content");
        if (stopped.isPresent()) {
            return stopped.get();
        }
        if (!Previews.hasProductionSlotSettings(appService, production.get(), existing.get())) {
            // swap with preview (see Previews): production's slot settings before the warm-up, so the swap restarts
            // nothing and the warmed instance is the one that serves
            appService.applyProductionConfiguration(maintenance);
            return StepOutcome.checkAgain(pacing.warmUpPoll(), "Applied production's slot settings to maintenance"
                    + " slot " + maintenance + " (swap with preview); warming it up as it will run in production");
        }
        // (b) one warm-up round per run; only answers from the maintenance content count, not from the instance that
        // ran before the configuration was written (see SlotWarmer.probeCurrent: restarts are asynchronous)
        SlotWarmer.Round round = warmer.probeCurrent(appService, existing.get(), context.webAppConfig());
        EnvironmentConfig environment = context.environment();
        if (!round.warm()) {
            if (context.pastDeadline(environment.warmUpTimeout())) {
                return StepOutcome.fail(FailureKind.WARM_UP, "maintenance slot " + maintenance
                        + " did not warm up within " + environment.warmUpTimeout().toSeconds() + " s: "
                        + round.summary(), round.failing(maintenance.slot()));
            }
            return StepOutcome.checkAgain(pacing.warmUpPoll(), "Warming maintenance slot " + maintenance + ": "
                    + round.summary());
        }
        // A swap an earlier run started may have finished while this one probed: read production again right
        // before asking for a swap, so that a finished swap is never followed by a second one (a swap back)
        Optional<SlotInfo> now = appService.getSlot(context.production());
        if (now.isPresent() && SlotMarkers.carries(now.get(), marker)) {
            return StepOutcome.advance(doneLine(context, site));
        }
        // (c) warm: start the swap; (d) later runs find it running (busy) until production carries the marker
        return Swaps.beginOrCheck(appService, context, maintenance, "the maintenance content", pacing,
                environment.warmUpTimeout().plus(pacing.swapTimeout()));
    }

    private static String doneLine(StepContext context, String site) {
        return context.zeroDowntime()
                ? "Enabling zero downtime deployment mode " + context.deployment().mode().wireName() + " on site " + site
                : "Putting site " + site + " in maintenance mode";
    }

    private static Optional<SlotConfiguration> maintenanceConfiguration(StepContext context, SlotInfo production) {
        EnvironmentConfig environment = context.environment();
        Map<String, String> settings = new HashMap<>();
        settings.put(SlotMarkers.SETTING, SlotMarkers.maintenance(context.deployment().lineageId()));
        settings.putAll(SwapWarmUp.settings(context.webAppConfig()));
        if (!context.zeroDowntime()) {
            settings.put(SlotInfo.RUN_FROM_PACKAGE, environment.maintenancePagePackageUri());
            return Optional.of(new SlotConfiguration(settings, Map.of()));
        }
        String connection = production.connectionStrings().get(environment.connectionStringName());
        if (connection == null) {
            return Optional.empty();
        }
        Optional<String> onClone = ConnectionStrings.withDatabase(connection, context.temporaryDatabase().name());
        if (onClone.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> old = oldPackage(context, production);
        if (old.isEmpty()) {
            return Optional.empty();
        }
        settings.put(SlotInfo.RUN_FROM_PACKAGE, old.get());
        settings.put(environment.databaseModeSetting(), context.deployment().mode().wireName());
        return Optional.of(new SlotConfiguration(settings, Map.of(environment.connectionStringName(), onClone.get())));
    }

    /**
     * The old code's package, by a name every slot can fetch: production's WEBSITE_RUN_FROM_PACKAGE when it is a
     * URL (what production runs now), else the one the deployment named at start ({@link MaintenancePackages}).
     * Never production's value as it is: {@code 1} names a package in the app's own d:\home\data\SitePackages and
     * no value content in wwwroot, and a new slot has neither
     * (https://learn.microsoft.com/azure/app-service/deploy-run-package;
     * https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Add a slot": a new slot has no content):
     * such a slot serves the empty default page with 200.
     */
    static Optional<String> oldPackage(StepContext context, SlotInfo production) {
        return oldPackage(context.deployment(), context.webAppConfig().name(), production);
    }

    static Optional<String> oldPackage(io.smoothdeploy.engine.Deployment deployment, String webApp,
                                       SlotInfo production) {
        if (MaintenancePackages.isUrl(production.packageUri())) {
            return Optional.of(production.packageUri());
        }
        return Optional.ofNullable(deployment.maintenancePackages().get(webApp));
    }

    static boolean matches(SlotInfo slot, SlotConfiguration wanted) {
        return slot.appSettings().entrySet().containsAll(wanted.appSettings().entrySet())
                && slot.connectionStrings().entrySet().containsAll(wanted.connectionStrings().entrySet());
    }
}
