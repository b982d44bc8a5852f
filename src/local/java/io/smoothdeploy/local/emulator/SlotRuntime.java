package io.smoothdeploy.local.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.smoothdeploy.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The emulator's slot runtime: every slot is a loopback HTTP listener ({@link SlotHost}) serving its current
 * {@link AppInstance}, the package its {@code WEBSITE_RUN_FROM_PACKAGE} points to. It hears the model through
 * {@link SlotObserver}, so it changes exactly when ARM's answers do, under the emulator's lock: a swap
 * exchanges two slots' instances in one step, and a request already being handled finishes on the instance
 * it started on.
 */
final class SlotRuntime implements SlotObserver {

    /**
     * The client address App Service's own swap warm-up requests come from: they are made internally, not through
     * the external URL, from a REMOTE_ADDR starting with 10. or 100., which an app's rewrite or allow-list rules
     * must let through (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Troubleshoot swaps").
     */
    static final String SWAP_WARM_UP_ADDRESS = "100.64.0.1";


    static final String RUN_FROM_PACKAGE = "WEBSITE_RUN_FROM_PACKAGE";
    /**
     * The body of the empty default site a slot with no content serves (with 200, and no X-Package): App Service's
     * hostingstart.html says the app is up and running and waiting for content.
     */
    static final String HOSTING_START = "Your web app is running and waiting for your content (hostingstart.html)";

    private final AzureEmulator emulator;
    private final ExecutorService executor;
    private final AtomicLong nextInstance = new AtomicLong();
    /** Guarded by the emulator's lock. Slots are never replaced in the model, so identity is the key. */
    private final Map<EmulatedSlot, SlotHost> hosts = new IdentityHashMap<>();
    private volatile Path packageDirectory;
    private boolean closed;

