package io.smoothdeploy.engine;

import java.util.List;
import java.util.Optional;

/**
 * Everything one step decision reads, as read together from the store: the environment row (config and
 * hold), the deployment row, its web app rows, and the step messages of its outbox that decisions committed
 * but nobody has confirmed sent yet.
 */
public record DeploymentSnapshot(EnvironmentRecord environment, Deployment deployment, List<WebAppState> webApps,
                                 List<OutgoingMessage> outbox) {

    public DeploymentSnapshot {
        webApps = List.copyOf(webApps);
        outbox = outbox == null ? List.of() : List.copyOf(outbox);
    }

    /** A snapshot with nothing pending in its outbox. */
    public DeploymentSnapshot(EnvironmentRecord environment, Deployment deployment, List<WebAppState> webApps) {
        this(environment, deployment, webApps, List.of());
    }

    public Optional<WebAppState> webApp(String name) {
        return webApps.stream().filter(w -> w.name().equals(name)).findFirst();
    }
}
