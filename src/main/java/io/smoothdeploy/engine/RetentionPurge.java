package io.smoothdeploy.engine;

import io.smoothdeploy.engine.port.ConcurrencyConflictException;
import io.smoothdeploy.engine.port.DeploymentStore;
import io.smoothdeploy.engine.port.HistoryEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The retention purge, run by the timer: removes the deployments (and their logs) that started and last changed
 * more than the retention ago. Never one that is not terminal, never an environment's last deployment (nor the one
 * holding it), never one with a web app row still in maintenance; an idempotency key goes with the deployment it
 * names and only with it (a key naming a kept deployment still guards it), see
 * {@link DeploymentStore#purgeDeployment}. At most {@link #MAX_PER_RUN} deployments a run, so that one tick stays
 * well inside the function's time budget; the rest go on the next ticks.
 */
public final class RetentionPurge {

    /** The app setting: whole days, at least 1; unset for {@link #DEFAULT_DAYS}. */
    public static final String SETTING = "DeploymentRetentionDays";
    public static final int DEFAULT_DAYS = 90;
    static final int MAX_DAYS = 36_500;
    /** The most deployments one run removes. */
    public static final int MAX_PER_RUN = 50;
    /** How many old history entries of one environment one run looks at (skipped ones included). */
    static final int MAX_LOOKED_AT = 200;

    private final DeploymentStore store;
    private final Clock clock;
    private final Duration retention;

    public RetentionPurge(DeploymentStore store, Clock clock, Duration retention) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the retention must be positive, not " + retention);
        }
        this.retention = retention;
    }

    /**
     * The retention the app setting {@value #SETTING} asks for: unset or blank for {@value #DEFAULT_DAYS} days.
     *
     * @throws IllegalStateException when it is not a whole number of days from 1 to 36500, so that the function app
     *                               does not start with a setting that would purge everything or nothing
     */
    public static Duration fromSetting(String value) {
        if (value == null || value.isBlank()) {
            return Duration.ofDays(DEFAULT_DAYS);
        }
        String trimmed = value.trim();
        long days;
        try {
            days = Long.parseLong(trimmed);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the app setting " + SETTING + " is '" + shown(trimmed) + "', not a whole "
                    + "number of days: set it to how many days deployments and their logs are kept (1 to " + MAX_DAYS
                    + "), or remove it for " + DEFAULT_DAYS);
        }
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalStateException("the app setting " + SETTING + " is " + days + ": deployments and their "
                    + "logs are kept at least 1 day (0 or less would purge every finished deployment at the next tick); "
                    + "set it from 1 to " + MAX_DAYS + ", or remove it for " + DEFAULT_DAYS);
        }
        return Duration.ofDays(days);
    }

    private static String shown(String value) {
        String cleaned = value.replaceAll("[^\\x20-\\x7e]", "?");
        return cleaned.length() > 20 ? cleaned.substring(0, 20) + "..." : cleaned;
    }

    public Duration retention() {
        return retention;
    }

    /**
     * What one run removed: deployments and log lines, and the old deployments it kept (terminal or not, the
     * last one, one still in maintenance).
     */
    public record Outcome(int deployments, int logLines, int kept) {
        public String describe(Duration retention) {
            return "retention purge: " + deployments + " deployment(s) and " + logLines + " log line(s) older than "
                    + retention.toDays() + " day(s) removed" + (kept == 0 ? "" : "; " + kept + " old one(s) kept "
                    + "(not finished, the environment's last, or a web app in maintenance)");
        }
    }

    public Outcome runOnce() {
        Instant cutoff = clock.instant().minus(retention);
        int purged = 0;
        int lines = 0;
        int kept = 0;
        for (EnvironmentRecord environment : store.listEnvironments()) {
            String name = environment.config().name();
            List<HistoryEntry> old = store.listDeploymentsStartedBefore(name, cutoff, MAX_LOOKED_AT);
            for (HistoryEntry entry : old) {
                if (purged >= MAX_PER_RUN) {
                    return done(purged, lines, kept);
                }
                if (!mayGo(entry, environment, cutoff)) {
                    kept++;
                    continue;
                }
                Optional<DeploymentSnapshot> rows = store.loadRows(entry.deploymentId(), name);
                if (rows.isEmpty() || !mayGo(rows.get(), cutoff)) {
                    kept++;
                    continue;
                }
                try {
                    lines += store.purgeDeployment(rows.get());
                    purged++;
                } catch (ConcurrencyConflictException changed) {
                    // It changed since it was read: keep it, and decide again on the next tick.
                    kept++;
                }
            }
        }
        return done(purged, lines, kept);
    }

    private Outcome done(int purged, int lines, int kept) {
        return new Outcome(purged, lines, kept);
    }

    /** By its history row: finished, not the environment's last nor its running one, unchanged since the cutoff. */
    static boolean mayGo(HistoryEntry entry, EnvironmentRecord environment, Instant cutoff) {
        String id = entry.deploymentId();
        return entry.status() != null && entry.status().isTerminal()
                && !id.equals(environment.lastDeploymentId()) && !id.equals(environment.activeDeploymentId())
                && entry.createdAt() != null && entry.createdAt().isBefore(cutoff)
                && (entry.updatedAt() == null || entry.updatedAt().isBefore(cutoff));
    }

    /** By its own rows, read again: still finished and old, and no web app in maintenance. */
    static boolean mayGo(DeploymentSnapshot rows, Instant cutoff) {
        Deployment deployment = rows.deployment();
        return deployment.status().isTerminal()
                && deployment.updatedAt() != null && deployment.updatedAt().isBefore(cutoff)
                && rows.webApps().stream().noneMatch(WebAppState::maintenance);
    }
}
