package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code register --name N --file F}: {@code PUT /environments/{name}} with the JSON registration in the file.
 * Prints what the API answered (created or updated) on standard error; the environment's name on standard output.
 */
final class RegisterCommand implements Command {

    @Override
    public Set<String> options() {
        return Set.of("name", "file");
    }

    @Override
    public int run(Context context) throws UsageException, ApiException, InterruptedException {
        String name = context.args().required("name");
        String file = context.args().required("file");
        String body;
        try {
            body = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("could not read --file " + file + ": " + e.getMessage());
        }
        ApiClient.Answer answer = context.api().put("/environments/" + ApiClient.segment(name), body);
        JsonNode webApps = answer.body().path("webApps");
        context.console().err("Environment " + name + (answer.status() == 201 ? " registered" : " updated") + " ("
                + webApps.size() + " web app" + (webApps.size() == 1 ? "" : "s") + ")");
        context.console().out(name);
        return DeployCli.OK;
    }
}