    SlotRuntime(AzureEmulator emulator, Path packageDirectory) {
        this.emulator = emulator;
        this.packageDirectory = packageDirectory;
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "emulated-slot");
            thread.setDaemon(true);
            return thread;
        });
    }

    void setPackageDirectory(Path packageDirectory) {
        this.packageDirectory = packageDirectory;
    }

    // ----- the model's events (all with the emulator's lock held) -----

    @Override
    public void slotCreated(EmulatedSite site, EmulatedSlot slot) {
        host(site, slot).instance = start(slot);
    }

    @Override
    public void settingsChanged(EmulatedSite site, EmulatedSlot slot) {
        host(site, slot).instance = start(slot);
    }

    /**
     * A restart replaces the instance, except on a stopped slot: an app stopped with {@code WebApps_Stop} /
     * {@code WebApps_StopSlot} (Microsoft.Web REST spec: "Stops an app") runs no process until it is started, so a
     * restart of one (a cancelled swap with preview, say) starts nothing and migrates nothing. A guess on the
     * harsh side for the engine: it cannot count on a restart to bring a stopped slot back.
     */
    @Override
    public void restarted(EmulatedSite site, EmulatedSlot slot) {
        if (!slot.running()) {
            host(site, slot);
            return;
        }
        host(site, slot).instance = start(slot);
    }

    /** The new instance started when the restart took effect, so its cold start counts from then. */
    @Override
    public void restartedAt(EmulatedSite site, EmulatedSlot slot, java.time.Instant at) {
        if (!slot.running()) {
            // a slot stopped while its restart lagged runs no process when the restart falls due (WebApps_Stop)
            host(site, slot);
            return;
        }
        host(site, slot).instance = start(slot, at);
    }

    @Override
    public void started(EmulatedSite site, EmulatedSlot slot) {
        host(site, slot).instance = start(slot);
    }

    /**
     * The front end switches at once: each slot now serves the other's instance. The source's instance already
     * runs with the target's sticky values (applied by a swap with preview, or by the swap itself when it was
     * accepted, restarting it, see {@code ArmRouter.swap}), and passed the swap's warm-up ({@link #swapWarmUp}).
     * The target's old instance, which now serves the source slot, keeps the settings it
     * ran with: App Service then applies the source slot's sticky values to it and restarts it ("Swap operation
     * steps": the source slot now has the pre-swap app and gets the same treatment), which {@code
     * ArmRouter.exchangeSlots} asks for after this event; until that restart takes effect the old process answers
     * as it was.
     */
    @Override
    public void swapped(EmulatedSite site, EmulatedSlot source, EmulatedSlot target) {
        SlotHost sourceHost = host(site, source);
        SlotHost targetHost = host(site, target);
        AppInstance toTarget = sourceHost.instance;
        AppInstance toSource = targetHost.instance;
        targetHost.instance = fitted(toTarget, target);
        sourceHost.instance = toSource;
    }

    private static AppInstance fitted(AppInstance instance, EmulatedSlot slot) {
        Map<String, String> settings = slot.appSettings();
        Map<String, String> strings = slot.environmentConnectionStrings();
        if (instance == null) {
            return null;
        }
        return instance.appSettings().equals(settings) && instance.connectionStrings().equals(strings) ? instance
                : instance.withSettings(settings, strings);
    }

    // ----- the swap's own warm-up -----

    /**
     * What App Service's warm-up during a swap found: passed, stopped with {@code failure}, or still waiting for an
     * answer until {@code waitUntil}.
     */
    record WarmUp(String failure, java.time.Instant waitUntil) {
        static final WarmUp PASSED = new WarmUp(null, null);
    }

    static final String PING_PATH = "WEBSITE_SWAP_WARMUP_PING_PATH";
    static final String PING_STATUSES = "WEBSITE_SWAP_WARMUP_PING_STATUSES";

    /**
     * Judges the source of a swap accepted at {@code acceptedAt} (with the lock held), as App Service's "Swap
     * operation steps" do (https://learn.microsoft.com/azure/app-service/deploy-staging-slots): an instance whose
     * restart failed (its package cannot be found or read: nothing starts) stops the swap; then the warm-up requests
     * {@value #PING_PATH} (default {@code /}) on the instance, internally (Host is the slot's own name and no header
     * a front end or a proxy would add is sent, as "Troubleshoot swaps" warns), and an instance still starting has
     * not answered yet: the swap waits for it, up to {@code limit} after acceptance. The answer passes when
     * {@value #PING_STATUSES} is unset or empty (any status is valid) or lists its status ("Specify custom warm-up":
     * otherwise the warm-up and the swap are stopped); an entry that is not a number accepts nothing. A stopped slot
     * answers its 503. A slot with no listener (no runtime for it) passes.
     */
    WarmUp swapWarmUp(EmulatedSlot source, java.time.Instant acceptedAt, java.time.Instant now, java.time.Duration limit) {
        SlotHost host = hosts.get(source);
        if (host == null) {
            return WarmUp.PASSED;
        }
        AppInstance app = host.instance;
        boolean running = source.running();
        if (running && app != null && app.manifest() == null && !app.emptySite()) {
            return new WarmUp("slot '" + source.name() + "' failed to restart (" + app.packageProblem() + ")", null);
        }
        String path = source.appSettings().getOrDefault(PING_PATH, "/");
        path = path == null || path.isBlank() ? "/" : path.trim();
        java.time.Instant deadline = acceptedAt.plus(limit);
        if (running && source.restartDue != null) {
            // a restart the settings write asked for has not taken effect yet (restarts are asynchronous): App
            // Service waits for every instance of the source to complete its restart before it warms it ("Swap
            // operation steps"), so the old process is never the one judged
            if (!source.restartDue.isAfter(deadline)) {
                return new WarmUp(null, source.restartDue);
            }
            if (now.isBefore(deadline)) {
                return new WarmUp(null, deadline);
            }
            return new WarmUp("slot '" + source.name() + "' did not finish restarting within " + limit.toSeconds()
                    + " s", null);
        }
        if (running && app != null && app.warmingUp(now)) {
            java.time.Instant ready = app.startedAt().plus(app.manifest().coldStart());
            if (!ready.isAfter(deadline)) {
                return new WarmUp(null, ready);
            }
            if (now.isBefore(deadline)) {
                return new WarmUp(null, deadline);
            }
            return new WarmUp("the warm-up request to " + path + " on slot '" + source.name() + "' got no answer within "
                    + limit.toSeconds() + " s (the instance is still starting)", null);
        }
        Answer answer = host.answer(app, running, "GET", path, header -> null, SWAP_WARM_UP_ADDRESS);
        String statuses = source.appSettings().get(PING_STATUSES);
        if (statuses == null || statuses.isBlank()) {
            return WarmUp.PASSED;
        }
        for (String entry : statuses.split(",")) {
            if (entry.trim().equals(String.valueOf(answer.status()))) {
                return WarmUp.PASSED;
            }
        }
        return new WarmUp("the warm-up request to " + path + " on slot '" + source.name() + "' answered HTTP "
                + answer.status() + ", which is not one of " + PING_STATUSES + " (" + statuses.trim() + ")", null);

    }

    /** True when the slot's instance runs with other settings than the slot has now (a restart would change it). */
    boolean stale(EmulatedSlot slot) {
        SlotHost host = hosts.get(slot);
        if (host == null || host.instance == null) {
            return false;
        }
        return !host.instance.appSettings().equals(slot.appSettings())
                || !host.instance.connectionStrings().equals(slot.environmentConnectionStrings());
    }

    // ----- inspection -----

    Optional<AppInstance> instance(EmulatedSlot slot) {
        SlotHost host = hosts.get(slot);
        return host == null ? Optional.empty() : Optional.ofNullable(host.instance);
    }

    Optional<String> url(EmulatedSlot slot) {
        SlotHost host = hosts.get(slot);
        return host == null ? Optional.empty() : Optional.of(host.baseUrl);
    }

    /** Stops every listener. Call without the emulator's lock. */
    void close() {
        List<SlotHost> all;
        synchronized (emulator.lock) {
            closed = true;
            all = new ArrayList<>(hosts.values());
            hosts.clear();
        }
        all.forEach(host -> host.server.stop(0));
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SlotHost host(EmulatedSite site, EmulatedSlot slot) {
        SlotHost host = hosts.get(slot);
        if (host == null) {
            if (closed) {
                throw new IllegalStateException("the emulator is closed");
            }
            host = new SlotHost(slot);
            hosts.put(slot, host);
            emulator.setSlotUrl(slot.defaultHostName(), host.baseUrl);
        }
        return host;
    }

    // ----- starting an instance -----

    /** A new start of the slot's package with the slot's settings now (with the lock held). */
    private AppInstance start(EmulatedSlot slot) {
        return start(slot, emulator.clock.instant());
    }

    /** A new start of the slot's package with the slot's settings now, started at {@code startedAt}. */
    private AppInstance start(EmulatedSlot slot, java.time.Instant startedAt) {
        long id = nextInstance.incrementAndGet();
        Map<String, String> settings = slot.appSettings();
        Map<String, String> strings = slot.environmentConnectionStrings();
        String packageUri = settings.get(RUN_FROM_PACKAGE);
        String file;
        if (isUrl(packageUri)) {
            file = fileName(packageUri);
        } else if (slot.ownPackage() != null) {
            // 1 runs the package in the slot's own SitePackages, no value what was deployed into its wwwroot
            file = slot.ownPackage();
        } else {
            // A new slot has no content, even with settings cloned (deploy-staging-slots, "Add a slot"), and 1 or
            // no value names nothing another slot has (deploy-run-package): App Service serves its empty default
            // site (hostingstart.html) with 200
            return new AppInstance(id, null, null, AppInstance.EMPTY_SITE, settings, strings, startedAt, null);
        }
        PackageManifest manifest = null;
        String problem = null;
        Path directory = packageDirectory;
        if (file == null || directory == null) {
            problem = "package not found";
        } else {
            Path zip = directory.resolve(file);
            if (!Files.isRegularFile(zip)) {
                problem = "package not found: " + file;
            } else {
                try {
                    manifest = PackageManifest.read(zip);
                } catch (IllegalArgumentException | UncheckedIOException e) {
                    problem = "package invalid: " + file + ": " + e.getMessage();
                }
            }
        }
        AppInstance instance = new AppInstance(id, file, manifest, problem, settings, strings,
                startedAt, null);
        String expectedName = manifest == null ? null : manifest.connectionStringName();
        if (manifest != null && instance.connectionString() == null
                && strings.keySet().stream().anyMatch(v -> v.endsWith("CONNSTR_" + expectedName))) {
            // The slot has the connection string, but under another type's prefix: the app, which reads its own
            // prefix (configure-common, "Configure connection strings"), finds none and fails to start
            return new AppInstance(id, file, manifest, null, settings, strings, instance.startedAt(),
                    "Connection string '" + manifest.connectionStringName() + "' was not found (environment variable "
                            + manifest.connectionStringVariable() + ")");
        }
        if (manifest == null || manifest.startupFailure() != null || instance.readOnly()) {
            return instance;
        }
        // Starting in ReadWrite mode, the app migrates the database it points at, once per version: a database
        // already at this version (the clone of one, or a restart) gets no write.
        if (manifest.migrationFailure() != null) {
            return new AppInstance(id, file, manifest, null, settings, strings, instance.startedAt(),
                    manifest.migrationFailure());
        }
        String version = manifest.version();
        String marker = "\"migration\":\"" + version + "\"";
        database(instance.connectionString())
                .filter(db -> db.values().stream().noneMatch(v -> v.contains(marker)))
                .ifPresent(db -> db.insert(row("migration", version)));
        return instance;
    }

    /** True for an http(s) URL, the only WEBSITE_RUN_FROM_PACKAGE value that names a package any slot can fetch. */
    static boolean isUrl(String value) {
        if (value == null) {
            return false;
        }
        String lower = value.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://");
    }

    /** The last path segment of a package URI, without query string or fragment; null when there is none. */
    static String fileName(String packageUri) {
        String path;
        try {
            path = URI.create(packageUri.trim()).getPath();
        } catch (IllegalArgumentException e) {
            String text = packageUri.trim();
            int cut = text.length();
            for (char c : new char[] {'?', '#'}) {
                int at = text.indexOf(c);
                if (at >= 0 && at < cut) {
                    cut = at;
                }
            }
            path = text.substring(0, cut);
        }
        if (path == null) {
            return null;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        name = name.substring(name.lastIndexOf('\\') + 1);
        return name.isEmpty() || name.equals(".") || name.equals("..") ? null : name;
    }

    /**
     * The emulator's database a SQL connection string names: the server of
     * {@code Server=tcp:<server>.database.windows.net[,1433]} (also {@code Data Source}, {@code Address}) and the
     * database of {@code Initial Catalog=} or {@code Database=}.
     */
    Optional<EmulatedDatabase> database(String connectionString) {
        if (connectionString == null) {
            return Optional.empty();
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String pair : connectionString.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                parts.put(pair.substring(0, eq).trim().toLowerCase(Locale.ROOT), pair.substring(eq + 1).trim());
            }
        }
        String server = first(parts, "server", "data source", "address", "addr", "network address");
        String database = first(parts, "initial catalog", "database");
        if (server == null || database == null) {
            return Optional.empty();
        }
        if (server.regionMatches(true, 0, "tcp:", 0, 4)) {
            server = server.substring(4);
        }
        int comma = server.indexOf(',');
        server = comma < 0 ? server : server.substring(0, comma);
        int dot = server.indexOf('.');
        String serverName = (dot < 0 ? server : server.substring(0, dot)).trim();
        synchronized (emulator.lock) {
            for (EmulatedSqlServer sqlServer : emulator.sqlServers.values()) {
                String id = sqlServer.resourceId();
                if (id.substring(id.lastIndexOf('/') + 1).equalsIgnoreCase(serverName)) {
                    return sqlServer.database(database);
                }
            }
        }
        return Optional.empty();
    }

    private static String first(Map<String, String> parts, String... keys) {
        for (String key : keys) {
            String value = parts.get(key);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }

    private String row(String field, String value) {
        ObjectNode row = Json.mapper().createObjectNode();
        row.put(field, value);
        row.put("at", emulator.clock.instant().toString());
        return row.toString();
    }

    // ----- the front end: routing by Host -----

    /**
     * Which slot answers a request with this {@code Host} header, whatever listener it reached (with the lock
     * held); null when no app has that host name. App Service's front ends are shared by many apps and pick the app
     * by the Host header (and SNI for TLS), not by the address a request was sent to: a slot answers on its own
     * default host name only ({@code <site>.azurewebsites.net} for production, {@code <site>-<slot>.azurewebsites.net}
     * for a slot, https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Add a slot"), and a custom
     * domain reaches the slot it is bound to, production
     * (https://learn.microsoft.com/azure/app-service/app-service-web-tutorial-custom-domain); a name no app has
     * gets 404, App Service's "web app not found" page (the same tutorial's troubleshooting names HTTP 404 for a
     * custom domain that does not reach its app; the exact page is not documented, and 404 is the harsher choice:
     * no warm-up counts it as warm unless asked to). Locally a slot's default host name resolves to its
     * listener's loopback address ({@link AzureEmulator#baseUrlForHost}), so a request that names that address
     * in Host (a plain request to the listener's URL) is a request for the slot's default host name.
     */
    private SlotHost route(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String authority = hostHeader.trim().toLowerCase(Locale.ROOT);
        for (SlotHost candidate : hosts.values()) {
            if (candidate.authority.equals(authority)) {
                return candidate;
            }
        }
        String host = authority;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(':') == colon) {
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        for (EmulatedSite site : emulator.sites.values()) {
            for (EmulatedSlot candidate : site.slots()) {
                if (candidate.defaultHostName().equalsIgnoreCase(host)) {
                    return hosts.get(candidate);
                }
            }
            if (site.customHostNames.contains(host)) {
                return hosts.get(site.production());
            }
        }
        return null;
    }

    /** App Service's page for a host name no app has (in our own words). */
    static String siteNotFound(String host) {
        return "404 Web app not found: no app on this front end has the host name "
                + (host == null || host.isBlank() ? "(none)" : host.trim());
    }

    // ----- one slot's listener -----

    /** What the app answers to one request. */
    private record Answer(int status, String body, AppInstance instance) {
    }

    final class SlotHost {
        final EmulatedSlot slot;
        final HttpServer server;
        final String baseUrl;
        /** {@code 127.0.0.1:<port>}: the Host a client sends when it addresses this listener by its URL. */
        final String authority;
        /** Guarded by the emulator's lock. */
        AppInstance instance;

        SlotHost(EmulatedSlot slot) {
            this.slot = slot;
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen for slot " + slot.defaultHostName(), e);
            }
            server.setExecutor(executor);
            server.createContext("/", this::handle);
            server.start();
            baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
            authority = "127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                String host = exchange.getRequestHeaders().getFirst("Host");
                AppInstance current = null;
                boolean running = false;
                SlotHost routed;
                synchronized (emulator.lock) {
                    // a swap whose time is up has switched the routing, whoever looks first
                    emulator.settleSwaps();
                    routed = route(host);
                    if (routed != null) {
                        current = routed.instance;
                        running = routed.slot.running();
                    }
                }
                Answer answer;
                if (routed == null) {
                    answer = new Answer(404, siteNotFound(host), null);
                } else {
                    try {
                        String path = Objects.requireNonNullElse(exchange.getRequestURI().getPath(), "/");
                        answer = answer(current, running, exchange.getRequestMethod(), path.isEmpty() ? "/" : path,
                                exchange.getRequestHeaders()::getFirst,
                                exchange.getRemoteAddress().getAddress().getHostAddress());
                    } catch (RuntimeException e) {
                        answer = new Answer(500, "The emulated app failed: " + e, current);
                    }
                }
                send(exchange, answer);
            }
        }

        private Answer answer(AppInstance app, boolean running, String requestMethod, String requestPath,
                              java.util.function.Function<String, String> header, String clientAddress) {
            if (!running) {
                return new Answer(503, "Service Unavailable: stopped", null);
            }
            if (app == null || app.emptySite()) {
                return new Answer(200, HOSTING_START, null);
            }
            if (app.manifest() == null) {
                return new Answer(503, app.packageProblem(), null);
            }
            PackageManifest manifest = app.manifest();
            if (app.warmingUp(emulator.clock.instant())) {
                return new Answer(503, "Service Unavailable: warming up", app);
            }
            if (manifest.startupFailure() != null) {
                return new Answer(500, failure(manifest.startupFailure(), "Microsoft.AspNetCore.Hosting"), app);
            }
            if (app.startupError() != null) {
                return new Answer(500, failure(app.startupError(), "EPiServer.Data.Providers.SchemaUpdater"), app);
            }
            if (app.readOnly() && !manifest.supportsReadOnly()) {
                return new Answer(500, failure("Database is in read-only mode", "EPiServer.Data.Providers"), app);
            }
            PackageManifest.IpFilter filter = manifest.ipFilter();
            if (filter != null && !filter.admits(header.apply(filter.header()), clientAddress, app.appSettings()::get)) {
                return new Answer(403, "Forbidden: IP address not allowed", app);
            }
            String method = requestMethod.toUpperCase(Locale.ROOT);
            String path = requestPath;
            if (path.equals("/write")) {
                return method.equals("POST") ? write(app) : new Answer(405, "Method Not Allowed", app);
            }
            PackageManifest.Page page = manifest.pages().get(path);
            if (page == null) {
                return new Answer(404, "Not Found", app);
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                return new Answer(405, "Method Not Allowed", app);
            }
            return new Answer(page.status(), page.body(), app);
        }

        private Answer write(AppInstance app) {
            if (app.readOnly()) {
                return new Answer(503, "Service Unavailable: read-only mode", app);
            }
            Optional<EmulatedDatabase> database = database(app.connectionString());
            if (database.isEmpty()) {
                return new Answer(500, failure("Cannot open the database named by connection string '"
                        + app.manifest().connectionStringName() + "'", "Microsoft.Data.SqlClient"), app);
            }
            try {
                database.get().insert(row("by", app.manifest().name() + "/" + app.manifest().version()));
            } catch (IllegalStateException readOnly) {
                return new Answer(500, failure(readOnly.getMessage(), "Microsoft.Data.SqlClient"), app);
            }
            return new Answer(200, "written to " + database.get().name(), app);
        }

        private void send(HttpExchange exchange, Answer answer) throws IOException {
            if (answer.instance() != null && answer.instance().manifest() != null) {
                exchange.getResponseHeaders().set("X-Package", answer.instance().manifest().id());
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
            if (head || bytes.length == 0) {
                exchange.sendResponseHeaders(answer.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String failure(String firstLine, String namespace) {
        return firstLine + "\n"
                + "   at " + namespace + ".Initialize()\n"
                + "   at Microsoft.AspNetCore.Hosting.GenericWebHostService.StartAsync(CancellationToken token)\n"
                + "   at Microsoft.Extensions.Hosting.Internal.Host.StartAsync(CancellationToken token)\n"
                + "   at Program.Main(String[] args)\n";
    }
}
