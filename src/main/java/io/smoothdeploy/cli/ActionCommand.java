package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.app.Json;
import java.util.Set;

/**
 * {@code complete} ({@code POST /deployments/{id}/complete}) and {@code reset}
 * ({@code POST /deployments/{id}/reset} with {@code {"rollbackDatabase": bool}}). Exit 0 once the API has
 * accepted the action; follow it with {@code wait}.
 */
final class ActionCommand implements Command {

    private final boolean reset;

    private ActionCommand(boolean reset) {
        this.reset = reset;
    }

    static ActionCommand complete() {
        return new ActionCommand(false);
    }

    static ActionCommand reset() {
        return new ActionCommand(true);
    }

    @Override
    public Set<String> options() {
        return reset ? Set.of("id", "rollback-database") : Set.of("id");
    }

    @Override
    public int run(Context context) throws UsageException, ApiException, InterruptedException {
        String id = context.args().required("id");
        String path = "/deployments/" + ApiClient.segment(id) + (reset ? "/reset" : "/complete");
        String body = null;
        boolean rollback = context.args().flag("rollback-database");
        if (reset) {
            body = Json.mapper().createObjectNode().put("rollbackDatabase", rollback).toString();
        }
        JsonNode deployment = context.api().post(path, body).body();
        String action = reset ? "Reset" + (rollback ? " (restoring the database first)" : "") : "Complete";
        context.console().out(action + " accepted: deployment " + id + " is " + DeploymentText.status(deployment)
                + "; follow it with: deploy wait --id " + id + " --until " + (reset ? "Reset" : "Succeeded"));
        return DeployCli.OK;
    }
}
