package io.smoothdeploy.local;

import io.smoothdeploy.local.emulator.EmulatorArm;
import com.azure.data.tables.TableServiceClient;
import io.smoothdeploy.api.Authentication;
import io.smoothdeploy.api.Principal;
import io.smoothdeploy.app.Orchestrator;
import io.smoothdeploy.app.Wiring;
import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.DatabaseActivity;
import io.smoothdeploy.engine.port.PackageDigest;
import io.smoothdeploy.engine.port.SqlCloud;
import io.smoothdeploy.cloud.arm.ArmCloud;
import io.smoothdeploy.cloud.http.HttpPackageDigest;
import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.functions.DeadLetterFunctions;
import io.smoothdeploy.functions.HttpApiFunctions;
import io.smoothdeploy.functions.StepFunctions;
import io.smoothdeploy.functions.TimerFunctions;
import io.smoothdeploy.local.emulator.AzureEmulator;
import io.smoothdeploy.local.emulator.EmulatorDatabaseActivity;
import io.smoothdeploy.local.faults.CrashingPorts;
import io.smoothdeploy.local.faults.FaultInjector;
import io.smoothdeploy.engine.port.StepQueue;
import io.smoothdeploy.engine.port.DeploymentStore;
import io.smoothdeploy.notify.WebhookNotifier;
import io.smoothdeploy.outbound.GuardedHttp;
import io.smoothdeploy.state.TableDeploymentStore;
import io.smoothdeploy.warmup.HttpSmokeProber;
import io.smoothdeploy.warmup.HttpWarmUpProber;
import io.smoothdeploy.engine.port.SmokeProber;
import io.smoothdeploy.engine.port.WarmUpProber;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The local host assembled: the real function classes behind a loopback HTTP server, the step queues
 * dispatched in process with Service Bus semantics, the state in Table storage (Azurite), and the cloud
 * port on the given simulated cloud. The local host's main and the end-to-end tests both build this.
 *
 * <p>The timer functions run on their schedules ({@link #timerScheduler()}): fired by
 * {@link InProcessStepQueue#runUntilIdle} in virtual time, on their own thread after {@link #startLive}. A test
 * that ticks a timer by hand turns them off with {@code timerScheduler().enabled(false)}.
 *
 * <p>With {@link Faults} ({@link #start(TableServiceClient, Map, Cloud, Clock, Pacing, int, Faults)}), the engine
 * sees the store and step queue through test decorators and, with a {@link FaultInjector}, the store, the step
 * queue, App Service and Azure SQL through {@link CrashingPorts}, while the queue injects
 * {@code BEFORE_COMPLETION} crashes: the fault suite's host.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * The webhook signing secret of a local host whose settings name none (the tests'); the committed sample sets
     * its own. Development only: in Azure the secret comes from Key Vault.
     */
    public static final String DEVELOPMENT_WEBHOOK_SECRET = "local-development-webhook-secret-0001";

    private final TableDeploymentStore store;
    private final InProcessStepQueue queue;
    private final FunctionCatalog catalog;
    private final LocalHttpServer server;

    private final TimerFunctions timer;
    private final TimerScheduler timers;

    private final Principal user;

    private LocalStack(TableDeploymentStore store, InProcessStepQueue queue, FunctionCatalog catalog,
                       LocalHttpServer server, TimerFunctions timer, TimerScheduler timers, Principal user) {
        this.user = user;
        this.timer = timer;
        this.timers = timers;
        this.store = store;
        this.queue = queue;
        this.catalog = catalog;
        this.server = server;
    }

    /**
     * The cloud side of a local host: App Service, Azure SQL, warm-up and smoke probes, package reads and
     * database write counts.
     */
    public record Cloud(AppServiceCloud appService, SqlCloud sql, WarmUpProber prober, PackageDigest packages,
                        SmokeProber smoke, DatabaseActivity activity) {

        /** Everything from the in-memory simulation. */
        public static Cloud simulated(SimulatedCloud cloud) {
            return new Cloud(cloud, cloud, cloud, cloud, cloud, cloud);
        }

        /**
         * The real adapters against the local Azure emulator: the ARM adapter, warm-up and smoke checks over
         * HTTP to the emulator's slots, packages downloaded from the emulator, and its database write counts.
         */
        public static Cloud emulated(AzureEmulator emulator, String subscriptionId, Duration requestTimeout) {
            ArmCloud arm = EmulatorArm.cloud(emulator.endpoint(), subscriptionId, emulator::baseUrlForHost);
            return new Cloud(arm, arm, new HttpWarmUpProber(requestTimeout),
                    new HttpPackageDigest(GuardedHttp.localHost(), emulator::packageDownloadUri,
                            HttpPackageDigest.Limits.DEFAULT),
                    new HttpSmokeProber(requestTimeout), new EmulatorDatabaseActivity(emulator));
        }
    }

    /**
     * @param tables   the Table service (Azurite locally)
     * @param settings app settings: the queue names and state table names
     * @param cloud    the cloud ports, simulated in memory
     * @param clock    the clock of the engine and the queue (a {@link ManualClock} in tests)
     * @param pacing   how often long work is checked
     * @param httpPort the port to serve on, 0 for any free one
     */
    public static LocalStack start(TableServiceClient tables, Map<String, String> settings, SimulatedCloud cloud,
                                   Clock clock, Pacing pacing, int httpPort) {
        return start(tables, settings, Cloud.simulated(cloud), clock, pacing, httpPort);
    }

    /** The same, with the cloud ports given: for example {@link Cloud#emulated} for the local Azure emulator. */
    public static LocalStack start(TableServiceClient tables, Map<String, String> settings, Cloud cloud, Clock clock,
                                   Pacing pacing, int httpPort) {
        return start(tables, settings, cloud, clock, pacing, httpPort, Faults.NONE);
    }

    /**
     * Faults for tests: decorators the engine sees in place of the state store and the step queue (a write
     * that fails, a send that is lost), and crash injection (null: none), with which the engine's store, step
     * queue, App Service and Azure SQL ports crash where the injector says, and the queue injects
     * {@code BEFORE_COMPLETION} crashes.
     */
    public record Faults(UnaryOperator<DeploymentStore> store, UnaryOperator<StepQueue> queue, FaultInjector crashes) {
        public static final Faults NONE = new Faults(UnaryOperator.identity(), UnaryOperator.identity(), null);

        /** Decorated store and queue, no crash injection. */
        public Faults(UnaryOperator<DeploymentStore> store, UnaryOperator<StepQueue> queue) {
            this(store, queue, null);
        }

        /** Crash injection only (null: none). */
        public static Faults crashes(FaultInjector injector) {
            return new Faults(UnaryOperator.identity(), UnaryOperator.identity(), injector);
        }
    }

    /** The same, with {@code faults}. */
    public static LocalStack start(TableServiceClient tables, Map<String, String> settings, Cloud cloud, Clock clock,
                                   Pacing pacing, int httpPort, Faults faults) {
        // Checked before anything starts, as the function app does (AzureComposition).
        Duration retention = io.smoothdeploy.engine.RetentionPurge.fromSetting(
                settings.get(io.smoothdeploy.engine.RetentionPurge.SETTING));
        TableDeploymentStore store = TableDeploymentStore.create(tables,
                settings.getOrDefault("StateTableName", TableDeploymentStore.DEFAULT_STATE_TABLE),
                settings.getOrDefault("DeploymentIndexTableName", TableDeploymentStore.DEFAULT_INDEX_TABLE));
        FaultInjector crashes = faults.crashes();
        InProcessStepQueue queue = new InProcessStepQueue(settings, clock).faults(crashes);
        DeploymentStore engineStore = faults.store().apply(crashes == null ? store : CrashingPorts.store(store, crashes));
        StepQueue engineQueue = faults.queue().apply(crashes == null ? queue : CrashingPorts.stepQueue(queue, crashes));
        AppServiceCloud appService = crashes == null ? cloud.appService() : CrashingPorts.appService(cloud.appService(), crashes);
        SqlCloud sql = crashes == null ? cloud.sql() : CrashingPorts.sql(cloud.sql(), crashes);
        // The local host's outbound calls may reach loopback (the emulator, a receiver on this machine), and
        // nothing else inward. Only the local host builds local-mode clients (here and in Cloud.emulated).
        GuardedHttp outbound = GuardedHttp.localHost();
        WebhookNotifier notifier = new WebhookNotifier(outbound,
                settings.getOrDefault(WebhookNotifier.SECRET_SETTING, DEVELOPMENT_WEBHOOK_SECRET), clock, 3,
                Duration.ofMillis(200));
        Principal user = LocalUser.fromSettings(settings);
        java.util.concurrent.atomic.AtomicReference<String> apiBase = new java.util.concurrent.atomic.AtomicReference<>();
        Orchestrator orchestrator = Wiring.orchestrator(new Wiring.Ports(engineStore, engineQueue, appService, sql,
                cloud.prober(), notifier, cloud.packages(), cloud.smoke(), cloud.activity()), outbound, clock, pacing,
                null, Authentication.local(user), apiBase::get, retention);
        TimerFunctions timer = new TimerFunctions(orchestrator);
        FunctionCatalog catalog = new FunctionCatalog(settings, new HttpApiFunctions(orchestrator),
                new StepFunctions(orchestrator), new DeadLetterFunctions(orchestrator), timer);
        queue.connect(catalog);
        TimerScheduler timers = new TimerScheduler(catalog, clock);
        queue.timers(timers);
        LocalHttpServer server;
        try {
            server = new LocalHttpServer(catalog, httpPort).start();
        } catch (java.io.IOException e) {
            queue.close();
            throw new java.io.UncheckedIOException("could not serve HTTP on port " + httpPort
                    + " (is another local host running?)", e);
        }
        // Location headers name the address this server listens on, not whatever Host a request sent
        apiBase.set(server.baseUrl() + "/" + FunctionCatalog.ROUTE_PREFIX);
        return new LocalStack(store, queue, catalog, server, timer, timers, user);
    }

    /** Who every request to this host runs as (see {@link LocalUser}). */
    public Principal user() {
        return user;
    }

    /** The API's base URL, for example {@code http://127.0.0.1:7071/api}. */
    public String apiBase() {
        return server.baseUrl() + "/" + FunctionCatalog.ROUTE_PREFIX;
    }

    /** The timer-triggered functions, to tick by hand (turn {@link #timerScheduler()} off first). */
    public TimerFunctions timer() {
        return timer;
    }

    /** Runs the timer functions on their schedules; on by default. */
    public TimerScheduler timerScheduler() {
        return timers;
    }

    /** Live mode: starts {@code workers} queue workers and the timer thread. */
    public LocalStack startLive(int workers) {
        queue.start(workers);
        timers.start();
        return this;
    }

    public TableDeploymentStore store() {
        return store;
    }

    public InProcessStepQueue queue() {
        return queue;
    }

    public FunctionCatalog catalog() {
        return catalog;
    }

    @Override
    public void close() {
        server.close();
        timers.close();
        queue.close();
    }
}
