package io.smoothdeploy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.app.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The read-only commands, one GET each: {@code log}, {@code diagnosis}, {@code timeline} and {@code support-bundle}
 * of a deployment, and {@code environment} (an environment's registration and its last deployments). Each prints
 * the API's JSON, indented, on standard output, except {@code log}, which prints one line per log entry, and
 * {@code support-bundle --output FILE}, which writes the bundle to the file.
 */
final class ReadCommand implements Command {

    private enum What { LOG, DIAGNOSIS, TIMELINE, SUPPORT_BUNDLE, ENVIRONMENT }

    private final What what;

    private ReadCommand(What what) {
        this.what = what;
    }

    static ReadCommand log() {
        return new ReadCommand(What.LOG);
    }

    static ReadCommand diagnosis() {
        return new ReadCommand(What.DIAGNOSIS);
    }

    static ReadCommand timeline() {
        return new ReadCommand(What.TIMELINE);
    }

    static ReadCommand supportBundle() {
        return new ReadCommand(What.SUPPORT_BUNDLE);
    }

    static ReadCommand environment() {
        return new ReadCommand(What.ENVIRONMENT);
    }

    @Override
    public Set<String> options() {
        return switch (what) {
            case ENVIRONMENT -> Set.of("name");
            case SUPPORT_BUNDLE -> Set.of("id", "output");
            default -> Set.of("id");
        };
    }

    @Override
    public int run(Context context) throws UsageException, ApiException, InterruptedException {
        String path = what == What.ENVIRONMENT
                ? "/environments/" + ApiClient.segment(context.args().required("name"))
                : "/deployments/" + ApiClient.segment(context.args().required("id")) + switch (what) {
                    case LOG -> "/log";
                    case DIAGNOSIS -> "/diagnosis";
                    case TIMELINE -> "/timeline";
                    default -> "/support-bundle";
                };
        String output = what == What.SUPPORT_BUNDLE ? context.args().optional("output") : null;
        JsonNode body = context.api().get(path).body();
        if (what == What.LOG) {
            for (JsonNode line : body.path("lines")) {
                String webApp = line.path("webApp").asText("");
                context.console().out(line.path("at").asText() + " " + line.path("level").asText()
                        + (webApp.isEmpty() ? "" : " [" + webApp + "]") + " " + line.path("message").asText());
            }
            return DeployCli.OK;
        }
        String text = indented(body);
        if (output != null) {
            try {
                Files.writeString(Path.of(output), text + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageException("could not write --output " + output + ": " + e.getMessage());
            }
            context.console().err("Support bundle written to " + output);
            return DeployCli.OK;
        }
        context.console().out(text);
        return DeployCli.OK;
    }

    private static String indented(JsonNode body) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            return body.toString();
        }
    }
}
