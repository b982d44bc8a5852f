package io.smoothdeploy.state;

import io.smoothdeploy.engine.port.HistoryEntry;

import com.azure.data.tables.models.TableEntity;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.AuditEntry;
import io.smoothdeploy.engine.CloneWriteCount;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentError;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.engine.SmokeCheckResult;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.WebAppPhase;
import io.smoothdeploy.engine.WebAppRole;
import io.smoothdeploy.engine.WebAppState;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The storage layout of {@link TableDeploymentStore}: row keys and the mapping between engine records and
 * table entities. Everything of an environment lives in the partition {@code key(environment name)}:
 * <ul>
 *   <li>{@code environment}: the environment row (config JSON, activeDeploymentId, lastDeploymentId)</li>
 *   <li>{@code dep_<id>_deployment}: a deployment row</li>
 *   <li>{@code dep_<id>_environment}: the deployment's copy of its environment's configuration, written when it
 *       starts (re-registering is refused while a deployment holds the environment, so the copy is what the
 *       environment row says for as long as the deployment runs); a step delivery reads it instead of the
 *       environment row</li>
 *   <li>{@code dep_<id>_web_<webApp>}: one row per web app of a deployment</li>
 *   <li>{@code dep_<id>_out_<messageId>}: a step message of the deployment's outbox, written with the decision
 *       that sends it</li>
 *   <li>{@code idem_<idempotencyKey>}: property deploymentId</li>
 *   <li>{@code log_<id>_<at millis>_<write stamp>_<sequence>_<random>}: one log line</li>
 *   <li>{@code hist_<Long.MAX_VALUE - created millis, 19 digits>_<id>}: the deployment's history row (id, status,
 *       mode, created, updated, commit, resumedFrom), written with the deployment row in every transaction that
 *       writes it, so a range query over {@code hist_} reads an environment's deployments newest first</li>
 * </ul>
 * Every row of one deployment but its log starts with {@code dep_<id>_}, and an escaped id holds no {@code _}:
 * one range query over that prefix reads the deployment, its configuration, its web apps and its outbox.
 * The index table maps a deployment id (PartitionKey) to its environment (RowKey {@value #INDEX_ROW_KEY}).
 *
 * <p>This layout is not the one of the builds before it ({@code dep_<id>}, {@code web_<id>_<webApp>}): the
 * rows of a deployment written by an earlier build are not read. There has been no release yet; README says so.
 *
 * <p>Key parts are escaped by {@link #key(String)}: the characters Table storage forbids in keys
 * ({@code / \ # ?} and control characters), plus {@code _} (the separator) and {@code ~} (the escape
 * character), become {@code ~XX}. Ordinary ids and names (letters, digits, dashes) are unchanged.
 */
final class EntityCodec {

    static final String ENVIRONMENT_ROW_KEY = "environment";
    static final String INDEX_ROW_KEY = "d";
    /**
     * A string property holds at most 64 KiB (32K UTF-16 characters); a longer log message would make its
     * whole write fail on every retry, so it is cut short.
     */
    static final int MAX_LOG_MESSAGE_CHARS = 16_000;
    /** Table storage allows keys of up to 1 KiB; in UTF-16 that is 512 characters. */
    static final int MAX_KEY_LENGTH = 512;

    // Property names.
    static final String P_NAME = "name";
    static final String P_CONFIG = "config";
    static final String P_ACTIVE_DEPLOYMENT_ID = "activeDeploymentId";
    static final String P_LAST_DEPLOYMENT_ID = "lastDeploymentId";
    static final String P_DEPLOYMENT_ID = "deploymentId";
    static final String P_ENVIRONMENT = "environment";
    static final String P_STATUS = "status";
    static final String P_STAGE = "stage";
    static final String P_CHECKS = "checks";
    static final String P_MODE = "mode";
    static final String P_PACKAGE_URI = "packageUri";
    static final String P_PACKAGE_SHA256 = "packageSha256";
    static final String P_IDEMPOTENCY_KEY = "idempotencyKey";
    static final String P_CREATED_AT = "createdAt";
    static final String P_UPDATED_AT = "updatedAt";
    static final String P_STAGE_STARTED_AT = "stageStartedAt";
    static final String P_ROLLBACK_DATABASE = "rollbackDatabase";
    static final String P_ERRORS = "errors";
    static final String P_WARNINGS = "warnings";
    static final String P_VALIDATION_LINKS = "validationLinks";
    static final String P_LINEAGE_ID = "lineageId";
    static final String P_RESUMED_FROM = "resumedFrom";
    static final String P_LINEAGE_STARTED_AT = "lineageStartedAt";
    static final String P_ROUND = "round";
    static final String P_STALE_EPISODE = "staleEpisode";
    static final String P_COMMIT_ID = "commitId";
    static final String P_PIPELINE_RUN_URL = "pipelineRunUrl";
    static final String P_PACKAGE_VERIFIED_AT = "packageVerifiedAt";
    static final String P_SMOKE_CHECKS = "smokeChecks";
    static final String P_ROLE = "role";
    static final String P_PHASE = "phase";
    static final String P_MAINTENANCE = "maintenance";
    static final String P_WORKING_STAGE = "workingStage";
    static final String P_TIMINGS = "timings";
    static final String P_ERROR = "error";
    static final String P_AT = "at";
    static final String P_LEVEL = "level";
    static final String P_WEB_APP = "webApp";
    static final String P_MESSAGE = "message";
    static final String P_SEQUENCE = "sequence";
    static final String P_CLONE_WRITES_ACCEPTED = "cloneWritesAccepted";
    static final String P_MAINTENANCE_PACKAGES = "maintenancePackages";
    /** A package per web app, as JSON (absent when one package goes to every web app). */
    static final String P_PACKAGES = "packages";
    /** The last count of the writes to a ReadWrite run's temporary database; absent when it could not be counted. */
    static final String P_CLONE_WRITES = "cloneWrites";
    static final String P_CANCEL_REASON = "cancelReason";
    /** When that count was taken; rows without it (written before it was kept) read as not counted. */
    static final String P_CLONE_WRITES_COUNTED_AT = "cloneWritesCountedAt";
    /** The rollback window after going live, as JSON ({@link io.smoothdeploy.engine.RollbackWindow}); absent when none. */
    static final String P_ROLLBACK_WINDOW = "rollbackWindow";
    /** The commands asked of a deployment (JSON); rows written before it was kept have none, read as empty. */
    static final String P_AUDIT = "audit";
    static final String P_SWAP_REQUESTED_AT = "swapRequestedAt";
    static final String P_PREVIEW_APPLIED_AT = "previewAppliedAt";
    static final String P_RETRY = "retry";
    /** On a log row: what the reports count the line as (LogLine.Event), absent for a line that is only text. */
    static final String P_EVENT = "event";
    static final String P_DELAY_MILLIS = "delayMillis";
    /** A two-phase reset's record (JSON, see ResetVerification); absent for any other deployment. */
    static final String P_RESET_VERIFICATION = "resetVerification";
    /** The id of the decision that last wrote a row: how a commit whose answer was lost is recognised. */
    static final String P_DECISION = "decision";

    private static final String ETAG = "odata.etag";
    private static final char ESCAPE = '~';
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static final TypeReference<List<DeploymentError>> ERRORS = new TypeReference<>() { };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<List<SmokeCheckResult>> SMOKE_CHECKS = new TypeReference<>() { };
    private static final TypeReference<Map<Stage, WebAppState.StageTiming>> TIMINGS = new TypeReference<>() { };
    private static final TypeReference<Map<String, String>> PACKAGES = new TypeReference<>() { };
    private static final TypeReference<List<AuditEntry>> AUDIT = new TypeReference<>() { };
    private static final TypeReference<Map<String, io.smoothdeploy.engine.WebAppPackage>> WEB_APP_PACKAGES =
            new TypeReference<>() { };
    private static final TypeReference<io.smoothdeploy.engine.ResetVerification> RESET_VERIFICATION =
            new TypeReference<>() { };

    /** Strictly increasing per JVM: orders log lines of different writes that carry the same time. */
    private static final AtomicLong LAST_WRITE_STAMP = new AtomicLong();

    private EntityCodec() {
    }

    // ---------------------------------------------------------------- keys

    /** Escapes one part of a key (see the class comment); injective, identity for ordinary names. */
    static String key(String part) {
        StringBuilder out = null;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean escape = c == '/' || c == '\\' || c == '#' || c == '?' || c == '_' || c == ESCAPE
                    || c < 0x20 || (c >= 0x7f && c <= 0x9f);
            if (escape) {
                if (out == null) {
                    out = new StringBuilder(part.length() + 8).append(part, 0, i);
                }
                out.append(ESCAPE).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? part : out.toString();
    }

    static String partition(String environmentName) {
        return key(environmentName);
    }

    /** The prefix of every row of a deployment but its log lines. */
    static String deploymentPrefix(String deploymentId) {
        return "dep_" + key(deploymentId) + "_";
    }

    static final String DEPLOYMENT_SUFFIX = "deployment";
    static final String CONFIG_SUFFIX = "environment";
    static final String WEB_APP_MARK = "web_";
    static final String OUTBOX_MARK = "out_";

    static String deploymentRowKey(String deploymentId) {
        return deploymentPrefix(deploymentId) + DEPLOYMENT_SUFFIX;
    }

    static String configRowKey(String deploymentId) {
        return deploymentPrefix(deploymentId) + CONFIG_SUFFIX;
    }

    static String webAppRowKey(String deploymentId, String webAppName) {
        return deploymentPrefix(deploymentId) + WEB_APP_MARK + key(webAppName);
    }

    static String outboxRowKey(String deploymentId, String messageId) {
        return deploymentPrefix(deploymentId) + OUTBOX_MARK + key(messageId);
    }

    /** What a row of the range {@link #deploymentPrefix} holds. */
    enum DeploymentRow { DEPLOYMENT, CONFIG, WEB_APP, OUTBOX, UNKNOWN }

    static DeploymentRow kindOf(TableEntity entity, String deploymentId) {
        String rest = entity.getRowKey().substring(deploymentPrefix(deploymentId).length());
        if (rest.equals(DEPLOYMENT_SUFFIX)) {
            return DeploymentRow.DEPLOYMENT;
        }
        if (rest.equals(CONFIG_SUFFIX)) {
            return DeploymentRow.CONFIG;
        }
        if (rest.startsWith(WEB_APP_MARK)) {
            return DeploymentRow.WEB_APP;
        }
        return rest.startsWith(OUTBOX_MARK) ? DeploymentRow.OUTBOX : DeploymentRow.UNKNOWN;
    }

    static String idempotencyRowKey(String idempotencyKey) {
        return "idem_" + key(idempotencyKey);
    }

    static final String HISTORY_PREFIX = "hist_";

    /** Sorts newest first: the later a deployment started, the smaller its key. */
    static String historyRowKey(Deployment d) {
        long created = d.createdAt() == null ? 0 : Math.max(0, d.createdAt().toEpochMilli());
        return String.format("%s%019d_%s", HISTORY_PREFIX, Long.MAX_VALUE - created, key(d.id()));
    }

    /** Whether {@code rowKey} has the shape of a history row's key (as a paging position must). */
    static boolean isHistoryRowKey(String rowKey) {
        return rowKey != null && rowKey.matches("hist_\\d{19}_[^_/\\\\#?]{1," + (MAX_KEY_LENGTH - 25) + "}");
    }

    static TableEntity historyEntity(Deployment d) {
        TableEntity entity = new TableEntity(partition(d.environment()), historyRowKey(d));
        put(entity, P_DEPLOYMENT_ID, d.id());
        put(entity, P_STATUS, d.status() == null ? null : d.status().wireName());
        put(entity, P_MODE, d.mode() == null ? null : d.mode().wireName());
        put(entity, P_CREATED_AT, time(d.createdAt()));
        put(entity, P_UPDATED_AT, time(d.updatedAt()));
        put(entity, P_COMMIT_ID, d.commitId());
        put(entity, P_RESUMED_FROM, d.resumedFrom());
        return entity;
    }

    static HistoryEntry historyEntry(TableEntity e) {
        String status = string(e, P_STATUS);
        String mode = string(e, P_MODE);
        return new HistoryEntry(string(e, P_DEPLOYMENT_ID), status == null ? null : DeploymentStatus.fromWireName(status),
                mode == null ? null : DeploymentMode.parse(mode).orElseThrow(
                        () -> corrupt(e, "unknown deployment mode " + mode)), instant(e, P_CREATED_AT),
                instant(e, P_UPDATED_AT), string(e, P_COMMIT_ID), string(e, P_RESUMED_FROM));
    }

    static String logPrefix(String deploymentId) {
        return "log_" + key(deploymentId) + "_";
    }

    /** The smallest string greater than every string that starts with {@code prefix}. */
    static String prefixEnd(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    /** A stamp for one write of log lines, strictly greater than the previous one in this JVM. */
    static long nextWriteStamp() {
        long now = System.currentTimeMillis();
        return LAST_WRITE_STAMP.updateAndGet(last -> Math.max(now, last + 1));
    }

    /**
     * {@code log_<id>_<at millis>_<write stamp>_<sequence>_<random>}: sorts by the line's time, then by
     * write (lines of a later write with the same time come after), then by position within the write.
     */
    static String logRowKey(String deploymentId, LogLine line, long writeStamp, int sequence) {
        long at = line.at() == null ? 0 : Math.max(0, line.at().toEpochMilli());
        return String.format("%s%015d_%015d_%04d_%06x", logPrefix(deploymentId), at, writeStamp, sequence,
                ThreadLocalRandom.current().nextInt(0x1000000));
    }

    static String odataString(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** {@code PartitionKey eq pk and RowKey ge prefix and RowKey lt end-of-prefix}. */
    static String prefixFilter(String partitionKey, String rowKeyPrefix) {
        return "PartitionKey eq " + odataString(partitionKey)
                + " and RowKey ge " + odataString(rowKeyPrefix)
                + " and RowKey lt " + odataString(prefixEnd(rowKeyPrefix));
    }

    // ---------------------------------------------------------------- environment

    static TableEntity environmentEntity(EnvironmentConfig config, String activeDeploymentId,
                                         String lastDeploymentId, String etag) {
        TableEntity entity = new TableEntity(partition(config.name()), ENVIRONMENT_ROW_KEY);
        put(entity, P_NAME, config.name());
        put(entity, P_CONFIG, toJson(config));
        put(entity, P_ACTIVE_DEPLOYMENT_ID, activeDeploymentId);
        put(entity, P_LAST_DEPLOYMENT_ID, lastDeploymentId);
        return withEtag(entity, etag);
    }

    static TableEntity environmentEntity(EnvironmentRecord record) {
        return environmentEntity(record.config(), record.activeDeploymentId(), record.lastDeploymentId(),
                record.etag());
    }

    static EnvironmentRecord environmentRecord(TableEntity entity) {
        EnvironmentConfig config = fromJson(string(entity, P_CONFIG), EnvironmentConfig.class, entity);
        String active = string(entity, P_ACTIVE_DEPLOYMENT_ID);
        // a hold released by a merge is an empty string: a merge cannot remove a property
        return new EnvironmentRecord(config, active == null || active.isEmpty() ? null : active,
                string(entity, P_LAST_DEPLOYMENT_ID), entity.getETag());
    }

    /**
     * The merge that releases a hold without reading the row: only the hold changes (to empty, read as none), the
     * configuration and the last deployment stay as they are.
     */
    static TableEntity holdReleaseEntity(String environmentName) {
        TableEntity entity = new TableEntity(partition(environmentName), ENVIRONMENT_ROW_KEY);
        entity.addProperty(P_ACTIVE_DEPLOYMENT_ID, "");
        return entity;
    }

    // ---------------------------------------------------------------- deployment

    /** The deployment's copy of its environment's configuration (see the class comment). */
    static TableEntity configEntity(String deploymentId, EnvironmentConfig config) {
        TableEntity entity = new TableEntity(partition(config.name()), configRowKey(deploymentId));
        put(entity, P_DEPLOYMENT_ID, deploymentId);
        put(entity, P_CONFIG, toJson(config));
        return entity;
    }

    static EnvironmentConfig config(TableEntity entity) {
        return fromJson(string(entity, P_CONFIG), EnvironmentConfig.class, entity);
    }

    static TableEntity deploymentEntity(Deployment d) {
        TableEntity entity = new TableEntity(partition(d.environment()), deploymentRowKey(d.id()));
        put(entity, P_DEPLOYMENT_ID, d.id());
        put(entity, P_ENVIRONMENT, d.environment());
        put(entity, P_STATUS, d.status() == null ? null : d.status().wireName());
        put(entity, P_STAGE, d.stage() == null ? null : d.stage().name());
        put(entity, P_CHECKS, d.checks());
        put(entity, P_MODE, d.mode() == null ? null : d.mode().wireName());
        put(entity, P_PACKAGE_URI, d.packageUri());
        put(entity, P_PACKAGE_SHA256, d.packageSha256());
        put(entity, P_IDEMPOTENCY_KEY, d.idempotencyKey());
        put(entity, P_CREATED_AT, time(d.createdAt()));
        put(entity, P_UPDATED_AT, time(d.updatedAt()));
        put(entity, P_STAGE_STARTED_AT, time(d.stageStartedAt()));
        put(entity, P_ROLLBACK_DATABASE, d.rollbackDatabase());
        put(entity, P_ERRORS, toJson(d.errors()));
        put(entity, P_WARNINGS, toJson(d.warnings()));
        put(entity, P_VALIDATION_LINKS, toJson(d.validationLinks()));
        put(entity, P_LINEAGE_ID, d.lineageId());
        put(entity, P_RESUMED_FROM, d.resumedFrom());
        put(entity, P_LINEAGE_STARTED_AT, time(d.lineageStartedAt()));
        put(entity, P_ROUND, d.round());
        put(entity, P_STALE_EPISODE, d.staleEpisode());
        put(entity, P_COMMIT_ID, d.commitId());
        put(entity, P_PIPELINE_RUN_URL, d.pipelineRunUrl());
        put(entity, P_PACKAGE_VERIFIED_AT, time(d.packageVerifiedAt()));
        put(entity, P_SMOKE_CHECKS, d.smokeChecks().isEmpty() ? null : toJson(d.smokeChecks()));
        put(entity, P_TIMINGS, d.timings().isEmpty() ? null : toJson(d.timings()));
        put(entity, P_CLONE_WRITES_ACCEPTED, d.cloneWritesAccepted());
        put(entity, P_MAINTENANCE_PACKAGES, d.maintenancePackages().isEmpty() ? null : toJson(d.maintenancePackages()));
        put(entity, P_AUDIT, d.audit().isEmpty() ? null : toJson(d.audit()));
        put(entity, P_PACKAGES, d.packages().isEmpty() ? null : toJson(d.packages()));
        if (d.resetVerification() != null) {
            put(entity, P_RESET_VERIFICATION, toJson(d.resetVerification()));
        }
        if (d.cloneWriteCount() != null) {
            put(entity, P_CLONE_WRITES, d.cloneWriteCount().writes());
            put(entity, P_CLONE_WRITES_COUNTED_AT, time(d.cloneWriteCount().countedAt()));
        }
        put(entity, P_CANCEL_REASON, d.cancelReason());
        put(entity, P_ROLLBACK_WINDOW, d.rollbackWindow() == null ? null : toJson(d.rollbackWindow()));
        return withEtag(entity, d.etag());
    }

    static Deployment deployment(TableEntity e) {
        String status = string(e, P_STATUS);
        String stage = string(e, P_STAGE);
        String mode = string(e, P_MODE);
        return new Deployment(
                string(e, P_DEPLOYMENT_ID),
                string(e, P_ENVIRONMENT),
                status == null ? null : DeploymentStatus.fromWireName(status),
                stage == null ? null : Stage.parse(stage),
                integer(e, P_CHECKS),
                mode == null ? null : DeploymentMode.parse(mode).orElseThrow(
                        () -> corrupt(e, "unknown deployment mode " + mode)),
                string(e, P_PACKAGE_URI),
                string(e, P_PACKAGE_SHA256),
                string(e, P_IDEMPOTENCY_KEY),
                instant(e, P_CREATED_AT),
                instant(e, P_UPDATED_AT),
                instant(e, P_STAGE_STARTED_AT),
                bool(e, P_ROLLBACK_DATABASE),
                listOrEmpty(e, P_ERRORS, ERRORS),
                listOrEmpty(e, P_WARNINGS, STRINGS),
                listOrEmpty(e, P_VALIDATION_LINKS, STRINGS),
                string(e, P_LINEAGE_ID),
                string(e, P_RESUMED_FROM),
                instant(e, P_LINEAGE_STARTED_AT),
                integer(e, P_ROUND),
                string(e, P_STALE_EPISODE),
                string(e, P_COMMIT_ID),
                string(e, P_PIPELINE_RUN_URL),
                instant(e, P_PACKAGE_VERIFIED_AT),
                listOrEmpty(e, P_SMOKE_CHECKS, SMOKE_CHECKS),
                string(e, P_TIMINGS) == null ? Map.of() : fromJson(string(e, P_TIMINGS), TIMINGS, e),
                e.getProperty(P_CLONE_WRITES_ACCEPTED) instanceof Number n ? n.longValue() : null,
                string(e, P_MAINTENANCE_PACKAGES) == null ? Map.of()
                        : fromJson(string(e, P_MAINTENANCE_PACKAGES), PACKAGES, e),
                listOrEmpty(e, P_AUDIT, AUDIT),
                cloneWriteCount(e),
                string(e, P_CANCEL_REASON),
                string(e, P_ROLLBACK_WINDOW) == null ? null
                        : fromJson(string(e, P_ROLLBACK_WINDOW), io.smoothdeploy.engine.RollbackWindow.class, e),
                string(e, P_PACKAGES) == null ? Map.of() : fromJson(string(e, P_PACKAGES), WEB_APP_PACKAGES, e),
                string(e, P_RESET_VERIFICATION) == null ? null
                        : fromJson(string(e, P_RESET_VERIFICATION), RESET_VERIFICATION, e),
                e.getETag());
    }

    private static CloneWriteCount cloneWriteCount(TableEntity e) {
        Instant countedAt = instant(e, P_CLONE_WRITES_COUNTED_AT);
        if (countedAt == null) {
            return null;
        }
        Object writes = e.getProperty(P_CLONE_WRITES);
        if (writes != null && !(writes instanceof Number)) {
            throw corrupt(e, "property " + P_CLONE_WRITES + " is not a number");
        }
        return new CloneWriteCount(writes == null ? null : ((Number) writes).longValue(), countedAt);
    }

    // ---------------------------------------------------------------- web apps

    static TableEntity webAppEntity(String environmentName, WebAppState w) {
        TableEntity entity = new TableEntity(partition(environmentName), webAppRowKey(w.deploymentId(), w.name()));
        put(entity, P_DEPLOYMENT_ID, w.deploymentId());
        put(entity, P_NAME, w.name());
        put(entity, P_ROLE, w.role() == null ? null : w.role().wireName());
        put(entity, P_PHASE, w.phase() == null ? null : w.phase().wireName());
        put(entity, P_MAINTENANCE, w.maintenance());
        put(entity, P_WORKING_STAGE, w.workingStage() == null ? null : w.workingStage().name());
        put(entity, P_CHECKS, w.checks());
        put(entity, P_STAGE_STARTED_AT, time(w.stageStartedAt()));
        put(entity, P_TIMINGS, toJson(w.timings()));
        put(entity, P_ERROR, w.error() == null ? null : toJson(w.error()));
        put(entity, P_SWAP_REQUESTED_AT, time(w.swapRequestedAt()));
        put(entity, P_PREVIEW_APPLIED_AT, time(w.previewAppliedAt()));
        return withEtag(entity, w.etag());
    }

    static WebAppState webAppState(TableEntity e) {
        String role = string(e, P_ROLE);
        String phase = string(e, P_PHASE);
        String workingStage = string(e, P_WORKING_STAGE);
        String timings = string(e, P_TIMINGS);
        String error = string(e, P_ERROR);
        return new WebAppState(
                string(e, P_DEPLOYMENT_ID),
                string(e, P_NAME),
                role == null ? null : WebAppRole.parse(role).orElseThrow(
                        () -> corrupt(e, "unknown web app role " + role)),
                phase == null ? null : WebAppPhase.fromWireName(phase),
                bool(e, P_MAINTENANCE),
                workingStage == null ? null : Stage.parse(workingStage),
                integer(e, P_CHECKS),
                instant(e, P_STAGE_STARTED_AT),
                timings == null ? Map.of() : fromJson(timings, TIMINGS, e),
                error == null ? null : fromJson(error, DeploymentError.class, e),
                instant(e, P_SWAP_REQUESTED_AT),
                instant(e, P_PREVIEW_APPLIED_AT),
                e.getETag());
    }

    // ---------------------------------------------------------------- outbox

    static TableEntity outboxEntity(String environmentName, OutgoingMessage outgoing) {
        StepMessage m = outgoing.message();
        TableEntity entity = new TableEntity(partition(environmentName), outboxRowKey(m.deploymentId(), m.messageId()));
        put(entity, P_DEPLOYMENT_ID, m.deploymentId());
        put(entity, P_ENVIRONMENT, m.environment());
        put(entity, P_STAGE, m.stage().name());
        put(entity, P_WEB_APP, m.webApp());
        put(entity, P_SEQUENCE, m.sequence());
        put(entity, P_ROUND, m.round());
        put(entity, P_RETRY, m.retry());
        put(entity, P_DELAY_MILLIS, outgoing.delay().isNegative() ? 0L : outgoing.delay().toMillis());
        return entity;
    }

    static OutgoingMessage outgoingMessage(TableEntity e) {
        StepMessage message = new StepMessage(string(e, P_DEPLOYMENT_ID), string(e, P_ENVIRONMENT),
                Stage.parse(string(e, P_STAGE)), string(e, P_WEB_APP), integer(e, P_SEQUENCE), integer(e, P_ROUND),
                integer(e, P_RETRY));
        Object delay = e.getProperty(P_DELAY_MILLIS);
        long millis = delay instanceof Number n ? n.longValue() : 0L;
        return new OutgoingMessage(message, java.time.Duration.ofMillis(millis));
    }

    // ---------------------------------------------------------------- idempotency, log, index

    static TableEntity idempotencyEntity(String environmentName, String idempotencyKey, String deploymentId) {
        TableEntity entity = new TableEntity(partition(environmentName), idempotencyRowKey(idempotencyKey));
        put(entity, P_IDEMPOTENCY_KEY, idempotencyKey);
        put(entity, P_DEPLOYMENT_ID, deploymentId);
        return entity;
    }

    static TableEntity logEntity(String environmentName, String deploymentId, LogLine line, long writeStamp,
                                 int sequence) {
        TableEntity entity = new TableEntity(partition(environmentName),
                logRowKey(deploymentId, line, writeStamp, sequence));
        put(entity, P_DEPLOYMENT_ID, deploymentId);
        put(entity, P_AT, time(line.at()));
        put(entity, P_LEVEL, line.level() == null ? null : line.level().name());
        put(entity, P_WEB_APP, line.webApp());
        put(entity, P_MESSAGE, shorten(line.message()));
        put(entity, P_STAGE, line.stage() == null ? null : line.stage().name());
        put(entity, P_EVENT, line.event() == null ? null : line.event().name());
        return entity;
    }

    private static String shorten(String message) {
        if (message == null || message.length() <= MAX_LOG_MESSAGE_CHARS) {
            return message;
        }
        return message.substring(0, MAX_LOG_MESSAGE_CHARS) + "... (" + (message.length() - MAX_LOG_MESSAGE_CHARS)
                + " more characters not stored)";
    }

    /** A log row's event; a name this version does not know reads as none (the line stays, uncounted). */
    private static LogLine.Event event(TableEntity e) {
        String name = string(e, P_EVENT);
        return name == null ? null : java.util.Arrays.stream(LogLine.Event.values())
                .filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }

    static LogLine logLine(TableEntity e) {
        String level = string(e, P_LEVEL);
        // A line stored before its stage was recorded, or by a version that knew a stage this one does not, names
        // none: the diagnosis then leaves it out of a failure's story rather than guess from its words.
        String stage = string(e, P_STAGE);
        Stage written = stage == null ? null
                : java.util.Arrays.stream(Stage.values()).filter(s -> s.name().equals(stage)).findFirst().orElse(null);
        return new LogLine(instant(e, P_AT), level == null ? null : LogLine.Level.valueOf(level),
                string(e, P_WEB_APP), string(e, P_MESSAGE), written, event(e));
    }

    static TableEntity indexEntity(String deploymentId, String environmentName) {
        TableEntity entity = new TableEntity(key(deploymentId), INDEX_ROW_KEY);
        put(entity, P_DEPLOYMENT_ID, deploymentId);
        put(entity, P_ENVIRONMENT, environmentName);
        return entity;
    }

    // ---------------------------------------------------------------- property helpers

    static TableEntity withEtag(TableEntity entity, String etag) {
        if (etag != null) {
            entity.addProperty(ETAG, etag);
        }
        return entity;
    }

    static TableEntity withoutEtag(TableEntity entity) {
        entity.getProperties().remove(ETAG);
        return entity;
    }

    private static void put(TableEntity entity, String name, Object value) {
        if (value != null) {
            entity.addProperty(name, value);
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static String string(TableEntity e, String name) {
        Object value = e.getProperty(name);
        return value == null ? null : value.toString();
    }

    private static int integer(TableEntity e, String name) {
        Object value = e.getProperty(name);
        if (value == null) {
            return 0;
        }
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(value.toString());
        } catch (NumberFormatException ex) {
            throw corrupt(e, "property " + name + " is not a number");
        }
    }

    private static boolean bool(TableEntity e, String name) {
        Object value = e.getProperty(name);
        if (value instanceof Boolean b) {
            return b;
        }
        return value != null && Boolean.parseBoolean(value.toString());
    }

    private static Instant instant(TableEntity e, String name) {
        Object value = e.getProperty(name);
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        try {
            return OffsetDateTime.parse(value.toString()).toInstant();
        } catch (RuntimeException ex) {
            throw corrupt(e, "property " + name + " is not a date-time");
        }
    }

    private static <T> List<T> listOrEmpty(TableEntity e, String name, TypeReference<List<T>> type) {
        String json = string(e, name);
        return json == null ? List.of() : fromJson(json, type, e);
    }

    private static String toJson(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("cannot serialize " + value.getClass().getSimpleName()
                    + " to JSON: " + ex.getOriginalMessage(), ex);
        }
    }

    private static <T> T fromJson(String json, Class<T> type, TableEntity e) {
        if (json == null) {
            throw corrupt(e, "missing " + type.getSimpleName());
        }
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException ex) {
            throw corrupt(e, "unreadable " + type.getSimpleName() + ": " + ex.getOriginalMessage());
        }
    }

    private static <T> T fromJson(String json, TypeReference<T> type, TableEntity e) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException ex) {
            throw corrupt(e, "unreadable JSON property: " + ex.getOriginalMessage());
        }
    }

    private static IllegalStateException corrupt(TableEntity e, String what) {
        return new IllegalStateException("stored row " + e.getPartitionKey() + "/" + e.getRowKey()
                + " cannot be read: " + what);
    }
}
