package io.smoothdeploy.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.Actor;
import io.smoothdeploy.engine.CommandResult;
import io.smoothdeploy.engine.DeploymentService;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.RollbackWindow;
import io.smoothdeploy.engine.StartRequest;
import io.smoothdeploy.engine.diagnosis.Classifier;
import io.smoothdeploy.engine.diagnosis.Diagnosis;
import io.smoothdeploy.engine.steps.StartPlanner;
import io.smoothdeploy.outbound.GuardedHttp;
import io.smoothdeploy.engine.port.DeploymentStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The HTTP API, independent of the Functions runtime: it takes a path parameter and a body, and answers
 * with a status, headers and JSON. Every error is an RFC 9457 problem naming the field at fault, and a
 * request that fails its checks writes nothing.
 */
public final class HttpApi {

    /** Larger bodies are refused before they are parsed. */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    static final Pattern DEPLOYMENT_ID = Pattern.compile("[a-z0-9-]{1,64}");
    static final Pattern ACCEPTED_BY = Pattern.compile("[^\\p{Cntrl}]{1,100}");
    static final Pattern CANCEL_REASON = Pattern.compile("[^\\p{Cntrl}]{1,500}");
    private static final Logger LOG = Logger.getLogger(HttpApi.class.getName());
    private static final String JSON = "application/json";

    /** How many earlier runs a support bundle follows back through {@code resumedFrom}. */
    static final int MAX_EARLIER_RUNS = 10;

    private final DeploymentService service;
    private final DeploymentStore store;
    private final Clock clock;
    private final GuardedHttp outbound;
    private final Authentication authentication;
    private final Supplier<String> publicApiBase;
    private final StartPlanner planner;

    /**
     * @param outbound       checks webhook and package URLs before anything is written (the local host's allows
     *                       loopback)
     * @param authentication how a request's caller is found (App Service authentication, or the local user)
     * @param publicApiBase  the API's public base URL for Location headers, such as
     *                       {@code https://deploy.example.com/api}, or null for a relative Location; never taken
     *                       from the request's Host header, which the client chooses
     * @param planner        the dry run of a start ({@code POST /deployments/plan})
     */
    public HttpApi(DeploymentService service, DeploymentStore store, Clock clock, GuardedHttp outbound,
                   Authentication authentication, Supplier<String> publicApiBase, StartPlanner planner) {
        this.planner = planner;
        this.service = service;
        this.store = store;
        this.clock = clock;
        this.outbound = outbound;
        this.authentication = authentication;
        this.publicApiBase = publicApiBase;
    }

    /** A 422 naming {@code field} when {@code uri} is one the orchestrator would refuse to call; nothing is written. */
    private void checkOutbound(String field, String uri, List<String> allowedHosts) {
        if (uri == null) {
            return;
        }
        Optional<String> refusal = outbound.refusal(uri, allowedHosts);
        if (refusal.isPresent()) {
            throw Problem.unprocessable(field, field + " " + refusal.get());
        }
    }

    /** How this API finds its callers. */
    public Authentication authentication() {
        return authentication;
    }

    /**
     * The caller, allowed to do {@code operation} (for an approving operation, by {@code environment}'s approvers
     * too when it is given), or the 401/403 problem. Nothing is read or written before this passes.
     */
    private Caller authorize(Map<String, String> headers, Operation operation, EnvironmentConfig environment) {
        Principal principal = authentication.identify(headers);
        List<String> approvers = environment == null ? List.of() : environment.approvers();
        Access.Verdict verdict = Access.decide(principal, operation, approvers);
        if (verdict instanceof Access.Verdict.Unauthenticated unauthenticated) {
            throw Problem.unauthenticated("unauthenticated", unauthenticated.detail());
        }
        if (verdict instanceof Access.Verdict.Forbidden forbidden) {
            throw Problem.forbidden(forbidden.missingRole().wireName(), forbidden.environmentRule(),
                    principal.roleNames(), forbidden.detail());
        }
        return new Caller(principal, ((Access.Verdict.Allowed) verdict).role(), source(headers));
    }

