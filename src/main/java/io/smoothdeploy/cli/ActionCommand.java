package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code complete} ({@code POST /deployments/{id}/complete}), {@code reset}
 * ({@code POST /deployments/{id}/reset} with {@code {"rollbackDatabase": bool}}, and {@code "validateBeforeSwap": true}
 * for a two-phase reset, which {@code complete} then finishes), {@code cancel}
 * ({@code POST /deployments/{id}/cancel} with {@code {"rollbackDatabase": bool, "reason": "..."}}) and
 * {@code rollback} ({@code POST /deployments/{id}/rollback}, within the rollback window after going live). Exit 0
 * once the API has accepted the action; follow it with {@code wait}. A Complete refused because writes reached the temporary
 * database (ReadWrite mode) exits {@link DeployCli#HELD}: the deployment still awaits verification, and
 * {@code --accept-data-loss} goes live anyway; the signed-in caller is recorded as who accepted the loss, and
 * {@code --accepted-by NAME} adds who they accept it for. With {@code --output json}, standard output gets
 * the API's answer: the deployment, or (held) the problem.
 */
abstract class ActionCommand extends DeploymentCommand {

    /** The problem type of a Complete refused because writes reached the temporary database. */
    static final String DATA_LOSS = "urn:smoothdeploy:problem:data-loss";

    /** {@code complete}. */
    @CommandLine.Command(name = "complete", sortOptions = false,
            customSynopsis = {"deploy complete --id D [--accept-data-loss [--accepted-by NAME]]",
                "                [--output json|text] [--api URL] [--audience AUD | --key KEY]"},
            description = {"", "Goes live: the new code moves into production on the real database (the deployment"
                    + " must be AwaitingVerification). Follow it with: deploy wait --id D --until Succeeded.",
                "On a deployment AwaitingResetVerification it finishes the reset instead: the old code is swapped"
                        + " back (follow it with --until Reset).",
                "In ReadWrite mode, when writes reached the temporary database, it is held (exit 5) unless"
                        + " --accept-data-loss: you (the signed-in caller, who needs the Approver role) are"
                        + " recorded as who accepted losing them.", ""},
            footer = {"", "Exit codes: 0 accepted, 2 usage error, 3 the API refused it, 5 held: writes reached the"
                    + " temporary database; the deployment still awaits verification: accept the loss or reset."})
    static final class Complete extends ActionCommand {

        @Option(names = "--accept-data-loss", order = 2,
                description = "Goes live although writes reached the temporary database (they are lost).")
        boolean acceptDataLoss;

        @Option(names = "--accepted-by", paramLabel = "NAME", order = 3,
                description = "Who you accept losing them for, such as the site's owner (written to the"
                        + " deployment's log beside your name); only with --accept-data-loss.")
        String acceptedBy;

        @Override
        int run(Context context) throws UsageException, ApiException, InterruptedException {
            String id = id();
            String body = null;
            if (acceptDataLoss) {
                if (acceptedBy != null && acceptedBy.isBlank()) {
                    throw new UsageException("--accepted-by needs a name: who you accept losing the writes for");
                }
                com.fasterxml.jackson.databind.node.ObjectNode accept = Json.mapper().createObjectNode()
                        .put("acceptDataLoss", true);
                if (acceptedBy != null) {
                    accept.put("acceptedBy", acceptedBy.trim());
                }
                body = accept.toString();
            } else if (acceptedBy != null) {
                throw new UsageException("--accepted-by goes with --accept-data-loss");
            }
            JsonNode deployment;
            try {
                deployment = context.api().post(DeploymentId.path(id, "/complete"), body).body();
            } catch (ApiException e) {
                if (e.status() == 409 && DATA_LOSS.equals(e.type())) {
                    e.describe().forEach(context.console()::err);
                    context.console().err("Completing is held, not failed: deployment " + id + " still awaits"
                            + " verification. Check the writes, then run: deploy complete --id " + id
                            + " --accept-data-loss; or reset it");
                    if (context.console().json()) {
                        context.console().printJson(e.problem());
                    }
                    return DeployCli.HELD;
                }
                throw e;
            }
            if ("Resetting".equals(DeploymentText.status(deployment))) {
                // a two-phase reset's second half: the old code is swapped back
                return accepted(context, id, deployment, "Complete of the reset", "Reset");
            }
            return accepted(context, id, deployment, "Complete"
                    + (acceptDataLoss ? " (data loss accepted" + (acceptedBy == null ? "" : " for " + acceptedBy.trim())
                    + ")" : ""), "Succeeded");
        }
    }

    /** {@code reset}. */
    @CommandLine.Command(name = "reset", sortOptions = false,
            customSynopsis = {"deploy reset --id D [--rollback-database] [--validate-before-swap] [--output json|text]",
                "             [--api URL] [--audience AUD | --key KEY]"},
            description = {"", "Rolls back, from AwaitingVerification or Failed: the old code goes back into"
                    + " production. Follow it with: deploy wait --id D --until Reset.",
                "--validate-before-swap stops before the swap back, at AwaitingResetVerification, with validation"
                        + " links to the old code on its slot (on the production database); check it, then run"
                        + " deploy complete --id D to swap it back (or POST /api/deployments/D/cancel to return to"
                        + " AwaitingVerification when nothing was restored).", ""},
            footer = {"", "Exit codes: 0 accepted, 2 usage error, 3 the API refused it."})
    static final class Reset extends ActionCommand {

        @Option(names = "--rollback-database", order = 2,
                description = "First restores the database to the moment the deployment started.")
        boolean rollbackDatabase;

        @Option(names = "--validate-before-swap", order = 3,
                description = "Stops at AwaitingResetVerification, the old code warm on its slot, until complete.")
        boolean validateBeforeSwap;

        @Override
        int run(Context context) throws UsageException, ApiException, InterruptedException {
            String id = id();
            com.fasterxml.jackson.databind.node.ObjectNode request = Json.mapper().createObjectNode()
                    .put("rollbackDatabase", rollbackDatabase);
            if (validateBeforeSwap) {
                request.put("validateBeforeSwap", true);
            }
            JsonNode deployment = context.api().post(DeploymentId.path(id, "/reset"), request.toString()).body();
            if (validateBeforeSwap) {
                context.console().say("Reset accepted: deployment " + id + " is " + DeploymentText.status(deployment)
                        + "; it stops at AwaitingResetVerification with links to the old code (deploy status --id "
                        + id + "), then: deploy complete --id " + id);
                if (context.console().json()) {
                    context.console().printJson(DeploymentText.redacted(deployment));
                }
                return DeployCli.OK;
            }
            return accepted(context, id, deployment,
                    "Reset" + (rollbackDatabase ? " (restoring the database first)" : ""), "Reset");
        }
    }

    /** {@code cancel}. */
    @CommandLine.Command(name = "cancel", sortOptions = false,
            customSynopsis = {"deploy cancel --id D [--rollback-database] [--reason R] [--output json|text]",
                "              [--api URL] [--audience AUD | --key KEY]"},
            description = {"", "Stops a deployment that is InProgress and undoes what it did, as reset does: every"
                    + " site goes back on its previous package and the temporary database is dropped (a copy or swap"
                    + " under way finishes first). Follow it with: deploy wait --id D --until Cancelled.", ""},
            footer = {"", "Exit codes: 0 accepted, 2 usage error, 3 the API refused it (the deployment is not"
                    + " InProgress: the answer names what it allows)."})
    static final class Cancel extends ActionCommand {

        @Option(names = "--rollback-database", order = 2,
                description = "Also restores the database to the moment the deployment started.")
        boolean rollbackDatabase;

        @Option(names = "--reason", paramLabel = "R", order = 3,
                description = "Why it is cancelled (1 to 500 characters), shown in its status, timeline and log.")
        String reason;

        @Override
        int run(Context context) throws UsageException, ApiException, InterruptedException {
            String id = id();
            com.fasterxml.jackson.databind.node.ObjectNode body = Json.mapper().createObjectNode()
                    .put("rollbackDatabase", rollbackDatabase);
            if (reason != null) {
                if (reason.isBlank()) {
                    throw new UsageException("--reason needs some text: why the deployment is cancelled");
                }
                body.put("reason", reason.trim());
            }
            JsonNode deployment = context.api().post(DeploymentId.path(id, "/cancel"), body.toString()).body();
            return accepted(context, id, deployment,
                    "Cancel" + (rollbackDatabase ? " (restoring the database too)" : ""), "Cancelled");
        }
    }

    /** {@code rollback}. */
    @CommandLine.Command(name = "rollback", sortOptions = false,
            customSynopsis = {"deploy rollback --id D [--output json|text] [--api URL] [--audience AUD | --key KEY]"},
            description = {"", "Rolls back after going live, within the rollback window (the deployment is Succeeded"
                    + " and its status shows rollbackAvailableUntil): the previous code, kept warm on the production"
                    + " database, goes back into production. Code only: the database keeps the release's changes."
                    + " Follow it with: deploy wait --id D --until RolledBack.", ""},
            footer = {"", "Exit codes: 0 accepted, 2 usage error, 3 the API refused it (the window ended or closed:"
                    + " the message says why)."})
    static final class Rollback extends ActionCommand {

        @Override
        int run(Context context) throws UsageException, ApiException, InterruptedException {
            String id = id();
            JsonNode deployment = context.api().post(DeploymentId.path(id, "/rollback"), null).body();
            return accepted(context, id, deployment, "Rollback (code only; the database keeps the release's changes)",
                    "RolledBack");
        }
    }

    static int accepted(Context context, String id, JsonNode deployment, String action, String until) {
        context.console().say(action + " accepted: deployment " + id + " is " + DeploymentText.status(deployment)
                + "; follow it with: deploy wait --id " + id + " --until " + until);
        if (context.console().json()) {
            context.console().printJson(DeploymentText.redacted(deployment));
        }
        return DeployCli.OK;
    }
}
