package io.smoothdeploy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.smoothdeploy.app.Json;
import java.util.Set;

/** {@code status}: {@code GET /deployments/{id}}, printed as JSON on standard output (timings left out). */
final class StatusCommand implements Command {

    @Override
    public Set<String> options() {
        return Set.of("id");
    }

    @Override
    public int run(Context context) throws UsageException, ApiException, InterruptedException {
        String id = context.args().required("id");
        ApiClient.Answer answer = context.api().get("/deployments/" + ApiClient.segment(id));
        try {
            context.console().out(Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(DeploymentText.summary(answer.body())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return DeployCli.OK;
    }
}