    /** Where a request came from, for the audit: the CLI, or the client's User-Agent (cleaned). */
    static String source(Map<String, String> headers) {
        String agent = HeaderText.clean(HeaderText.header(headers, "User-Agent"), 100);
        if (agent == null) {
            return "an unnamed client";
        }
        return agent.startsWith("smoothdeploy-cli") ? "CLI" : "User-Agent " + agent;
    }

    /** An allowed caller: who, by which role, from where. */
    private record Caller(Principal principal, Role role, String source) {
        Actor actor() {
            return new Actor(principal.name(), principal.objectId(), role.wireName(), source);
        }

        Actor actor(String pipelineRunUrl) {
            return pipelineRunUrl == null ? actor()
                    : new Actor(principal.name(), principal.objectId(), role.wireName(), "pipeline run "
                    + Redact.uri(pipelineRunUrl));
        }
    }

    public ApiResponse putEnvironment(String name, String body, Map<String, String> headers) {
        return answer("/api/environments/" + name, () -> {
            authorize(headers, Operation.PUT_ENVIRONMENT, null);
            checkName(name);
            EnvironmentConfig config = EnvironmentRequest.parse(name, objectBody(body, true));
            checkOutbound("webhookUrl", config.webhookUrl(), config.allowedHosts());
            CommandResult result = service.registerEnvironment(config);
            if (result instanceof CommandResult.EnvironmentBusy busy) {
                throw busy(busy, "Environment " + busy.environment() + " has a running deployment "
                        + busy.runningDeploymentId() + "; change its registration after that deployment ends");
            }
            if (result instanceof CommandResult.ResourceTaken taken) {
                throw Problem.conflict("resource-in-another-environment", "Another environment has this resource",
                        taken.detail(), taken.field(), Map.of("otherEnvironment", taken.otherEnvironment()));
            }
            CommandResult.Registered registered = (CommandResult.Registered) result;
            return json(registered.created() ? 201 : 200, Views.environment(registered.environment(), Optional.empty()),
                    Map.of());
        });
    }

    public ApiResponse getEnvironment(String name, Map<String, String> headers) {
        return answer("/api/environments/" + name, () -> {
            authorize(headers, Operation.GET_ENVIRONMENT, null);
            checkName(name);
            EnvironmentRecord record = store.findEnvironment(name).orElseThrow(() -> Problem.notFound("name",
                    "No environment named '" + name + "' is registered; register it with PUT /api/environments/" + name));
            Optional<DeploymentSnapshot> last = record.lastDeploymentId() == null ? Optional.empty()
                    : store.loadRows(record.lastDeploymentId(), name);
            return json(200, Views.environment(record, last), Map.of());
        });
    }

    /**
     * Every registered environment, by name, with its running deployment, its last deployment's status and which
     * web apps that deployment left in maintenance. One scan for the environment rows, then one range read per
     * environment that has a last deployment.
     */
    public ApiResponse listEnvironments(Map<String, String> headers) {
        return answer("/api/environments", () -> {
            authorize(headers, Operation.LIST_ENVIRONMENTS, null);
            List<EnvironmentRecord> records = new ArrayList<>(store.listEnvironments());
            records.sort(java.util.Comparator.comparing(r -> r.config().name()));
            ObjectNode body = Json.mapper().createObjectNode();
            com.fasterxml.jackson.databind.node.ArrayNode items = body.putArray("environments");
            for (EnvironmentRecord record : records) {
                String name = record.config().name();
                Optional<DeploymentSnapshot> last = record.lastDeploymentId() == null ? Optional.empty()
                        : store.loadRows(record.lastDeploymentId(), name);
                items.add(Views.environmentSummary(record, last));
            }
            return json(200, body, Map.of());
        });
    }

