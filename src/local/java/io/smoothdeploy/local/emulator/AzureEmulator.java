package io.smoothdeploy.local.emulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import io.smoothdeploy.local.Journal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local Azure: an HTTP server on 127.0.0.1 that speaks the subset of the ARM REST API that
 * {@code io.smoothdeploy.cloud.arm.ArmCloud} uses (App Service sites, slots, app settings, connection
 * strings, restart/start/stop, slot swap, swap with preview (apply and reset slot configuration); Azure SQL databases: get, create as copy or point-in-time
 * restore, move (rename), delete), so that the real azure-resourcemanager code path runs on a laptop. Each
 * provider is served at the {@code api-version} the SDK sends ({@link #WEB_API_VERSION}, {@link #SQL_API_VERSION});
 * a missing one is refused as ARM refuses it, and any other with ARM's 400 {@code InvalidApiVersionParameter}.
 *
 * <p>Long operations behave as ARM's do: creating a database answers 202 with {@code Azure-AsyncOperation} and
 * {@code Location} headers, as recorded, and so does deleting one (the database is still listed until
 * {@link #setDeleteDuration delete duration} has passed); the operation reports {@code InProgress} (and the database
 * {@code Copying} / {@code Restoring}) until {@link #setCopyDuration copy duration} has passed on the
 * emulator's {@link Clock}, then {@code Succeeded}. A swap answers 202 with a {@code Location} to poll
 * ({@code …/operationresults/{id}}), which answers 202 until {@link #setSwapDuration swap duration}
 * ({@value #DEFAULT_SWAP_SECONDS} s unless set) has passed on the emulator's clock, then 200; the slots exchange
 * only then, in one step under the one lock, and meanwhile every write to the site (any slot: settings,
 * restart, start, stop, slot creation, swap preview, another swap) is refused with App Service's 409
 * {@code {"Code":"Conflict","Message":"Cannot modify this site because another operation is in progress. …"}}
 * (see {@code ArmRouter} for the sources).
 *
 * <p>Swap with preview: {@code applySlotConfig} gives the source slot the target's values of the slot-sticky
 * settings ({@link #setSlotSettingNames}), remembering its own, and restarts it (200, no long operation);
 * {@code resetSlotConfig} puts its own values back and restarts it; a swap completes the preview: sticky values
 * stay with their slot, and the source gets its own back, so it is no longer in preview.
 *
 * <p>Route names, for {@link #failNext} and {@link #addLatency} (the production slot and other slots share
 * a name): {@code getSite}, {@code getSlot}, {@code createSlot}, {@code listAppSettings},
 * {@code updateAppSettings}, {@code listConnectionStrings}, {@code updateConnectionStrings},
 * {@code getSlotConfigNames}, {@code getConfiguration}, {@code restartSlot}, {@code startSlot}, {@code stopSlot}, {@code swapSlot},
 * {@code getSwapOperation} (polling a swap's {@code Location}),
 * {@code applySlotConfig}, {@code resetSlotConfig}, {@code getOperation}, {@code getDatabase}, {@code createDatabase}, {@code deleteDatabase},
 * {@code renameDatabase}; and {@code downloadPackage} for package downloads ({@link #packageDownloadUri}).
 *
 * <p>Slots run their packages once {@link #servePackagesFrom} is called: each slot is then a loopback HTTP
 * listener (its URL is what {@link #baseUrlForHost} answers for its host name) serving an {@link AppInstance}
 * of the package its {@code WEBSITE_RUN_FROM_PACKAGE} names, which behaves as its {@link PackageManifest}
 * says; a swap exchanges the instances the two listeners serve, at once. The listeners are one front end that
 * routes by {@code Host}, as App Service's is: whatever listener a request reaches, a slot's default host name
 * reaches that slot, a custom domain ({@link #bindCustomDomain}) reaches production, and any other name gets 404.
 *
 * <p>Identity: {@link #TOKEN_PATH} plays App Service's managed-identity endpoint for {@link EmulatorCredential}.
 * An ARM request without an {@code Authorization} header is served, as before there were tokens; one with a
 * bearer token is served only if that endpoint issued it and it has not expired (an hour on the emulator's
 * clock), else it gets ARM's 401 ({@code InvalidAuthenticationToken} or {@code ExpiredAuthenticationToken}).
 * {@link #failNextTokenRequests} breaks the endpoint; {@link #tokenRequests} is its request log.
 *
 * <p>Thread-safe: one lock guards the whole model.
 */
public final class AzureEmulator implements AutoCloseable {

    /**
     * How long a database copy or point-in-time restore takes unless {@link #setCopyDuration} says otherwise. On
     * Azure a copy or restore of even a small database takes minutes, and large ones hours
     * (https://learn.microsoft.com/azure/azure-sql/database/database-copy,
     * https://learn.microsoft.com/azure/azure-sql/database/recovery-using-backups#recovery-time); ten minutes is at
     * the fast end.
     */
    public static final int DEFAULT_COPY_MINUTES = 10;

    /** How long a swap takes unless {@link #setSwapDuration} says otherwise. */
    public static final int DEFAULT_SWAP_SECONDS = 30;

    /**
     * How long Azure SQL takes to drop a database after {@code DELETE} unless {@link #setDeleteDuration} says
     * otherwise. Databases_Delete answers 202 ({@code DropLogicalDatabase}, with {@code Azure-AsyncOperation} and
     * {@code Location}) and the drop runs in the background: in azure-sdk-for-java's recorded session
     * SqlServerOperationsTests.canCRUDSqlDatabase.json the operation reports {@code Succeeded} at the first poll, 15 s
     * after the DELETE. Twice that is our own harsher figure; no public source bounds it.
     */
    public static final int DEFAULT_DELETE_SECONDS = 30;

    /** How long a swap's own warm-up may wait for the source by default: five requests of 90 s each. */
    public static final int DEFAULT_SWAP_WARM_UP_SECONDS = 450;

    /**
     * How long the old instance keeps answering after a write that restarts a slot, unless {@link #setRestartLag}
     * says otherwise. App Service restarts asynchronously: {@code WebApps_Restart} without {@code synchronous=true}
     * "responds immediately (asynchronous)", and a settings write restarts the app the same way
     * (https://learn.microsoft.com/rest/api/appservice/web-apps/restart,
     * https://learn.microsoft.com/azure/app-service/configure-common#configure-app-settings,
     * https://azure.github.io/AppService/2021/09/16/App-Service-Restarts.html). No public source gives how long the
     * previous process keeps serving; ten seconds is our own harsh guess, twice the engine's warm-up poll, so that a
     * warm-up that trusts the first 200 after a write meets the old instance.
     */
    public static final int DEFAULT_RESTART_LAG_SECONDS = 10;

    /**
     * The api-version of Microsoft.Web requests: the one azure-resourcemanager-appservice 2.54.1 sends (its generated
     * {@code WebAppsClientImpl}; {@code EmulatorConformanceTest} checks it against what the SDK sent).
     */
    public static final String WEB_API_VERSION = "2025-03-01";

    /**
     * The api-version of Microsoft.Sql database requests: the one azure-resourcemanager-sql 2.53.5's
     * {@code DatabasesClientImpl} sends (checked as {@link #WEB_API_VERSION} is).
     */
    public static final String SQL_API_VERSION = "2021-11-01";

    /** The path of the token endpoint, under {@link #endpoint()}. */
    public static final String TOKEN_PATH = "/_emulator/token";

    /** How many requests {@link #requests()} keeps by default, the newest. */
    public static final int DEFAULT_JOURNAL_LIMIT = Journal.DEFAULT_LIMIT;
    /** How many long-running operations stay pollable, the newest. */
    static final int OPERATION_LIMIT = 10_000;

    final Object lock = new Object();
    final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI endpoint;

    final Map<String, EmulatedSite> sites = new LinkedHashMap<>();
    final Map<String, EmulatedSqlServer> sqlServers = new LinkedHashMap<>();
    /**
     * Long-running operations by id, the newest {@value #OPERATION_LIMIT}: an older one answers 404 as an id ARM
     * does not know does. ARM's page on tracking asynchronous operations
     * (https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations) names no period for
     * which an {@code Azure-AsyncOperation} or {@code Location} URL stays valid, so a client that polls very late
     * meets the harsher answer here; and a long-running local host does not hold every operation (and what its
     * closures hold) for good.
     */
    final Map<String, EmulatedOperation> operations = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EmulatedOperation> eldest) {
            return size() > OPERATION_LIMIT;
        }
    };
    final List<SlotObserver> observers = new CopyOnWriteArrayList<>();
    private final Map<String, String> slotUrls = new HashMap<>();
    private final Journal<RecordedRequest> requests = new Journal<>();
    private final Map<String, Deque<Fault>> faults = new HashMap<>();
    private final Map<String, Duration> latencies = new HashMap<>();
    private Duration copyDuration = Duration.ofMinutes(DEFAULT_COPY_MINUTES);
    private final Deque<String> copyOutcomes = new ArrayDeque<>();
    private Duration swapDuration = Duration.ofSeconds(DEFAULT_SWAP_SECONDS);
    private Duration deleteDuration = Duration.ofSeconds(DEFAULT_DELETE_SECONDS);
    private Duration swapWarmUpLimit = Duration.ofSeconds(DEFAULT_SWAP_WARM_UP_SECONDS);
    private Duration restartLag = Duration.ofSeconds(DEFAULT_RESTART_LAG_SECONDS);
    private long nextOperation;
    private SlotRuntime runtime;
    final TokenEndpoint tokens = new TokenEndpoint(this);
    private Path packageDirectory;
    private final Set<String> tamperedPackages = new java.util.HashSet<>();

    /** @param appServiceMessage null for ARM's error shape; else App Service's PascalCase body with this message */
    record Fault(int status, String code, String appServiceMessage, int retryAfterSeconds) {
        Fault(int status, String code, String appServiceMessage) {
            this(status, code, appServiceMessage, 0);
        }
    }

    private AzureEmulator(Clock clock, int port) {
        this.clock = clock;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "azure-emulator");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", new ArmRouter(this));
        server.createContext(TOKEN_PATH, tokens);
        server.createContext(PackageDownloads.PREFIX, new PackageDownloads(this));
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Starts an emulator on a free port, measuring long operations on {@code clock}. */
    public static AzureEmulator start(Clock clock) {
        return start(clock, 0);
    }

    /** Starts an emulator on {@code port} (0: a free one). */
    public static AzureEmulator start(Clock clock, int port) {
        return new AzureEmulator(clock, port);
    }

    /** The ARM endpoint, such as {@code http://127.0.0.1:54321} (no trailing slash). */
    public URI endpoint() {
        return endpoint;
    }

    /** Stops the ARM endpoint and every slot's listener. */
    @Override
    public void close() {
        SlotRuntime slots;
        synchronized (lock) {
            slots = runtime;
        }
        if (slots != null) {
            slots.close();
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ----- seeding -----

    /**
     * Adds a site whose production slot is running with these settings (put the package in
     * {@code WEBSITE_RUN_FROM_PACKAGE}); connection strings get the {@code SQLAzure} type.
     *
     * @return the site's resource id
     */
    public String addSite(String subscriptionId, String resourceGroup, String name, String location,
                          Map<String, String> appSettings, Map<String, String> connectionStrings) {
        synchronized (lock) {
            EmulatedSite site = new EmulatedSite(subscriptionId, resourceGroup, name, location);
            EmulatedSlot production = site.production();
            production.appSettings.putAll(appSettings);
            connectionStrings.forEach((k, v) ->
                    production.connectionStrings.put(k, new EmulatedSlot.ConnectionString(v, EmulatedSlot.SQL_AZURE)));
            sites.put(key(site.resourceId()), site);
            observers.forEach(o -> o.slotCreated(site, production));
            return site.resourceId();
        }
    }

    /**
     * Deploys {@code packageFile} (a file in the package directory) into the slot itself, as {@code az webapp
     * deploy} or an Azure DevOps task does: the package lands in the slot's own d:\home\data\SitePackages and its
     * WEBSITE_RUN_FROM_PACKAGE becomes {@code 1}. The slot runs it; no other slot has it, and a swap moves it with
     * the slot's content (https://learn.microsoft.com/azure/app-service/deploy-run-package).
     */
    public void deployToSlotItself(String siteResourceId, String slotName, String packageFile) {
        synchronized (lock) {
            EmulatedSite site = site(siteResourceId).orElseThrow(() -> new IllegalArgumentException(
                    "no site " + siteResourceId));
            EmulatedSlot slot = site.slot(slotName).orElseThrow(() -> new IllegalArgumentException(
                    "no slot " + slotName + " on " + siteResourceId));
            slot.ownPackage = packageFile;
            slot.appSettings.put("WEBSITE_RUN_FROM_PACKAGE", "1");
            observers.forEach(o -> o.settingsChanged(site, slot));
        }
    }

    /**
     * Stops a slot outside the orchestrator, as someone in the portal or {@code az webapp stop --slot} would
     * ({@code WebApps_StopSlot}): its instances stop and its host name answers 503 until it is started again.
     */
    public void stopSlotByHand(String siteResourceId, String slotName) {
        synchronized (lock) {
            settleSwaps();
            EmulatedSite site = site(siteResourceId).orElseThrow(() -> new IllegalArgumentException(
                    "no site " + siteResourceId));
            EmulatedSlot slot = site.slot(slotName).orElseThrow(() -> new IllegalArgumentException(
                    "no slot " + slotName + " on " + siteResourceId));
            slot.setRunning(false);
            observers.forEach(o -> o.stopped(site, slot));
        }
    }

    /**
     * Binds a custom domain such as {@code www.example.com} to the site's production slot, as
     * {@code WebApps_CreateOrUpdateHostNameBinding} does once DNS points at the app
     * (https://learn.microsoft.com/azure/app-service/app-service-web-tutorial-custom-domain). From then on a request
     * with that {@code Host}, sent to any slot's listener, reaches the production slot (see {@link SlotRuntime}). A
     * host name is bound to one app only: binding one another site holds is refused, as App Service refuses a
     * host name that is already assigned to another app.
     */
    public void bindCustomDomain(String siteResourceId, String hostName) {
        String host = hostName.trim().toLowerCase(Locale.ROOT);
        if (host.isEmpty() || host.endsWith(".azurewebsites.net")) {
            throw new IllegalArgumentException("not a custom domain: " + hostName);
        }
        synchronized (lock) {
            EmulatedSite site = site(siteResourceId).orElseThrow(() -> new NoSuchElementException(
                    "no site " + siteResourceId));
            for (EmulatedSite other : sites.values()) {
                if (other != site && other.customHostNames.contains(host)) {
                    throw new IllegalStateException(host + " is already bound to " + other.resourceId());
                }
            }
            site.customHostNames.add(host);
        }
    }

    /**
     * Sets the type of a connection string the slot has ({@code SQLServer}, {@code Custom}, …; one of ARM's
     * {@code ConnectionStringType}), which decides the environment variable the app finds it in (see
     * {@link PackageManifest#connectionStringVariable}).
     */
    public void setConnectionStringType(String siteResourceId, String slotName, String name, String type) {
        synchronized (lock) {
            EmulatedSlot.environmentPrefix(type);
            EmulatedSite site = site(siteResourceId).orElseThrow(() -> new IllegalArgumentException(
                    "no site " + siteResourceId));
            EmulatedSlot slot = site.slot(slotName).orElseThrow(() -> new IllegalArgumentException(
                    "no slot " + slotName + " on " + siteResourceId));
            EmulatedSlot.ConnectionString old = slot.connectionStrings.get(name);
            if (old == null) {
                throw new IllegalArgumentException("slot " + slotName + " has no connection string " + name);
            }
            String spelt = EmulatedSlot.TYPES.stream().filter(t -> t.equalsIgnoreCase(type)).findFirst().orElseThrow();
            slot.connectionStrings.put(name, new EmulatedSlot.ConnectionString(old.value(), spelt));
            observers.forEach(o -> o.settingsChanged(site, slot));
        }
    }

    /**
     * Sets (or, with a null value, removes) an app setting of a slot by hand, as a person does in the portal's
     * Configuration page: like ARM's {@code PUT config/appsettings}, the change restarts the slot's app
     * (https://learn.microsoft.com/azure/app-service/configure-common, "Configure app settings").
     */
    public void setAppSettingByHand(String siteResourceId, String slotName, String name, String value) {
        synchronized (lock) {
            EmulatedSite site = site(siteResourceId).orElseThrow(() -> new IllegalArgumentException(
                    "no site " + siteResourceId));
            EmulatedSlot slot = site.slot(slotName).orElseThrow(() -> new IllegalArgumentException(
                    "no slot " + slotName + " on " + siteResourceId));
            if (value == null) {
                slot.appSettings.remove(name);
            } else {
                slot.appSettings.put(name, value);
            }
            observers.forEach(o -> o.settingsChanged(site, slot));
        }
    }

    /**
     * Sets fields of the slot's site configuration (see {@link EmulatedSlot#SITE_CONFIG_FIELDS}; a null value
     * clears one), as the portal's Configuration > General settings does.
     */
    public void setSiteConfig(String siteResourceId, String slotName, Map<String, String> fields) {
        synchronized (lock) {
            EmulatedSite site = site(siteResourceId).orElseThrow(() -> new IllegalArgumentException(
                    "no site " + siteResourceId));
            EmulatedSlot slot = site.slot(slotName).orElseThrow(() -> new IllegalArgumentException(
                    "no slot " + slotName + " on " + siteResourceId));
            fields.forEach((field, value) -> {
                if (!EmulatedSlot.SITE_CONFIG_FIELDS.contains(field)) {
                    throw new IllegalArgumentException("the emulator keeps no site configuration field " + field
                            + "; it has " + EmulatedSlot.SITE_CONFIG_FIELDS);
                }
                if (value == null) {
                    slot.siteConfig.remove(field);
                } else {
                    slot.siteConfig.put(field, value);
                }
            });
        }
    }

    /**
     * What swaps into production changed in production's site configuration, {@code field: before -> after}, in
     * order: empty when every slot that reached production had production's configuration.
     */
    public List<String> configurationMismatches(String siteResourceId) {
        synchronized (lock) {
            settleSwaps();
            return site(siteResourceId).map(site -> List.copyOf(site.configurationMismatches)).orElse(List.of());
        }
    }

    /** @return the server's resource id */
    public String addSqlServer(String subscriptionId, String resourceGroup, String name, String location) {
        synchronized (lock) {
            String id = "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                    + "/providers/Microsoft.Sql/servers/" + name;
            sqlServers.put(key(id), new EmulatedSqlServer(id, location));
            return id;
        }
    }

    /** Adds an empty, online database to a server added by {@link #addSqlServer}. */
    public EmulatedDatabase addDatabase(String serverResourceId, String name) {
        synchronized (lock) {
            EmulatedSqlServer sqlServer = sqlServer(serverResourceId)
                    .orElseThrow(() -> new NoSuchElementException("no SQL server " + serverResourceId));
            EmulatedDatabase database = new EmulatedDatabase(lock, clock, name, sqlServer.location());
            sqlServer.put(database);
            return database;
        }
    }

    /**
     * Marks app settings and connection strings as slot settings ("sticky"): a swap leaves them with their
     * slot. By default every setting travels with the content, which is what the engine relies on.
     */
    public void setSlotSettingNames(String siteResourceId, Set<String> appSettingNames,
                                    Set<String> connectionStringNames) {
        synchronized (lock) {
            EmulatedSite site = site(siteResourceId)
                    .orElseThrow(() -> new NoSuchElementException("no site " + siteResourceId));
            site.slotSettingNames.clear();
            site.slotSettingNames.addAll(appSettingNames);
            site.slotConnectionStringNames.clear();
            site.slotConnectionStringNames.addAll(connectionStringNames);
        }
    }

    /**
     * How long a database copy or point-in-time restore takes, on the emulator's clock (default
     * {@value #DEFAULT_COPY_MINUTES} minutes).
     */
    public void setCopyDuration(Duration copyDuration) {
        synchronized (lock) {
            this.copyDuration = copyDuration;
        }
    }

    Duration copyDuration() {
        return copyDuration;
    }

    /**
     * The next copy or restore accepted ends, once its duration has passed, in {@code status} (for example
     * {@code Suspect}) rather than {@code Online}, and its long-running operation reports {@code Failed}. Azure
     * documents that a failed copy can leave the target in a failed state
     * (https://learn.microsoft.com/azure/azure-sql/database/database-copy#monitor-the-progress-of-the-copying-operation),
     * and {@code Suspect} is one of Databases_Get's {@code DatabaseStatus} values.
     */
    public void endNextCopyAs(String status) {
        synchronized (lock) {
            copyOutcomes.add(status);
        }
    }

    String nextCopyOutcome() {
        synchronized (lock) {
            String outcome = copyOutcomes.poll();
            return outcome == null ? "Online" : outcome;
        }
    }

    /** How long each slot swap accepted from now on takes, on the emulator's clock (zero: over at once). */
    public void setSwapDuration(Duration swapDuration) {
        if (swapDuration.isNegative()) {
            throw new IllegalArgumentException("a swap cannot take negative time: " + swapDuration);
        }
        synchronized (lock) {
            this.swapDuration = swapDuration;
        }
    }

    Duration swapDuration() {
        return swapDuration;
    }

    /**
     * How long, on the emulator's clock, Azure SQL takes to drop a database after a {@code DELETE} accepted from now on
     * (default {@value #DEFAULT_DELETE_SECONDS} s; zero: gone at once, though the answer is still 202). Until then the
     * database is still listed and still answers Databases_Get.
     */
    public void setDeleteDuration(Duration deleteDuration) {
        if (deleteDuration.isNegative()) {
            throw new IllegalArgumentException("a drop cannot take negative time: " + deleteDuration);
        }
        synchronized (lock) {
            this.deleteDuration = deleteDuration;
        }
    }

    Duration deleteDuration() {
        return deleteDuration;
    }

    /**
     * How long, on the emulator's clock, the old instance of a slot keeps answering (old package, old settings) after
     * a write that restarts it: app settings, connection strings, an asynchronous restart, a swap's restarts (default
     * {@value #DEFAULT_RESTART_LAG_SECONDS} s; zero: at once). Then the new instance starts, with its cold start.
     * Writes within the lag share one restart. {@code POST restart?synchronous=true} restarts at once, before it
     * answers.
     */
    public void setRestartLag(Duration restartLag) {
        if (restartLag.isNegative()) {
            throw new IllegalArgumentException("a restart cannot lag by negative time: " + restartLag);
        }
        synchronized (lock) {
            this.restartLag = restartLag;
        }
    }

    /**
     * A write asked App Service to restart the slot (call with the lock held): it takes effect after the restart
     * lag; one already pending covers this write too (the new instance reads the settings as they are when it
     * starts).
     */
    void restartLater(EmulatedSite site, EmulatedSlot slot) {
        if (restartLag.isZero()) {
            restartNow(site, slot);
        } else if (slot.restartDue == null) {
            slot.restartDue = clock.instant().plus(restartLag);
        }
    }

    /** The slot restarts now (call with the lock held): a pending restart is this one. */
    void restartNow(EmulatedSite site, EmulatedSlot slot) {
        slot.restartDue = null;
        slot.restarted();
        Instant now = clock.instant();
        observers.forEach(o -> o.restartedAt(site, slot, now));
    }

    /**
     * Whether a soft restart ({@code softRestart=true}: "restarts the app only if necessary") has something to do:
     * a restart is pending, or the instance runs other settings than the slot has now (call with the lock held).
     */
    boolean restartNecessary(EmulatedSlot slot) {
        return slot.restartDue != null || (runtime != null && runtime.stale(slot));
    }

    /** Every pending restart whose lag is over takes effect, as of its due time (call with the lock held). */
    private void settleRestarts() {
        Instant now = clock.instant();
        for (EmulatedSite site : sites.values()) {
            for (EmulatedSlot slot : site.slots()) {
                Instant due = slot.restartDue;
                if (due != null && !now.isBefore(due)) {
                    slot.restartDue = null;
                    slot.restarted();
                    observers.forEach(o -> o.restartedAt(site, slot, due));
                }
            }
        }
    }

    /** Whether a swap is running on the site now. */
    public boolean swapping(String siteResourceId) {
        synchronized (lock) {
            settleSwaps();
            return site(siteResourceId).map(site -> site.swap != null).orElse(false);
        }
    }

    /**
     * How long App Service's warm-up during a swap may wait for the source's instances to answer, from the moment
     * the swap was accepted (default {@value #DEFAULT_SWAP_WARM_UP_SECONDS} s: each warm-up request waits 90 s and
     * is retried up to five times, https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Troubleshoot
     * swaps"). A source still starting when it is up stops the swap.
     */
    public void setSwapWarmUpLimit(Duration limit) {
        if (limit.isNegative()) {
            throw new IllegalArgumentException("a warm-up limit cannot be negative: " + limit);
        }
        synchronized (lock) {
            this.swapWarmUpLimit = limit;
        }
    }

    /** The message of the swap App Service stopped last on the site, or empty when none was stopped. */
    public Optional<String> lastStoppedSwap(String siteResourceId) {
        synchronized (lock) {
            settleSwaps();
            return site(siteResourceId).flatMap(site -> site.stoppedSwaps.values().stream()
                    .reduce((first, second) -> second)).map(error -> error[1]);
        }
    }

    /**
     * Finishes every restart whose lag is over, then every swap whose time is up (call with the lock held), in the phases of App Service's "Swap operation
     * steps" (https://learn.microsoft.com/azure/app-service/deploy-staging-slots): the target's slot settings were
     * applied to the source, restarting it, when the swap was accepted ({@code ArmRouter.swap}); now the source's
     * restart and warm-up are judged ({@link SlotRuntime#swapWarmUp}); only when they pass do the slots exchange,
     * and observers hear it. A swap whose source is still starting waits for it, up to the warm-up limit; a failed
     * restart or a warm-up answer that is not accepted stops the swap: nothing is exchanged, production keeps its
     * content, the swap's operation ends Failed, and settings the swap itself applied to the source are put back
     * (the source restarts again). Without the slot runtime there is nothing to warm, and the swap only takes time.
     */
    void settleSwaps() {
        settleRestarts();
        for (EmulatedSite site : sites.values()) {
            EmulatedSite.PendingSwap swap = site.swap;
            java.time.Instant now = clock.instant();
            if (swap == null || now.isBefore(swap.doneAt())) {
                continue;
            }
            EmulatedSlot source = site.slot(swap.source()).orElseThrow();
            SlotRuntime.WarmUp warmUp = runtime == null ? SlotRuntime.WarmUp.PASSED
                    : runtime.swapWarmUp(source, swap.startedAt(), now, swapWarmUpLimit);
            if (warmUp.waitUntil() != null) {
                site.swap = swap.until(warmUp.waitUntil());
            } else if (warmUp.failure() != null) {
                site.swap = null;
                site.stoppedSwaps.put(swap.operationId(), new String[] {"SwapStopped", "The swap of slot '"
                        + source.name() + "' into slot '" + swap.target() + "' was stopped and nothing was swapped: "
                        + warmUp.failure()});
                if (swap.appliedSettings() && source.resetPreview()) {
                    source.restarted();
                    observers.forEach(o -> o.restarted(site, source));
                }
            } else {
                site.swap = null;
                ArmRouter.exchangeSlots(this, site, source, site.slot(swap.target()).orElseThrow());
            }
        }
    }

    // ----- the slot runtime -----

    /**
     * Starts the slot runtime (or points it at another directory): from now on every slot, those that exist
     * and those created later, is a loopback HTTP listener registered with {@link #setSlotUrl} for its host
     * name, running the package its {@code WEBSITE_RUN_FROM_PACKAGE} names. Any URI resolves to
     * {@code directory/<its last path segment>} (host and query string, such as a SAS, are ignored); see
     * {@link PackageManifest} for what a package does and {@link SamplePackage} to write one.
     *
     * <p>Until this is called the emulator is ARM only: no listeners, and {@link #baseUrlForHost} answers
     * {@code https://<host>} unless a test {@link #setSlotUrl set} another URL. A slot's instance is replaced
     * (a new start: cold start again, migration again) when it is restarted or started, or its settings change
     * (deploying a package is both); a restart that a write asked for takes effect after the
     * {@linkplain #setRestartLag restart lag}, the old instance answering until then; a swap exchanges two slots' instances at once, as App Service's front end
     * does. A package directory set later applies from each slot's next start.
     */
    public void servePackagesFrom(Path directory) {
        Path packages = directory.toAbsolutePath();
        synchronized (lock) {
            packageDirectory = packages;
            if (runtime != null) {
                runtime.setPackageDirectory(packages);
                return;
            }
            runtime = new SlotRuntime(this, packages);
            for (EmulatedSite site : sites.values()) {
                for (EmulatedSlot slot : site.slots()) {
                    runtime.slotCreated(site, slot);
                }
            }
            observers.add(0, runtime);
        }
    }

    /**
     * Where a download of {@code packageUri} goes on this emulator: {@code GET /_emulator/packages/<file>} on
     * {@link #endpoint}, {@code <file>} being the URI's last path segment, with the URI's query string kept (the
     * route ignores it and does not record it). It serves the file a slot would run from the directory given to
     * {@link #servePackagesFrom}; a URI with no file name maps to a download that answers 404. Meant as the
     * rewrite function of {@code io.smoothdeploy.cloud.http.HttpPackageDigest}, so that the real HTTP code path,
     * SAS token included, runs against the emulator. Route name for faults and latency: {@code downloadPackage}.
     */
    public URI packageDownloadUri(URI packageUri) {
        return PackageDownloads.downloadUri(endpoint, packageUri);
    }

    /**
     * From now on, downloads of the package file {@code fileName} answer its bytes with the first one flipped
     * (one byte, when the file is empty), as if the blob had been overwritten after it was fingerprinted. Slots
     * still run the file as it is.
     */
    public void tamperPackage(String fileName) {
        synchronized (lock) {
            tamperedPackages.add(fileName);
        }
    }

    /**
     * The package file {@code fileName} is uploaded again as it is in the package directory: downloads answer its
     * own bytes from now on (undoes {@link #tamperPackage}).
     */
    public void uploadPackageAgain(String fileName) {
        synchronized (lock) {
            tamperedPackages.remove(fileName);
        }
    }

    /** The instance a slot serves now, or empty (no such slot, or the slot runtime is not started). */
    public Optional<AppInstance> appInstance(String siteResourceId, String slotName) {
        synchronized (lock) {
            settleSwaps();
            if (runtime == null) {
                return Optional.empty();
            }
            return site(siteResourceId).flatMap(site -> site.slot(slotName)).flatMap(runtime::instance);
        }
    }

    /**
     * The slot's listener, such as {@code http://127.0.0.1:50123}, or empty (no such slot, or the slot runtime
     * is not started).
     */
    public Optional<URI> slotUrl(String siteResourceId, String slotName) {
        synchronized (lock) {
            settleSwaps();
            if (runtime == null) {
                return Optional.empty();
            }
            return site(siteResourceId).flatMap(site -> site.slot(slotName)).flatMap(runtime::url).map(URI::create);
        }
    }

    public void addObserver(SlotObserver observer) {
        observers.add(observer);
    }

    /**
     * Registers where a host name is served locally (the slot runtime calls this for every slot). Until then
     * {@link #baseUrlForHost} answers {@code https://<host>}.
     */
    public void setSlotUrl(String hostName, String baseUrl) {
        synchronized (lock) {
            slotUrls.put(hostName.toLowerCase(Locale.ROOT), baseUrl);
        }
    }

    /** Where requests for {@code hostName} reach the slot: for {@code ArmCloud.forEndpoint(…, baseUrlForHost)}. */
    public String baseUrlForHost(String hostName) {
        synchronized (lock) {
            return slotUrls.getOrDefault(hostName.toLowerCase(Locale.ROOT), "https://" + hostName);
        }
    }

    // ----- inspection -----

    /** A snapshot of the slot, or empty. */
    public Optional<EmulatedSlot> slot(String siteResourceId, String slotName) {
        synchronized (lock) {
            settleSwaps();
            return site(siteResourceId).flatMap(site -> site.slot(slotName)).map(EmulatedSlot::copy);
        }
    }

    /** The live database (rows can be appended and read), or throws when it does not exist. */
    public EmulatedDatabase database(String serverResourceId, String name) {
        return findDatabase(serverResourceId, name)
                .orElseThrow(() -> new NoSuchElementException("no database " + name + " on " + serverResourceId));
    }

    public Optional<EmulatedDatabase> findDatabase(String serverResourceId, String name) {
        synchronized (lock) {
            return sqlServer(serverResourceId).flatMap(s -> s.database(name));
        }
    }

    public List<String> databaseNames(String serverResourceId) {
        synchronized (lock) {
            List<String> names = new ArrayList<>();
            sqlServer(serverResourceId).ifPresent(s -> s.databases().forEach(d -> names.add(d.name())));
            return names;
        }
    }

    /**
     * Keeps only the newest {@code limit} requests in {@link #requests()} and {@link #tokenRequests()} (default
     * {@value #DEFAULT_JOURNAL_LIMIT}): a record for tests, bounded so that a long-running local host does not keep
     * one entry per request for good.
     */
    public AzureEmulator journalLimit(int limit) {
        synchronized (lock) {
            requests.limit(limit);
        }
        tokens.journalLimit(limit);
        return this;
    }

    /** The requests that reached the emulator, in order (the newest {@link #journalLimit(int)}). */
    public List<RecordedRequest> requests() {
        synchronized (lock) {
            return requests.entries();
        }
    }

    /**
     * The requests that reached the token endpoint, in order (operation {@code getToken}). Kept apart from
     * {@link #requests()}, which stays the ARM traffic alone: with a credential, every ARM request comes with
     * a token request, and tests that count ARM requests should not have to skip those.
     */
    public List<RecordedRequest> tokenRequests() {
        return tokens.requests();
    }

    /** Forgets both request logs. */
    public void clearRequests() {
        synchronized (lock) {
            requests.clear();
        }
        tokens.clearRequests();
    }

    // ----- faults -----

    /**
     * The next {@code times} requests of route {@code operationName} answer {@code httpStatus} with an ARM
     * error body {@code {"error":{"code":errorCode,…}}} and change nothing. A client that retries (the SDK
     * retries 408, 429 and most 5xx) spends one injected fault per attempt.
     */
    public void failNext(String operationName, int times, int httpStatus, String errorCode) {
        synchronized (lock) {
            Deque<Fault> queue = faults.computeIfAbsent(operationName, k -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                queue.add(new Fault(httpStatus, errorCode, null));
            }
        }
    }

    /**
     * The next {@code times} requests of route {@code operationName} answer {@code httpStatus} with App Service's
     * own PascalCase error body ({@code {"Code":errorCode,"Message":message,…}}) and change nothing.
     */
    public void failNextAppService(String operationName, int times, int httpStatus, String errorCode, String message) {
        synchronized (lock) {
            Deque<Fault> queue = faults.computeIfAbsent(operationName, k -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                queue.add(new Fault(httpStatus, errorCode, message));
            }
        }
    }

    /**
     * The next {@code times} requests of route {@code operationName} ({@code "*"}: of any route) are throttled as
     * Azure Resource Manager throttles: 429 with {@code Retry-After: retryAfterSeconds}, the
     * {@code x-ms-ratelimit-remaining-subscription-reads} (GET) or {@code -writes} (others) header at 0, and the
     * error code {@code SubscriptionRequestsThrottled}; nothing changes. Source:
     * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling (a
     * request sent before Retry-After has passed is not processed).
     */
    public void throttleNext(String operationName, int times, int retryAfterSeconds) {
        if (retryAfterSeconds < 1) {
            throw new IllegalArgumentException("ARM's Retry-After is a whole number of seconds, at least 1");
        }
        synchronized (lock) {
            Deque<Fault> queue = faults.computeIfAbsent(operationName, k -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                queue.add(new Fault(429, "SubscriptionRequestsThrottled", null, retryAfterSeconds));
            }
        }
    }

    /**
     * The next {@code times} requests of the token endpoint answer {@code httpStatus} (with an OAuth error
     * body and no token), as a managed-identity endpoint that is down ({@code 500}, {@code 503}) or refuses
     * the app ({@code 400}) does.
     */
    public void failNextTokenRequests(int times, int httpStatus) {
        tokens.failNext(times, httpStatus);
    }

    /** Every request of route {@code operationName} waits {@code latency} (real time) before it is answered. */
    public void addLatency(String operationName, Duration latency) {
        synchronized (lock) {
            latencies.put(operationName, latency);
        }
    }

    // ----- for the router -----

    Fault takeFault(String operation) {
        synchronized (lock) {
            Deque<Fault> queue = faults.get(operation);
            Fault fault = queue == null ? null : queue.poll();
            if (fault == null) {
                Deque<Fault> any = faults.get("*");
                fault = any == null ? null : any.poll();
            }
            return fault;
        }
    }

    Path packageDirectory() {
        synchronized (lock) {
            return packageDirectory;
        }
    }

    boolean tampered(String fileName) {
        synchronized (lock) {
            return tamperedPackages.contains(fileName);
        }
    }

    Duration latency(String operation) {
        synchronized (lock) {
            return latencies.get(operation);
        }
    }

    void record(RecordedRequest request) {
        synchronized (lock) {
            requests.add(request);
        }
    }

    EmulatedOperation newOperation(java.util.function.BooleanSupplier done,
                                   java.util.function.Supplier<String[]> failure) {
        synchronized (lock) {
            EmulatedOperation operation = new EmulatedOperation("op-" + (++nextOperation), done, failure);
            operations.put(operation.id(), operation);
            return operation;
        }
    }

    Optional<EmulatedSite> site(String resourceId) {
        return Optional.ofNullable(sites.get(key(resourceId)));
    }

    Optional<EmulatedSqlServer> sqlServer(String resourceId) {
        return Optional.ofNullable(sqlServers.get(key(resourceId)));
    }

    static String key(String resourceId) {
        String trimmed = resourceId.endsWith("/") ? resourceId.substring(0, resourceId.length() - 1) : resourceId;
        return trimmed.toLowerCase(Locale.ROOT);
    }
}
