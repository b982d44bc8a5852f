package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** How a deployment's status (the body of {@code GET /deployments/{id}}) is shown. */
final class DeploymentText {

    private DeploymentText() {
    }

    static String status(JsonNode deployment) {
        return deployment.path("status").asText("?");
    }

    /** {@code InProgress 40% stage DeploySlot | cms: InMaintenance, scheduler: InMaintenance}. */
    static String progress(JsonNode deployment) {
        StringBuilder line = new StringBuilder(status(deployment));
        if (deployment.has("percentComplete")) {
            line.append(' ').append(deployment.get("percentComplete").asInt()).append('%');
        }
        if (deployment.hasNonNull("stage")) {
            line.append(" stage ").append(deployment.get("stage").asText());
        }
        List<String> apps = new ArrayList<>();
        for (JsonNode webApp : deployment.path("webApps")) {
            String app = webApp.path("name").asText("?") + ": " + webApp.path("phase").asText("?");
            if (webApp.hasNonNull("workingOn")) {
                app += " (working on " + webApp.get("workingOn").asText() + ")";
            }
            if (webApp.has("error")) {
                app += " (failed)";
            }
            apps.add(app);
        }
        if (!apps.isEmpty()) {
            line.append(" | ").append(String.join(", ", apps));
        }
        return line.toString();
    }

    /**
     * The errors to print for a failed or reset deployment: the deployment's, then any web app error it
     * does not already list; and the {@code diagnosis} members when there are any.
     */
    static List<String> errors(JsonNode deployment) {
        List<String> lines = new ArrayList<>();
        for (JsonNode error : deployment.path("errors")) {
            lines.add(error(error, null));
        }
        for (JsonNode webApp : deployment.path("webApps")) {
            JsonNode error = webApp.get("error");
            if (error != null && !contains(deployment.path("errors"), error)) {
                lines.add(error(error, webApp.path("name").asText(null)));
            }
        }
        JsonNode diagnosis = deployment.get("diagnosis");
        if (diagnosis != null && diagnosis.isObject()) {
            lines.add("  diagnosis: " + diagnosis.path("cause").asText("?") + ": " + diagnosis.path("summary").asText(""));
            for (JsonNode evidence : diagnosis.path("evidence")) {
                lines.add("    evidence: " + evidence.asText());
            }
            lines.add("    fix: " + diagnosis.path("fix").asText(""));
            lines.add("    advice: " + diagnosis.path("advice").asText("?"));
        } else if (diagnosis != null && !diagnosis.isNull()) {
            lines.add("  diagnosis: " + value(diagnosis));
        }
        if (lines.isEmpty()) {
            lines.add("  (the deployment lists no errors; see GET /deployments/" + deployment.path("id").asText()
                    + "/log)");
        }
        return lines;
    }

    private static String error(JsonNode error, String webAppFallback) {
        StringBuilder line = new StringBuilder("  error: kind=").append(error.path("kind").asText("?"))
                .append(" stage=").append(error.path("stage").asText("?"));
        String webApp = error.hasNonNull("webApp") ? error.get("webApp").asText() : webAppFallback;
        if (webApp != null) {
            line.append(" webApp=").append(webApp);
        }
        line.append(": ").append(error.path("message").asText(""));
        if (error.has("diagnosis")) {
            line.append(" (diagnosis: ").append(value(error.get("diagnosis"))).append(')');
        }
        return line.toString();
    }

    private static boolean contains(JsonNode errors, JsonNode error) {
        for (JsonNode listed : errors) {
            if (listed.equals(error)) {
                return true;
            }
        }
        return false;
    }

    private static String value(JsonNode node) {
        return node.isValueNode() ? node.asText() : node.toString();
    }

    /**
     * The status as {@code status} prints it: the API's body without the per-web-app timings, and the
     * package URI shown without its query string.
     */
    static ObjectNode summary(JsonNode deployment) {
        ObjectNode copy = redacted(deployment);
        for (JsonNode webApp : copy.path("webApps")) {
            if (webApp.isObject()) {
                ((ObjectNode) webApp).remove("timings");
            }
        }
        return copy;
    }

    /**
     * The deployment as {@code --output json} prints it: the API's body whole, each package URI shown without its
     * query string.
     */
    static ObjectNode redacted(JsonNode deployment) {
        ObjectNode copy = ((ObjectNode) deployment).deepCopy();
        maskUri(copy.get("package"));
        // a package per web app: each one, in the map and on each web app
        copy.path("packages").forEach(DeploymentText::maskUri);
        copy.path("webApps").forEach(webApp -> maskUri(webApp.get("package")));
        return copy;
    }

    private static void maskUri(JsonNode pkg) {
        if (pkg != null && pkg.isObject() && pkg.hasNonNull("uri")) {
            ((ObjectNode) pkg).put("uri", Masking.packageUri(pkg.get("uri").asText()));
        }
    }
}