    /**
     * An environment's deployments, newest first, a page at a time: {@code status} filters, {@code limit} (1 to
     * 100, default 20) sizes the page, and {@code continuationToken} (from the page before) pages on.
     */
    public ApiResponse listDeployments(String name, Map<String, String> query, Map<String, String> headers) {
        return answer("/api/environments/" + name + "/deployments", () -> {
            authorize(headers, Operation.LIST_DEPLOYMENTS, null);
            checkName(name);
            HistoryQuery parsed = HistoryQuery.parse(name, query);
            if (store.findEnvironment(name).isEmpty()) {
                throw Problem.notFound("name", "No environment named '" + name + "' is registered; "
                        + "GET /api/environments lists those that are");
            }
            return json(200, parsed.view(name, store.listDeployments(name, parsed.status(), parsed.limit(),
                    parsed.after())), Map.of());
        });
    }

    /**
     * Removes a registered environment: refused (409) while a deployment holds it, its last deployment left a web
     * app in maintenance, or that deployment failed and was not reset (it may keep a temporary database). Its deployments' rows stay (README, History, says what then answers what).
     */
    public ApiResponse deleteEnvironment(String name, Map<String, String> headers) {
        return answer("/api/environments/" + name, () -> {
            authorize(headers, Operation.DELETE_ENVIRONMENT, null);
            checkName(name);
            for (int attempt = 1; ; attempt++) {
                EnvironmentRecord record = store.findEnvironment(name).orElseThrow(() -> Problem.notFound("name",
                        "No environment named '" + name + "' is registered; GET /api/environments lists those that are"));
                if (record.activeDeploymentId() != null) {
                    throw busy(new CommandResult.EnvironmentBusy(name, record.activeDeploymentId()), "Environment "
                            + name + " is held by deployment " + record.activeDeploymentId() + "; complete or reset it "
                            + "(or let it end) before deleting the environment");
                }
                Optional<DeploymentSnapshot> last = record.lastDeploymentId() == null ? Optional.empty()
                        : store.loadRows(record.lastDeploymentId(), name);
                List<String> inMaintenance = last.map(s -> s.webApps().stream()
                        .filter(io.smoothdeploy.engine.WebAppState::maintenance)
                        .map(io.smoothdeploy.engine.WebAppState::name).toList()).orElse(List.of());
                if (!inMaintenance.isEmpty()) {
                    String lastId = record.lastDeploymentId();
                    throw Problem.conflict("environment-in-maintenance", "A web app of the environment is in maintenance",
                            "Deployment " + lastId + " left " + String.join(", ", inMaintenance) + " in maintenance; "
                                    + "reset it (POST /api/deployments/" + lastId + "/reset) so that production serves "
                                    + "its own code again, then delete the environment",
                            "name", Map.of("webAppsInMaintenance", inMaintenance, "lastDeploymentId", lastId));
                }
                if (last.isPresent() && last.get().deployment().status() == DeploymentStatus.FAILED) {
                    String lastId = record.lastDeploymentId();
                    throw Problem.conflict("environment-not-settled", "The environment's last deployment failed",
                            "Deployment " + lastId + " failed and was not reset; a failed run may still have a temporary "
                                    + "database and slots that only its reset cleans up. Reset it (POST /api/deployments/"
                                    + lastId + "/reset), or start again to resume it, then delete the environment",
                            "name", Map.of("lastDeploymentId", lastId));
                }
                try {
                    store.deleteEnvironment(record);
                    return new ApiResponse(204, Map.of(), null);
                } catch (io.smoothdeploy.engine.port.ConcurrencyConflictException changed) {
                    if (attempt >= 3) {
                        throw Problem.conflict("environment-changed", "The environment kept changing",
                                "Environment " + name + " changed each time it was about to be deleted (a start or a "
                                        + "re-registration); read it again and retry", "name", Map.of());
                    }
                }
            }
        });
    }

    public ApiResponse startDeployment(String body, Map<String, String> headers) {
        return answer("/api/deployments", () -> {
            Caller caller = authorize(headers, Operation.START_DEPLOYMENT, null);
            StartRequest request = StartDeploymentRequest.parse(objectBody(body, true));
            Optional<EnvironmentRecord> environment = store.findEnvironment(request.environment());
            if (environment.isPresent()) {
                checkOutbound("packageUri", request.packageUri(), environment.get().config().allowedHosts());
                for (java.util.Map.Entry<String, io.smoothdeploy.engine.WebAppPackage> entry
                        : request.packages().entrySet()) {
                    checkOutbound("packages." + entry.getKey() + ".uri", entry.getValue().uri(),
                            environment.get().config().allowedHosts());
                }
            }
            CommandResult result = service.start(request, environment, caller.actor(request.pipelineRunUrl()));
            throwIfRefused(result, request);
            CommandResult.Accepted accepted = (CommandResult.Accepted) result;
            return accepted(accepted);
        });
    }

