package io.smoothdeploy.cloud.arm;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.AddDatePolicy;
import com.azure.core.http.policy.FixedDelay;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.polling.PollResult;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.AzureResourceManager;
import com.azure.resourcemanager.appservice.fluent.WebAppsClient;
import com.azure.resourcemanager.appservice.fluent.models.ConnectionStringDictionaryInner;
import com.azure.resourcemanager.appservice.fluent.models.SiteConfigInner;
import com.azure.resourcemanager.appservice.fluent.models.SiteConfigResourceInner;
import com.azure.resourcemanager.appservice.fluent.models.SiteInner;
import com.azure.resourcemanager.appservice.fluent.models.SlotConfigNamesResourceInner;
import com.azure.resourcemanager.appservice.fluent.models.StringDictionaryInner;
import com.azure.resourcemanager.appservice.models.ConnStringInfo;
import com.azure.resourcemanager.appservice.models.ConnStringValueTypePair;
import com.azure.resourcemanager.appservice.models.ConnectionStringType;
import com.azure.resourcemanager.appservice.models.CsmSlotEntity;
import com.azure.resourcemanager.appservice.models.NameValuePair;
import com.azure.resourcemanager.sql.fluent.DatabasesClient;
import com.azure.resourcemanager.sql.fluent.models.DatabaseInner;
import com.azure.resourcemanager.sql.models.CreateMode;
import com.azure.resourcemanager.sql.models.ResourceMoveDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseInfo;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.port.SlotSettingNames;
import io.smoothdeploy.engine.port.SqlCloud;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The cloud port on Azure Resource Manager, through azure-resourcemanager's generated service clients
 * ({@link WebAppsClient}, {@link DatabasesClient}). Every method has the semantics of the in-memory
 * {@code SimulatedCloud}; every failure is a {@link CloudException} carrying ARM's error code.
 *
 * <ul>
 *   <li>{@link #forAzure}: Azure, signed in with {@code DefaultAzureCredential}.</li>
 *   <li>{@link #forEndpoint}: an ARM-compatible endpoint over plain HTTP, such as the local Azure emulator,
 *       signed in with any {@link TokenCredential} (locally the emulator's stand-in for managed identity, which the local side passes in) or a given
 *       credential, a token fetched for every request ({@link PerRequestTokenPolicy}). Its pipeline retries
 *       408/429/5xx twice after {@value #LOCAL_RETRY_DELAY_MS} ms (the SDK's default backs off for seconds,
 *       which would make fault-injection tests slow), and long operations are polled every
 *       {@value #LOCAL_POLL_INTERVAL_MS} ms.</li>
 * </ul>
 *
 * <p>Credentials: when the orchestrator's own credential fails, whether no token could be fetched or ARM
 * refused the one sent (401), the call throws a {@linkplain CloudException#isCredentialFailure credential
 * failure}, which is transient; a 403 (a missing role assignment) is a permanent failure (see {@link ArmErrors}).
 *
 * <p>Waiting: slot creation waits for its long-running operation (polled at {@code lroPollInterval}, or the
 * {@code Retry-After} ARM sends), bounded by a timeout after which a transient {@link CloudException} is thrown;
 * the operation goes on in Azure and the caller's next attempt reads the result. Swaps, database copies,
 * restores and deletes only start their operation: the initial request has been answered when
 * {@link #beginSwapWithProduction}, {@link #beginCopy} or {@link #deleteDatabase} returns, and callers read the
 * slots ({@link #getSlot}) or the database ({@link #getDatabase}) in a later run.
 *
 * <p>Thread-safe (the service clients are).
 */
public final class ArmCloud implements AppServiceCloud, SqlCloud {

    static final long LOCAL_RETRY_DELAY_MS = 10;
    static final long LOCAL_POLL_INTERVAL_MS = 20;
    private static final int LOCAL_RETRIES = 2;
    private static final Duration AZURE_POLL_INTERVAL = Duration.ofSeconds(10);
    private static final Duration SLOT_CREATE_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebAppsClient webApps;
    private final DatabasesClient databases;
    private final String subscriptionId;
    private final Function<String, String> baseUrlForHost;
    private final Duration lroPollInterval;

    /**
     * @param azure           a client bound to one subscription; resource ids of other subscriptions are refused
     * @param baseUrlForHost  where requests reach a slot, from its default host name (in Azure
     *                        {@code h -> "https://" + h})
     * @param lroPollInterval how often to poll a long-running operation that ARM gives no {@code Retry-After} for
     */
    public ArmCloud(AzureResourceManager azure, Function<String, String> baseUrlForHost, Duration lroPollInterval) {
        this.webApps = azure.webApps().manager().serviceClient().getWebApps();
        this.databases = azure.sqlServers().manager().serviceClient().getDatabases();
        this.subscriptionId = azure.subscriptionId();
        this.baseUrlForHost = Objects.requireNonNull(baseUrlForHost, "baseUrlForHost");
        this.lroPollInterval = Objects.requireNonNull(lroPollInterval, "lroPollInterval");
    }

    /** Azure (public cloud), signed in with {@code DefaultAzureCredential} (managed identity in a function app). */
    public static ArmCloud forAzure(String subscriptionId) {
        AzureProfile profile = new AzureProfile(null, subscriptionId, AzureEnvironment.AZURE);
        TokenCredential credential = new DefaultAzureCredentialBuilder()
                .authorityHost(profile.getEnvironment().getActiveDirectoryEndpoint())
                .build();
        // the SDK's default retry (exponential backoff) honours Retry-After by sleeping; a long one is left to the
        // engine's scheduled retry instead (see ThrottleAwareRetry)
        AzureResourceManager azure = AzureResourceManager.configure()
                .withRetryPolicy(new RetryPolicy(new ThrottleAwareRetry(new com.azure.core.http.policy.ExponentialBackoff())))
                .authenticate(credential, profile)
                .withSubscription(subscriptionId);
        return new ArmCloud(azure, host -> "https://" + host, AZURE_POLL_INTERVAL);
    }

    /**
     * An ARM-compatible endpoint over plain HTTP, every request signed with a token from {@code credential}
     * for the scope {@code <armEndpoint>/.default}. The token policy sits before the retry policy: a token that
     * cannot be had ends the call at once, as a credential failure, rather than being asked for three times.
     *
     * @param baseUrlForHost where a slot with this default host name is reached
     */
    public static ArmCloud forEndpoint(URI armEndpoint, String subscriptionId, Function<String, String> baseUrlForHost,
                                       TokenCredential credential) {
        String endpoint = armEndpoint.toString().replaceAll("/+$", "") + "/";
        Map<String, String> endpoints = new HashMap<>();
        endpoints.put("resourceManagerEndpointUrl", endpoint);
        endpoints.put("managementEndpointUrl", endpoint);
        endpoints.put("activeDirectoryEndpointUrl", endpoint);
        endpoints.put("activeDirectoryResourceId", endpoint);
        endpoints.put("microsoftGraphResourceId", endpoint);
        endpoints.put("activeDirectoryGraphResourceId", endpoint);
        AzureProfile profile = new AzureProfile(null, subscriptionId, new AzureEnvironment(endpoints));
        HttpPipeline pipeline = new HttpPipelineBuilder()
                .policies(new UserAgentPolicy("smooth-deploy"), new RequestIdPolicy(),
                        new PerRequestTokenPolicy(credential, endpoint + ".default"),
                        new RetryPolicy(new ThrottleAwareRetry(
                                new FixedDelay(LOCAL_RETRIES, Duration.ofMillis(LOCAL_RETRY_DELAY_MS)))),
                        new AddDatePolicy())
                .build();
        AzureResourceManager azure = AzureResourceManager.authenticate(pipeline, profile).withSubscription(subscriptionId);
        return new ArmCloud(azure, baseUrlForHost, Duration.ofMillis(LOCAL_POLL_INTERVAL_MS));
    }

    // ----- AppServiceCloud -----

    @Override
    public Optional<SlotInfo> getSlot(SlotRef slot) {
        ArmResourceId site = site(slot);
        String action = "Reading slot " + slot;
        Optional<SiteInner> inner = readSite(site, slot, action);
        if (inner.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> settings = readAppSettings(site, slot, action);
        Map<String, String> connections = new LinkedHashMap<>();
        readConnectionStrings(site, slot, action).forEach((name, pair) -> connections.put(name, pair.value()));
        String host = inner.get().defaultHostname();
        boolean running = "Running".equalsIgnoreCase(inner.get().state());
        return Optional.of(new SlotInfo(slot, running, host, host == null ? null : baseUrlForHost.apply(host),
                settings, connections));
    }

    /**
     * {@code GET …/sites/{name}/config/slotConfigNames} ({@code WebApps_ListSlotConfigurationNames}); a site that
     * never marked a slot setting answers empty lists, or no lists at all.
     */
    @Override
    public SlotSettingNames slotSettingNames(String siteResourceId) {
        SlotRef production = SlotRef.production(siteResourceId);
        ArmResourceId site = site(production);
        SlotConfigNamesResourceInner inner = call("Reading the slot settings of site " + production.siteName(),
                () -> webApps.listSlotConfigurationNames(site.resourceGroup(), site.name()));
        if (inner == null) {
            return SlotSettingNames.NONE;
        }
        return new SlotSettingNames(
                inner.appSettingNames() == null ? java.util.Set.of() : new java.util.HashSet<>(inner.appSettingNames()),
                inner.connectionStringNames() == null ? java.util.Set.of()
                        : new java.util.HashSet<>(inner.connectionStringNames()));
    }

    /**
     * Creates a missing slot in production's location and plan, with production's site configuration (stack,
     * bitness, always-on, HTTP version, TLS and FTP settings, read with {@code WebApps_GetConfiguration}), its app
     * settings but those marked as slot settings (they belong to production: a swap never moves them, and swap with
     * preview applies production's values anyway) and its connection strings (types kept) given in the one create request
     * ({@code WebApps_CreateOrUpdateSlot}, {@code siteConfig}), so a slot never exists without them. A slot
     * created without them has App Service's defaults (no stack, 32-bit: the recorded slot-swap session of
     * azure-sdk-for-java, DeploymentSlotsTests.canCRUDSwapSlots.json) and no app settings, and a swap would carry
     * that into production: site configuration travels with the content
     * (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Which settings are swapped?"). The
     * request's own fields are used rather than {@code cloningInfo}, so the clone is exactly what was read and the
     * same code path runs against the emulator. The engine then sets its own settings (package, database).
     */
    @Override
    public void ensureSlot(SlotRef slot) {
        ArmResourceId site = site(slot);
        String action = "Creating slot " + slot;
        if (slot.isProduction() ? readSite(site, slot, action).isPresent() : findSlot(site, slot, action).isPresent()) {
            return;
        }
        SlotRef productionRef = SlotRef.production(slot.siteResourceId());
        SiteInner production = readSite(site, productionRef, action).orElseThrow();
        List<ConnStringInfo> connections = readConnectionStrings(site, productionRef, action).entrySet().stream()
                .map(e -> new ConnStringInfo().withName(e.getKey()).withConnectionString(e.getValue().value())
                        .withType(e.getValue().type()))
                .toList();
        SiteConfigResourceInner config = call(action, () -> webApps.getConfiguration(site.resourceGroup(), site.name()));
        java.util.Set<String> sticky = slotSettingNames(slot.siteResourceId()).appSettingNames();
        List<NameValuePair> settings = readAppSettings(site, productionRef, action).entrySet().stream()
                .filter(e -> !sticky.contains(e.getKey()))
                .map(e -> new NameValuePair().withName(e.getKey()).withValue(e.getValue()))
                .toList();
        SiteInner envelope = new SiteInner()
                .withServerFarmId(production.serverFarmId())
                .withSiteConfig(productionSiteConfig(config).withAppSettings(settings).withConnectionStrings(connections));
        envelope.withLocation(production.location());
        SyncPoller<PollResult<SiteInner>, SiteInner> poller = call(action,
                () -> webApps.beginCreateOrUpdateSlot(site.resourceGroup(), site.name(), slot.slot(), envelope));
        waitFor(poller, action, SLOT_CREATE_TIMEOUT);
    }

    /** The fields of production's site configuration a new slot must have, copied onto a create request's siteConfig. */
    private static SiteConfigInner productionSiteConfig(SiteConfigResourceInner production) {
        SiteConfigInner config = new SiteConfigInner();
        if (production == null) {
            return config;
        }
        return config.withNetFrameworkVersion(production.netFrameworkVersion())
                .withPhpVersion(production.phpVersion())
                .withPythonVersion(production.pythonVersion())
                .withNodeVersion(production.nodeVersion())
                .withPowerShellVersion(production.powerShellVersion())
                .withLinuxFxVersion(production.linuxFxVersion())
                .withWindowsFxVersion(production.windowsFxVersion())
                .withJavaVersion(production.javaVersion())
                .withJavaContainer(production.javaContainer())
                .withJavaContainerVersion(production.javaContainerVersion())
                .withUse32BitWorkerProcess(production.use32BitWorkerProcess())
                .withAlwaysOn(production.alwaysOn())
                .withHttp20Enabled(production.http20Enabled())
                .withMinTlsVersion(production.minTlsVersion())
                .withFtpsState(production.ftpsState())
                .withWebSocketsEnabled(production.webSocketsEnabled());
    }

    /** Reads, merges and writes back; a part whose values are all set already is not written. */
    @Override
    public void applyConfiguration(SlotRef slot, SlotConfiguration configuration) {
        ArmResourceId site = site(slot);
        String action = "Configuring slot " + slot;
        if (!configuration.appSettings().isEmpty()) {
            mergeAppSettings(site, slot, configuration.appSettings(), action);
        }
        if (!configuration.connectionStrings().isEmpty()) {
            Map<String, ConnStringValueTypePair> current = readConnectionStrings(site, slot, action);
            Map<String, ConnStringValueTypePair> production = slot.isProduction() ? current
                    : readConnectionStrings(site, SlotRef.production(slot.siteResourceId()), action);
            Map<String, ConnStringValueTypePair> merged = new LinkedHashMap<>(current);
            boolean changed = false;
            for (Map.Entry<String, String> wanted : configuration.connectionStrings().entrySet()) {
                ConnStringValueTypePair old = current.get(wanted.getKey());
                ConnectionStringType type = typeFor(wanted.getKey(), production, current);
                if (old == null || !wanted.getValue().equals(old.value()) || !type.equals(old.type())) {
                    merged.put(wanted.getKey(), new ConnStringValueTypePair().withValue(wanted.getValue())
                            .withType(type));
                    changed = true;
                }
            }
            if (changed) {
                ConnectionStringDictionaryInner body = new ConnectionStringDictionaryInner().withProperties(merged);
                call(action, () -> slot.isProduction()
                        ? webApps.updateConnectionStrings(site.resourceGroup(), site.name(), body)
                        : webApps.updateConnectionStringsSlot(site.resourceGroup(), site.name(), slot.slot(), body));
            }
        }
    }

    /**
     * The type a connection string is written with: the one production has for that name, else the slot's own, else
     * SQLAzure. The type sets the environment-variable prefix the app reads the string from (SQLAZURECONNSTR_,
     * SQLCONNSTR_, CUSTOMCONNSTR_, …: https://learn.microsoft.com/azure/app-service/configure-common), so changing it
     * would hide the string from an app that reads its own prefix.
     */
    private static ConnectionStringType typeFor(String name, Map<String, ConnStringValueTypePair> production,
                                                Map<String, ConnStringValueTypePair> slot) {
        for (Map<String, ConnStringValueTypePair> strings : List.of(production, slot)) {
            ConnStringValueTypePair pair = strings.get(name);
            if (pair != null && pair.type() != null) {
                return pair.type();
            }
        }
        return ConnectionStringType.SQLAZURE;
    }

    /** Merges {@code WEBSITE_RUN_FROM_PACKAGE = packageUri} into the slot's app settings: one restart either way. */
    @Override
    public void deployPackage(SlotRef slot, String packageUri) {
        ArmResourceId site = site(slot);
        String action = "Deploying a package to slot " + slot;
        // Writing app settings restarts the slot on App Service (configure-common#configure-app-settings), so the
        // write is the package change's one restart; only an unchanged URL (new content behind it) needs one.
        if (mergeAppSettings(site, slot, Map.of(SlotInfo.RUN_FROM_PACKAGE, packageUri), action)) {
            return;
        }
        call(action, () -> {
            if (slot.isProduction()) {
                webApps.restart(site.resourceGroup(), site.name());
            } else {
                webApps.restartSlot(site.resourceGroup(), site.name(), slot.slot());
            }
            return null;
        });
    }

    /**
     * {@code POST …/restart?softRestart=true&synchronous=true} ({@code WebApps_Restart}, {@code WebApps_RestartSlot}):
     * a restart only if one is necessary (a write's restart still due), answered once the app is restarted. The
     * call waits for the restart itself, not for the new instance to be warm.
     */
    @Override
    public void awaitCurrentInstance(SlotRef slot) {
        ArmResourceId site = site(slot);
        call("Waiting for slot " + slot + " to run its current settings", () -> slot.isProduction()
                ? webApps.restartWithResponse(site.resourceGroup(), site.name(), true, true, com.azure.core.util.Context.NONE)
                : webApps.restartSlotWithResponse(site.resourceGroup(), site.name(), slot.slot(), true, true,
                        com.azure.core.util.Context.NONE));
    }

    /**
     * {@code POST …/slots/{slot}/slotsswap {"targetSlot":"production"}} ({@code WebApps_SwapSlot} in
     * azure-rest-api-specs, Microsoft.Web WebApps.json: a long-running operation answered 200 or 202 with a
     * {@code Location} to poll): returns once App Service has accepted the swap. The SDK's sync poller sends the
     * POST when it is created ({@link WebAppsClient#beginSwapSlot}); it is never polled here, so no call waits for
     * the swap, which can take many minutes. A 409 "another operation is in progress" (the site is swapping
     * already) is a {@linkplain CloudException#busy busy} CloudException (see {@link ArmErrors}).
     */
    @Override
    public void beginSwapWithProduction(SlotRef source) {
        if (source.isProduction()) {
            throw new IllegalArgumentException("cannot swap the production slot with itself: " + source);
        }
        ArmResourceId site = site(source);
        String action = "Starting a swap of slot " + source + " with production";
        CsmSlotEntity entity = new CsmSlotEntity().withTargetSlot(SlotRef.PRODUCTION).withPreserveVnet(true);
        call(action, () -> webApps.beginSwapSlot(site.resourceGroup(), site.name(), source.slot(), entity));
    }

    /**
     * {@code POST …/slots/{slot}/applySlotConfig {"targetSlot":"production"}} ({@link
     * WebAppsClient#applySlotConfigurationSlot}): App Service applies production's slot settings to the slot
     * and restarts it; the call returns once ARM has answered (200), without waiting for the slot to be warm.
     */
    @Override
    public void applyProductionConfiguration(SlotRef source) {
        if (source.isProduction()) {
            throw new IllegalArgumentException("the production slot cannot preview a swap with itself: " + source);
        }
        ArmResourceId site = site(source);
        CsmSlotEntity entity = new CsmSlotEntity().withTargetSlot(SlotRef.PRODUCTION).withPreserveVnet(true);
        call("Applying production's slot settings to slot " + source, () -> {
            webApps.applySlotConfigurationSlot(site.resourceGroup(), site.name(), source.slot(), entity);
            return null;
        });
    }

    /**
     * {@code POST …/slots/{slot}/resetSlotConfig} ({@link WebAppsClient#resetSlotConfigurationSlot}): the slot
     * gets its own slot settings back and restarts.
     */
    @Override
    public void resetConfiguration(SlotRef source) {
        if (source.isProduction()) {
            throw new IllegalArgumentException("the production slot has no swap preview to cancel: " + source);
        }
        ArmResourceId site = site(source);
        call("Resetting the slot settings of slot " + source, () -> {
            webApps.resetSlotConfigurationSlot(site.resourceGroup(), site.name(), source.slot());
            return null;
        });
    }

    @Override
    public void startSlot(SlotRef slot) {
        ArmResourceId site = site(slot);
        call("Starting slot " + slot, () -> {
            if (slot.isProduction()) {
                webApps.start(site.resourceGroup(), site.name());
            } else {
                webApps.startSlot(site.resourceGroup(), site.name(), slot.slot());
            }
            return null;
        });
    }

    @Override
    public void stopSlot(SlotRef slot) {
        ArmResourceId site = site(slot);
        call("Stopping slot " + slot, () -> {
            if (slot.isProduction()) {
                webApps.stop(site.resourceGroup(), site.name());
            } else {
                webApps.stopSlot(site.resourceGroup(), site.name(), slot.slot());
            }
            return null;
        });
    }

    // ----- SqlCloud -----

    /** Empty when the database (or its server) does not exist; see {@link DatabaseStatuses} for the states. */
    @Override
    public Optional<DatabaseInfo> getDatabase(DatabaseRef database) {
        ArmResourceId server = server(database);
        DatabaseInner inner;
        try {
            inner = databases.get(server.resourceGroup(), server.name(), database.name());
        } catch (RuntimeException e) {
            if (ArmErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw ArmErrors.toCloud("Reading database " + database, e);
        }
        if (inner == null) {
            return Optional.empty();
        }
        String status = inner.status() == null ? null : inner.status().toString();
        // Databases_Get's earliestRestoreDate: the earliest point a point-in-time restore can reach
        Instant earliest = inner.earliestRestoreDate() == null ? null : inner.earliestRestoreDate().toInstant();
        return Optional.of(new DatabaseInfo(database, DatabaseStatuses.state(status), status == null ? "Unknown" : status,
                earliest));
    }

    @Override
    public void beginCopy(DatabaseRef source, DatabaseRef target) {
        beginCreate(source, target, "Starting a copy of database " + source + " to " + target,
                inner -> inner.withCreateMode(CreateMode.COPY));
    }

    @Override
    public void beginPointInTimeRestore(DatabaseRef source, Instant pointInTime, DatabaseRef target) {
        OffsetDateTime point = OffsetDateTime.ofInstant(pointInTime, ZoneOffset.UTC);
        beginCreate(source, target, "Starting a restore of database " + source + " as of " + pointInTime + " to "
                + target, inner -> inner.withCreateMode(CreateMode.POINT_IN_TIME_RESTORE).withRestorePointInTime(point));
    }

    /**
     * {@code POST …/databases/{name}/move {"id": "…/databases/{newName}"}} (Databases_Rename). A rename refused
     * because the database is gone ({@code SourceDatabaseNotFound}, or ARM's {@code ResourceNotFound}) is
     * settled by reading: when the new name exists and the old one does not, an earlier attempt (whose answer
     * was lost) did it, and this one is done. A 409 {@code InvalidOperationForDatabase} (still being copied or
     * restored) comes out as a {@linkplain CloudException#busy busy} failure (see {@link ArmErrors}).
     */
    @Override
    public void rename(DatabaseRef database, String newName) {
        ArmResourceId server = server(database);
        ResourceMoveDefinition move = new ResourceMoveDefinition().withId(server.id() + "/databases/" + newName);
        try {
            call("Renaming database " + database + " to " + newName, () -> {
                databases.rename(server.resourceGroup(), server.name(), database.name(), move);
                return null;
            });
        } catch (CloudException e) {
            boolean sourceGone = "SourceDatabaseNotFound".equalsIgnoreCase(e.code())
                    || "ResourceNotFound".equalsIgnoreCase(e.code());
            if (sourceGone && getDatabase(database).isEmpty()
                    && getDatabase(new DatabaseRef(database.serverResourceId(), newName)).isPresent()) {
                return;
            }
            throw e;
        }
    }

    /**
     * {@code DELETE …/databases/{name}} (Databases_Delete): returns once Azure SQL has accepted the drop, without
     * waiting for it. Azure answers 202 with an {@code Azure-AsyncOperation} to poll and drops the database in the
     * background (recorded in azure-sdk-for-java's SqlServerOperationsTests.canCRUDSqlDatabase.json); the SDK's sync
     * poller sends the DELETE when it is created and is never polled here, so callers read {@link #getDatabase} in a
     * later run until the database is gone. A database (or server) that does not exist is already deleted. A 409
     * {@code ConflictingDatabaseOperation} (another operation on the database) is {@linkplain CloudException#busy busy}.
     */
    @Override
    public void deleteDatabase(DatabaseRef database) {
        ArmResourceId server = server(database);
        String action = "Deleting database " + database;
        try {
            databases.beginDelete(server.resourceGroup(), server.name(), database.name());
        } catch (RuntimeException e) {
            if (ArmErrors.isNotFound(e)) {
                return;
            }
            throw ArmErrors.toCloud(action, e);
        }
    }

    // ----- internals -----

    /**
     * Sends the PUT that starts a copy or restore, and returns once ARM has accepted it (the SDK's sync
     * poller sends the initial request when it is created); nothing is polled. Does nothing when the target
     * exists already.
     */
    private void beginCreate(DatabaseRef source, DatabaseRef target, String action,
                             Function<DatabaseInner, DatabaseInner> mode) {
        if (getDatabase(target).isPresent()) {
            return;
        }
        ArmResourceId sourceServer = server(source);
        ArmResourceId targetServer = server(target);
        DatabaseInner sourceDatabase = call(action, () ->
                databases.get(sourceServer.resourceGroup(), sourceServer.name(), source.name()));
        String sourceId = sourceDatabase.id() != null ? sourceDatabase.id()
                : sourceServer.id() + "/databases/" + source.name();
        DatabaseInner parameters = mode.apply(new DatabaseInner().withSourceDatabaseId(sourceId));
        parameters.withLocation(sourceDatabase.location());
        // Databases_CreateOrUpdate gives the target the SKU and elastic pool the request names, not its source's:
        // P's are sent, so T (and a restored P) run with P's capacity and in P's pool
        parameters.withSku(sourceDatabase.sku());
        if (sourceDatabase.elasticPoolId() != null) {
            parameters.withElasticPoolId(sourceDatabase.elasticPoolId());
        }
        call(action, () -> databases.beginCreateOrUpdate(targetServer.resourceGroup(), targetServer.name(),
                target.name(), parameters));
    }

    /** Writes the merged app settings when they differ; true when it wrote (and so restarted the slot). */
    private boolean mergeAppSettings(ArmResourceId site, SlotRef slot, Map<String, String> wanted, String action) {
        Map<String, String> current = readAppSettings(site, slot, action);
        Map<String, String> merged = new LinkedHashMap<>(current);
        merged.putAll(wanted);
        if (merged.equals(current)) {
            return false;
        }
        StringDictionaryInner body = new StringDictionaryInner().withProperties(merged);
        call(action, () -> slot.isProduction()
                ? webApps.updateApplicationSettings(site.resourceGroup(), site.name(), body)
                : webApps.updateApplicationSettingsSlot(site.resourceGroup(), site.name(), slot.slot(), body));
        return true;
    }

    /** The slot; empty for a missing slot; a missing site throws ResourceNotFound. */
    private Optional<SiteInner> readSite(ArmResourceId site, SlotRef slot, String action) {
        if (slot.isProduction()) {
            SiteInner inner = call(action, () -> webApps.getByResourceGroup(site.resourceGroup(), site.name()));
            if (inner == null) {
                throw new CloudException("ResourceNotFound", action + " failed: site " + slot.siteName()
                        + " does not exist", false);
            }
            return Optional.of(inner);
        }
        Optional<SiteInner> inner = findSlot(site, slot, action);
        if (inner.isEmpty()) {
            readSite(site, SlotRef.production(slot.siteResourceId()), action);
        }
        return inner;
    }

    /** A non-production slot, or empty on 404 (which ARM also answers when the site is missing). */
    private Optional<SiteInner> findSlot(ArmResourceId site, SlotRef slot, String action) {
        try {
            return Optional.ofNullable(webApps.getSlot(site.resourceGroup(), site.name(), slot.slot()));
        } catch (RuntimeException e) {
            if (ArmErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw ArmErrors.toCloud(action, e);
        }
    }

    private Map<String, String> readAppSettings(ArmResourceId site, SlotRef slot, String action) {
        StringDictionaryInner inner = call(action, () -> slot.isProduction()
                ? webApps.listApplicationSettings(site.resourceGroup(), site.name())
                : webApps.listApplicationSettingsSlot(site.resourceGroup(), site.name(), slot.slot()));
        return inner == null || inner.properties() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(inner.properties());
    }

    private Map<String, ConnStringValueTypePair> readConnectionStrings(ArmResourceId site, SlotRef slot, String action) {
        ConnectionStringDictionaryInner inner = call(action, () -> slot.isProduction()
                ? webApps.listConnectionStrings(site.resourceGroup(), site.name())
                : webApps.listConnectionStringsSlot(site.resourceGroup(), site.name(), slot.slot()));
        return inner == null || inner.properties() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(inner.properties());
    }

    private <T> void waitFor(SyncPoller<PollResult<T>, ?> poller, String action, Duration timeout) {
        poller.setPollInterval(lroPollInterval);
        PollResponse<PollResult<T>> last;
        try {
            last = poller.waitForCompletion(timeout);
        } catch (RuntimeException e) {
            CloudException mapped = ArmErrors.toCloud(action, e);
            if ("NetworkError".equals(mapped.code()) && hasTimeout(e)) {
                throw new CloudException("OperationTimedOut", action + " did not finish within "
                        + timeout.toMinutes() + " minutes; it may still finish in Azure", true, e);
            }
            throw mapped;
        }
        if (last.getStatus() == LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
            return;
        }
        PollResult.Error error = last.getValue() == null ? null : last.getValue().getError();
        String code = "OperationFailed";
        String message = null;
        int status = 200;
        if (error != null) {
            status = error.getResponseStatusCode();
            message = error.getMessage();
            try {
                JsonNode body = error.getResponseBody() == null ? null : JSON.readTree(error.getResponseBody());
                // ARM's {"error":{"code","message"}}, or App Service's own PascalCase {"Code","Message"}
                JsonNode node = body == null ? null : body.has("error") ? body.get("error") : body;
                String found = node == null ? null : node.hasNonNull("code") ? node.get("code").asText()
                        : node.path("Code").isValueNode() ? node.get("Code").asText() : null;
                if (found != null) {
                    code = found;
                    message = node.hasNonNull("message") ? node.get("message").asText()
                            : node.path("Message").isValueNode() ? node.get("Message").asText() : message;
                }
            } catch (java.io.IOException ignored) {
                // not JSON: keep the generic code
            }
        }
        if (status == 401) {
            throw ArmErrors.credentialRefused(action, code, message, null);
        }
        throw new CloudException(code, action + " failed: " + last.getStatus() + " " + code
                + (message == null ? "" : ": " + ArmErrors.scrub(message)), ArmErrors.isTransient(status));
    }

    private static boolean hasTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static <T> T call(String action, Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw ArmErrors.toCloud(action, e);
        }
    }

    private ArmResourceId site(SlotRef slot) {
        return inSubscription(ArmResourceId.parse(slot.siteResourceId(), "Microsoft.Web", "sites"));
    }

    private ArmResourceId server(DatabaseRef database) {
        return inSubscription(ArmResourceId.parse(database.serverResourceId(), "Microsoft.Sql", "servers"));
    }

    private ArmResourceId inSubscription(ArmResourceId id) {
        if (!id.subscriptionId().equalsIgnoreCase(subscriptionId)) {
            throw new CloudException("InvalidResourceId", id.id() + " is not in subscription " + subscriptionId
                    + ", the one this adapter manages", false);
        }
        return id;
    }
}
