package io.smoothdeploy.engine;

import java.util.List;
import java.util.Optional;

/**
 * Everything one step decision reads, as read together from the store: the environment (config and hold),
 * the deployment row, its web app rows, and the step messages of its outbox that decisions committed but
 * nobody has confirmed sent yet.
 *
 * @param environmentRead true when {@code environment} is the environment row as read; false when it is the
 *                        deployment's own copy of the configuration, with no hold and no etag (a step
 *                        delivery reads only the deployment's rows): such a snapshot cannot decide anything that
 *                        writes the environment row, see {@link #withEnvironment}
 */
public record DeploymentSnapshot(EnvironmentRecord environment, Deployment deployment, List<WebAppState> webApps,
                                 List<OutgoingMessage> outbox, boolean environmentRead) {

    public DeploymentSnapshot {
        webApps = List.copyOf(webApps);
        outbox = outbox == null ? List.of() : List.copyOf(outbox);
    }

    /** A snapshot with the environment row as read. */
    public DeploymentSnapshot(EnvironmentRecord environment, Deployment deployment, List<WebAppState> webApps,
                              List<OutgoingMessage> outbox) {
        this(environment, deployment, webApps, outbox, true);
    }

    /** The deployment's rows with only its copy of the environment's configuration (no hold, no etag). */
    public static DeploymentSnapshot withoutEnvironmentRow(EnvironmentConfig config, Deployment deployment,
                                                           List<WebAppState> webApps, List<OutgoingMessage> outbox) {
        return new DeploymentSnapshot(new EnvironmentRecord(config, null, null, null), deployment, webApps, outbox,
                false);
    }

    /** The same rows with the environment row as read now. */
    public DeploymentSnapshot withEnvironment(EnvironmentRecord row) {
        return new DeploymentSnapshot(row, deployment, webApps, outbox, true);
    }

    /** A snapshot with nothing pending in its outbox. */
    public DeploymentSnapshot(EnvironmentRecord environment, Deployment deployment, List<WebAppState> webApps) {
        this(environment, deployment, webApps, List.of());
    }

    /**
     * The rows as {@code decision}, made on this snapshot, leaves them once saved: for answering a command,
     * not for writing (the etags are those read).
     */
    public DeploymentSnapshot afterCommit(Decision decision) {
        java.util.Map<String, WebAppState> apps = new java.util.LinkedHashMap<>();
        webApps.forEach(w -> apps.put(w.name(), w));
        decision.webApps().forEach(w -> apps.put(w.name(), w));
        java.util.List<OutgoingMessage> pending = new java.util.ArrayList<>(outbox.stream()
                .filter(m -> !decision.clearedOutbox().contains(m.message().messageId())).toList());
        pending.addAll(decision.messages());
        // a hold released without reading the row leaves this snapshot's environment as it was (unread: no hold)
        boolean written = decision.environment() != null && !decision.environment().releasesUnread();
        return new DeploymentSnapshot(written ? decision.environment() : environment,
                decision.deployment() != null ? decision.deployment() : deployment, List.copyOf(apps.values()),
                pending, environmentRead || written);
    }

    public Optional<WebAppState> webApp(String name) {
        return webApps.stream().filter(w -> w.name().equals(name)).findFirst();
    }
}
