package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.ConnectionStrings;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.StepOutcome;
import io.smoothdeploy.engine.WebAppPackage;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Deploys the NEW package to one web app's staging slot (its own, when the deployment gives a package per web app;
 * production's, kept, for a web app given none), pointed at the production database P (where its
 * migrations run) in ReadWrite mode. A slot that already runs the package with these settings is left alone.
 */
final class DeploySlotStep implements StageStep {

    private final AppServiceCloud appService;

    DeploySlotStep(AppServiceCloud appService) {
        this.appService = appService;
    }

    @Override
    public StepOutcome run(StepContext context) {
        SlotRef staging = context.staging();
        Optional<SlotInfo> production = appService.getSlot(context.production());
        if (production.isEmpty()) {
            return CloudChecks.missingProduction(context);
        }
        Map<String, String> settings = new HashMap<>();
        settings.put(SlotMarkers.SETTING, SlotMarkers.release(context.deployment().lineageId()));
        settings.putAll(SwapWarmUp.settings(context.webAppConfig()));
        Map<String, String> connections = new HashMap<>();
        if (context.zeroDowntime()) {
            EnvironmentConfig environment = context.environment();
            String current = production.get().connectionStrings().get(environment.connectionStringName());
            Optional<String> onProduction = current == null ? Optional.empty()
                    : ConnectionStrings.withDatabase(current, environment.database().name());
            if (onProduction.isEmpty()) {
                return StepOutcome.fail(FailureKind.CONFIGURATION, "site " + context.webAppConfig().name()
                        + " has no connection string named " + environment.connectionStringName()
                        + " that names a database");
            }
            connections.put(environment.connectionStringName(), onProduction.get());
            settings.put(environment.databaseModeSetting(), "ReadWrite");
        }
        SlotConfiguration wanted = new SlotConfiguration(settings, connections);
        Optional<WebAppPackage> pkg = context.deployment().packageFor(context.webAppConfig().name());
        if (pkg.isEmpty()) {
            // the package check names a kept package before anything changes; a row without one never deploys
            // unknown content to the staging slot
            return StepOutcome.fail(FailureKind.CONFIGURATION, "deployment " + context.deployment().id() + " names no "
                    + "package for site " + context.webAppConfig().name() + ", so nothing was deployed to its staging"
                    + " slot; reset it, then start again with packages." + context.webAppConfig().name());
        }
        String packageUri = pkg.get().uri();
        if (context.webApp() != null && context.webApp().previewAppliedAt() != null) {
            // a resumed or rolled-forward deployment whose staging slot is still in the swap with preview an earlier
            // warm-up started: its settings cannot be changed until that is cancelled (409 "its configuration
            // settings have been prepared for swap"), and the new warm-up applies production's settings again
            appService.resetConfiguration(staging);
            return new StepOutcome.CheckAgain(java.time.Duration.ofSeconds(1), "Cancelled the swap with preview of slot "
                    + staging + " before deploying to it", false, StepOutcome.Preview.CANCELLED);
        }
        appService.ensureSlot(staging);
        SlotInfo slot = appService.getSlot(staging).orElseThrow();
        boolean configured = EnterMaintenanceStep.matches(slot, wanted);
        if (configured && packageUri.equals(slot.packageUri()) && slot.running()) {
            return StepOutcome.advance("Slot " + staging + " already runs " + (pkg.get().kept()
                    ? "the package production runs (kept: given no package)" : "the new package"));
        }
        if (!configured) {
            appService.applyConfiguration(staging, wanted);
        }
        appService.deployPackage(staging, packageUri);
        if (!appService.getSlot(staging).orElseThrow().running()) {
            appService.startSlot(staging);
        }
        return StepOutcome.advance("Deployed package " + Redact.uri(packageUri) + " to slot " + staging
                + (pkg.get().kept() ? " (kept: the package production runs, as it was given none)" : ""));
    }
}
