package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.app.Json;
import java.util.Set;

/**
 * {@code complete} ({@code POST /deployments/{id}/complete}) and {@code reset}
 * ({@code POST /deployments/{id}/reset} with {@code {"rollbackDatabase": bool}}). Exit 0 once the API has
 * accepted the action; follow it with {@code wait}. A Complete refused because writes reached the temporary
 * database (ReadWrite mode) exits {@link DeployCli#HELD}: the deployment still awaits verification, and
 * {@code --accept-data-loss --accepted-by NAME} goes live anyway.
 */
final class ActionCommand implements Command {

    /** The problem type of a Complete refused because writes reached the temporary database. */
    static final String DATA_LOSS = "urn:smoothdeploy:problem:data-loss";

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
        return reset ? Set.of("id", "rollback-database") : Set.of("id", "accept-data-loss", "accepted-by");
    }

    @Override
    public int run(Context context) throws UsageException, ApiException, InterruptedException {
        String id = context.args().required("id");
        String path = "/deployments/" + ApiClient.segment(id) + (reset ? "/reset" : "/complete");
        String body = null;
        boolean rollback = context.args().flag("rollback-database");
        boolean acceptDataLoss = !reset && context.args().flag("accept-data-loss");
        String acceptedBy = reset ? null : context.args().optional("accepted-by");
        if (reset) {
            body = Json.mapper().createObjectNode().put("rollbackDatabase", rollback).toString();
        } else if (acceptDataLoss) {
            if (acceptedBy == null || acceptedBy.isBlank()) {
                throw new UsageException("--accept-data-loss needs --accepted-by NAME: who accepts losing the writes"
                        + " made to the temporary database (it is written to the deployment's log)");
            }
            body = Json.mapper().createObjectNode().put("acceptDataLoss", true).put("acceptedBy", acceptedBy.trim())
                    .toString();
        } else if (acceptedBy != null) {
            throw new UsageException("--accepted-by goes with --accept-data-loss");
        }
        JsonNode deployment;
        try {
            deployment = context.api().post(path, body).body();
        } catch (ApiException e) {
            if (!reset && e.status() == 409 && DATA_LOSS.equals(e.type())) {
                e.describe().forEach(context.console()::err);
                context.console().err("Completing is held, not failed: deployment " + id + " still awaits"
                        + " verification. Check the writes, then run: deploy complete --id " + id
                        + " --accept-data-loss --accepted-by <your name>; or reset it");
                return DeployCli.HELD;
            }
            throw e;
        }
        String action = reset ? "Reset" + (rollback ? " (restoring the database first)" : "")
                : "Complete" + (acceptDataLoss ? " (data loss accepted by " + acceptedBy.trim() + ")" : "");
        context.console().out(action + " accepted: deployment " + id + " is " + DeploymentText.status(deployment)
                + "; follow it with: deploy wait --id " + id + " --until " + (reset ? "Reset" : "Succeeded"));
        return DeployCli.OK;
    }
}