    /** The problem a start answers when {@code result} refuses it (nothing was written); returns otherwise. */
    private static void throwIfRefused(CommandResult result, StartRequest request) {
        if (result instanceof CommandResult.NotFound) {
            throw Problem.notFound("environment", "No environment named '" + request.environment()
                    + "' is registered; register it with PUT /api/environments/" + request.environment());
        }
        if (result instanceof CommandResult.EnvironmentBusy busy) {
            throw busy(busy, "Environment " + busy.environment() + " is held by deployment "
                    + busy.runningDeploymentId() + ", which is still running; complete or reset it first, "
                    + "or retry with the same idempotencyKey to follow it");
        }
        if (result instanceof CommandResult.Invalid invalid) {
            throw Problem.unprocessable(invalid.field(), invalid.detail());
        }
    }

    /**
     * The dry run: what {@code POST /deployments} with this body would do, with nothing written or sent. A start
     * that would be refused at once gets the very problem the start answers (400, 404, 409, 422); otherwise 200 with
     * the plan, whose {@code wouldFail} lists what the first stage would stop on.
     */
    public ApiResponse planDeployment(String body, Map<String, String> headers) {
        return answer("/api/deployments/plan", () -> {
            Caller caller = authorize(headers, Operation.PLAN_DEPLOYMENT, null);
            StartRequest request = StartDeploymentRequest.parse(objectBody(body, true));
            Optional<EnvironmentRecord> environment = store.findEnvironment(request.environment());
            if (environment.isPresent()) {
                checkOutbound("packageUri", request.packageUri(), environment.get().config().allowedHosts());
                for (java.util.Map.Entry<String, io.smoothdeploy.engine.WebAppPackage> entry
                        : request.packages().entrySet()) {
                    checkOutbound("packages." + entry.getKey() + ".uri", entry.getValue().uri(),
                            environment.get().config().allowedHosts());
                }
            }
            StartPlanner.Outcome outcome = planner.plan(request, caller.actor(request.pipelineRunUrl()));
            if (outcome instanceof StartPlanner.Refused refused) {
                throwIfRefused(refused.result(), request);
                throw new IllegalStateException("a refusal the start does not answer: " + refused.result());
            }
            return json(200, Views.plan((StartPlanner.Plan) outcome), Map.of());
        });
    }

    /**
     * Who the caller is, and what their roles let them do: every operation with {@code allowed}, the role it
     * {@code needs} and, when refused, the {@code reason}. The portal disables the buttons a role does not allow and
     * says why. An environment's {@code approvers} rule is not in it (it is checked when the action is asked for).
     */
    public ApiResponse me(Map<String, String> headers) {
        return answer("/api/me", () -> {
            Caller caller = authorize(headers, Operation.GET_ME, null);
            Principal principal = caller.principal();
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("name", principal.name());
            if (principal.objectId() == null) {
                body.putNull("objectId");
            } else {
                body.put("objectId", principal.objectId());
            }
            principal.roleNames().forEach(body.putArray("roles")::add);
            ObjectNode operations = body.putObject("operations");
            for (Operation operation : Operation.values()) {
                Access.Verdict verdict = Access.decide(principal, operation, List.of());
                ObjectNode item = operations.putObject(operation.wireName());
                item.put("allowed", verdict instanceof Access.Verdict.Allowed);
                item.put("needs", operation.needs().wireName());
                if (verdict instanceof Access.Verdict.Forbidden forbidden) {
                    item.put("reason", forbidden.detail());
                }
            }
            return json(200, body, Map.of("Cache-Control", "no-store"));
        });
    }

