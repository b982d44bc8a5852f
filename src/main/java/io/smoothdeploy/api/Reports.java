package io.smoothdeploy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentError;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.WebAppState;
import io.smoothdeploy.engine.diagnosis.Diagnosis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The after-the-fact views of a deployment: its timeline (for postmortems) and its support bundle (for a
 * ticket). Both are built from what the store holds; neither holds a secret.
 */
final class Reports {

    /** The most log lines a support bundle carries: the newest ones, after every warning and error. */
    static final int BUNDLE_LOG_LINES = 300;

    private Reports() {
    }

    /** One step of the timeline, for sorting before it is written. */
    private record Entry(Stage stage, String webApp, Instant startedAt, Instant endedAt, int attempts, String outcome,
                         String error) {
    }

    static ObjectNode timeline(DeploymentSnapshot snapshot, List<LogLine> log) {
        Deployment deployment = snapshot.deployment();
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("deploymentId", deployment.id());
        body.put("environment", deployment.environment());
        body.put("status", deployment.status().wireName());
        body.put("mode", deployment.mode().wireName());
        ObjectNode pkg = body.putObject("package");
        pkg.put("uri", Redact.uri(deployment.packageUri()));
        pkg.put("sha256", deployment.packageSha256());
        if (deployment.packageVerifiedAt() != null) {
            pkg.put("verifiedAt", deployment.packageVerifiedAt().toString());
        } else {
            pkg.putNull("verifiedAt");
        }
        Views.putPackages(body, deployment);
        putOrNull(body, "commitId", deployment.commitId());
        putOrNull(body, "pipelineRunUrl", deployment.pipelineRunUrl());
        body.put("createdAt", deployment.createdAt().toString());
        body.put("updatedAt", deployment.updatedAt().toString());
        putOrNull(body, "resumedFrom", deployment.resumedFrom());
        body.put("round", deployment.round());
        body.put("retries", retries(log));
        body.set("audit", Views.audit(deployment.audit()));
        if (deployment.cancelReason() != null) {
            body.put("cancelReason", deployment.cancelReason());
        }
        ArrayNode steps = body.putArray("steps");
        for (Entry entry : entries(snapshot)) {
            ObjectNode step = steps.addObject();
            step.put("stage", entry.stage().name());
            putOrNull(step, "webApp", entry.webApp());
            step.put("startedAt", entry.startedAt().toString());
            if (entry.endedAt() != null) {
                step.put("endedAt", entry.endedAt().toString());
                step.put("seconds", Duration.between(entry.startedAt(), entry.endedAt()).toMillis() / 1000.0);
            } else {
                step.putNull("endedAt");
                step.putNull("seconds");
            }
            step.put("attempts", entry.attempts());
            step.put("outcome", entry.outcome());
            if (entry.error() != null) {
                step.put("error", entry.error());
            }
        }
        body.set("warnings", Json.mapper().valueToTree(deployment.warnings()));
        return body;
    }

    /**
     * Every step of the deployment and of each web app: the finished ones from their timings, and the one in
     * progress or failed from the rows' current stage and errors. Sorted by start.
     */
    private static List<Entry> entries(DeploymentSnapshot snapshot) {
        Deployment deployment = snapshot.deployment();
        List<Entry> entries = new ArrayList<>();
        deployment.timings().forEach((stage, t) -> entries.add(new Entry(stage, null, t.startedAt(), t.endedAt(),
                t.attempts(), "Succeeded", null)));
        Optional<DeploymentError> deploymentError = lastError(deployment, null);
        boolean running = !deployment.status().isTerminal() && deployment.status() != DeploymentStatus.AWAITING_VERIFICATION
                && deployment.status() != DeploymentStatus.AWAITING_RESET_VERIFICATION;
        if (deployment.stage() != Stage.FINISHED && !deployment.stage().isPerWebApp()
                && !deployment.timings().containsKey(deployment.stage())) {
            boolean failedHere = deployment.status() == DeploymentStatus.FAILED && deploymentError
                    .filter(e -> e.stage() == deployment.stage()).isPresent();
            if (failedHere || running) {
                Instant started = deployment.stageStartedAt() != null ? deployment.stageStartedAt()
                        : failedHere ? deploymentError.get().at() : deployment.updatedAt();
                entries.add(new Entry(deployment.stage(), null, started,
                        failedHere ? deploymentError.get().at() : null, deployment.checks() + 1,
                        failedHere ? "Failed" : "Running", failedHere ? deploymentError.get().message() : null));
            }
        }
        for (WebAppState webApp : snapshot.webApps()) {
            webApp.timings().forEach((stage, t) -> entries.add(new Entry(stage, webApp.name(), t.startedAt(),
                    t.endedAt(), t.attempts(), "Succeeded", null)));
            DeploymentError error = webApp.error();
            Stage open = error != null ? error.stage() : webApp.workingStage();
            if (open == null || webApp.timings().containsKey(open) && error == null) {
                continue;
            }
            if (error == null && !running) {
                continue;
            }
            Instant started = webApp.stageStartedAt() != null && webApp.workingStage() == open ? webApp.stageStartedAt()
                    : error != null ? error.at() : deployment.updatedAt();
            int attempts = webApp.workingStage() == open ? webApp.checks() + 1 : 1;
            entries.add(new Entry(open, webApp.name(), started, error == null ? null : error.at(), attempts,
                    error == null ? "Running" : "Failed", error == null ? null : error.message()));
        }
        // Steps that started at the same moment are put in the order of the run, then by web app.
        entries.sort(Comparator.comparing(Entry::startedAt).thenComparing(Entry::stage)
                .thenComparing(e -> e.webApp() == null ? "" : e.webApp()));
        return entries;
    }

