package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smoothdeploy.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code start}: {@code POST /deployments}. Prints the deployment id, alone, on standard output (with
 * {@code --output json}: the API's answer); the rest on standard error. With the same idempotency key the API
 * answers with the same deployment, so a restarted pipeline job re-attaches to it.
 */
@CommandLine.Command(name = "start", sortOptions = false,
        customSynopsis = {"deploy start --environment E --package URI (--sha256 HEX | --package-file ZIP)",
            "             | --package WEBAPP=URI#SHA256 [--package WEBAPP=URI#SHA256 ...]",
            "             --mode ReadOnly|ReadWrite|MaintenancePage --idempotency-key K",
            "             [--current-packages NAME=URI,...] [--commit-id SHA] [--pipeline-run-url URL]",
            "             [--output json|text] [--api URL] [--audience AUD | --key KEY]"},
        description = {"", "Starts a deployment of one package (or of a package per web app, with --package"
                + " WEBAPP=URI#SHA256 once per web app; one not named keeps the package its production runs) to a"
                + " registered environment and prints its id alone on"
                + " standard output, so that ID=$(deploy start ...) works. Run again with the same idempotency key,"
                + " it prints the same id: a restarted job re-attaches to its deployment.", ""},
        footer = {"", "Exit codes: 0 started (or re-attached), 2 usage error, 3 the API refused it."})
class StartCommand extends ResultCommand {

    @Option(names = "--environment", paramLabel = "E", order = 1, description = "The registered environment.")
    String environment;

    @Option(names = {"--package", "--package-uri"}, paramLabel = "URI|WEBAPP=URI#SHA256", order = 2,
            description = {"Where App Service fetches the zip: an https URL, usually with a SAS (never printed), for"
                    + " every web app (with --sha256 or --package-file);",
                "or, repeated, WEBAPP=URI#SHA256: that web app's own package and its SHA-256 (a web app not named keeps"
                    + " the package its production runs)."})
    java.util.List<String> packages;

    /** The one package for every web app, or null when --package gives one per web app (for the summary line). */
    private String packageUri;

    @Option(names = "--sha256", paramLabel = "HEX", order = 3, description = "The zip's SHA-256, 64 hex digits.")
    String sha256;

    @Option(names = "--package-file", paramLabel = "ZIP", order = 4,
            description = "The local copy of the zip: its SHA-256 is computed (instead of --sha256).")
    String packageFile;

    @Option(names = "--mode", paramLabel = "MODE", order = 5, completionCandidates = Modes.class,
            description = "ReadOnly, ReadWrite or MaintenancePage: what the old code does while the new one deploys.")
    String mode;

    @Option(names = "--idempotency-key", paramLabel = "K", order = 6,
            description = "One key per release and environment, such as the run id: the same key re-attaches.")
    String idempotencyKey;

    @Option(names = "--current-packages", paramLabel = "NAME=URI,...", order = 7,
            description = "The package each main site's production runs now, needed when its"
                    + " WEBSITE_RUN_FROM_PACKAGE is 1 or unset (the start says so).")
    String currentPackages;

    @Option(names = "--commit-id", paramLabel = "SHA", order = 8,
            description = "The commit the package was built from (shown in the status and timeline).")
    String commitId;

    @Option(names = "--pipeline-run-url", paramLabel = "URL", order = 9,
            description = "The pipeline run that built it (shown in the status and timeline).")
    String pipelineRunUrl;

    @Override
    int run(Context context) throws UsageException, ApiException, InterruptedException {
        ObjectNode body = requestBody(context, "start", true);
        String environment = body.get("environment").asText();
        String mode = body.get("mode").asText();
        String key = body.get("idempotencyKey").asText();
        ApiClient.Answer answer = context.api().post("/deployments", body.toString());
        JsonNode deployment = answer.body();
        String id = deployment.path("id").asText("");
        if (id.isEmpty()) {
            throw ApiException.answer(answer.status(), "POST", "/deployments", null,
                    "the answer names no deployment id: " + deployment);
        }
        String what = packageUri != null ? Masking.packageUri(packageUri)
                : "a package per web app (" + String.join(", ", fieldNames(body.get("packages"))) + ")";
        context.console().err("Deployment " + id + " of " + what + " to " + environment
                + " (mode " + mode + ", idempotency key " + key + "): " + DeploymentText.progress(deployment));
        answer.location().ifPresent(location -> context.console().err("Follow it at " + location));
        if (context.console().json()) {
            context.console().printJson(DeploymentText.redacted(deployment));
        } else {
            context.console().out(id);
        }
        return DeployCli.OK;
    }

    /**
     * The start request these options describe ({@code deploy start} and {@code deploy plan} take the same), with
     * the SHA-256 computed from {@code --package-file} when given.
     *
     * @param command     the command's name, for usage errors
     * @param keyRequired whether {@code --idempotency-key} must be given
     */
    final ObjectNode requestBody(Context context, String command, boolean keyRequired) throws UsageException {
        String environment = CliArgs.required(this.environment, "environment", command);
        if (packages == null || packages.isEmpty()) {
            CliArgs.required(null, "package", command);
        }
        String mode = CliArgs.required(this.mode, "mode", command);
        String key = keyRequired ? CliArgs.required(idempotencyKey, "idempotency-key", command) : idempotencyKey;
        ObjectNode perWebApp = perWebAppPackages(packages);
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("environment", environment);
        if (perWebApp == null) {
            packageUri = packages.get(0);
            String sha = sha256;
            String file = packageFile;
            if ((sha == null) == (file == null)) {
                throw new UsageException("give the package's SHA-256 with either --sha256 HEX or --package-file ZIP");
            }
            if (file != null) {
                sha = sha256(Path.of(file));
                context.console().err("Package SHA-256 " + sha + " (computed from " + file + ")");
            }
            body.put("packageUri", packageUri);
            body.put("packageSha256", sha.trim());
        } else {
            if (sha256 != null || packageFile != null) {
                throw new UsageException("with --package WEBAPP=URI#SHA256 each package carries its own SHA-256: leave "
                        + "out --sha256 and --package-file");
            }
            body.set("packages", perWebApp);
        }
        body.put("mode", mode);
        if (key != null) {
            body.put("idempotencyKey", key);
        }
        if (commitId != null) {
            body.put("commitId", commitId.trim());
        }
        if (pipelineRunUrl != null) {
            body.put("pipelineRunUrl", pipelineRunUrl.trim());
        }
        if (currentPackages != null) {
            body.set("currentPackages", currentPackages(currentPackages));
        }
        return body;
    }

    private static final java.util.regex.Pattern WEB_APP_PACKAGE =
            java.util.regex.Pattern.compile("([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)=(.*)");

    /**
     * {@code --package} values as a package per web app ({@code packages}), or null for one package for all (a
     * single plain URI). Each {@code WEBAPP=URI#SHA256} names a web app, its package and the package's SHA-256 after
     * a {@code #} (a package URI has no fragment, so the {@code #} cannot belong to it). The API checks each URI and
     * web app name; a URI is never printed, as it may carry a SAS token.
     */
    static ObjectNode perWebAppPackages(java.util.List<String> values) throws UsageException {
        boolean anyNamed = values.stream().anyMatch(v -> WEB_APP_PACKAGE.matcher(v.trim()).matches());
        if (!anyNamed) {
            if (values.size() > 1) {
                throw new UsageException("--package URI is given once, for every web app; for a package per web app "
                        + "give --package WEBAPP=URI#SHA256 once per web app");
            }
            return null;
        }
        ObjectNode packages = Json.mapper().createObjectNode();
        for (String value : values) {
            java.util.regex.Matcher named = WEB_APP_PACKAGE.matcher(value.trim());
            if (!named.matches()) {
                throw new UsageException("give either one --package URI for every web app, or --package "
                        + "WEBAPP=URI#SHA256 for each web app, not both");
            }
            String name = named.group(1);
            String rest = named.group(2);
            int hash = rest.lastIndexOf('#');
            String uri = hash < 0 ? "" : rest.substring(0, hash).trim();
            String sha = hash < 0 ? "" : rest.substring(hash + 1).trim();
            if (uri.isEmpty() || sha.isEmpty()) {
                throw new UsageException("--package " + name + "=... takes WEBAPP=URI#SHA256, such as "
                        + "commerce=https://packages.example.com/commerce.app.2.0.0.zip#<64 hex digits>");
            }
            if (packages.has(name)) {
                throw new UsageException("--package names web app " + name + " twice");
            }
            ObjectNode pkg = packages.putObject(name);
            pkg.put("uri", uri);
            pkg.put("sha256", sha);
        }
        return packages;
    }

    private static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** What completion offers for {@code --mode}. */
    static final class Modes implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.List.of("ReadOnly", "ReadWrite", "MaintenancePage").iterator();
        }
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