    public ApiResponse getDeployment(String id, Map<String, String> headers) {
        return answer("/api/deployments/" + id, () -> {
            authorize(headers, Operation.GET_DEPLOYMENT, null);
            return json(200, status(rows(id)), Map.of());
        });
    }

    /** Why the deployment failed and what to do; {@code diagnosis} is null when it has no failure. */
    public ApiResponse getDiagnosis(String id, Map<String, String> headers) {
        return answer("/api/deployments/" + id + "/diagnosis", () -> {
            authorize(headers, Operation.GET_DIAGNOSIS, null);
            DeploymentSnapshot snapshot = snapshot(id);
            Optional<Diagnosis> diagnosis = diagnosis(snapshot);
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("deploymentId", id);
            body.put("status", snapshot.deployment().status().wireName());
            if (diagnosis.isPresent()) {
                body.set("diagnosis", Views.diagnosis(diagnosis.get()));
            } else {
                body.putNull("diagnosis");
                body.put("detail", "Deployment " + id + " has no failure to diagnose (status "
                        + snapshot.deployment().status().wireName() + ")");
            }
            return json(200, body, Map.of());
        });
    }

    /** Every step of every web app with its times, runs and outcome, and the package as checked. */
    public ApiResponse getTimeline(String id, Map<String, String> headers) {
        return answer("/api/deployments/" + id + "/timeline", () -> {
            authorize(headers, Operation.GET_TIMELINE, null);
            DeploymentSnapshot snapshot = snapshot(id);
            return json(200, Reports.timeline(snapshot, store.readLog(id)), Map.of());
        });
    }

    /** Everything a support ticket needs about the deployment, in one redacted document. */
    public ApiResponse getSupportBundle(String id, Map<String, String> headers) {
        return answer("/api/deployments/" + id + "/support-bundle", () -> {
            authorize(headers, Operation.GET_SUPPORT_BUNDLE, null);
            DeploymentSnapshot snapshot = snapshot(id);
            List<LogLine> log = store.readLog(id);
            Optional<Diagnosis> diagnosis = snapshot.deployment().errors().isEmpty() ? Optional.empty()
                    : Classifier.diagnose(snapshot, log);
            ObjectNode environment = Views.environment(snapshot.environment(), Optional.of(snapshot));
            ObjectNode status = Views.deployment(snapshot, diagnosis, showsCloneWrites(snapshot), clock.instant());
            ObjectNode bundle = Reports.supportBundle(environment, status, diagnosis, snapshot, log,
                    earlierRuns(snapshot.deployment()), clock.instant());
            Map<String, String> disposition = Map.of("Content-Disposition", "attachment; filename=\"support-bundle-"
                    + id + ".json\"");
            return json(200, bundle, disposition);
        });
    }

    /** The runs this one resumed, newest first, following {@code resumedFrom}. */
    private List<Deployment> earlierRuns(Deployment deployment) {
        List<Deployment> runs = new ArrayList<>();
        String previous = deployment.resumedFrom();
        while (previous != null && runs.size() < MAX_EARLIER_RUNS) {
            Optional<DeploymentSnapshot> run = store.load(previous);
            if (run.isEmpty()) {
                break;
            }
            runs.add(run.get().deployment());
            previous = run.get().deployment().resumedFrom();
        }
        return runs;
    }

    private ObjectNode status(DeploymentSnapshot snapshot) {
        return Views.deployment(snapshot, diagnosis(snapshot), showsCloneWrites(snapshot), clock.instant());
    }

    private Optional<Diagnosis> diagnosis(DeploymentSnapshot snapshot) {
        if (snapshot.deployment().errors().isEmpty()) {
            return Optional.empty();
        }
        return Classifier.diagnose(snapshot, store.readLog(snapshot.deployment().id()));
    }

