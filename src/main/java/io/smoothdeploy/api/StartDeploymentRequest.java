package io.smoothdeploy.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.StartRequest;
import io.smoothdeploy.engine.WebAppPackage;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and checks the body of {@code POST /api/deployments}. */
final class StartDeploymentRequest {

    static final Pattern SHA256 = Pattern.compile("[0-9A-Fa-f]{64}");
    static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Set<String> KNOWN = Set.of("environment", "packageUri", "packageSha256", "mode",
            "idempotencyKey", "commitId", "pipelineRunUrl", "currentPackages", "packages");
    private static final Set<String> PACKAGE_FIELDS = Set.of("uri", "sha256");
    /** At most this many entries in {@code packages}, as for {@code currentPackages}. */
    static final int MAX_PACKAGES = 20;
    /** At most this many entries in {@code currentPackages} (an environment has a handful of web apps). */
    static final int MAX_CURRENT_PACKAGES = 20;
    static final Pattern COMMIT_ID = Pattern.compile("[0-9A-Za-z._/-]{1,100}");

    private StartDeploymentRequest() {
    }

    static StartRequest parse(JsonNode body) {
        Fields fields = new Fields();
        fields.onlyKnown(body, "", KNOWN);
        String environment = fields.requiredText(body, "", "environment", Fields.NAME,
                "an environment name: 1 to 40 lower-case letters, digits and dashes");
        boolean perWebApp = body.has("packages") && !body.get("packages").isNull();
        boolean shorthand = (body.has("packageUri") && !body.get("packageUri").isNull())
                || (body.has("packageSha256") && !body.get("packageSha256").isNull());
        String packageUri = null;
        String sha = null;
        Map<String, WebAppPackage> packages = Map.of();
        if (perWebApp && shorthand) {
            fields.error("packages", "give either packages (a package per web app) or packageUri and packageSha256 "
                    + "(one package for every web app), not both");
        } else if (perWebApp) {
            packages = packages(fields, body);
        } else {
            packageUri = fields.httpsUri(body, "", "packageUri", true);
            sha = fields.requiredText(body, "", "packageSha256", SHA256,
                    "the package's SHA-256 as 64 hexadecimal characters");
        }
        String modeText = fields.requiredText(body, "", "mode", null, "ReadOnly, ReadWrite or MaintenancePage");
        DeploymentMode mode = modeText == null ? null : DeploymentMode.parse(modeText).orElse(null);
        if (modeText != null && mode == null) {
            fields.error("mode", "mode must be ReadOnly, ReadWrite or MaintenancePage");
        }
        String key = fields.optionalText(body, "", "idempotencyKey", IDEMPOTENCY_KEY,
                "1 to 100 letters, digits, '.', '_' or '-'");
        String commit = fields.optionalText(body, "", "commitId", COMMIT_ID,
                "a commit id such as 3f2a9c1 (1 to 100 letters, digits, '.', '_', '/' or '-')");
        String pipelineRun = fields.httpsUri(body, "", "pipelineRunUrl", false);
        Map<String, String> currentPackages = currentPackages(fields, body);
        fields.throwIfAny();
        return new StartRequest(environment, packageUri, sha == null ? null : sha.toLowerCase(Locale.ROOT), mode, key,
                commit, Redact.link(pipelineRun), currentPackages, packages);
    }

    /**
     * {@code packages}: web app name to {@code {"uri", "sha256"}}, each checked as packageUri and packageSha256 are
     * (the URI never echoed). Whether each name is a web app of the environment is checked by the start, which reads
     * the environment.
     */
    private static Map<String, WebAppPackage> packages(Fields fields, JsonNode body) {
        JsonNode node = fields.object(body, "", "packages", true);
        Map<String, WebAppPackage> packages = new LinkedHashMap<>();
        if (node == null) {
            return packages;
        }
        if (node.isEmpty()) {
            fields.error("packages", "packages must name at least one web app, as {\"<web app>\": {\"uri\": "
                    + "\"https://...\", \"sha256\": \"<64 hex>\"}}");
            return packages;
        }
        if (node.size() > MAX_PACKAGES) {
            fields.error("packages", "packages may name at most " + MAX_PACKAGES + " web apps");
            return packages;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!Fields.NAME.matcher(name).matches()) {
                fields.error("packages", "packages must be keyed by web app names (1 to 40 lower-case letters, digits"
                        + " and dashes)");
                continue;
            }
            String path = "packages." + name;
            JsonNode entry = fields.object(node, "packages", name, true);
            if (entry == null) {
                continue;
            }
            fields.onlyKnown(entry, path, PACKAGE_FIELDS);
            String uri = fields.httpsUri(entry, path, "uri", true);
            String sha = fields.requiredText(entry, path, "sha256", SHA256,
                    "the package's SHA-256 as 64 hexadecimal characters");
            if (uri != null && sha != null) {
                packages.put(name, WebAppPackage.given(uri, sha));
            }
        }
        return packages;
    }

    /**
     * {@code currentPackages}: web app name to the https URI of the package its production slot runs now, for a
     * production whose WEBSITE_RUN_FROM_PACKAGE names none. Checked like packageUri, and never echoed.
     */
    private static Map<String, String> currentPackages(Fields fields, JsonNode body) {
        JsonNode node = fields.object(body, "", "currentPackages", false);
        Map<String, String> packages = new LinkedHashMap<>();
        if (node == null) {
            return packages;
        }
        if (node.size() > MAX_CURRENT_PACKAGES) {
            fields.error("currentPackages", "currentPackages may name at most " + MAX_CURRENT_PACKAGES + " web apps");
            return packages;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!Fields.NAME.matcher(name).matches()) {
                fields.error("currentPackages", "currentPackages must be keyed by web app names (1 to 40 "
                        + "lower-case letters, digits and dashes)");
                continue;
            }
            String uri = fields.httpsUri(node, "currentPackages", name, true);
            if (uri != null) {
                packages.put(name, uri);
            }
        }
        return packages;
    }
}
