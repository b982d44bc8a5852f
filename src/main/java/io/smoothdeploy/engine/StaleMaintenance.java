package io.smoothdeploy.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The stale-maintenance rules, as pure functions: which environments are stuck, and what a report writes.
 * Each finding has an episode key; a deployment remembers the last episode it reported, so one episode is
 * reported once however many times the timer ticks.
 */
public final class StaleMaintenance {

    private StaleMaintenance() {
    }

    /** The kinds of stuck environment. */
    public enum Kind {
        /** The deployment failed and left web apps in maintenance. */
        FAILED_IN_MAINTENANCE("FailedInMaintenance"),
        /** The deployment has awaited verification longer than the environment allows. */
        VERIFICATION_OVERDUE("VerificationOverdue"),
        /** A running deployment has made no progress for longer than the environment allows. */
        NO_PROGRESS("NoProgress");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * One stuck environment.
     *
     * @param kind         what is stuck
     * @param episode      the key of this stale episode: a new one begins when the deployment progresses
     * @param deployment   the deployment concerned
     * @param inMaintenance the web apps in maintenance
     * @param message      the warning, in words a person can act on
     */
    public record Finding(Kind kind, String episode, Deployment deployment, List<String> inMaintenance,
                          String message) {
    }

    /** What is stuck about this environment's last deployment, if anything. */
    public static Optional<Finding> find(EnvironmentRecord environment, DeploymentSnapshot last, Instant now) {
        Deployment deployment = last.deployment();
        StalenessPolicy policy = environment.config().staleness();
        Duration verificationLimit = environment.config().verification().limit();
        List<String> inMaintenance = last.webApps().stream().filter(WebAppState::maintenance).map(WebAppState::name).toList();
        String since = deployment.updatedAt().toString();
        Duration idle = Duration.between(deployment.updatedAt(), now);
        String sites = String.join(", ", inMaintenance);
        if (deployment.status() == DeploymentStatus.FAILED && !inMaintenance.isEmpty()) {
            return Optional.of(new Finding(Kind.FAILED_IN_MAINTENANCE, Kind.FAILED_IN_MAINTENANCE.wireName() + "@" + since,
                    deployment, inMaintenance, "Deployment " + deployment.id() + " failed and left " + sites
                    + " in maintenance; start again to resume it, or reset it"));
        }
        boolean awaiting = deployment.status() == DeploymentStatus.AWAITING_VERIFICATION
                || deployment.status() == DeploymentStatus.AWAITING_RESET_VERIFICATION;
        if (awaiting && idle.compareTo(verificationLimit) > 0) {
            return Optional.of(new Finding(Kind.VERIFICATION_OVERDUE, Kind.VERIFICATION_OVERDUE.wireName() + "@" + since,
                    deployment, inMaintenance, "Deployment " + deployment.id() + " has awaited "
                    + (deployment.status() == DeploymentStatus.AWAITING_RESET_VERIFICATION ? "reset verification"
                    : "verification") + " for " + minutes(idle) + " minutes (limit " + minutes(verificationLimit)
                    + "), with " + sites + " in maintenance; "
                    + (deployment.status() == DeploymentStatus.AWAITING_RESET_VERIFICATION ? "complete or cancel it"
                    : "complete or reset it")));
        }
        boolean running = !deployment.status().isTerminal() && !awaiting;
        if (running && idle.compareTo(policy.noProgressLimit()) > 0) {
            return Optional.of(new Finding(Kind.NO_PROGRESS, Kind.NO_PROGRESS.wireName() + "@" + since, deployment,
                    inMaintenance, "Deployment " + deployment.id() + " is " + deployment.status().wireName()
                    + " at " + deployment.stage() + " with no progress for " + minutes(idle) + " minutes (limit "
                    + minutes(policy.noProgressLimit()) + "); look for dead-lettered messages or failing functions"));
        }
        return Optional.empty();
    }

    /** True when this finding's episode was reported already. */
    public static boolean alreadyReported(Finding finding) {
        return finding.episode().equals(finding.deployment().staleEpisode());
    }

    /** The write that records a report: the warning on the deployment and in its log. */
    public static Decision report(Finding finding, Instant now) {
        Deployment reported = finding.deployment().reportedStale(finding.episode(), finding.message());
        return new Decision(reported, List.of(), null, List.of(LogLine.warning(now, null, finding.message())), List.of());
    }

    private static long minutes(Duration duration) {
        return duration.toMinutes();
    }
}