    private static Optional<DeploymentError> lastError(Deployment deployment, String webApp) {
        DeploymentError found = null;
        for (DeploymentError error : deployment.errors()) {
            if (java.util.Objects.equals(error.webApp(), webApp)) {
                found = error;
            }
        }
        return Optional.ofNullable(found);
    }

    private static int rollForwards(List<LogLine> log) {
        return (int) log.stream().filter(l -> l.event() == LogLine.Event.ROLL_FORWARD).count();
    }

    private static int retries(List<LogLine> log) {
        return (int) log.stream().filter(LogLine::retry).count();
    }

    /**
     * What a support ticket needs, in one document: the environment (as registered), the deployment's status
     * with its diagnosis, the timeline, what was already tried (transient retries, earlier runs it resumes,
     * roll forwards), and the relevant log lines. Every string is passed through {@link Redact#text} at the end,
     * so a secret that slipped into any of them does not leave.
     */
    static ObjectNode supportBundle(ObjectNode environment, ObjectNode status, Optional<Diagnosis> diagnosis,
                                    DeploymentSnapshot snapshot, List<LogLine> log, List<Deployment> earlierRuns,
                                    Instant generatedAt) {
        Deployment deployment = snapshot.deployment();
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("generatedAt", generatedAt.toString());
        body.put("deploymentId", deployment.id());
        body.put("environmentName", deployment.environment());
        body.put("status", deployment.status().wireName());
        if (diagnosis.isPresent()) {
            body.set("diagnosis", Views.diagnosis(diagnosis.get()));
        } else {
            body.putNull("diagnosis");
        }
        body.set("environment", environment);
        body.set("deployment", status);
        body.set("timeline", timeline(snapshot, log));
        ObjectNode tried = body.putObject("alreadyTried");
        tried.put("transientRetries", retries(log));
        tried.put("rollForwards", rollForwards(log));
        ArrayNode runs = tried.putArray("earlierRuns");
        for (Deployment run : earlierRuns) {
            ObjectNode item = runs.addObject();
            item.put("id", run.id());
            item.put("status", run.status().wireName());
            item.put("createdAt", run.createdAt().toString());
            item.put("package", run.perWebAppPackages() ? null : Redact.uri(run.packageUri()));
            Views.putPackages(item, run);
            ArrayNode errors = item.putArray("errors");
            run.errors().forEach(e -> errors.add(Views.error(e)));
        }
        ArrayNode lines = body.putArray("log");
        List<LogLine> relevant = relevant(log);
        for (LogLine line : relevant) {
            ObjectNode item = lines.addObject();
            item.put("at", line.at().toString());
            item.put("level", line.level().name());
            putOrNull(item, "webApp", line.webApp());
            item.put("message", line.message());
        }
        body.put("logLinesLeftOut", log.size() - relevant.size());
        return (ObjectNode) scrub(body);
    }

    /** Every warning and error, and the newest lines, up to {@link #BUNDLE_LOG_LINES}, in order. */
    static List<LogLine> relevant(List<LogLine> log) {
        if (log.size() <= BUNDLE_LOG_LINES) {
            return log;
        }
        List<LogLine> kept = new ArrayList<>();
        int room = BUNDLE_LOG_LINES - (int) log.stream().filter(l -> l.level() != LogLine.Level.INFO).count();
        int firstNewest = log.size() - Math.max(room, 0);
        for (int i = 0; i < log.size(); i++) {
            LogLine line = log.get(i);
            if (line.level() != LogLine.Level.INFO || i >= firstNewest) {
                kept.add(line);
            }
        }
        return kept.size() <= BUNDLE_LOG_LINES ? kept : kept.subList(kept.size() - BUNDLE_LOG_LINES, kept.size());
    }

    private static JsonNode scrub(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(Redact.text(node.asText()));
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            List<Map.Entry<String, JsonNode>> all = new ArrayList<>();
            fields.forEachRemaining(all::add);
            all.forEach(f -> object.set(f.getKey(), scrub(f.getValue())));
            return object;
        }
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, scrub(array.get(i)));
            }
        }
        return node;
    }

    private static void putOrNull(ObjectNode node, String name, String value) {
        if (value == null) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }
}
