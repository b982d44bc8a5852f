package io.smoothdeploy.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Names the package each main site's maintenance slot runs: production's OLD code, from a package the orchestrator
 * can name. A new App Service slot has no content of its own, even when it clones production's settings
 * (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Add a slot"), and
 * {@code WEBSITE_RUN_FROM_PACKAGE=1} names a package kept in the app's own {@code d:\home\data\SitePackages},
 * which does not travel to another slot; only a URL does (https://learn.microsoft.com/azure/app-service/deploy-run-package).
 * A slot given {@code 1}, or no value (content zip-deployed into wwwroot), serves App Service's empty default page
 * with 200: it would pass warm-up and an empty site would be swapped into production.
 *
 * <p>Where the name comes from, first found wins:
 * <ol>
 *   <li>production's {@code WEBSITE_RUN_FROM_PACKAGE} when it is an http(s) URL: what production runs now (read by
 *       the steps, which reach the cloud);</li>
 *   <li>the caller's {@code currentPackages} for the web app: the caller says what production runs now;</li>
 *   <li>the package this orchestrator last put there: the environment's last deployment's package when it
 *       Succeeded, else the maintenance package that deployment named (a failed or reset run left production on
 *       it). Only used when production's own value names nothing, so it can be stale if someone deployed outside
 *       the orchestrator since; the log line says which source was used.</li>
 * </ol>
 * The start records 2 or 3 on the deployment ({@link #choose}, pure: the start path does not reach the cloud); the
 * first stage, which runs before anything in the cloud changes, reads production and fails the deployment with
 * {@link #refusal} when none of the three names a package.
 */
public final class MaintenancePackages {

    /** The field a caller fills for a web app whose production names no package. */
    public static final String FIELD = "currentPackages";

    private MaintenancePackages() {
    }

    /** The packages named at start for the main sites, with a line saying where each came from; or why not. */
    public record Choice(Map<String, String> packages, List<String> lines, String refusedField, String refusal) {

        static Choice refused(String field, String detail) {
            return new Choice(Map.of(), List.of(), field, detail);
        }

        public boolean isRefused() {
            return refusal != null;
        }
    }

    /**
     * What the start records: per main site, the caller's {@code currentPackages} entry, else the package the
     * environment's last deployment left in production. Refused only for an entry that names no main site.
     *
     * @param config  the environment
     * @param request the start request (its {@code currentPackages})
     * @param last    the environment's last deployment, if any
     */
    public static Choice choose(EnvironmentConfig config, StartRequest request, Optional<DeploymentSnapshot> last) {
        for (String name : request.currentPackages().keySet()) {
            Optional<WebAppConfig> webApp = config.webApp(name);
            if (webApp.isEmpty() || webApp.get().role() != WebAppRole.ZERO_DOWNTIME) {
                return Choice.refused(FIELD + "." + name, FIELD + " names '" + name + "', which is not a "
                        + "ZeroDowntime web app of environment " + config.name() + "; give it only for those");
            }
        }
        Map<String, String> packages = new LinkedHashMap<>();
        List<String> lines = new java.util.ArrayList<>();
        if (!request.mode().usesDatabaseClone()) {
            return new Choice(packages, lines, null, null);
        }
        for (WebAppConfig webApp : config.webApps()) {
            if (webApp.role() != WebAppRole.ZERO_DOWNTIME) {
                continue;
            }
            String name = webApp.name();
            String given = request.currentPackages().get(name);
            String recorded = recorded(last, name);
            if (given != null) {
                packages.put(name, given);
                lines.add("Unless production names its package, the maintenance slot of " + name + " runs "
                        + Redact.uri(given) + " (from " + FIELD + "." + name + " of this start)");
            } else if (recorded != null) {
                packages.put(name, recorded);
                lines.add("Unless production names its package, the maintenance slot of " + name + " runs "
                        + Redact.uri(recorded) + " (the package deployment " + last.get().deployment().id()
                        + " left in production)");
            }
        }
        return new Choice(packages, lines, null, null);
    }

    /**
     * Why a web app whose production runs {@code productionValue} (not a URL) and that has no named package cannot
     * enter maintenance, and what to give.
     */
    public static String refusal(String name, String productionValue) {
        return "Web app " + name + " runs a package nobody can name: its production slot's WEBSITE_RUN_FROM_PACKAGE "
                + "is " + describe(productionValue) + ", and a new maintenance slot gets none of that content, so it "
                + "would serve App Service's empty default page. Start again with the https URI of the package "
                + "production runs now as " + FIELD + "." + name + " (for example {\"" + FIELD + "\": {\"" + name
                + "\": \"https://...\"}}), or deploy it once as a package URL; nothing was changed";
    }

    /** True for an http(s) URL: a package every slot can fetch, unlike {@code 1} or an empty value. */
    public static boolean isUrl(String value) {
        if (value == null) {
            return false;
        }
        String lower = value.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://");
    }

    private static String recorded(Optional<DeploymentSnapshot> last, String name) {
        if (last.isEmpty()) {
            return null;
        }
        Deployment deployment = last.get().deployment();
        if (deployment.status() == DeploymentStatus.SUCCEEDED) {
            return deployment.packageFor(name).map(WebAppPackage::uri).orElse(deployment.maintenancePackages().get(name));
        }
        return deployment.maintenancePackages().get(name);
    }

    private static String describe(String production) {
        if (production == null || production.isBlank()) {
            return "not set (content deployed into wwwroot, as zip deploy or MSDeploy does)";
        }
        if ("1".equals(production.trim())) {
            return "1 (a package kept in the app's own d:\\home\\data\\SitePackages, as az webapp deploy and Azure "
                    + "DevOps set it)";
        }
        return "not a package URL";
    }
}
