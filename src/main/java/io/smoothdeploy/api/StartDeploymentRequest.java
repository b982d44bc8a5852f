package io.smoothdeploy.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.StartRequest;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and checks the body of {@code POST /api/deployments}. */
final class StartDeploymentRequest {

    static final Pattern SHA256 = Pattern.compile("[0-9A-Fa-f]{64}");
    static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Set<String> KNOWN = Set.of("environment", "packageUri", "packageSha256", "mode",
            "idempotencyKey", "commitId", "pipelineRunUrl");
    static final Pattern COMMIT_ID = Pattern.compile("[0-9A-Za-z._/-]{1,100}");

    private StartDeploymentRequest() {
    }

    static StartRequest parse(JsonNode body) {
        Fields fields = new Fields();
        fields.onlyKnown(body, "", KNOWN);
        String environment = fields.requiredText(body, "", "environment", Fields.NAME,
                "an environment name: 1 to 40 lower-case letters, digits and dashes");
        String packageUri = fields.httpsUri(body, "", "packageUri", true);
        String sha = fields.requiredText(body, "", "packageSha256", SHA256,
                "the package's SHA-256 as 64 hexadecimal characters");
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
        fields.throwIfAny();
        return new StartRequest(environment, packageUri, sha.toLowerCase(Locale.ROOT), mode, key, commit,
                Redact.link(pipelineRun));
    }
}