    /**
     * For a ReadWrite run that has its clone and has not gone live: whether to show the writes that reached the
     * temporary database, as the steps and the timer last counted them (stored with their time on the deployment
     * row; a poll never asks SQL).
     */
    private static boolean showsCloneWrites(DeploymentSnapshot snapshot) {
        Deployment deployment = snapshot.deployment();
        boolean cloned = deployment.status() == DeploymentStatus.AWAITING_VERIFICATION
                || deployment.status() == DeploymentStatus.IN_PROGRESS && deployment.timings().containsKey(Stage.CLONE_DB);
        return deployment.mode() == DeploymentMode.READ_WRITE && cloned;
    }

    public ApiResponse getDeploymentLog(String id, Map<String, String> headers) {
        return getDeploymentLog(id, Map.of(), headers);
    }

    /**
     * The deployment's log, oldest first: the whole of it, or with {@code since} and/or {@code limit} a page (see
     * {@link LogQuery}); either way the answer's {@code next} is the {@code since} of the lines after it.
     */
    public ApiResponse getDeploymentLog(String id, Map<String, String> query, Map<String, String> headers) {
        return answer("/api/deployments/" + id + "/log", () -> {
            authorize(headers, Operation.GET_LOG, null);
            checkDeploymentId(id);
            LogQuery parsed = LogQuery.parse(query);
            snapshot(id);
            if (parsed.whole()) {
                List<LogLine> log = store.readLog(id);
                return json(200, Views.log(id, io.smoothdeploy.engine.port.LogPage.of(log, null, Math.max(1, log.size()))),
                        Map.of());
            }
            return json(200, Views.log(id, store.readLog(id, parsed.since(), parsed.limit())), Map.of());
        });
    }

    /**
     * Complete. The caller needs Approver (and, when the environment names approvers, to be one of them); with
     * {@code acceptDataLoss} the signed-in caller is who accepts the loss, and {@code acceptedBy}, when given, is
     * recorded as who they accept it for.
     */
    public ApiResponse completeDeployment(String id, String body, Map<String, String> headers) {
        return answer("/api/deployments/" + id + "/complete", () -> {
            authorize(headers, Operation.COMPLETE_DEPLOYMENT, null);
            checkDeploymentId(id);
            JsonNode request = objectBody(body, false);
            Fields fields = new Fields();
            fields.onlyKnown(request, "", Set.of("acceptDataLoss", "acceptedBy"));
            boolean accept = Boolean.TRUE.equals(fields.optionalBoolean(request, "", "acceptDataLoss"));
            String acceptedBy = fields.optionalText(request, "", "acceptedBy", ACCEPTED_BY,
                    "who accepts the data loss: 1 to 100 characters, such as a name or an e-mail address");
            fields.throwIfAny();
            Operation operation = accept ? Operation.ACCEPT_DATA_LOSS : Operation.COMPLETE_DEPLOYMENT;
            CommandResult result = service.complete(id, accept,
                    environment -> authorize(headers, operation, environment).actor(), acceptedBy);
            if (result instanceof CommandResult.DataLossRisk risk) {
                throw dataLoss(risk);
            }
            return operated(result, "complete", id);
        });
    }

    private static Problem dataLoss(CommandResult.DataLossRisk risk) {
        String counted = risk.writes() == null
                ? "the writes made to the temporary database " + risk.temporaryDatabase() + " could not be counted"
                : risk.writes() + " write(s) reached the temporary database " + risk.temporaryDatabase()
                + " since the clone";
        Map<String, Object> extensions = new HashMap<>();
        extensions.put("temporaryDatabase", risk.temporaryDatabase());
        if (risk.writes() != null) {
            extensions.put("writesToTemporaryDatabase", risk.writes());
        }
        return Problem.conflict("data-loss", "Completing would lose writes",
                "Deployment " + risk.deployment().id() + " runs in ReadWrite mode and " + counted + "; going live "
                        + "switches to the production database and those writes are lost. Copy them over first, "
                        + "or complete with {\"acceptDataLoss\": true} (you are recorded as who accepted it), or reset",
                "acceptDataLoss", extensions);
    }

