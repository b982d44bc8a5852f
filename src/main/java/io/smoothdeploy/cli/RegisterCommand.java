package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code register --name N --file F}: {@code PUT /environments/{name}} with the JSON registration in the file.
 * Prints what the API answered (created or updated) on standard error; the environment's name on standard output
 * (with {@code --output json}: the API's answer).
 */
@CommandLine.Command(name = "register", sortOptions = false,
        customSynopsis = {"deploy register --name N --file F [--output json|text]",
            "                [--api URL] [--audience AUD | --key KEY]"},
        description = {"", "Registers environment N, or updates it, from the JSON registration in F (the shape that"
                + " deploy environment prints, less what the API adds), and prints N.", ""},
        footer = {"", "Exit codes: 0 registered or updated, 2 usage error (or F cannot be read), 3 the API refused"
                + " it (its problem names the field)."})
final class RegisterCommand extends ResultCommand {

    @Option(names = "--name", paramLabel = "N", order = 1, description = "The environment's name.")
    String name;

    @Option(names = "--file", paramLabel = "F", order = 2, description = "The JSON registration to send.")
    String file;

    @Override
    int run(Context context) throws UsageException, ApiException, InterruptedException {
        String name = CliArgs.required(this.name, "name", "register");
        String file = CliArgs.required(this.file, "file", "register");
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
        if (context.console().json()) {
            context.console().printJson(answer.body());
        } else {
            context.console().out(name);
        }
        return DeployCli.OK;
    }
}
