package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;

/**
 * {@code plan}: {@code POST /deployments/plan}, the dry run of {@code start} with the same options. Prints what the
 * start would do (with {@code --output json}: the API's answer) and changes nothing.
 */
@CommandLine.Command(name = "plan", sortOptions = false,
        customSynopsis = {"deploy plan --environment E --package URI (--sha256 HEX | --package-file ZIP)",
            "            --mode ReadOnly|ReadWrite|MaintenancePage [--idempotency-key K]",
            "            [--current-packages NAME=URI,...] [--commit-id SHA] [--pipeline-run-url URL]",
            "            [--output json|text] [--api URL] [--key KEY]"},
        description = {"", "Shows what deploy start with the same options would do, writing nothing: start, resume the"
                + " failed run or roll forward; which web apps would enter maintenance and which are there already;"
                + " whether the database clone would be reused; which package goes to which slot; and what would"
                + " stop the run before anything changes.", ""},
        footer = {"", "Exit codes: 0 the start would go on, 1 its first stage would fail it, 2 usage error, 3 the API"
                + " refused it (as it would refuse the start)."})
final class PlanCommand extends StartCommand {

    @Override
    int run(Context context) throws UsageException, ApiException, InterruptedException {
        ObjectNode body = requestBody(context, "plan", false);
        JsonNode plan = context.api().post("/deployments/plan", body.toString()).body();
        if (context.console().json()) {
            context.console().printJson(plan);
        } else {
            describe(plan).forEach(context.console()::out);
        }
        return plan.path("wouldStart").asBoolean(false) ? DeployCli.OK : DeployCli.DEPLOYMENT_FAILED;
    }

    /** The plan in lines a person reads: what, then each web app, the clone, and what would stop it. */
    static java.util.List<String> describe(JsonNode plan) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        String earlier = plan.path("earlierDeploymentId").isTextual()
                ? " " + plan.get("earlierDeploymentId").asText() : "";
        lines.add(plan.path("action").asText() + earlier + " on " + plan.path("environment").asText() + ", mode "
                + plan.path("mode").asText() + (plan.path("packages").isObject() ? ", a package per web app"
                : ", package " + plan.path("packageUri").asText()));
        for (JsonNode webApp : plan.path("webApps")) {
            String maintenance = webApp.path("alreadyInMaintenance").asBoolean() ? "already in maintenance (skipped)"
                    : "enters maintenance on " + text(webApp.path("maintenancePackageUri"));
            String staging = webApp.path("redeploys").asBoolean()
                    ? "staging gets " + text(webApp.path("stagingPackageUri"))
                    + (webApp.path("keepsCurrentPackage").asBoolean() ? " (kept: given no package)" : "")
                    : "staging has the package already (skipped)";
            lines.add("  " + webApp.path("name").asText() + " (" + webApp.path("role").asText() + "): " + maintenance
                    + "; " + staging);
        }
        JsonNode clone = plan.path("temporaryDatabase");
        lines.add(clone.isObject() ? "Database clone: " + clone.path("detail").asText()
                : "Database clone: none (MaintenancePage mode)");
        plan.path("wouldFail").forEach(reason -> lines.add("Would fail: " + reason.asText()));
        plan.path("notChecked").forEach(reason -> lines.add("Not checked: " + reason.asText()));
        return lines;
    }

    private static String text(JsonNode uri) {
        return uri.isTextual() ? uri.asText() : "no package anyone can name";
    }
}
