package io.smoothdeploy.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Names, at start, the package each main site's maintenance slot runs: production's OLD code, from a package the
 * orchestrator can name. A new App Service slot has no content of its own, even when it clones production's
 * settings (https://learn.microsoft.com/azure/app-service/deploy-staging-slots: a new slot "has no content"), and
 * {@code WEBSITE_RUN_FROM_PACKAGE=1} names a package kept in the app's own {@code d:\home\data\SitePackages}, which
 * does not travel to another slot; only a URL does
 * (https://learn.microsoft.com/azure/app-service/deploy-run-package). A slot given {@code 1}, or no value (content
 * zip-deployed into wwwroot), serves App Service's empty default page with 200: it would pass warm-up and an
 * empty site would be swapped into production. So a start that cannot name the package is refused.
 *
 * <p>Where the name comes from, first found wins:
 * <ol>
 *   <li>production's {@code WEBSITE_RUN_FROM_PACKAGE} when it is an http(s) URL: that is what production runs now;</li>
 *   <li>the caller's {@code currentPackages} for the web app: the caller says what production runs now;</li>
 *   <li>the package this orchestrator last put there: the environment's last deployment's package when it
 *       Succeeded, else the maintenance package that deployment named (a failed or reset run left production on
 *       it). Only used when production's own value names nothing, so it can be stale if someone deployed outside
 *       the orchestrator since; the log line says which source was used.</li>
 * </ol>
 * Pure: the caller reads production's setting (through the cloud port) and passes it in.
 */
public final class MaintenancePackages {

    /** The field a caller fills for a web app whose production names no package. */
    public static final String FIELD = "currentPackages";

    private MaintenancePackages() {
    }

    /** The packages named for each main site, with a line saying where each came from; or why a start is refused. */
    public record Choice(Map<String, String> packages, List<String> lines, String refusedField, String refusal) {

        static Choice refused(String field, String detail) {
            return new Choice(Map.of(), List.of(), field, detail);
        }

        public boolean isRefused() {
            return refusal != null;
        }
    }

    /**
     * @param config             the environment
     * @param request            the start request (its {@code currentPackages})
     * @param last               the environment's last deployment, if any
     * @param productionPackage  per web app: production's {@code WEBSITE_RUN_FROM_PACKAGE} now (null when unset)
     */
    public static Choice choose(EnvironmentConfig config, StartRequest request, Optional<DeploymentSnapshot> last,
                                Function<WebAppConfig, String> productionPackage) {
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
            String production = productionPackage.apply(webApp);
            String given = request.currentPackages().get(name);
            String recorded = recorded(last, name);
            String chosen;
            String source;
            if (isUrl(production)) {
                chosen = production;
                source = "production's WEBSITE_RUN_FROM_PACKAGE";
            } else if (given != null) {
                chosen = given;
                source = FIELD + "." + name + " of this start";
            } else if (recorded != null) {
                chosen = recorded;
                source = "the package deployment " + last.get().deployment().id() + " left in production";
            } else {
                return Choice.refused(FIELD + "." + name, "Web app " + name + " runs a package nobody can name: its "
                        + "production slot's WEBSITE_RUN_FROM_PACKAGE is " + describe(production) + ", and a new "
                        + "maintenance slot gets none of that content, so it would serve App Service's empty default "
                        + "page. Give the https URI of the package production runs now as " + FIELD + "." + name
                        + " (for example {\"" + FIELD + "\": {\"" + name + "\": \"https://...\"}}), or deploy it "
                        + "once as a package URL; nothing was changed");
            }
            packages.put(name, chosen);
            lines.add("Maintenance slot of " + name + " runs the current package " + Redact.uri(chosen) + " (from "
                    + source + ")");
        }
        return new Choice(packages, lines, null, null);
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
            return deployment.packageUri();
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