    public ApiResponse resetDeployment(String id, String body, Map<String, String> headers) {
        return answer("/api/deployments/" + id + "/reset", () -> {
            authorize(headers, Operation.RESET_DEPLOYMENT, null);
            checkDeploymentId(id);
            JsonNode request = objectBody(body, false);
            Fields fields = new Fields();
            fields.onlyKnown(request, "", Set.of("rollbackDatabase", "validateBeforeSwap"));
            Boolean rollback = fields.optionalBoolean(request, "", "rollbackDatabase");
            Boolean validate = fields.optionalBoolean(request, "", "validateBeforeSwap");
            fields.throwIfAny();
            return operated(service.reset(id, Boolean.TRUE.equals(rollback), Boolean.TRUE.equals(validate),
                    environment -> authorize(headers, Operation.RESET_DEPLOYMENT, environment).actor()), "reset", id);
        });
    }

    /**
     * {@code POST /deployments/{id}/cancel}: the same role and approver rules as Reset. Body
     * {@code {"rollbackDatabase": bool, "reason": "..."}}, both optional. The service dispatches on the status: an
     * InProgress run is cancelled and undone; a two-phase reset awaiting its verification goes back to
     * AwaitingVerification, or is refused 409 {@code reset-not-cancellable} saying why; any other status is answered
     * 409 with the actions it allows.
     */
    public ApiResponse cancelDeployment(String id, String body, Map<String, String> headers) {
        return answer("/api/deployments/" + id + "/cancel", () -> {
            authorize(headers, Operation.CANCEL_DEPLOYMENT, null);
            checkDeploymentId(id);
            JsonNode request = objectBody(body, false);
            Fields fields = new Fields();
            fields.onlyKnown(request, "", Set.of("rollbackDatabase", "reason"));
            Boolean rollback = fields.optionalBoolean(request, "", "rollbackDatabase");
            String reason = fields.optionalText(request, "", "reason", CANCEL_REASON,
                    "why the deployment is cancelled: 1 to 500 characters on one line");
            fields.throwIfAny();
            CommandResult result = service.cancel(id, Boolean.TRUE.equals(rollback), reason,
                    environment -> authorize(headers, Operation.CANCEL_DEPLOYMENT, environment).actor());
            if (result instanceof CommandResult.CannotCancel cannot) {
                throw Problem.conflict("reset-not-cancellable", "The reset cannot go back to verification",
                        cannot.detail(), "status", Map.of("deploymentStatus", cannot.deployment().status().wireName(),
                                "allowedActions", List.of("complete")));
            }
            return operated(result, "cancel", id);
        });
    }

    /**
     * Rollback within the window after going live (role Approver, and the environment's approvers as for Complete
     * and Reset): swaps the previous code, kept warm on the production database, back into production. Code only:
     * the database keeps the release's migrations. No body, or an empty object.
     */
    public ApiResponse rollbackDeployment(String id, String body, Map<String, String> headers) {
        return answer("/api/deployments/" + id + "/rollback", () -> {
            authorize(headers, Operation.ROLLBACK_DEPLOYMENT, null);
            checkDeploymentId(id);
            JsonNode request = objectBody(body, false);
            Fields fields = new Fields();
            fields.onlyKnown(request, "", Set.of());
            fields.throwIfAny();
            CommandResult result = service.rollback(id,
                    environment -> authorize(headers, Operation.ROLLBACK_DEPLOYMENT, environment).actor());
            if (result instanceof CommandResult.NotAllowed notAllowed) {
                String why = RollbackWindow.refusal(notAllowed.deployment(), clock.instant())
                        .orElse("its status does not allow it");
                List<String> allowed = notAllowed.allowedActions();
                throw Problem.conflict("rollback-not-available", "The deployment cannot be rolled back",
                        "Deployment " + id + " cannot be rolled back: " + why, "status",
                        Map.of("deploymentStatus", notAllowed.deployment().status().wireName(),
                                "allowedActions", allowed));
            }
            return operated(result, "rollback", id);
        });
    }

