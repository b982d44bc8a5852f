package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseInfo;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.port.SqlCloud;
import io.smoothdeploy.engine.Actor;
import io.smoothdeploy.engine.CommandResult;
import io.smoothdeploy.engine.Decision;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentService;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.StartRequest;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppPhase;
import io.smoothdeploy.engine.WebAppRole;
import io.smoothdeploy.engine.WebAppState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dry run: what a start with this request would do, written nowhere. The start's own code decides it
 * ({@link DeploymentService#preview}: the same reads, refusals and pure decisions {@code Commands.start},
 * {@code Commands.rollForward} and {@code Resume} make), and the first stage's cloud checks ({@link StartChecks})
 * read production the way that stage will; this class only reads and describes. Package URIs are shown without
 * their SAS.
 */
public final class StartPlanner {

    /** Stands in for the id a real start would give the new deployment (never stored). */
    static final String PLANNED_ID = "planned";

    private final DeploymentService service;
    private final AppServiceCloud appService;
    private final SqlCloud sql;

    public StartPlanner(DeploymentService service, AppServiceCloud appService, SqlCloud sql) {
        this.service = service;
        this.appService = appService;
        this.sql = sql;
    }

    /** What a start would do: refused at once (the same result a start gives), or a plan. */
    public sealed interface Outcome {
    }

    /** The start would be refused with {@code result} (not found, busy, invalid), as a start is. */
    public record Refused(CommandResult result) implements Outcome {
    }

    /**
     * What the start would do.
     *
     * @param action        {@code Start}, {@code Resume} (of {@code earlierDeploymentId}), {@code RollForward} (of the
     *                      running {@code earlierDeploymentId}) or {@code Reattach} (the idempotency key started
     *                      {@code earlierDeploymentId} already: the start answers with it and changes nothing)
     * @param temporaryDatabase the database clone, or null in MaintenancePage mode
     * @param webApps       each web app, in the environment's order
     * @param wouldFail     why the first stage would fail the deployment, changing nothing (sticky settings, an old
     *                      release no package names); empty when it would go on
     * @param notChecked    cloud reads that could not be made, so the checks behind them were not run
     * @param log           the lines the start would log first
     * @param packages      per web app, the package the deployment would record (URIs may carry a SAS: the view
     *                      shows them without), or null when one package goes to every web app
     */
    public record Plan(String environment, String action, String earlierDeploymentId, String mode, String packageUri,
                       Clone temporaryDatabase, List<WebApp> webApps, List<String> wouldFail, List<String> notChecked,
                       List<String> log, java.util.Map<String, io.smoothdeploy.engine.WebAppPackage> packages)
            implements Outcome {

        /** {@code packages}: the packages per web app the deployment would record, or null for one package for all. */
        public Plan {
            packages = packages == null ? null : java.util.Map.copyOf(packages);
        }
    }

    /**
     * @param database the temporary database's name (null for a new run, whose name comes from its new id)
     * @param reused   true when an online copy of this lineage is there and would be kept
     */
    public record Clone(String database, boolean reused, String detail) {
    }

    /**
     * @param entersMaintenance    true when the start would put it into maintenance
     * @param alreadyInMaintenance true when it is in maintenance already and would not be put there again
     * @param redeploys            true when the new package would be deployed to its staging slot (false: the same
     *                             package is deployed there already)
     * @param stagingPackage       the package its staging slot would get (for a web app given none, the package its
     *                             production runs, or null when nobody can name it: then {@code wouldFail} says so)
     * @param keepsCurrentPackage  true when the start gives it no package, so it keeps the one production runs
     * @param maintenancePackage   what its maintenance slot would run (production's old code, or the maintenance
     *                             page), or null when no package names it (then {@code wouldFail} says so)
     */
    public record WebApp(String name, String role, boolean entersMaintenance, boolean alreadyInMaintenance,
                         boolean redeploys, String stagingPackage, String maintenancePackage,
                         boolean keepsCurrentPackage) {
    }

    /** Plans a start of {@code request} by {@code actor}; nothing is written or sent. */
    public Outcome plan(StartRequest request, Actor actor) {
        DeploymentService.StartPreview preview = service.preview(request, actor, PLANNED_ID);
        if (preview.refusal() != null) {
            return new Refused(preview.refusal());
        }
        EnvironmentConfig config = preview.environment().config();
        if (preview.decision() == null) {
            Deployment existing = preview.earlier().deployment();
            return new Plan(config.name(), "Reattach", existing.id(), existing.mode().wireName(),
                    Redact.uri(existing.packageUri()), null, webApps(config, preview.earlier().webApps(),
                    existing, List.of(), List.of()), List.of(), List.of(), List.of(),
                    existing.perWebAppPackages() ? existing.packages() : null);
        }
        Decision decision = preview.decision();
        Deployment deployment = decision.deployment();
        String action = preview.rollForward() ? "RollForward"
                : deployment.resumedFrom() != null ? "Resume" : "Start";
        List<String> notChecked = new ArrayList<>();
        List<String> wouldFail = new ArrayList<>();
        // the first stage runs again after a roll forward too, with the same checks
        try {
            wouldFail.addAll(StartChecks.problems(appService, deployment, config));
        } catch (CloudException e) {
            notChecked.add("the slot settings and production packages could not be read (" + e.code()
                    + "), so the first stage's checks were not run");
        }
        List<String> log = decision.log().stream().map(LogLine::message).toList();
        return new Plan(config.name(), action, preview.earlier() == null ? null : preview.earlier().deployment().id(),
                deployment.mode().wireName(), Redact.uri(deployment.packageUri()),
                clone(deployment, config, preview.rollForward(), notChecked),
                webApps(config, decision.webApps(), deployment, wouldFail, notChecked), List.copyOf(wouldFail),
                List.copyOf(notChecked), log, deployment.perWebAppPackages() ? deployment.packages() : null);
    }

    private Clone clone(Deployment deployment, EnvironmentConfig config, boolean rollForward, List<String> notChecked) {
        if (!deployment.mode().usesDatabaseClone()) {
            return null;
        }
        String production = config.database().name();
        if (rollForward) {
            return new Clone(deployment.temporaryDatabaseName(production), true,
                    "a roll forward keeps the running deployment's clone serving");
        }
        if (deployment.resumedFrom() == null) {
            return new Clone(null, false, "a new copy of " + production + " would be made");
        }
        String name = deployment.temporaryDatabaseName(production);
        try {
            Optional<DatabaseInfo> info = sql.getDatabase(new DatabaseRef(config.database().serverResourceId(), name));
            if (info.isPresent() && info.get().state() == DatabaseInfo.State.ONLINE) {
                return new Clone(name, true, "the failed run's copy " + name + " is online and would be reused");
            }
            return new Clone(name, false, info.isEmpty() ? "the failed run's copy " + name + " is not there: "
                    + production + " would be copied again" : "the failed run's copy " + name + " is "
                    + info.get().state() + ": the clone step waits for it, or copies again after a failed copy");
        } catch (CloudException e) {
            notChecked.add("database " + name + " could not be read (" + e.code() + ")");
            return new Clone(name, false, "not known: the database could not be read");
        }
    }

    private List<WebApp> webApps(EnvironmentConfig config, List<WebAppState> states, Deployment deployment,
                                 List<String> wouldFail, List<String> notChecked) {
        List<WebApp> plans = new ArrayList<>();
        for (WebAppState state : states) {
            Optional<WebAppConfig> webApp = config.webApp(state.name());
            if (webApp.isEmpty()) {
                continue;
            }
            boolean already = state.maintenance();
            boolean redeploys = state.phase().order() < WebAppPhase.DEPLOYED.order();
            Optional<io.smoothdeploy.engine.WebAppPackage> own = deployment.packageFor(state.name());
            boolean keeps = own.map(io.smoothdeploy.engine.WebAppPackage::kept).orElse(true);
            String staging = own.map(io.smoothdeploy.engine.WebAppPackage::shown)
                    .orElseGet(() -> keptPackage(webApp.get(), deployment, notChecked));
            plans.add(new WebApp(state.name(), webApp.get().role().wireName(), !already, already, redeploys,
                    staging, maintenancePackage(webApp.get(), deployment, config, notChecked), keeps));
        }
        return plans;
    }

    /** What the staging slot of a web app given no package would get: production's package, as the first stage names it. */
    private String keptPackage(WebAppConfig webApp, Deployment deployment, List<String> notChecked) {
        try {
            Optional<SlotInfo> production = appService.getSlot(SlotRef.production(webApp.resourceId()));
            return production.flatMap(p -> StartChecks.currentPackage(deployment, webApp, p)).map(Redact::uri)
                    .orElse(null);
        } catch (CloudException e) {
            notChecked.add("production of " + webApp.name() + " could not be read (" + e.code() + ")");
            return null;
        }
    }

    /** What the maintenance slot would run, as the enter-maintenance step names it. */
    private String maintenancePackage(WebAppConfig webApp, Deployment deployment, EnvironmentConfig config,
                                      List<String> notChecked) {
        if (webApp.role() != WebAppRole.ZERO_DOWNTIME || !deployment.mode().usesDatabaseClone()) {
            return config.maintenancePagePackageUri() == null ? null : Redact.uri(config.maintenancePagePackageUri());
        }
        try {
            Optional<SlotInfo> production = appService.getSlot(SlotRef.production(webApp.resourceId()));
            if (production.isEmpty()) {
                return null;
            }
            return EnterMaintenanceStep.oldPackage(deployment, webApp.name(), production.get()).map(Redact::uri)
                    .orElse(null);
        } catch (CloudException e) {
            notChecked.add("production of " + webApp.name() + " could not be read (" + e.code() + ")");
            return null;
        }
    }
}
