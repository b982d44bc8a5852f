package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smoothdeploy.app.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * {@code start}: {@code POST /deployments}. Prints the deployment id, alone, on standard output; the rest on
 * standard error. With the same idempotency key the API answers with the same deployment, so a restarted
 * pipeline job re-attaches to it.
 */
final class StartCommand implements Command {

    @Override
    public Set<String> options() {
        return Set.of("environment", "package", "sha256", "package-file", "mode", "idempotency-key",
                "current-packages", "commit-id", "pipeline-run-url");
    }

    @Override
    public int run(Context context) throws UsageException, ApiException, InterruptedException {
        CliArgs args = context.args();
        String environment = args.required("environment");
        String packageUri = args.required("package");
        String mode = args.required("mode");
        String key = args.required("idempotency-key");
        String sha = args.optional("sha256");
        String file = args.optional("package-file");
        if ((sha == null) == (file == null)) {
            throw new UsageException("give the package's SHA-256 with either --sha256 HEX or --package-file ZIP");
        }
        if (file != null) {
            sha = sha256(Path.of(file));
            context.console().err("Package SHA-256 " + sha + " (computed from " + file + ")");
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("environment", environment);
        body.put("packageUri", packageUri);
        body.put("packageSha256", sha.trim());
        body.put("mode", mode);
        body.put("idempotencyKey", key);
        if (args.optional("commit-id") != null) {
            body.put("commitId", args.optional("commit-id").trim());
        }
        if (args.optional("pipeline-run-url") != null) {
            body.put("pipelineRunUrl", args.optional("pipeline-run-url").trim());
        }
        String current = args.optional("current-packages");
        if (current != null) {
            body.set("currentPackages", currentPackages(current));
        }

        ApiClient.Answer answer = context.api().post("/deployments", body.toString());
        JsonNode deployment = answer.body();
        String id = deployment.path("id").asText("");
        if (id.isEmpty()) {
            throw ApiException.answer(answer.status(), "POST", "/deployments", null,
                    "the answer names no deployment id: " + deployment);
        }
        context.console().err("Deployment " + id + " of " + Masking.packageUri(packageUri) + " to " + environment
                + " (mode " + mode + ", idempotency key " + key + "): " + DeploymentText.progress(deployment));
        answer.location().ifPresent(location -> context.console().err("Follow it at " + location));
        context.console().out(id);
        return DeployCli.OK;
    }

    /**
     * {@code --current-packages cms=https://...,commerce=https://...}: per web app, the package its production slot
     * runs now (for a production whose WEBSITE_RUN_FROM_PACKAGE is 1 or unset). The API checks each URI; a value is
     * never printed, as it may carry a SAS token.
     */
    static ObjectNode currentPackages(String value) throws UsageException {
        ObjectNode packages = Json.mapper().createObjectNode();
        for (String pair : value.trim().split(",(?=[a-z0-9-]+=)")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? "" : pair.substring(0, equals).trim();
            String uri = equals < 0 ? "" : pair.substring(equals + 1).trim();
            if (name.isEmpty() || uri.isEmpty()) {
                throw new UsageException("--current-packages takes NAME=URI pairs separated by commas, such as "
                        + "cms=https://packages.example.com/cms-1.0.zip");
            }
            if (packages.has(name)) {
                throw new UsageException("--current-packages names web app " + name + " twice");
            }
            packages.put(name, uri);
        }
        return packages;
    }

    /** The file's SHA-256 as 64 lower-case hexadecimal characters. */
    static String sha256(Path file) throws UsageException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--package-file " + file + " is not a readable file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UsageException("could not read --package-file " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