    private ApiResponse operated(CommandResult result, String action, String id) {
        if (result instanceof CommandResult.NotFound) {
            throw Problem.notFound("id", "No deployment with id '" + id + "'");
        }
        if (result instanceof CommandResult.NotAllowed notAllowed) {
            List<String> allowed = notAllowed.allowedActions();
            String now = allowed.isEmpty() ? "no action is allowed now" : "allowed now: " + String.join(", ", allowed);
            throw Problem.conflict("action-not-allowed", "The deployment's status does not allow this action",
                    "Deployment " + id + " is " + notAllowed.deployment().status().wireName() + "; " + action
                            + " is not allowed (" + now + ")",
                    "status", Map.of("deploymentStatus", notAllowed.deployment().status().wireName(),
                            "allowedActions", allowed));
        }
        if (result instanceof CommandResult.Invalid invalid) {
            throw Problem.conflict("superseded", "A later deployment of the environment came after this one",
                    invalid.detail(), invalid.field(), Map.of());
        }
        DeploymentSnapshot rows = result instanceof CommandResult.Accepted done && done.rows() != null
                ? done.rows() : snapshot(id);
        return json(202, status(rows), Map.of());
    }

    private ApiResponse accepted(CommandResult.Accepted accepted) {
        DeploymentSnapshot snapshot = accepted.rows() != null ? accepted.rows()
                : store.load(accepted.deployment().id()).orElseThrow();
        String base = publicApiBase == null ? null : publicApiBase.get();
        String location = (base == null ? "/api" : base) + "/deployments/" + accepted.deployment().id();
        return json(202, Views.deployment(snapshot, clock.instant()), Map.of("Location", location));
    }

    private DeploymentSnapshot snapshot(String id) {
        checkDeploymentId(id);
        return store.load(id).orElseThrow(() -> Problem.notFound("id", "No deployment with id '" + id + "'"));
    }

    /** The deployment's own rows, without the environment row: for views that need no hold. */
    private DeploymentSnapshot rows(String id) {
        checkDeploymentId(id);
        return store.loadRows(id, null).orElseThrow(() -> Problem.notFound("id", "No deployment with id '" + id + "'"));
    }

    private static Problem busy(CommandResult.EnvironmentBusy busy, String detail) {
        return Problem.conflict("environment-busy", "The environment has a running deployment", detail,
                "environment", Map.of("runningDeploymentId", busy.runningDeploymentId()));
    }

    private static void checkName(String name) {
        if (name == null || !Fields.NAME.matcher(name).matches()) {
            throw Problem.invalid("name", "The environment name must be 1 to 40 lower-case letters, digits and dashes "
                    + "(no '/', '.' or '..'), starting and ending with a letter or digit");
        }
    }

    private static void checkDeploymentId(String id) {
        if (id == null || !DEPLOYMENT_ID.matcher(id).matches()) {
            throw Problem.invalid("id", "A deployment id is 1 to 64 lower-case letters, digits and dashes, "
                    + "as returned by POST /api/deployments");
        }
    }

    /** The body as a JSON object. An empty body is an error when {@code required}, else an empty object. */
    private static JsonNode objectBody(String body, boolean required) {
        if (body != null && body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw Problem.tooLarge(MAX_BODY_BYTES);
        }
        if (body == null || body.isBlank()) {
            if (required) {
                throw Problem.invalid("body", "The request needs a JSON object body");
            }
            return Json.mapper().createObjectNode();
        }
        try {
            JsonNode node = Json.mapper().readTree(body);
            if (node == null || !node.isObject()) {
                throw Problem.invalid("body", "The body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw Problem.invalid("body", "The body is not valid JSON" + where);
        }
    }

    private static ApiResponse json(int status, ObjectNode body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.put("Content-Type", JSON);
        return new ApiResponse(status, headers, body.toString());
    }

    private static ApiResponse answer(String instance, Handler handler) {
        try {
            return handler.handle();
        } catch (Problem problem) {
            return problem.toResponse(instance);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "request to " + instance + " failed", e);
            return new Problem(500, "urn:smoothdeploy:problem:internal", "Internal error",
                    "The request could not be completed; nothing was changed if it failed before its write. "
                            + "Try again, and if it keeps failing see the function logs at this time",
                    null, List.of(), Map.of()).toResponse(instance);
        }
    }

    @FunctionalInterface
    private interface Handler {
        ApiResponse handle();
    }
}
