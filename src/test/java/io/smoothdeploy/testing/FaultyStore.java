package io.smoothdeploy.testing;

import io.smoothdeploy.engine.Decision;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.WebAppState;
import io.smoothdeploy.engine.port.DeploymentStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A state store that fails the way Table storage can: a commit answered 503 before it was written, or one
 * that was written but whose answer never arrived (the process died, the connection dropped). Everything
 * else goes to the real store underneath (Azurite).
 */
public final class FaultyStore implements DeploymentStore {

    private final DeploymentStore delegate;
    private volatile Predicate<Decision> failing = d -> false;
    private volatile boolean afterWrite;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile Runnable afterNextLoad;

    public FaultyStore(DeploymentStore delegate) {
        this.delegate = delegate;
    }

    /**
     * The next {@code times} commits matching {@code which} fail with a Table storage error: before anything
     * is written, or ({@code written}) after the write took effect.
     */
    public FaultyStore failCommits(Predicate<Decision> which, int times, boolean written) {
        this.failing = which;
        this.afterWrite = written;
        this.failuresLeft.set(times);
        return this;
    }

    /** Runs {@code action} once, right after the next load has read its rows and before it returns them. */
    public FaultyStore afterNextLoad(Runnable action) {
        this.afterNextLoad = action;
        return this;
    }

    /**
     * Every commit from now on stores its log lines' and errors' text as {@code wording} rewrites it, as if each step
     * had written other words; everything else (stages, kinds, the errors' evidence) stays as decided. A diagnosis
     * that reads fields is the same either way; one that reads words is not.
     */
    public FaultyStore rewordCommits(java.util.function.UnaryOperator<String> wording) {
        this.wording = wording;
        return this;
    }

    private volatile java.util.function.UnaryOperator<String> wording;

    private Decision reworded(Decision decision) {
        java.util.function.UnaryOperator<String> w = wording;
        if (w == null) {
            return decision;
        }
        java.util.function.UnaryOperator<io.smoothdeploy.engine.DeploymentError> error = e -> e == null ? null
                : new io.smoothdeploy.engine.DeploymentError(e.kind(), e.stage(), e.webApp(),
                        e.message() == null ? null : w.apply(e.message()), e.at(), e.evidence());
        Deployment deployment = decision.deployment() == null ? null
                : decision.deployment().withErrors(decision.deployment().errors().stream().map(error).toList());
        List<WebAppState> webApps = decision.webApps().stream()
                .map(a -> a.error() == null ? a : a.failed(error.apply(a.error()))).toList();
        List<LogLine> log = decision.log().stream()
                .map(l -> l.message() == null ? l : l.withMessage(w.apply(l.message()))).toList();
        return new Decision(deployment, webApps, decision.environment(), log, decision.messages(),
                decision.newIdempotencyKey(), decision.clearedOutbox());
    }

    /** How many commits failed on purpose so far. */
    public int failedCommits() {
        return failed.get();
    }

    @Override
    public EnvironmentRecord saveEnvironment(EnvironmentConfig config, String expectedEtag) {
        return delegate.saveEnvironment(config, expectedEtag);
    }

    @Override
    public Optional<EnvironmentRecord> findEnvironment(String name) {
        return delegate.findEnvironment(name);
    }

    @Override
    public void deleteEnvironment(EnvironmentRecord read) {
        delegate.deleteEnvironment(read);
    }

    @Override
    public List<EnvironmentRecord> listEnvironments() {
        return delegate.listEnvironments();
    }

    @Override
    public io.smoothdeploy.engine.port.HistoryPage listDeployments(String environment,
                                                             io.smoothdeploy.engine.DeploymentStatus status, int limit,
                                                             String after) {
        return delegate.listDeployments(environment, status, limit, after);
    }

    @Override
    public void createDeployment(EnvironmentRecord heldEnvironment, Deployment deployment, List<WebAppState> webApps,
                                 List<LogLine> log, List<OutgoingMessage> outbox, Deployment superseded,
                                 List<LogLine> supersededLog) {
        delegate.createDeployment(heldEnvironment, deployment, webApps, log, outbox, superseded, supersededLog);
    }

    @Override
    public void clearOutbox(String deploymentId, List<OutgoingMessage> sent) {
        delegate.clearOutbox(deploymentId, sent);
    }

    @Override
    public Optional<String> findDeploymentIdByIdempotencyKey(String environment, String idempotencyKey) {
        return delegate.findDeploymentIdByIdempotencyKey(environment, idempotencyKey);
    }

    @Override
    public Optional<DeploymentSnapshot> load(String deploymentId) {
        return load(deploymentId, null);
    }

    @Override
    public Optional<DeploymentSnapshot> load(String deploymentId, String environment) {
        return afterLoad(delegate.load(deploymentId, environment));
    }

    @Override
    public Optional<DeploymentSnapshot> loadRows(String deploymentId, String environment) {
        return afterLoad(delegate.loadRows(deploymentId, environment));
    }

    private Optional<DeploymentSnapshot> afterLoad(Optional<DeploymentSnapshot> loaded) {
        Runnable action = afterNextLoad;
        if (action != null) {
            afterNextLoad = null;
            action.run();
        }
        return loaded;
    }

    @Override
    public void commit(Decision original) {
        Decision decision = reworded(original);
        boolean fail = failing.test(decision) && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        if (fail && !afterWrite) {
            failed.incrementAndGet();
            throw unavailable();
        }
        delegate.commit(decision);
        if (fail) {
            failed.incrementAndGet();
            throw unavailable();
        }
    }

    @Override
    public List<LogLine> readLog(String deploymentId) {
        return delegate.readLog(deploymentId);
    }

    @Override
    public List<io.smoothdeploy.engine.port.HistoryEntry> listDeploymentsStartedBefore(String environment,
                                                                             java.time.Instant before, int limit) {
        return delegate.listDeploymentsStartedBefore(environment, before, limit);
    }

    @Override
    public int purgeDeployment(DeploymentSnapshot rows) {
        return delegate.purgeDeployment(rows);
    }

    @Override
    public io.smoothdeploy.engine.port.LogPage readLog(String deploymentId, java.time.Instant since, int limit) {
        return delegate.readLog(deploymentId, since, limit);
    }

    private static IllegalStateException unavailable() {
        return new IllegalStateException("could not save the decision: Table storage answered HTTP 503 "
                + "ServerBusy (injected by the test)");
    }
}
