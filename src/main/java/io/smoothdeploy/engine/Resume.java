package io.smoothdeploy.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a new start picks up where a failed run left each web app. The new run carries on the failed run's
 * lineage (its temporary database and its slot markers), so the clone is reused when intact and a web app
 * already in maintenance is not put there again.
 */
public final class Resume {

    private Resume() {
    }

    /** True when a start on this environment resumes its last deployment. */
    public static boolean applies(Optional<DeploymentSnapshot> last) {
        return last.isPresent() && last.get().deployment().status() == DeploymentStatus.FAILED;
    }

    /** Why a resume in {@code mode} cannot go on, or empty when it can. */
    public static Optional<String> refusal(DeploymentSnapshot failed, DeploymentMode mode) {
        List<String> inMaintenance = namesInMaintenance(failed);
        if (!inMaintenance.isEmpty() && failed.deployment().mode() != mode) {
            String id = failed.deployment().id();
            String was = failed.deployment().mode().wireName();
            return Optional.of("Deployment " + id + " failed with " + String.join(", ", inMaintenance)
                    + " in maintenance in " + was + " mode, and a start in " + mode.wireName() + " mode cannot take"
                    + " over a web app in maintenance in another mode: start again in " + was + " mode to resume it,"
                    + " or first reset deployment " + id + " (POST /api/deployments/" + id + "/reset) and wait for"
                    + " Reset, then start again in " + mode.wireName() + " mode");
        }
        return Optional.empty();
    }

    /**
     * The new run {@code resumed}'s web apps: each keeps what it finished, and warm-up is always redone; a web app whose package is the one the failed run gave it keeps its
     * deployed staging slot; a web app whose package changed (or whose kept package is not named yet) is deployed
     * again, and only that one.
     */
    public static List<WebAppState> webApps(DeploymentSnapshot failed, EnvironmentConfig environment,
                                            Deployment resumed) {
        return webApps(failed, environment, resumed.id(), resumed::packageFor);
    }

    /** True when {@code resumed} gives {@code webApp} exactly the package the failed run gave it. */
    public static boolean samePackage(Deployment failed, String webApp,
                                      java.util.function.Function<String, Optional<WebAppPackage>> resumed) {
        Optional<WebAppPackage> before = failed.packageFor(webApp);
        Optional<WebAppPackage> now = resumed.apply(webApp);
        return before.isPresent() && now.isPresent() && (before.get().sameAs(now.get())
                // an older row's single package has its SHA-256 compared by the package check
                || before.get().uri().equals(now.get().uri()) && now.get().sha256() == null);
    }

    private static List<WebAppState> webApps(DeploymentSnapshot failed, EnvironmentConfig environment,
                                             String deploymentId,
                                             java.util.function.Function<String, Optional<WebAppPackage>> packages) {
        List<WebAppState> webApps = new ArrayList<>();
        for (WebAppConfig config : environment.webApps()) {
            boolean samePackage = samePackage(failed.deployment(), config.name(), packages);
            WebAppPhase ceiling = samePackage ? WebAppPhase.DEPLOYED : WebAppPhase.IN_MAINTENANCE;
            Optional<WebAppState> before = failed.webApp(config.name());
            if (before.isEmpty() || before.get().phase() == WebAppPhase.LIVE
                    || before.get().phase() == WebAppPhase.ROLLED_BACK) {
                webApps.add(WebAppState.pending(deploymentId, config));
                continue;
            }
            WebAppPhase phase = before.get().phase().order() > ceiling.order() ? ceiling : before.get().phase();
            webApps.add(new WebAppState(deploymentId, config.name(), config.role(), phase, before.get().maintenance(),
                    null, 0, null, Map.of(), null, null, before.get().previewAppliedAt(), null));
        }
        return webApps;
    }

    /** What the log says about a resume of {@code failed} by {@code resumed}: what was found, what will be skipped. */
    public static String describe(DeploymentSnapshot failed, List<WebAppState> webApps, Deployment resumed) {
        StringBuilder text = new StringBuilder("Resuming failed deployment ").append(failed.deployment().id());
        List<String> inMaintenance = namesInMaintenance(failed);
        text.append(inMaintenance.isEmpty() ? ": no web app is in maintenance"
                : ": already in maintenance, not entered again: " + String.join(", ", inMaintenance));
        List<String> deployed = webApps.stream().filter(w -> w.phase() == WebAppPhase.DEPLOYED).map(WebAppState::name)
                .toList();
        List<String> changed = webApps.stream().map(WebAppState::name)
                .filter(name -> !samePackage(failed.deployment(), name, resumed::packageFor)).toList();
        if (!deployed.isEmpty()) {
            text.append("; same package already deployed on: ").append(String.join(", ", deployed));
        }
        if (!changed.isEmpty() && changed.size() == webApps.size()) {
            text.append("; a different package: every staging slot is deployed again");
        } else if (!changed.isEmpty()) {
            text.append("; a different package, deployed again on: ").append(String.join(", ", changed));
        }
        return text.append("; the database clone is reused if it is intact").toString();
    }

    private static List<String> namesInMaintenance(DeploymentSnapshot snapshot) {
        return snapshot.webApps().stream().filter(WebAppState::maintenance).map(WebAppState::name).toList();
    }
}
