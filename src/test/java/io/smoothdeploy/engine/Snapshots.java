package io.smoothdeploy.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small builders for engine tests: an environment of named web apps, and a deployment of it at a stage. */
final class Snapshots {

    static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
    static final String SERVER = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql1";

    private Snapshots() {
    }

    static EnvironmentConfig environment(String... webApps) {
        List<WebAppConfig> configs = new ArrayList<>();
        for (String name : webApps) {
            WebAppRole role = name.startsWith("scheduler") ? WebAppRole.MAINTENANCE_PAGE : WebAppRole.ZERO_DOWNTIME;
            configs.add(new WebAppConfig(name, "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/sites/"
                    + name, role, "staging", "maintenance",
                    new WebAppConfig.WarmUpConfig(List.of(), List.of("/"), List.of())));
        }
        return new EnvironmentConfig("prod", configs, new DatabaseConfig(SERVER, "cmsdb"), "EPiServerDB",
                "Cms__DatabaseMode", "https://packages.example.com/maintenance.zip", null);
    }

    static Deployment deployment(DeploymentStatus status, Stage stage) {
        return new Deployment("d1", "prod", status, stage, 0, DeploymentMode.READ_ONLY,
                "https://packages.example.com/new.zip?sig=secret", "ab".repeat(32), null, T0, T0, null, false,
                List.of(), List.of(), List.of(), null, null, null, 0, null, "etag-d");
    }

    static WebAppState webApp(String name, WebAppPhase phase) {
        WebAppRole role = name.startsWith("scheduler") ? WebAppRole.MAINTENANCE_PAGE : WebAppRole.ZERO_DOWNTIME;
        boolean maintenance = phase == WebAppPhase.IN_MAINTENANCE || phase == WebAppPhase.DEPLOYED
                || phase == WebAppPhase.WARMED_UP;
        return new WebAppState("d1", name, role, phase, maintenance, null, 0, null, Map.of(), null, "etag-" + name);
    }

    static DeploymentSnapshot snapshot(Deployment deployment, WebAppState... webApps) {
        List<String> names = new ArrayList<>();
        for (WebAppState w : webApps) {
            names.add(w.name());
        }
        EnvironmentRecord environment = new EnvironmentRecord(environment(names.toArray(String[]::new)),
                deployment.status().isTerminal() ? null : deployment.id(), deployment.id(), "etag-env");
        return new DeploymentSnapshot(environment, deployment, List.of(webApps));
    }

    static StepMessage message(Stage stage, String webApp, int sequence) {
        return new StepMessage("d1", "prod", stage, webApp, sequence);
    }
}
