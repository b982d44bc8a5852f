package io.smoothdeploy.local;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.DatabaseActivity;
import io.smoothdeploy.engine.port.PackageDigest;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.SmokeCheck;
import io.smoothdeploy.engine.SmokeCheckResult;
import io.smoothdeploy.engine.port.SmokeProber;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseInfo;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.port.SqlCloud;
import io.smoothdeploy.engine.port.ProbeResult;
import io.smoothdeploy.engine.port.WarmUpProber;
import io.smoothdeploy.engine.port.WarmUpTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory App Service and Azure SQL, with a warm-up prober that answers from the slots' packages. It
 * records every changing call in order and can fail chosen calls. Tests use it as the cloud port's double;
 * the local host uses it until the local Azure emulator (which runs the real ARM adapter) is wired in.
 * Thread-safe.
 *
 * <p>Swaps are slow and exclusive, as in App Service (never kinder):
 * <ul>
 *   <li>A swap takes {@link #setSwapDuration swap duration} on the clock ({@value #DEFAULT_SWAP_SECONDS} s unless
 *       set). {@link #beginSwapWithProduction} returns at once; the two slots exchange content and settings only
 *       when the duration has passed, and until then every read shows them as before. Source: "Swap two slots"
 *       in https://learn.microsoft.com/azure/app-service/deploy-staging-slots (the swap first applies settings and
 *       restarts and warms every instance of the source slot, and only then switches the routing rules; the
 *       target slot keeps serving its old content meanwhile), and ARM's {@code WebApps_SwapSlot} /
 *       {@code WebApps_SwapSlotWithProduction} in azure-rest-api-specs (Microsoft.Web WebApps.json), a
 *       long-running operation answered 200 or 202 ({@code @ExpectedResponses({200, 202})} in
 *       azure-resourcemanager-appservice's {@code WebAppsClientImpl.swapSlot}).</li>
 *   <li>While a site swaps, every write to it (any slot: configuration, package, start, stop, restart, preview,
 *       another swap) is refused with a {@linkplain CloudException#busy busy} CloudException and changes
 *       nothing, as App Service answers 409 "Cannot modify this site because another operation is in progress"
 *       (a field report of writes refused during a slow swap:
 *       https://www.benday.com/2022/05/24/azure-app-service-slot-swap-is-hanging-or-taking-forever/). Refused
 *       calls are recorded with {@code (busy)}.</li>
 *   <li>{@link #swapRequests} counts the swaps each site accepted, so a test can prove there was exactly one.</li>
 * </ul>
 *
 * <p>What a slot serves is decided as App Service decides it ({@link #servedContent}): a {@code
 * WEBSITE_RUN_FROM_PACKAGE} that is a URL is fetched by any slot; {@code 1} runs the package kept in the app's own
 * {@code d:\home\data\SitePackages}, and no value runs what was deployed into wwwroot, and neither of those
 * travels to another slot (https://learn.microsoft.com/azure/app-service/deploy-run-package). A slot this double
 * creates has no content, even with production's settings cloned
 * (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Add a slot"): with {@code 1} or no value it
 * serves the empty default site ({@value #EMPTY_SITE}), which answers 200, so it passes warm-up as on Azure. A
 * swap exchanges content as well as settings.
 */
public final class SimulatedCloud implements AppServiceCloud, SqlCloud, WarmUpProber, PackageDigest, SmokeProber,
        DatabaseActivity {

    /** What {@link #servedContent} answers for a slot with no content of its own and no package URL. */
    public static final String EMPTY_SITE = "hostingstart.html";

    /** What {@link #servedContent} answers for content deployed into the slot itself ({@code 1} or no value). */
    public static final String OWN_CONTENT = "the slot's own content";

    /** How long a swap takes unless {@link #setSwapDuration} says otherwise. */
    public static final int DEFAULT_SWAP_SECONDS = 30;

    private final Clock clock;
    private final Duration copyDuration;
    private Duration swapDuration = Duration.ofSeconds(DEFAULT_SWAP_SECONDS);
    /** How many changing calls (and irreversible actions) {@link #calls()} keeps by default, the newest. */
    public static final int DEFAULT_JOURNAL_LIMIT = Journal.DEFAULT_LIMIT;

    private final Map<String, Swap> swaps = new HashMap<>();
    private final Map<String, Integer> swapRequests = new HashMap<>();
    private final Map<String, Integer> swapsToStop = new HashMap<>();
    private final Map<String, Map<String, Slot>> sites = new LinkedHashMap<>();
    /**
     * Each default host name to the {@code <site key>|<slot>} that first had it, so that routing a probe does not
     * walk every site; {@link #route} checks the slot still exists and walks the sites only when it does not.
     */
    private final Map<String, String> hostIndex = new HashMap<>();
    private final Map<String, Database> databases = new LinkedHashMap<>();
    /** Databases deleted while still being copied, with when their drop is over (see {@link #deleteDatabase}). */
    private final Map<String, Instant> drops = new LinkedHashMap<>();
    /** The changing calls, newest last, up to {@link #journalLimit(int)} (a long-running local host must not grow). */
    private final Journal<String> calls = new Journal<>();
    private final Map<String, Deque<RuntimeException>> faults = new HashMap<>();
    private final Map<String, String> failingCreations = new HashMap<>();
    private final Journal<String> irreversible = new Journal<>();
    private final java.util.Set<String> readOnlyDatabases = new java.util.HashSet<>();
    private final Map<String, Integer> coldStartRounds = new HashMap<>();
    private final Map<String, Integer> brokenPackages = new HashMap<>();
    /** Per package URI (without its query string): the failures its next reads throw. */
    private final Map<String, Deque<RuntimeException>> readFaults = new HashMap<>();
    private final Map<String, Integer> brokenSlots = new HashMap<>();
    private final Map<String, Long> writes = new HashMap<>();
    /** Custom domain (lower case) to the key of the site whose production slot it is bound to. */
    private final Map<String, String> customDomains = new HashMap<>();
    private final Map<String, io.smoothdeploy.engine.port.SlotSettingNames> slotSettings = new HashMap<>();

    /** @param copyDuration how long a database copy or restore takes, on {@code clock} */
    public SimulatedCloud(Clock clock, Duration copyDuration) {
        this.clock = clock;
        this.copyDuration = copyDuration;
    }

    // ----- set-up and inspection, for tests and the local host -----

    /** How long each swap accepted from now on takes, on the clock (zero: it is over when the call returns). */
    public synchronized void setSwapDuration(Duration swapDuration) {
        if (swapDuration.isNegative()) {
            throw new IllegalArgumentException("a swap cannot take negative time: " + swapDuration);
        }
        this.swapDuration = swapDuration;
    }

    /**
     * The next {@code times} swaps the site accepts run their whole duration and are then stopped by App Service,
     * changing nothing: "If any instance fails to restart, the swap operation reverts all changes to the source
     * slot and stops the operation", and warm-up requests that time out (90 s each, five tries) stop it too
     * (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Swap operation steps" and "Troubleshoot
     * swaps").
     */
    public synchronized void stopNextSwaps(String siteResourceId, int times) {
        swapsToStop.merge(key(siteResourceId), times, Integer::sum);
    }

    /** How many swaps the site has accepted (refused and failed requests are not counted). */
    public synchronized int swapRequests(String siteResourceId) {
        return swapRequests.getOrDefault(key(siteResourceId), 0);
    }

    /** Whether a swap on the site is still running now. */
    public synchronized boolean swapping(String siteResourceId) {
        settle(key(siteResourceId));
        return swaps.containsKey(key(siteResourceId));
    }

    /**
     * Adds a site whose production slot runs {@code packageUri} with these connection strings. A {@code packageUri}
     * of {@code 1} or null is content deployed into the production slot itself ({@code az webapp deploy}, zip deploy):
     * production runs it, and no other slot has it.
     */
    public synchronized void addSite(String resourceId, String packageUri, Map<String, String> connectionStrings) {
        Map<String, Slot> slots = new LinkedHashMap<>();
        Slot production = new Slot(hostName(resourceId, SlotRef.PRODUCTION));
        if (packageUri != null) {
            production.settings.put(SlotInfo.RUN_FROM_PACKAGE, packageUri);
        }
        production.ownContent = true;
        production.connections.putAll(connectionStrings);
        slots.put(SlotRef.PRODUCTION, production);
        sites.put(key(resourceId), slots);
        hostIndex.putIfAbsent(production.hostName, key(resourceId) + "|" + SlotRef.PRODUCTION);
    }

    /** Adds a database that has been in use (and backed up) for long: restorable to any point since it was added. */
    public synchronized void addDatabase(DatabaseRef database) {
        addDatabase(database, Instant.MIN);
    }

    /**
     * Adds an online database whose earliest restore point is {@code earliestRestore} (Databases_Get's
     * {@code earliestRestoreDate}; a new database's first backup, about half an hour after creation:
     * https://learn.microsoft.com/azure/azure-sql/database/automated-backups-overview#backup-frequency).
     */
    public synchronized void addDatabase(DatabaseRef database, Instant earliestRestore) {
        databases.put(key(database), new Database(DatabaseInfo.State.ONLINE, Instant.MIN, null, earliestRestore));
    }

    /**
     * Keeps only the newest {@code limit} changing calls and irreversible actions (default
     * {@value #DEFAULT_JOURNAL_LIMIT}): they are a record for tests and diagnostics, and a local host that runs
     * for long must not keep one entry per call for good.
     */
    public synchronized SimulatedCloud journalLimit(int limit) {
        calls.limit(limit);
        irreversible.limit(limit);
        return this;
    }

    /**
     * The database actions that took effect, in order (the newest {@link #journalLimit(int)}): a copy or restore that
     * created its target, a rename, a delete that removed a database. A call that changed nothing (a copy whose
     * target exists, a delete of a database that is gone) is not among them, so a repeat here is a repeat that
     * mattered.
     */
    public synchronized List<String> irreversibleActions() {
        return irreversible.entries();
    }

    /** The changing calls made so far, in order, as {@code operation target} (the newest {@link #journalLimit(int)}). */
    public synchronized List<String> calls() {
        return calls.entries();
    }

    /** The next {@code times} calls of {@code operation} on {@code target} (a slot or database) throw {@code error}. */
    public synchronized void failNext(String operation, String target, int times, RuntimeException error) {
        // A misspelt or renamed operation would make a test whose fault never fires: refuse it.
        boolean known = java.util.stream.Stream.of(AppServiceCloud.class, SqlCloud.class)
                .flatMap(port -> java.util.Arrays.stream(port.getMethods()))
                .anyMatch(method -> method.getName().equals(operation));
        if (!known) {
            throw new IllegalArgumentException("no cloud operation is called '" + operation + "'; the App Service and "
                    + "Azure SQL ports have: " + java.util.stream.Stream.of(AppServiceCloud.class, SqlCloud.class)
                    .flatMap(port -> java.util.Arrays.stream(port.getMethods())).map(java.lang.reflect.Method::getName)
                    .distinct().sorted().toList());
        }
        Deque<RuntimeException> queue = faults.computeIfAbsent(operation + " " + target, k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(error);
        }
    }

    /**
     * The next copy or restore into {@code target} ends in state Failed with {@code detail}, once its time is up.
     * Azure SQL reports a failed copy or restore this way (the database shows a failed or suspect state, or is
     * removed; see https://learn.microsoft.com/azure/azure-sql/database/database-copy#monitor-the-progress-of-the-copying-operation).
     */
    public synchronized void failNextCreation(DatabaseRef target, String detail) {
        failingCreations.put(key(target), detail);
    }

    /** A slot running this package answers 503 to the first {@code rounds} warm-up rounds after it starts. */
    public synchronized void coldStart(String packageUri, int rounds) {
        coldStartRounds.put(packageUri, rounds);
    }

    /** A slot running this package answers {@code status} to every request. */
    public synchronized void breakPackage(String packageUri, int status) {
        brokenPackages.put(packageUri, status);
    }

    /** This one slot answers {@code status} to every warm-up request, whatever it runs, until repaired. */
    public synchronized void breakSlot(SlotRef slot, int status) {
        brokenSlots.put(key(slot.siteResourceId()) + "|" + slot.slot(), status);
    }

    public synchronized void repairSlot(SlotRef slot) {
        brokenSlots.remove(key(slot.siteResourceId()) + "|" + slot.slot());
    }

    /** The slot as it is now, without recording a call. */
    public synchronized Optional<SlotInfo> inspect(SlotRef slot) {
        settle(key(slot.siteResourceId()));
        Slot found = slots(slot.siteResourceId()).get(slot.slot());
        return found == null ? Optional.empty() : Optional.of(found.info(slot));
    }

    /**
     * What the slot serves now: the package URL its WEBSITE_RUN_FROM_PACKAGE names, {@value #OWN_CONTENT} (content
     * deployed into this slot, with {@code 1} or no value), or {@value #EMPTY_SITE} (a slot with neither); empty for
     * a missing or stopped slot.
     */
    public synchronized Optional<String> servedContent(SlotRef slot) {
        settle(key(slot.siteResourceId()));
        Slot found = slots(slot.siteResourceId()).get(slot.slot());
        return found == null || !found.running ? Optional.empty() : Optional.of(found.content());
    }

    /** Names of the databases that exist now on {@code serverResourceId}. */
    public synchronized List<String> databaseNames(String serverResourceId) {
        String prefix = serverResourceId.toLowerCase(Locale.ROOT) + "|";
        return databases.keySet().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length()))
                .toList();
    }

    /**
     * Marks app settings and connection strings of the site as slot settings (sticky), as the portal's "Deployment
     * slot setting" box does; {@link #slotSettingNames} reads them back
     * ({@code WebApps_ListSlotConfigurationNames}). As in App Service and the emulator, sticky values stay with
     * their slot in a swap, and a swap with preview gives the source production's sticky values first
     * (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Which settings are swapped?", "Swap with
     * preview").
     */
    public synchronized void setSlotSettingNames(String siteResourceId, java.util.Set<String> appSettingNames,
                                                 java.util.Set<String> connectionStringNames) {
        slots(siteResourceId);
        slotSettings.put(key(siteResourceId),
                new io.smoothdeploy.engine.port.SlotSettingNames(appSettingNames, connectionStringNames));
    }

    // ----- AppServiceCloud -----

    @Override
    public synchronized io.smoothdeploy.engine.port.SlotSettingNames slotSettingNames(String siteResourceId) {
        slots(siteResourceId);
        return slotSettings.getOrDefault(key(siteResourceId), io.smoothdeploy.engine.port.SlotSettingNames.NONE);
    }

    @Override
    public synchronized Optional<SlotInfo> getSlot(SlotRef slot) {
        return inspect(slot);
    }

    @Override
    public synchronized void ensureSlot(SlotRef slot) {
        write("ensureSlot", slot);
        Map<String, Slot> slots = slots(slot.siteResourceId());
        if (!slots.containsKey(slot.slot())) {
            Slot created = new Slot(hostName(slot.siteResourceId(), slot.slot()));
            Slot production = slots.get(SlotRef.PRODUCTION);
            created.connections.putAll(production.connections);
            slots.put(slot.slot(), created);
            hostIndex.putIfAbsent(created.hostName, key(slot.siteResourceId()) + "|" + slot.slot());
        }
    }

    @Override
    public synchronized void applyConfiguration(SlotRef slot, SlotConfiguration configuration) {
        write("applyConfiguration", slot);
        Slot target = existing(slot);
        target.settings.putAll(configuration.appSettings());
        target.connections.putAll(configuration.connectionStrings());
        target.restart();
    }

    @Override
    public synchronized void deployPackage(SlotRef slot, String packageUri) {
        write("deployPackage", slot);
        Slot target = existing(slot);
        target.settings.put(SlotInfo.RUN_FROM_PACKAGE, packageUri);
        target.restart();
    }

    /**
     * A write (refused busy while the site swaps, as App Service refuses a restart then). This double restarts a slot
     * at once on every write, so there is never a restart left to wait for.
     */
    @Override
    public synchronized void awaitCurrentInstance(SlotRef slot) {
        write("awaitCurrentInstance", slot);
        existing(slot);
    }

    /** Accepts the swap and returns; the slots exchange when the swap duration has passed (see the class comment). */
    @Override
    public synchronized void beginSwapWithProduction(SlotRef source) {
        if (source.isProduction()) {
            throw new IllegalArgumentException("cannot swap the production slot with itself: " + source);
        }
        write("beginSwapWithProduction", source);
        existing(source);
        existing(SlotRef.production(source.siteResourceId()));
        String site = key(source.siteResourceId());
        swapRequests.merge(site, 1, Integer::sum);
        boolean stops = swapsToStop.getOrDefault(site, 0) > 0;
        if (stops) {
            swapsToStop.merge(site, -1, Integer::sum);
        }
        swaps.put(site, new Swap(source.slot(), clock.instant().plus(swapDuration), stops));
        settle(site);
    }

    /**
     * Phase 1 of a swap with preview, as {@code applySlotConfig}: the source takes production's values of the sticky
     * settings (its own are remembered for a cancel, the first time) and restarts (a new cold start).
     */
    @Override
    public synchronized void applyProductionConfiguration(SlotRef source) {
        if (source.isProduction()) {
            throw new IllegalArgumentException("the production slot cannot preview a swap with itself: " + source);
        }
        write("applyProductionConfiguration", source);
        Slot slot = existing(source);
        Slot production = existing(SlotRef.production(source.siteResourceId()));
        io.smoothdeploy.engine.port.SlotSettingNames sticky = slotSettingNames(source.siteResourceId());
        if (slot.ownSticky == null) {
            slot.ownSticky = new Sticky(only(slot.settings, sticky.appSettingNames()),
                    only(slot.connections, sticky.connectionStringNames()));
        }
        put(slot.settings, sticky.appSettingNames(), only(production.settings, sticky.appSettingNames()));
        put(slot.connections, sticky.connectionStringNames(), only(production.connections, sticky.connectionStringNames()));
        slot.restart();
    }

    /** Cancels a swap with preview: the slot gets its own sticky values back and restarts. */
    @Override
    public synchronized void resetConfiguration(SlotRef source) {
        if (source.isProduction()) {
            throw new IllegalArgumentException("the production slot has no swap preview to cancel: " + source);
        }
        write("resetConfiguration", source);
        Slot slot = existing(source);
        io.smoothdeploy.engine.port.SlotSettingNames sticky = slotSettingNames(source.siteResourceId());
        if (slot.ownSticky != null) {
            put(slot.settings, sticky.appSettingNames(), slot.ownSticky.settings());
            put(slot.connections, sticky.connectionStringNames(), slot.ownSticky.connections());
            slot.ownSticky = null;
        }
        slot.restart();
    }

    /** The entries of {@code values} whose names are in {@code names}. */
    private static Map<String, String> only(Map<String, String> values, java.util.Set<String> names) {
        Map<String, String> picked = new HashMap<>();
        values.forEach((k, v) -> {
            if (names.contains(k)) {
                picked.put(k, v);
            }
        });
        return picked;
    }

    /** Replaces the values of {@code names} in {@code target} by those in {@code values} (absent there: removed). */
    private static void put(Map<String, String> target, java.util.Set<String> names, Map<String, String> values) {
        names.forEach(target::remove);
        target.putAll(only(values, names));
    }

    @Override
    public synchronized void startSlot(SlotRef slot) {
        write("startSlot", slot);
        Slot target = existing(slot);
        if (!target.running) {
            target.running = true;
            target.restart();
        }
    }

    @Override
    public synchronized void stopSlot(SlotRef slot) {
        write("stopSlot", slot);
        existing(slot).running = false;
    }

    // ----- SqlCloud -----

    @Override
    public synchronized Optional<DatabaseInfo> getDatabase(DatabaseRef database) {
        settleDrops();
        Database found = databases.get(key(database));
        if (found == null) {
            return Optional.empty();
        }
        boolean ready = !clock.instant().isBefore(found.readyAt);
        Instant earliest = Instant.MIN.equals(found.earliestRestore) ? null : found.earliestRestore;
        if (ready && found.failure != null) {
            return Optional.of(new DatabaseInfo(database, DatabaseInfo.State.FAILED, found.failure, earliest));
        }
        DatabaseInfo.State state = found.state == DatabaseInfo.State.CREATING && ready
                ? DatabaseInfo.State.ONLINE : found.state;
        return Optional.of(new DatabaseInfo(database, state, state == DatabaseInfo.State.ONLINE ? "Online" : "Copying",
                earliest));
    }

    @Override
    public synchronized void beginCopy(DatabaseRef source, DatabaseRef target) {
        record("beginCopy", source + " -> " + target);
        create(source, target);
    }

    @Override
    public synchronized void beginPointInTimeRestore(DatabaseRef source, Instant pointInTime, DatabaseRef target) {
        record("beginPointInTimeRestore", source + "@" + pointInTime + " -> " + target);
        Database from = databases.get(key(source));
        if (from != null && !databases.containsKey(key(target))
                && (pointInTime.isBefore(from.earliestRestore) || pointInTime.isAfter(clock.instant()))) {
            // Databases_CreateOrUpdate refuses a restore point outside [earliestRestoreDate, now] with 400
            // PitrPointInTimeInvalid, the SQL provider's code (as the emulator's ArmRouter does; sources there)
            throw new CloudException("PitrPointInTimeInvalid", "the restore point " + pointInTime + " is outside "
                    + "the restore window of " + source + ", which starts at " + from.earliestRestore, false);
        }
        create(source, target);
    }

    @Override
    public synchronized void rename(DatabaseRef database, String newName) {
        record("rename", database + " -> " + newName);
        settleDrops();
        DatabaseRef renamed = new DatabaseRef(database.serverResourceId(), newName);
        if (databases.containsKey(key(renamed))) {
            // ARM's Databases_Rename answers 400 when the name is taken (SQL error 40544-style DatabaseNameInUse):
            // https://learn.microsoft.com/rest/api/sql/databases/rename
            throw new CloudException("DatabaseNameInUse", "a database named " + newName + " already exists on the "
                    + "server", false);
        }
        Database found = databases.get(key(database));
        if (found == null) {
            // Databases_Rename: 404 SourceDatabaseNotFound (issue 11; as the emulator's ArmRouter answers)
            throw new CloudException("SourceDatabaseNotFound", "database " + database + " does not exist", false);
        }
        if (clock.instant().isBefore(found.readyAt)) {
            // 409 InvalidOperationForDatabase while a copy or restore is still creating it: check again later
            throw CloudException.busy("InvalidOperationForDatabase: database " + database + " is still being created"
                    + " by a copy or restore", null);
        }
        databases.remove(key(database));
        databases.put(key(new DatabaseRef(database.serverResourceId(), newName)), found);
        irreversible.add("rename " + database + " -> " + newName);
    }

    @Override
    public synchronized void deleteDatabase(DatabaseRef database) {
        record("deleteDatabase", database.toString());
        Database found = databases.get(key(database));
        if (found != null && clock.instant().isBefore(found.readyAt)) {
            // A copy still seeding its target is cancelled only by dropping the target
            // (https://learn.microsoft.com/sql/relational-databases/system-dynamic-management-views/sys-dm-database-copies-azure-sql-database);
            // modelled harshly, as the emulator does: it stays listed, still copying, until the copy would have ended
            if (drops.putIfAbsent(key(database), found.readyAt) == null) {
                irreversible.add("delete " + database);
            }
            return;
        }
        if (databases.remove(key(database)) != null) {
            drops.remove(key(database));
            irreversible.add("delete " + database);
        }
    }

    /** Ends the drops of databases that were deleted while still being copied, once their time is up. */
    private void settleDrops() {
        drops.entrySet().removeIf(drop -> {
            if (clock.instant().isBefore(drop.getValue())) {
                return false;
            }
            databases.remove(drop.getKey());
            return true;
        });
    }

    // ----- WarmUpProber -----

    /**
     * One warm-up round, routed as App Service's front end routes: the base URL only has to reach a front end (some
     * slot's {@code https://<default host name>}, else no connection), and the {@code Host} of each request decides
     * which slot answers: a slot's own default host name ({@code <site>.azurewebsites.net}, {@code
     * <site>-<slot>.azurewebsites.net}, https://learn.microsoft.com/azure/app-service/deploy-staging-slots), a custom
     * domain {@linkplain #bindCustomDomain bound} to a site reaches its production slot
     * (https://learn.microsoft.com/azure/app-service/app-service-web-tutorial-custom-domain), and any other name gets
     * 404 "web app not found". The same rule as the emulator's {@code SlotRuntime}.
     */
    @Override
    public synchronized List<ProbeResult> probe(WarmUpTarget target) {
        // Only a site with a swap running has anything to settle.
        List.copyOf(swaps.keySet()).forEach(this::settle);
        String base = target.baseUrl();
        // Default host names are lower case, so an exact match is a match of the indexed name.
        boolean frontEnd = base.startsWith("https://") && hasDefaultHostName(base.substring("https://".length()));
        List<ProbeResult> results = new ArrayList<>();
        java.util.Set<Slot> answered = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (String host : target.hostNames()) {
            String routedKey = frontEnd ? route(host) : null;
            Slot slot = routedKey == null ? null : slots(routedKey.substring(0, routedKey.indexOf('|')))
                    .get(routedKey.substring(routedKey.indexOf('|') + 1));
            Integer brokenStatus = routedKey == null ? null : brokenSlots.get(routedKey);
            for (String path : target.paths()) {
                if (!frontEnd) {
                    results.add(answer(null, host, path, target.expectedStatuses()));
                } else if (slot == null) {
                    results.add(new ProbeResult(host, path, target.expectedStatuses().contains(404)
                            ? ProbeResult.Outcome.OK : ProbeResult.Outcome.UNEXPECTED_STATUS, 404, Duration.ofMillis(5),
                            "404 Web app not found: no app has the host name " + host));
                } else {
                    results.add(brokenStatus != null
                            ? new ProbeResult(host, path, ProbeResult.Outcome.SERVER_ERROR, brokenStatus, Duration.ZERO,
                            "System.InvalidOperationException: the slot is broken")
                            : answer(slot, host, path, target.expectedStatuses()));
                }
            }
            if (slot != null) {
                answered.add(slot);
            }
        }
        answered.forEach(slot -> slot.roundsSinceStart++);
        return results;
    }

    /**
     * Binds a custom domain to the site's production slot (App Service's {@code WebApps_CreateOrUpdateHostNameBinding};
     * a host name belongs to one app only, so one another site holds is refused).
     */
    public synchronized void bindCustomDomain(String siteResourceId, String hostName) {
        String host = hostName.trim().toLowerCase(Locale.ROOT);
        slots(siteResourceId);
        customDomains.forEach((bound, site) -> {
            if (bound.equals(host) && !site.equals(key(siteResourceId))) {
                throw new IllegalStateException(host + " is already bound to " + site);
            }
        });
        customDomains.put(host, key(siteResourceId));
    }

    /** Whether some slot's default host name is exactly {@code name}. */
    private boolean hasDefaultHostName(String name) {
        String indexed = hostIndex.get(name);
        if (indexed == null) {
            return false; // no slot ever had the name
        }
        if (indexedSlot(indexed, name) != null) {
            return true;
        }
        return sites.values().stream().flatMap(slots -> slots.values().stream())
                .anyMatch(candidate -> candidate.hostName.equals(name));
    }

    /** The slot {@code <site key>|<slot>} names, if it exists and still has the host name {@code name}. */
    private Slot indexedSlot(String siteAndSlot, String name) {
        int bar = siteAndSlot.indexOf('|');
        Map<String, Slot> slots = sites.get(siteAndSlot.substring(0, bar));
        Slot slot = slots == null ? null : slots.get(siteAndSlot.substring(bar + 1));
        return slot != null && slot.hostName.equals(name) ? slot : null;
    }

    /** {@code <site key>|<slot>} of the slot that answers {@code Host: host}, or null when no app has the name. */
    private String route(String host) {
        String name = host.trim().toLowerCase(Locale.ROOT);
        int colon = name.indexOf(':');
        name = colon < 0 ? name : name.substring(0, colon);
        String indexed = hostIndex.get(name);
        if (indexed == null && !customDomains.containsKey(name)) {
            return null;
        }
        if (indexed != null && indexedSlot(indexed, name) != null) {
            return indexed;
        }
        for (Map.Entry<String, Map<String, Slot>> site : sites.entrySet()) {
            for (Map.Entry<String, Slot> candidate : site.getValue().entrySet()) {
                if (candidate.getValue().hostName.equalsIgnoreCase(name)) {
                    return site.getKey() + "|" + candidate.getKey();
                }
            }
        }
        String site = customDomains.get(name);
        return site == null ? null : site + "|" + SlotRef.PRODUCTION;
    }

    private ProbeResult answer(Slot slot, String host, String path, List<Integer> expected) {
        if (slot == null || !slot.running) {
            return new ProbeResult(host, path, ProbeResult.Outcome.CONNECTION_REFUSED, 0, Duration.ZERO,
                    "connection refused");
        }
        String packageUri = slot.content();
        int status = brokenPackages.getOrDefault(packageUri,
                slot.roundsSinceStart < coldStartRounds.getOrDefault(packageUri, 0) ? 503 : 200);
        if (expected.contains(status)) {
            return new ProbeResult(host, path, ProbeResult.Outcome.OK, status, Duration.ofMillis(5), null);
        }
        ProbeResult.Outcome outcome = status == 403 ? ProbeResult.Outcome.FORBIDDEN
                : status >= 500 ? ProbeResult.Outcome.SERVER_ERROR : ProbeResult.Outcome.UNEXPECTED_STATUS;
        return new ProbeResult(host, path, outcome, status, Duration.ofMillis(5), null);
    }

    // ----- PackageDigest, SmokeProber, DatabaseActivity -----

    /**
     * The SHA-256 of a simulated package: its bytes are taken to be its URI without the query string, so a
     * test computes the right hash with this method and a wrong one by hashing anything else.
     */
    public static String packageSha256(String packageUri) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Redact.uri(packageUri).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The next {@code times} reads of {@code packageUri} (compared without its query string) throw {@code error}, as a
     * blob download does when Storage answers 503 ServerBusy or 500 OperationTimedOut, which its clients retry
     * (https://learn.microsoft.com/rest/api/storageservices/blob-service-error-codes).
     */
    public synchronized void failNextRead(String packageUri, int times, RuntimeException error) {
        Deque<RuntimeException> queue = readFaults.computeIfAbsent(Redact.uri(packageUri), k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(error);
        }
    }

    @Override
    public synchronized String sha256(String packageUri) {
        Deque<RuntimeException> faults = readFaults.get(Redact.uri(packageUri));
        if (faults != null && !faults.isEmpty()) {
            throw faults.poll();
        }
        return packageSha256(packageUri);
    }

    /** Sets how many writes reached {@code database} since it was created (0 unless set). */
    /** Simulates the live site's writes: the database's write count becomes {@code writes}, unless it is read-only. */
    public synchronized void setWrites(DatabaseRef database, long writes) {
        if (readOnlyDatabases.contains(key(database))) {
            return;
        }
        this.writes.put(key(database), writes);
    }

    /**
     * Like {@code ALTER DATABASE ... SET READ_ONLY}; later {@link #setWrites} calls (writes by the simulated site)
     * are refused, so the count stays what it was.
     */
    @Override
    public synchronized boolean stopWrites(DatabaseRef database) {
        record("stopWrites", database.toString());
        if (!databases.containsKey(key(database))) {
            return false;
        }
        readOnlyDatabases.add(key(database));
        return true;
    }

    @Override
    public synchronized java.util.OptionalLong writesSinceCreated(DatabaseRef database) {
        return java.util.OptionalLong.of(writes.getOrDefault(key(database), 0L));
    }

    /** A smoke check answers as warm-up does: 200 from a healthy slot, the broken status from a broken one. */
    @Override
    public synchronized SmokeCheckResult check(String baseUrl, String hostName, String webApp, SmokeCheck check) {
        ProbeResult probe = probe(new WarmUpTarget(baseUrl, List.of(hostName), List.of(check.path()),
                List.of(check.expectedStatus()))).get(0);
        return probe.ok() ? SmokeCheckResult.pass(webApp, check, probe.status(), 5)
                : SmokeCheckResult.fail(webApp, check, probe.status(), "expected HTTP " + check.expectedStatus()
                + ", got " + (probe.status() == 0 ? "no answer" : "HTTP " + probe.status()), 5);
    }

    // ----- internals -----

    private void create(DatabaseRef source, DatabaseRef target) {
        settleDrops();
        if (!databases.containsKey(key(source))) {
            throw new CloudException("ResourceNotFound", "database " + source + " does not exist", false);
        }
        if (databases.containsKey(key(target))) {
            return;
        }
        String failure = failingCreations.remove(key(target));
        databases.put(key(target), new Database(DatabaseInfo.State.CREATING, clock.instant().plus(copyDuration), failure,
                clock.instant().plus(FIRST_BACKUP)));
        irreversible.add("create " + target + " from " + source);
    }

    /**
     * A write to the slot's site: refused busy while the site swaps (settling a swap whose time is up first),
     * else recorded (and failed, when a fault is queued).
     */
    private void write(String operation, SlotRef slot) {
        String site = key(slot.siteResourceId());
        settle(site);
        Swap running = swaps.get(site);
        if (running != null) {
            calls.add(operation + " " + slot + " (busy)");
            throw CloudException.busy("Cannot modify this site because another operation is in progress: site "
                    + slot.siteName() + " is swapping slot " + running.source() + " with production until "
                    + running.doneAt(), null);
        }
        record(operation, slot.toString());
    }

    /** Finishes the site's swap when its time is up: the two slots exchange content and settings at once. */
    private void settle(String site) {
        Swap running = swaps.get(site);
        if (running == null || clock.instant().isBefore(running.doneAt())) {
            return;
        }
        swaps.remove(site);
        if (running.stops()) {
            calls.add("swap stopped " + site.substring(site.lastIndexOf('/') + 1) + "/" + running.source());
            return;
        }
        Map<String, Slot> slots = sites.get(site);
        Slot from = slots.get(running.source());
        Slot production = slots.get(SlotRef.PRODUCTION);
        // sticky values stay with their slot (the source gets its own back when it was previewing); the rest, and
        // the content, travel (deploy-staging-slots, "Which settings are swapped?")
        io.smoothdeploy.engine.port.SlotSettingNames sticky = slotSettings.getOrDefault(site,
                io.smoothdeploy.engine.port.SlotSettingNames.NONE);
        Map<String, String> fromSticky = from.ownSticky != null ? from.ownSticky.settings()
                : only(from.settings, sticky.appSettingNames());
        Map<String, String> fromStickyConnections = from.ownSticky != null ? from.ownSticky.connections()
                : only(from.connections, sticky.connectionStringNames());
        Map<String, String> settings = new HashMap<>(from.settings);
        Map<String, String> connections = new HashMap<>(from.connections);
        put(settings, sticky.appSettingNames(), only(production.settings, sticky.appSettingNames()));
        put(connections, sticky.connectionStringNames(), only(production.connections, sticky.connectionStringNames()));
        Map<String, String> leaving = new HashMap<>(production.settings);
        Map<String, String> leavingConnections = new HashMap<>(production.connections);
        put(leaving, sticky.appSettingNames(), fromSticky);
        put(leavingConnections, sticky.connectionStringNames(), fromStickyConnections);
        int rounds = from.roundsSinceStart;
        boolean content = from.ownContent;
        from.replace(leaving, leavingConnections, production.roundsSinceStart);
        from.ownContent = production.ownContent;
        from.ownSticky = null;
        production.replace(settings, connections, rounds);
        production.ownContent = content;
    }

    private void record(String operation, String target) {
        Deque<RuntimeException> queue = faults.get(operation + " " + target);
        if (queue != null && !queue.isEmpty()) {
            calls.add(operation + " " + target + " (failed)");
            throw queue.poll();
        }
        calls.add(operation + " " + target);
    }

    private Map<String, Slot> slots(String siteResourceId) {
        Map<String, Slot> slots = sites.get(key(siteResourceId));
        if (slots == null) {
            throw new CloudException("ResourceNotFound", "site " + siteResourceId + " does not exist", false);
        }
        return slots;
    }

    private Slot existing(SlotRef slot) {
        Slot found = slots(slot.siteResourceId()).get(slot.slot());
        if (found == null) {
            throw new CloudException("ResourceNotFound", "slot " + slot + " does not exist", false);
        }
        return found;
    }

    private static String hostName(String siteResourceId, String slot) {
        String site = siteResourceId.substring(siteResourceId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return SlotRef.PRODUCTION.equals(slot) ? site + ".azurewebsites.net" : site + "-" + slot + ".azurewebsites.net";
    }

    private static String key(String resourceId) {
        return resourceId.toLowerCase(Locale.ROOT);
    }

    private static String key(DatabaseRef database) {
        return database.serverResourceId().toLowerCase(Locale.ROOT) + "|" + database.name();
    }

    private static final class Slot {
        final String hostName;
        final Map<String, String> settings = new HashMap<>();
        final Map<String, String> connections = new HashMap<>();
        boolean running = true;
        int roundsSinceStart;
        /** Content was deployed into this slot itself (wwwroot, or its own SitePackages for {@code 1}). */
        boolean ownContent;
        /** Its own sticky values while a swap with preview gave it production's, or null. */
        Sticky ownSticky;

        Slot(String hostName) {
            this.hostName = hostName;
        }

        void restart() {
            roundsSinceStart = 0;
        }

        /** The package URL it runs, its own content, or the empty default site (see the class comment). */
        String content() {
            String value = settings.get(SlotInfo.RUN_FROM_PACKAGE);
            if (value != null) {
                String lower = value.trim().toLowerCase(Locale.ROOT);
                if (lower.startsWith("https://") || lower.startsWith("http://")) {
                    return value;
                }
            }
            return ownContent ? OWN_CONTENT : EMPTY_SITE;
        }

        void replace(Map<String, String> newSettings, Map<String, String> newConnections, int rounds) {
            settings.clear();
            settings.putAll(newSettings);
            connections.clear();
            connections.putAll(newConnections);
            roundsSinceStart = rounds;
        }

        SlotInfo info(SlotRef ref) {
            return new SlotInfo(ref, running, hostName, "https://" + hostName, settings, connections);
        }
    }

    /** A database; {@code failure} is the detail of a copy or restore that ends Failed, or null. */
    /** How long after its creation a database becomes restorable (its first full backup; see addDatabase). */
    static final Duration FIRST_BACKUP = Duration.ofMinutes(30);

    private record Database(DatabaseInfo.State state, Instant readyAt, String failure, Instant earliestRestore) {
    }

    /** A slot's own values of the sticky settings, kept while a preview gives it production's. */
    private record Sticky(Map<String, String> settings, Map<String, String> connections) {
    }

    /** A running swap: the source slot, when it is over, and whether App Service stops it then (nothing changes). */
    private record Swap(String source, Instant doneAt, boolean stops) {
    }
}
