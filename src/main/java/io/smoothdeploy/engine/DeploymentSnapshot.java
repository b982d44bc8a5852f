package io.smoothdeploy.engine;

import java.util.List;
import java.util.Optional;

/**
 * Everything one step decision reads, as read together from the store: the environment row (config and
 * hold), the deployment row and its web app rows.
 */
public record DeploymentSnapshot(EnvironmentRecord environment, Deployment deployment, List<WebAppState> webApps) {

    public DeploymentSnapshot {
        webApps = List.copyOf(webApps);
    }

    public Optional<WebAppState> webApp(String name) {
        return webApps.stream().filter(w -> w.name().equals(name)).findFirst();
    }
}
