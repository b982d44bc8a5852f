package io.smoothdeploy.state;

import io.smoothdeploy.engine.port.LogPage;

import io.smoothdeploy.engine.port.HistoryPage;

import io.smoothdeploy.engine.port.HistoryEntry;

import io.smoothdeploy.engine.port.DeploymentStore;

import io.smoothdeploy.engine.port.ConcurrencyConflictException;

import static io.smoothdeploy.state.EntityCodec.ENVIRONMENT_ROW_KEY;
import static io.smoothdeploy.state.EntityCodec.INDEX_ROW_KEY;
import static io.smoothdeploy.state.EntityCodec.MAX_KEY_LENGTH;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableErrorCode;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionFailedException;
import io.smoothdeploy.engine.Decision;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.WebAppState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The state port on Azure Table storage (or Azurite). Layout: see {@link EntityCodec}. Everything of an
 * environment shares one partition of the state table, so every multi-row write is one entity-group
 * transaction; a small index table maps a deployment id to its environment.
 *
 * <p>Every update is conditional on the etag that was read. A lost race (HTTP 412) or a row that must be
 * new but exists (409), also inside a failed transaction, becomes {@link ConcurrencyConflictException};
 * the store never overwrites and never retries. Other service errors become {@link IllegalStateException}
 * with the operation, HTTP status and error code; messages never carry credentials.
 */
public final class TableDeploymentStore implements DeploymentStore {

    public static final String DEFAULT_STATE_TABLE = "SmoothDeployState";
    public static final String DEFAULT_INDEX_TABLE = "SmoothDeployIndex";

    /** Table storage's limit on the actions of one entity-group transaction. */
    static final int MAX_TRANSACTION_ACTIONS = 100;

    private final TableServiceClient service;
    private final String stateTableName;
    private final String indexTableName;
    private final TableClient state;
    private final TableClient index;

    /** Uses existing tables; call {@link #ensureTables()} (or use {@link #create}) to create them. */
    public TableDeploymentStore(TableServiceClient service, String stateTableName, String indexTableName) {
        this.service = Objects.requireNonNull(service, "service");
        this.stateTableName = Objects.requireNonNull(stateTableName, "stateTableName");
        this.indexTableName = Objects.requireNonNull(indexTableName, "indexTableName");
        this.state = service.getTableClient(stateTableName);
        this.index = service.getTableClient(indexTableName);
    }

    /** A store on these tables, created when missing. */
    public static TableDeploymentStore create(TableServiceClient service, String stateTableName,
                                              String indexTableName) {
        TableDeploymentStore store = new TableDeploymentStore(service, stateTableName, indexTableName);
        store.ensureTables();
        return store;
    }

    /**
     * A store on the account of a storage connection string (tables created when missing). The connection
     * string is a secret: it is never part of an error message.
     */
    public static TableDeploymentStore connect(String connectionString, String stateTableName,
                                               String indexTableName) {
        TableServiceClient client;
        try {
            client = new TableServiceClientBuilder().connectionString(connectionString).buildClient();
        } catch (RuntimeException e) {
            // The builder's messages may quote the connection string: do not chain them.
            throw new IllegalArgumentException("the Table storage connection string is not valid ("
                    + e.getClass().getSimpleName() + ")");
        }
        return create(client, stateTableName, indexTableName);
    }

    /** Creates the state and index tables when they do not exist. */
    public void ensureTables() {
        call("create table " + stateTableName, () -> service.createTableIfNotExists(stateTableName));
        call("create table " + indexTableName, () -> service.createTableIfNotExists(indexTableName));
    }

    public String stateTableName() {
        return stateTableName;
    }

    public String indexTableName() {
        return indexTableName;
    }

    // ---------------------------------------------------------------- environments

