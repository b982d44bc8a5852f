package io.smoothdeploy.engine.port;

import io.smoothdeploy.engine.Decision;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.WebAppState;
import java.util.List;
import java.util.Optional;

/**
 * The state port. An environment, its deployments, their web apps, idempotency keys and log lines share
 * one partition, so that each method below that writes several rows does so in one entity-group
 * transaction. Every update is conditional on the etag the caller read; a lost race throws
 * {@link ConcurrencyConflictException} and writes nothing.
 */
public interface DeploymentStore {

    /**
     * Registers or re-registers an environment. A new environment is inserted; an existing one has its
     * configuration replaced, conditional on {@code expectedEtag}, and keeps its hold.
     *
     * @param expectedEtag null to insert a new environment (conflict if it exists), else the etag read
     */
    EnvironmentRecord saveEnvironment(EnvironmentConfig config, String expectedEtag);

    Optional<EnvironmentRecord> findEnvironment(String name);

    /**
     * Removes the environment row, conditional on the etag of {@code read}: a start or a re-registration since it
     * was read makes it a {@link ConcurrencyConflictException} and removes nothing. The environment's deployments,
     * their history, logs and idempotency keys stay; see README (History) for what then answers what.
     */
    void deleteEnvironment(EnvironmentRecord read);

    /**
     * Every registered environment (a query across partitions: for the stale-maintenance timer and for
     * {@code GET /environments}, which lists a handful to a few dozen environments).
     */
    List<EnvironmentRecord> listEnvironments();

    /**
     * Starts a deployment in one transaction: the environment row takes the hold (conditional on the
     * environment's etag), and the deployment row, its web app rows, the idempotency row (when the
     * deployment has a key) and the first log lines are inserted.
     */
    default void createDeployment(EnvironmentRecord heldEnvironment, Deployment deployment, List<WebAppState> webApps,
                                  List<LogLine> log) {
        createDeployment(heldEnvironment, deployment, webApps, log, List.of());
    }

    /**
     * The same, with the deployment's first step messages written to its outbox in the same transaction.
     * A transaction that took effect but whose answer was lost (the SDK's retry then meets its own rows) is
     * read back and counts as written.
     */
    default void createDeployment(EnvironmentRecord heldEnvironment, Deployment deployment, List<WebAppState> webApps,
                                  List<LogLine> log, List<OutgoingMessage> outbox) {
        createDeployment(heldEnvironment, deployment, webApps, log, outbox, null, List.of());
    }

    /**
     * The same, with the environment's previous deployment rewritten in the same transaction (conditional on the
     * etag it was read with): a start that supersedes a deployment whose rollback window is open closes that window
     * on its row, at no extra request (both rows live in the environment's partition).
     *
     * @param superseded    the previous deployment as it is to be saved, with the etag it was read with; or null
     * @param supersededLog log lines for the previous deployment
     */
    void createDeployment(EnvironmentRecord heldEnvironment, Deployment deployment, List<WebAppState> webApps,
                          List<LogLine> log, List<OutgoingMessage> outbox, Deployment superseded,
                          List<LogLine> supersededLog);

    /** The deployment id that an idempotency key of this environment started, if any. */
    Optional<String> findDeploymentIdByIdempotencyKey(String environment, String idempotencyKey);

    /**
     * The environment row, the deployment row, its web app rows and its outbox, read together. The
     * snapshot's environment is the environment row ({@link DeploymentSnapshot#environmentRead()}).
     */
    Optional<DeploymentSnapshot> load(String deploymentId);

    /**
     * The same, when the caller already knows the deployment's environment (a step message carries it): the
     * store may then skip looking it up. A wrong or missing {@code environment} still finds the deployment.
     */
    default Optional<DeploymentSnapshot> load(String deploymentId, String environment) {
        return load(deploymentId);
    }

    /**
     * The deployment's own rows only (the deployment, its web apps, its outbox and its copy of the
     * environment's configuration), without the environment row: the snapshot's environment carries that copy
     * and no hold ({@link DeploymentSnapshot#environmentRead()} is false). {@code environment}, when the caller
     * knows it, saves looking the deployment up; a wrong or missing one still finds it. A store may answer
     * with the environment row too.
     */
    default Optional<DeploymentSnapshot> loadRows(String deploymentId, String environment) {
        return load(deploymentId, environment);
    }

    /**
     * Saves a decision's rows, log lines and step messages (its outbox) in one transaction, each update
     * conditional on its etag. A transaction that took effect but whose answer was lost is settled by reading
     * back: it returns normally. A decision that writes no row (send only) writes nothing.
     */
    void commit(Decision decision);

    /**
     * Removes sent messages from a deployment's outbox. Rows already gone are ignored: two senders may clear
     * the same message.
     */
    void clearOutbox(String deploymentId, List<OutgoingMessage> sent);

    /**
     * An environment's deployments, newest first (by when each started), optionally only those with
     * {@code status}: at most {@code limit} of them, starting after {@code after} (the {@link HistoryPage#after()}
     * of the page before, null for the first page). A deployment started after the first page was read sorts before
     * it, so paging on never repeats or skips one.
     *
     * @throws IllegalArgumentException when {@code after} is not a position this store hands out, or
     *                                  {@code limit} is not positive
     */
    HistoryPage listDeployments(String environment, io.smoothdeploy.engine.DeploymentStatus status, int limit,
                                String after);

    /**
     * The environment's deployments that started before {@code before}, newest of them first, at most {@code limit}:
     * what the retention purge looks at (one range of the history rows, however long the history).
     */
    List<HistoryEntry> listDeploymentsStartedBefore(String environment, java.time.Instant before, int limit);

    /**
     * Removes a deployment read by {@link #loadRows}: its log lines, its index entry, and then in one transaction
     * conditional on the deployment row's etag its own rows (deployment, configuration copy, web apps, outbox), its
     * history row and each idempotency row that names it (conditional on that row's etag: a key rewritten to name
     * another deployment stays). A run cut short leaves the history and deployment rows, so the next run finishes it.
     *
     * @return how many log lines were removed
     * @throws ConcurrencyConflictException when the deployment changed since it was read (its log is then not
     *                                      touched)
     */
    int purgeDeployment(DeploymentSnapshot rows);

    /** The deployment's log, oldest first. */
    List<LogLine> readLog(String deploymentId);

    /**
     * A page of the deployment's log: its lines at or after {@code since} (null: from the first), oldest first, at
     * most {@code limit} of them but never splitting a millisecond (see {@link LogPage#of}). A store reads only
     * from {@code since} on; this default reads the whole log.
     *
     * @throws IllegalArgumentException when {@code limit} is not positive
     */
    default LogPage readLog(String deploymentId, java.time.Instant since, int limit) {
        return LogPage.of(readLog(deploymentId), since, limit);
    }
}
