package io.smoothdeploy.app;

import io.smoothdeploy.api.Authentication;
import io.smoothdeploy.api.HttpApi;
import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.DatabaseActivity;
import io.smoothdeploy.engine.port.PackageDigest;
import io.smoothdeploy.engine.port.SqlCloud;
import io.smoothdeploy.engine.DeploymentIds;
import io.smoothdeploy.engine.DeploymentService;
import io.smoothdeploy.engine.RetentionPurge;
import io.smoothdeploy.engine.StaleMaintenanceMonitor;
import io.smoothdeploy.engine.StatusNotifications;
import io.smoothdeploy.engine.StepRunner;
import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.engine.steps.StartPlanner;
import io.smoothdeploy.engine.steps.StepCatalog;
import io.smoothdeploy.messaging.StepMessageCodec;
import io.smoothdeploy.engine.port.StepQueue;
import io.smoothdeploy.engine.port.Notifier;
import io.smoothdeploy.outbound.GuardedHttp;
import io.smoothdeploy.engine.port.DeploymentStore;
import io.smoothdeploy.engine.port.SmokeProber;
import io.smoothdeploy.engine.port.WarmUpProber;
import java.time.Clock;
import java.util.function.Supplier;

/** Builds the object graph from its ports. Called once per host process. */
public final class Wiring {

    private Wiring() {
    }

    /**
     * @param ports  the adapters: state, queues, cloud, warm-up
     * @param clock  the time source of the engine
     * @param pacing how often long work is checked
     * @param outbound the guard the API checks webhook and package URLs with when they are registered or a
     *                 deployment starts ({@link GuardedHttp#azure()} unless this is the local host)
     * @param ids    deployment id generator (null for the default)
     * @param authentication how the HTTP API finds its callers
     * @param publicApiBase  the API's public base URL for Location headers (null, or supplying null: relative)
     */
    public static Orchestrator orchestrator(Ports ports, GuardedHttp outbound, Clock clock, Pacing pacing,
                                            Supplier<String> ids, Authentication authentication,
                                            Supplier<String> publicApiBase) {
        return orchestrator(ports, outbound, clock, pacing, ids, authentication, publicApiBase,
                java.time.Duration.ofDays(RetentionPurge.DEFAULT_DAYS));
    }

    /** The same, keeping deployments and their logs for {@code retention} ({@link RetentionPurge#fromSetting}). */
    public static Orchestrator orchestrator(Ports ports, GuardedHttp outbound, Clock clock, Pacing pacing,
                                            Supplier<String> ids, Authentication authentication,
                                            Supplier<String> publicApiBase, java.time.Duration retention) {
        Supplier<String> deploymentIds = ids == null ? new DeploymentIds(clock) : ids;
        StatusNotifications notifications = new StatusNotifications(ports.store(), ports.notifier(), clock);
        DeploymentService service = new DeploymentService(ports.store(), ports.queue(), clock, deploymentIds,
                ports.activity(), notifications);
        StepCatalog steps = new StepCatalog(ports.appService(), ports.sql(), ports.prober(), ports.packages(),
                ports.smoke(), ports.activity(), clock, pacing);
        StepRunner runner = new StepRunner(ports.store(), ports.queue(), steps, clock, notifications);
        StaleMaintenanceMonitor monitor = new StaleMaintenanceMonitor(ports.store(), service, ports.queue(),
                ports.notifier(), clock,
                new io.smoothdeploy.engine.RollbackWindowCloser(ports.store(), ports.appService()));
        return new Orchestrator(new HttpApi(service, ports.store(), clock, outbound, authentication, publicApiBase,
                new StartPlanner(service, ports.appService(), ports.sql())),
                runner, new StepMessageCodec(), monitor, new RetentionPurge(ports.store(), clock, retention));
    }

    /** The adapters the engine talks to. */
    public record Ports(DeploymentStore store, StepQueue queue, AppServiceCloud appService, SqlCloud sql,
                        WarmUpProber prober, Notifier notifier, PackageDigest packages, SmokeProber smoke,
                        DatabaseActivity activity) {
    }
}