    @Override
    public EnvironmentRecord saveEnvironment(EnvironmentConfig config, String expectedEtag) {
        Objects.requireNonNull(config, "config");
        requireKey("environment name", config.name());
        String name = config.name();
        if (expectedEtag == null) {
            TableEntity entity = EntityCodec.environmentEntity(config, null, null, null);
            Response<Void> response = call("register environment " + name,
                    () -> state.createEntityWithResponse(entity, null, Context.NONE));
            return new EnvironmentRecord(config, null, null, newEtag(response, name));
        }
        // Keep the hold as stored at the expected etag: read it, then replace conditionally on that etag.
        EnvironmentRecord stored = findEnvironment(name).orElseThrow(() -> new ConcurrencyConflictException(
                "environment " + name + " was removed since it was read", null));
        if (!expectedEtag.equals(stored.etag())) {
            throw new ConcurrencyConflictException("environment " + name + " changed since it was read", null);
        }
        TableEntity entity = EntityCodec.environmentEntity(config, stored.activeDeploymentId(),
                stored.lastDeploymentId(), expectedEtag);
        Response<Void> response = call("update environment " + name,
                () -> state.updateEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, true, null,
                        Context.NONE));
        return new EnvironmentRecord(config, stored.activeDeploymentId(), stored.lastDeploymentId(),
                newEtag(response, name));
    }

    @Override
    public Optional<EnvironmentRecord> findEnvironment(String name) {
        if (!isUsableKey(name)) {
            return Optional.empty();
        }
        return get(state, EntityCodec.partition(name), ENVIRONMENT_ROW_KEY, "read environment " + name)
                .map(EntityCodec::environmentRecord);
    }

    @Override
    public void deleteEnvironment(EnvironmentRecord read) {
        Objects.requireNonNull(read, "read");
        String name = read.config().name();
        requireKey("environment name", name);
        requireEtag(read.etag(), "environment " + name);
        // If-Match: the etag read. A missing row (404) is a conflict too: someone else changed or removed it.
        try {
            call("delete environment " + name, () -> state.deleteEntityWithResponse(
                    EntityCodec.environmentEntity(read), true, null, Context.NONE));
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof TableServiceException tse && tse.getResponse() != null
                    && tse.getResponse().getStatusCode() == 404) {
                throw new ConcurrencyConflictException("environment " + name + " was removed since it was read", e);
            }
            throw e;
        }
    }

    @Override
    public List<EnvironmentRecord> listEnvironments() {
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter("RowKey eq '" + ENVIRONMENT_ROW_KEY + "'");
        List<EnvironmentRecord> environments = new ArrayList<>();
        call("list environments", () -> {
            state.listEntities(options, null, Context.NONE).forEach(e -> environments.add(EntityCodec.environmentRecord(e)));
            return null;
        });
        return environments;
    }

    // ---------------------------------------------------------------- deployments

    @Override
    public void createDeployment(EnvironmentRecord heldEnvironment, Deployment deployment,
                                 List<WebAppState> webApps, List<LogLine> log, List<OutgoingMessage> outbox,
                                 Deployment superseded, List<LogLine> supersededLog) {
        Objects.requireNonNull(heldEnvironment, "heldEnvironment");
        Objects.requireNonNull(deployment, "deployment");
        String id = deployment.id();
        String env = deployment.environment();
        requireKey("deployment id", id);
        requireKey("environment name", env);
        if (!env.equals(heldEnvironment.config().name())) {
            throw new IllegalArgumentException("deployment " + id + " is for environment " + env
                    + " but the held environment is " + heldEnvironment.config().name());
        }
        requireEtag(heldEnvironment.etag(), "environment " + env);
        if (deployment.idempotencyKey() != null) {
            requireKey("idempotency key", deployment.idempotencyKey());
        }
        String decisionId = UUID.randomUUID().toString();
        List<TableTransactionAction> actions = new ArrayList<>();
        actions.add(update(stamped(EntityCodec.environmentEntity(heldEnvironment), decisionId)));
        TableEntity deploymentRow = stamped(EntityCodec.withoutEtag(EntityCodec.deploymentEntity(deployment)), decisionId);
        actions.add(new TableTransactionAction(TableTransactionActionType.CREATE, deploymentRow));
        actions.add(new TableTransactionAction(TableTransactionActionType.CREATE, EntityCodec.historyEntity(deployment)));
        actions.add(new TableTransactionAction(TableTransactionActionType.CREATE,
                EntityCodec.configEntity(id, heldEnvironment.config())));
        for (WebAppState webApp : webApps) {
            requireSameDeployment(id, webApp);
            requireKey("web app name", webApp.name());
            actions.add(new TableTransactionAction(TableTransactionActionType.CREATE,
                    EntityCodec.withoutEtag(EntityCodec.webAppEntity(env, webApp))));
        }
        if (deployment.idempotencyKey() != null) {
            actions.add(new TableTransactionAction(TableTransactionActionType.CREATE,
                    EntityCodec.idempotencyEntity(env, deployment.idempotencyKey(), id)));
        }
        addOutbox(actions, env, outbox);
        addLog(actions, env, id, log);
        if (superseded != null) {
            if (!env.equals(superseded.environment()) || id.equals(superseded.id())) {
                throw new IllegalArgumentException("deployment " + superseded.id() + " cannot be superseded by "
                        + id + " in environment " + env);
            }
            requireEtag(superseded.etag(), "deployment " + superseded.id());
            // conditional on the etag it was read with: a change since (the timer closing the window) fails the
            // whole start with a 412, and the start decides again on fresh rows
            actions.add(update(EntityCodec.deploymentEntity(superseded)));
            addLog(actions, env, superseded.id(), supersededLog);
        }
        requireWritable(actions, "deployment " + id);

        boolean ownIndexRow = writeIndexRow(id, env);
        try {
            submit("start deployment " + id + " in environment " + env, actions, deploymentRow, decisionId);
        } catch (RuntimeException failure) {
            if (ownIndexRow) {
                try {
                    index.deleteEntity(EntityCodec.key(id), INDEX_ROW_KEY);
                } catch (RuntimeException cleanup) {
                    failure.addSuppressed(new IllegalStateException("could not remove the index row of "
                            + "deployment " + id + " (" + cleanup.getClass().getSimpleName() + ")"));
                }
            }
            throw failure;
        }
    }

    /**
     * Inserts the index row of a new deployment. Returns true when this call created it, false when it
     * already maps the id to the same environment (a repeated start); an id already used in another
     * environment is a conflict.
     */
    private boolean writeIndexRow(String id, String env) {
        try {
            index.createEntity(EntityCodec.indexEntity(id, env));
            return true;
        } catch (TableServiceException e) {
            if (e.getResponse() == null || e.getResponse().getStatusCode() != 409) {
                throw translate("index deployment " + id, e);
            }
        } catch (RuntimeException e) {
            throw translate("index deployment " + id, e);
        }
        String existing = environmentOf(id).orElse(null);
        if (env.equals(existing)) {
            return false;
        }
        throw new ConcurrencyConflictException("deployment id " + id + " is already used"
                + (existing == null ? "" : " in environment " + existing), null);
    }

    @Override
    public Optional<String> findDeploymentIdByIdempotencyKey(String environment, String idempotencyKey) {
        if (!isUsableKey(environment) || !isUsableKey(idempotencyKey)) {
            return Optional.empty();
        }
        return get(state, EntityCodec.partition(environment), EntityCodec.idempotencyRowKey(idempotencyKey),
                "read idempotency key of environment " + environment)
                .map(e -> EntityCodec.string(e, EntityCodec.P_DEPLOYMENT_ID));
    }

    @Override
    public Optional<DeploymentSnapshot> load(String deploymentId) {
        return load(deploymentId, null);
    }

    /** The deployment's rows (see {@link #loadRows}) and then the environment row: two requests. */
    @Override
    public Optional<DeploymentSnapshot> load(String deploymentId, String environmentHint) {
        return loadRows(deploymentId, environmentHint).map(rows -> {
            String envName = rows.deployment().environment();
            // No environment row: the environment was deleted (DELETE /environments/{name}, refused while the
            // deployment held it or left a web app in maintenance). Nothing may act on it: it is not found.
            return findEnvironment(envName).map(rows::withEnvironment);
        }).flatMap(snapshot -> snapshot);
    }

    /**
     * One range query over the deployment's prefix in its environment's partition reads the deployment, its
     * copy of the configuration, its web apps and its outbox (see {@link EntityCodec}). With
     * {@code environmentHint} (a step message's environment) the index lookup is skipped; a hint that finds no
     * deployment there falls back to the index, so a wrong hint costs a request, never a wrong answer.
     */
    @Override
    public Optional<DeploymentSnapshot> loadRows(String deploymentId, String environmentHint) {
        if (!isUsableKey(deploymentId)) {
            return Optional.empty();
        }
        Optional<DeploymentSnapshot> found = Optional.empty();
        if (isUsableKey(environmentHint)) {
            found = readRows(deploymentId, environmentHint);
        }
        if (found.isEmpty()) {
            Optional<String> env = environmentOf(deploymentId);
            if (env.isEmpty() || env.get().equals(environmentHint)) {
                return Optional.empty();
            }
            found = readRows(deploymentId, env.get());
        }
        return found;
    }

    private Optional<DeploymentSnapshot> readRows(String deploymentId, String envName) {
        return snapshotOf(deploymentId, envName, rangeOf(deploymentId, envName));
    }

    private List<TableEntity> rangeOf(String deploymentId, String envName) {
        return query(EntityCodec.partition(envName), EntityCodec.deploymentPrefix(deploymentId),
                "read deployment " + deploymentId);
    }

    private static Optional<DeploymentSnapshot> snapshotOf(String deploymentId, String envName,
                                                           List<TableEntity> rows) {
        Deployment deployment = null;
        EnvironmentConfig config = null;
        List<WebAppState> webApps = new ArrayList<>();
        List<OutgoingMessage> outbox = new ArrayList<>();
        for (TableEntity row : rows) {
            switch (EntityCodec.kindOf(row, deploymentId)) {
                case DEPLOYMENT -> deployment = EntityCodec.deployment(row);
                case CONFIG -> config = EntityCodec.config(row);
                case WEB_APP -> webApps.add(EntityCodec.webAppState(row));
                case OUTBOX -> outbox.add(EntityCodec.outgoingMessage(row));
                case UNKNOWN -> throw new IllegalStateException("stored row " + row.getPartitionKey() + "/"
                        + row.getRowKey() + " of deployment " + deploymentId + " is of no known kind");
            }
        }
        if (deployment == null || !envName.equals(deployment.environment())) {
            return Optional.empty();
        }
        if (config == null) {
            throw new IllegalStateException("deployment " + deploymentId + " has no copy of its environment's "
                    + "configuration (row " + EntityCodec.configRowKey(deploymentId) + ")");
        }
        return Optional.of(DeploymentSnapshot.withoutEnvironmentRow(config, deployment, webApps, outbox));
    }

    @Override
    public void commit(Decision decision) {
        Objects.requireNonNull(decision, "decision");
        if (decision.writesNothing()) {
            return;
        }
        Deployment deployment = decision.deployment();
        EnvironmentRecord environment = decision.environment();
        String deploymentId = deployment != null ? deployment.id()
                : decision.webApps().isEmpty() ? null : decision.webApps().get(0).deploymentId();
        String env;
        if (deployment != null) {
            env = deployment.environment();
        } else if (environment != null) {
            env = environment.config().name();
        } else {
            requireKey("deployment id", deploymentId);
            // The decision's own messages name the environment (the partition), which saves the index lookup.
            String named = environmentNamedBy(decision.messages(), deploymentId);
            env = named != null ? named : environmentOf(deploymentId).orElseThrow(() -> new IllegalStateException(
                    "cannot save the decision: deployment " + deploymentId + " is not in the store"));
        }
        requireKey("environment name", env);
        if (environment != null && !env.equals(environment.config().name())) {
            throw new IllegalArgumentException("a decision for environment " + env
                    + " cannot write environment " + environment.config().name());
        }
        if (!decision.log().isEmpty() && deploymentId == null) {
            throw new IllegalArgumentException("log lines need a deployment or web app row to belong to");
        }

        String decisionId = UUID.randomUUID().toString();
        List<TableTransactionAction> actions = new ArrayList<>();
        if (deployment != null) {
            requireEtag(deployment.etag(), "deployment " + deployment.id());
            actions.add(update(stamped(EntityCodec.deploymentEntity(deployment), decisionId)));
            // Merge, not update: a deployment written by a build before history rows existed gets its row here.
            actions.add(new TableTransactionAction(TableTransactionActionType.UPSERT_MERGE,
                    EntityCodec.historyEntity(deployment)));
        }
        for (WebAppState webApp : decision.webApps()) {
            requireSameDeployment(deploymentId, webApp);
            requireEtag(webApp.etag(), "web app " + webApp.name() + " of deployment " + deploymentId);
            actions.add(update(stamped(EntityCodec.webAppEntity(env, webApp), decisionId)));
        }
        if (environment != null && environment.releasesUnread()) {
            // Merge, If-Match *: the row always exists (environments are never deleted), and the transaction is
            // conditional on the deployment's own row, whose running state means the hold is its own
            // (EnvironmentRecord#releaseUnread). See "Merge Entity" (Azure Table service REST API): an entity
            // merge with If-Match * updates whatever version is stored, and leaves the properties it omits.
            if (deployment == null) {
                throw new IllegalArgumentException("a hold released without reading the environment row needs the "
                        + "deployment's own row in the same transaction");
            }
            actions.add(new TableTransactionAction(TableTransactionActionType.UPDATE_MERGE,
                    stamped(EntityCodec.holdReleaseEntity(env), decisionId), false));
        } else if (environment != null) {
            requireEtag(environment.etag(), "environment " + env);
            actions.add(update(stamped(EntityCodec.environmentEntity(environment), decisionId)));
        }
        TableEntity probe = actions.isEmpty() ? null : actions.get(0).getEntity();
        if (!decision.messages().isEmpty()) {
            requireKey("deployment id", deploymentId);
            addOutbox(actions, env, decision.messages());
        }
        java.util.Set<String> written = new java.util.HashSet<>();
        decision.messages().forEach(m -> written.add(m.message().messageId()));
        for (String sent : decision.clearedOutbox()) {
            if (written.contains(sent)) {
                continue; // the same message decided again: its row is replaced above, not deleted
            }
            requireKey("deployment id", deploymentId);
            // If-Match *: a row another writer deleted since it was read fails the transaction (404), which is a
            // conflict like a changed row: the caller reads again.
            actions.add(new TableTransactionAction(TableTransactionActionType.DELETE,
                    new TableEntity(EntityCodec.partition(env), EntityCodec.outboxRowKey(deploymentId, sent))));
        }
        if (decision.newIdempotencyKey() != null) {
            requireKey("deployment id", deploymentId);
            actions.add(new TableTransactionAction(TableTransactionActionType.CREATE,
                    EntityCodec.idempotencyEntity(env, decision.newIdempotencyKey(), deploymentId)));
        }
        addLog(actions, env, deploymentId, decision.log());
        String what = deploymentId == null ? "environment " + env : "deployment " + deploymentId;
        requireWritable(actions, what);
        if (deploymentId != null && probe != null
                && probe.getRowKey().startsWith(EntityCodec.deploymentPrefix(deploymentId))) {
            submitReadingBack("save the decision for " + what, actions, probe, decisionId, deploymentId, env);
        } else {
            submit("save the decision for " + what, actions, probe, decisionId);
        }
    }

    @Override
    public void clearOutbox(String deploymentId, List<OutgoingMessage> sent) {
        if (sent.isEmpty()) {
            return;
        }
        String named = environmentNamedBy(sent, deploymentId);
        String env = named != null ? named : environmentOf(deploymentId).orElse(null);
        if (env == null) {
            return;
        }
        List<TableTransactionAction> deletes = new ArrayList<>();
        for (OutgoingMessage message : sent) {
            deletes.add(new TableTransactionAction(TableTransactionActionType.DELETE,
                    new TableEntity(EntityCodec.partition(env), EntityCodec.outboxRowKey(deploymentId,
                            message.message().messageId()))));
        }
        try {
            call("clear the outbox of deployment " + deploymentId, () -> state.submitTransaction(deletes));
        } catch (RuntimeException e) {
            // One row already gone (another sender cleared it) fails the whole transaction: delete one by one.
            for (TableTransactionAction delete : deletes) {
                TableEntity row = delete.getEntity();
                try {
                    state.deleteEntity(row.getPartitionKey(), row.getRowKey());
                } catch (TableServiceException gone) {
                    if (gone.getResponse() == null || gone.getResponse().getStatusCode() != 404) {
                        throw translate("clear the outbox of deployment " + deploymentId, gone);
                    }
                } catch (RuntimeException other) {
                    throw translate("clear the outbox of deployment " + deploymentId, other);
                }
            }
        }
    }

    /**
     * Submits a transaction. A conflict may be the transaction's own doing: Table storage committed it, the
     * answer was lost, and the SDK's retry met the rows it had just written (412 on an update, 409 on an
     * insert). Reading back {@code probe}, a row the transaction writes stamped with {@code decisionId}, tells:
     * when it carries the stamp the transaction took effect, and this returns normally.
     */
    private void submit(String what, List<TableTransactionAction> actions, TableEntity probe, String decisionId) {
        try {
            call(what, () -> state.submitTransaction(actions));
        } catch (ConcurrencyConflictException conflict) {
            if (probe == null || !tookEffect(probe, decisionId, what)) {
                throw conflict;
            }
        }
    }

    /**
     * The same for a decision whose probe is one of the deployment's own rows: after a conflict, one range query
     * reads all of them, which both settles whether the transaction took effect (the probe carries its stamp)
     * and, when it did not, travels with the conflict ({@link ConcurrencyConflictException#current()}) so that
     * the caller decides again without reading them once more. A 412 then costs one read, not two.
     */
    private void submitReadingBack(String what, List<TableTransactionAction> actions, TableEntity probe,
                                   String decisionId, String deploymentId, String env) {
        try {
            call(what, () -> state.submitTransaction(actions));
        } catch (ConcurrencyConflictException conflict) {
            List<TableEntity> rows = rangeOf(deploymentId, env);
            boolean tookEffect = rows.stream().anyMatch(row -> row.getRowKey().equals(probe.getRowKey())
                    && decisionId.equals(EntityCodec.string(row, EntityCodec.P_DECISION)));
            if (tookEffect) {
                return;
            }
            throw new ConcurrencyConflictException(conflict.getMessage(), conflict.getCause(),
                    snapshotOf(deploymentId, env, rows).orElse(null));
        }
    }

    private boolean tookEffect(TableEntity probe, String decisionId, String what) {
        return get(state, probe.getPartitionKey(), probe.getRowKey(), "read back after a conflict to " + what)
                .map(row -> decisionId.equals(EntityCodec.string(row, EntityCodec.P_DECISION)))
                .orElse(false);
    }

    private static TableEntity stamped(TableEntity entity, String decisionId) {
        entity.addProperty(EntityCodec.P_DECISION, decisionId);
        return entity;
    }

    private static void addOutbox(List<TableTransactionAction> actions, String env, List<OutgoingMessage> outbox) {
        for (OutgoingMessage message : outbox) {
            // Upsert: the same message decided again (a decision retried after a lost race) is one row.
            actions.add(new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE,
                    EntityCodec.outboxEntity(env, message)));
        }
    }

    @Override
    public HistoryPage listDeployments(String environment, DeploymentStatus status, int limit, String after) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, not " + limit);
        }
        if (after != null && !EntityCodec.isHistoryRowKey(after)) {
            throw new IllegalArgumentException("not a position in a deployment history");
        }
        if (!isUsableKey(environment)) {
            return new HistoryPage(List.of(), null);
        }
        String partition = EntityCodec.partition(environment);
        String filter = "PartitionKey eq " + EntityCodec.odataString(partition)
                + " and RowKey " + (after == null ? "ge " + EntityCodec.odataString(EntityCodec.HISTORY_PREFIX)
                        : "gt " + EntityCodec.odataString(after))
                + " and RowKey lt " + EntityCodec.odataString(EntityCodec.prefixEnd(EntityCodec.HISTORY_PREFIX))
                + (status == null ? "" : " and " + EntityCodec.P_STATUS + " eq " + EntityCodec.odataString(status.wireName()));
        // $top asks the service for pages of limit + 1 (one more tells whether there is a next page); with a status
        // filter a page may hold fewer matches and a continuation, which the SDK's iterator follows.
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(filter).setTop(Math.min(limit + 1, 1000));
        return call("list the deployments of environment " + environment, () -> {
            List<TableEntity> rows = new ArrayList<>();
            for (TableEntity row : state.listEntities(options, null, Context.NONE)) {
                rows.add(row);
                if (rows.size() > limit) {
                    break;
                }
            }
            boolean more = rows.size() > limit;
            List<TableEntity> page = more ? rows.subList(0, limit) : rows;
            List<HistoryEntry> entries = page.stream().map(EntityCodec::historyEntry).toList();
            return new HistoryPage(entries, more ? page.get(page.size() - 1).getRowKey() : null);
        });
    }

    /** One range of the history rows: those whose key sorts after the key a deployment started at {@code before} has. */
    @Override
    public List<HistoryEntry> listDeploymentsStartedBefore(String environment, java.time.Instant before, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, not " + limit);
        }
        if (!isUsableKey(environment)) {
            return List.of();
        }
        long started = Math.max(0, before.toEpochMilli());
        // Started before `before` <=> Long.MAX_VALUE - created > Long.MAX_VALUE - before: keys from the next number on.
        String from = String.format("%s%019d", EntityCodec.HISTORY_PREFIX, Long.MAX_VALUE - started + 1);
        String filter = "PartitionKey eq " + EntityCodec.odataString(EntityCodec.partition(environment))
                + " and RowKey ge " + EntityCodec.odataString(from)
                + " and RowKey lt " + EntityCodec.odataString(EntityCodec.prefixEnd(EntityCodec.HISTORY_PREFIX));
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(filter).setTop(Math.min(limit, 1000));
        return call("list the old deployments of environment " + environment, () -> {
            List<HistoryEntry> entries = new ArrayList<>();
            for (TableEntity row : state.listEntities(options, null, Context.NONE)) {
                entries.add(EntityCodec.historyEntry(row));
                if (entries.size() >= limit) {
                    break;
                }
            }
            return entries;
        });
    }

    @Override
    public int purgeDeployment(DeploymentSnapshot rows) {
        Deployment deployment = rows.deployment();
        String id = deployment.id();
        String env = deployment.environment();
        requireKey("deployment id", id);
        requireKey("environment name", env);
        requireEtag(deployment.etag(), "deployment " + id);
        String partition = EntityCodec.partition(env);
        // Read again, with their etags: the deployment row must be the one the caller read, else nothing is touched.
        List<TableEntity> own = rangeOf(id, env);
        TableEntity deploymentRow = own.stream()
                .filter(r -> EntityCodec.kindOf(r, id) == EntityCodec.DeploymentRow.DEPLOYMENT).findFirst()
                .orElseThrow(() -> new ConcurrencyConflictException("deployment " + id + " was removed since it was read",
                        null));
        if (!deployment.etag().equals(deploymentRow.getETag())) {
            throw new ConcurrencyConflictException("deployment " + id + " changed since it was read", null);
        }
        // 1. The log, a transaction of up to 100 lines at a time.
        List<TableEntity> log = query(partition, EntityCodec.logPrefix(id), "read the log of deployment " + id);
        for (int from = 0; from < log.size(); from += MAX_TRANSACTION_ACTIONS) {
            List<TableTransactionAction> batch = new ArrayList<>();
            for (TableEntity line : log.subList(from, Math.min(log.size(), from + MAX_TRANSACTION_ACTIONS))) {
                batch.add(new TableTransactionAction(TableTransactionActionType.DELETE, line));
            }
            call("remove the log of deployment " + id, () -> state.submitTransaction(batch));
        }
        // 2. The index entry (another table): from now on only the environment's partition finds the deployment.
        try {
            index.deleteEntity(EntityCodec.key(id), INDEX_ROW_KEY);
        } catch (TableServiceException e) {
            if (e.getResponse() == null || e.getResponse().getStatusCode() != 404) {
                throw translate("remove the index entry of deployment " + id, e);
            }
        } catch (RuntimeException e) {
            throw translate("remove the index entry of deployment " + id, e);
        }
        // 3. Its own rows, the idempotency rows naming it, and last the deployment and history rows, conditional.
        List<TableTransactionAction> others = new ArrayList<>();
        for (TableEntity row : own) {
            if (row != deploymentRow) {
                others.add(new TableTransactionAction(TableTransactionActionType.DELETE, row, true));
            }
        }
        ListEntitiesOptions keys = new ListEntitiesOptions().setFilter(EntityCodec.prefixFilter(partition, "idem_")
                + " and " + EntityCodec.P_DEPLOYMENT_ID + " eq " + EntityCodec.odataString(id));
        call("read the idempotency keys of deployment " + id, () -> {
            state.listEntities(keys, null, Context.NONE).forEach(row ->
                    others.add(new TableTransactionAction(TableTransactionActionType.DELETE, row, true)));
            return null;
        });
        List<TableTransactionAction> last = new ArrayList<>();
        last.add(new TableTransactionAction(TableTransactionActionType.DELETE, deploymentRow, true));
        get(state, partition, EntityCodec.historyRowKey(deployment), "read the history row of deployment " + id)
                .ifPresent(row -> last.add(new TableTransactionAction(TableTransactionActionType.DELETE, row, true)));
        int room = MAX_TRANSACTION_ACTIONS - last.size();
        while (others.size() > room) {
            List<TableTransactionAction> batch = new ArrayList<>(others.subList(0, MAX_TRANSACTION_ACTIONS));
            others.subList(0, MAX_TRANSACTION_ACTIONS).clear();
            call("remove the rows of deployment " + id, () -> state.submitTransaction(batch));
        }
        last.addAll(0, others);
        call("remove deployment " + id, () -> state.submitTransaction(last));
        return log.size();
    }

    @Override
    public List<LogLine> readLog(String deploymentId) {
        Optional<String> env = environmentOf(deploymentId);
        if (env.isEmpty()) {
            return List.of();
        }
        return query(EntityCodec.partition(env.get()), EntityCodec.logPrefix(deploymentId),
                "read the log of deployment " + deploymentId).stream().map(EntityCodec::logLine).toList();
    }

    /**
     * One range query from the row key of {@code since}'s millisecond (a log row key starts with its line's time,
     * see {@link EntityCodec#logRowKey}), asking the service for pages of {@code limit + 1} rows; the SDK's iterator
     * follows a continuation only when a page must be finished to its millisecond's end.
     */
    @Override
    public LogPage readLog(String deploymentId, java.time.Instant since, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, not " + limit);
        }
        Optional<String> env = environmentOf(deploymentId);
        if (env.isEmpty()) {
            return new LogPage(List.of(), since, false);
        }
        String prefix = EntityCodec.logPrefix(deploymentId);
        String from = since == null ? prefix
                : prefix + String.format("%015d", Math.max(0, since.toEpochMilli()));
        String filter = "PartitionKey eq " + EntityCodec.odataString(EntityCodec.partition(env.get()))
                + " and RowKey ge " + EntityCodec.odataString(from)
                + " and RowKey lt " + EntityCodec.odataString(EntityCodec.prefixEnd(prefix));
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(filter).setTop(Math.min(limit + 1, 1000));
        return call("read the log of deployment " + deploymentId, () -> {
            List<LogLine> lines = new ArrayList<>();
            long lastMillis = -1;
            for (TableEntity row : state.listEntities(options, null, Context.NONE)) {
                LogLine line = EntityCodec.logLine(row);
                if (since != null && line.at() != null && line.at().isBefore(since)) {
                    continue;
                }
                long millis = LogPage.millis(line);
                // Enough lines, and this one starts another millisecond: it tells that there is more, and stops.
                if (lines.size() >= limit && millis != lastMillis) {
                    lines.add(line);
                    break;
                }
                lines.add(line);
                lastMillis = millis;
            }
            return LogPage.of(lines, since, limit);
        });
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The environment the messages of {@code deploymentId} name, when they all name the same usable one; else
     * null (the caller looks it up in the index).
     */
    private static String environmentNamedBy(List<OutgoingMessage> messages, String deploymentId) {
        String env = null;
        for (OutgoingMessage outgoing : messages) {
            String named = outgoing.message().environment();
            if (!deploymentId.equals(outgoing.message().deploymentId()) || !isUsableKey(named)
                    || (env != null && !env.equals(named))) {
                return null;
            }
            env = named;
        }
        return env;
    }

    private Optional<String> environmentOf(String deploymentId) {
        if (!isUsableKey(deploymentId)) {
            return Optional.empty();
        }
        return get(index, EntityCodec.key(deploymentId), INDEX_ROW_KEY, "look up deployment " + deploymentId)
                .map(e -> EntityCodec.string(e, EntityCodec.P_ENVIRONMENT));
    }

    private static void addLog(List<TableTransactionAction> actions, String env, String deploymentId,
                               List<LogLine> log) {
        if (log.isEmpty()) {
            return;
        }
        long writeStamp = EntityCodec.nextWriteStamp();
        for (int i = 0; i < log.size(); i++) {
            actions.add(new TableTransactionAction(TableTransactionActionType.CREATE,
                    EntityCodec.logEntity(env, deploymentId, log.get(i), writeStamp, i)));
        }
    }

    /** Replaces the row only if it is unchanged since it was read (If-Match: its etag). */
    private static TableTransactionAction update(TableEntity entity) {
        return new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE, entity, true);
    }

    private Optional<TableEntity> get(TableClient table, String partitionKey, String rowKey, String what) {
        try {
            return Optional.of(table.getEntityWithResponse(partitionKey, rowKey, null, null, Context.NONE)
                    .getValue());
        } catch (TableServiceException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return Optional.empty();
            }
            throw translate(what, e);
        } catch (RuntimeException e) {
            throw translate(what, e);
        }
    }

    /** The rows of a partition whose RowKey starts with {@code prefix}, in RowKey order. */
    private List<TableEntity> query(String partitionKey, String prefix, String what) {
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(
                EntityCodec.prefixFilter(partitionKey, prefix));
        return call(what, () -> {
            List<TableEntity> rows = new ArrayList<>();
            state.listEntities(options, null, Context.NONE).forEach(rows::add);
            // The service returns a partition in RowKey order; sort anyway, as the contract depends on it.
            rows.sort(Comparator.comparing(TableEntity::getRowKey));
            return rows;
        });
    }

    private static <T> T call(String what, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (RuntimeException e) {
            throw translate(what, e);
        }
    }

    /**
     * 412 (a row changed since it was read) and 409 (a row that must be new exists), directly or as the
     * failed action of a transaction, are conflicts; anything else is an error of the store.
     */
    static RuntimeException translate(String what, RuntimeException e) {
        if (e instanceof ConcurrencyConflictException || e instanceof IllegalArgumentException) {
            return e;
        }
        if (e instanceof TableServiceException tse) {
            // A failed transaction carries no HTTP response in this SDK (getResponse() is null): the failed
            // action's status is known only by its error code, or by a sentence of the message.
            int status = tse.getResponse() == null ? failedActionStatus(tse) : tse.getResponse().getStatusCode();
            TableErrorCode code = tse.getValue() == null ? null : tse.getValue().getErrorCode();
            String detail = (status == 0 ? "" : "HTTP " + status + " ") + (code == null ? "no error code" : code);
            if (tse instanceof TableTransactionFailedException tfe && tfe.getFailedTransactionActionIndex() != null) {
                detail += ", transaction action " + tfe.getFailedTransactionActionIndex();
            }
            boolean inTransaction = tse instanceof TableTransactionFailedException || tse.getResponse() == null;
            if (status == 412 || status == 409 || TableErrorCode.UPDATE_CONDITION_NOT_SATISFIED.equals(code)
                    || TableErrorCode.ENTITY_ALREADY_EXISTS.equals(code)
                    // a transaction's delete of a row that is gone (an outbox row another writer cleared)
                    || inTransaction && (status == 404 || TableErrorCode.RESOURCE_NOT_FOUND.equals(code)
                            || TableErrorCode.ENTITY_NOT_FOUND.equals(code))) {
                return new ConcurrencyConflictException("could not " + what + ": a row changed since it was "
                        + "read or already exists (" + detail + ")", e);
            }
            return new IllegalStateException("could not " + what + ": Table storage answered " + detail, e);
        }
        return new IllegalStateException("could not " + what + ": " + e.getClass().getSimpleName(), e);
    }

    private static final Pattern FAILED_ACTION_STATUS =
            Pattern.compile("status code for the failed operation: (\\d{3})");

    private static int failedActionStatus(TableServiceException e) {
        Matcher m = FAILED_ACTION_STATUS.matcher(String.valueOf(e.getMessage()));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static String newEtag(Response<Void> response, String environment) {
        String etag = response.getHeaders().getValue(HttpHeaderName.ETAG);
        if (etag == null) {
            throw new IllegalStateException("Table storage returned no etag for environment " + environment);
        }
        return repairEtag(etag);
    }

    /**
     * The SDK's {@code TableScrubEtagPolicy} strips quotes at either end of the ETag response header, so a
     * weak etag {@code W/"datetime'...'"} arrives as {@code W/"datetime'...'} and, sent back in If-Match,
     * is rejected (Azurite: 400 InvalidInput). Entities read from a body carry the etag intact; this restores
     * the closing quote of a header etag so it equals the one a read returns.
     */
    static String repairEtag(String headerEtag) {
        if (headerEtag.startsWith("W/\"") && !headerEtag.endsWith("\"")) {
            return headerEtag + "\"";
        }
        return headerEtag;
    }

    private static void requireSameDeployment(String deploymentId, WebAppState webApp) {
        if (!Objects.equals(deploymentId, webApp.deploymentId())) {
            throw new IllegalArgumentException("web app " + webApp.name() + " belongs to deployment "
                    + webApp.deploymentId() + ", not " + deploymentId);
        }
    }

    private static void requireEtag(String etag, String what) {
        if (etag == null || etag.isEmpty()) {
            // Without an etag the update would not be conditional (or would become an insert).
            throw new IllegalArgumentException(what + " has no etag: only a row that was read can be updated");
        }
    }

    private static void requireKey(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (!isUsableKey(value)) {
            throw new IllegalArgumentException(what + " is too long for a table key (at most "
                    + MAX_KEY_LENGTH + " characters)");
        }
    }

    private static boolean isUsableKey(String value) {
        return value != null && !value.isEmpty() && EntityCodec.key(value).length() <= MAX_KEY_LENGTH;
    }

    /** Checks what the service would reject, so that a bad write fails before anything is written. */
    private static void requireWritable(List<TableTransactionAction> actions, String what) {
        if (actions.size() > MAX_TRANSACTION_ACTIONS) {
            throw new IllegalArgumentException("the write for " + what + " has " + actions.size()
                    + " rows; one transaction takes at most " + MAX_TRANSACTION_ACTIONS);
        }
        for (TableTransactionAction action : actions) {
            TableEntity entity = action.getEntity();
            if (entity.getPartitionKey().length() > MAX_KEY_LENGTH || entity.getRowKey().length() > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("the write for " + what + " has a name, id or key too long "
                        + "for a table key (at most " + MAX_KEY_LENGTH + " characters)");
            }
        }
    }
}
