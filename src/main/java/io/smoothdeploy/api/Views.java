package io.smoothdeploy.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.Actor;
import io.smoothdeploy.engine.AuditEntry;
import io.smoothdeploy.engine.CloneWriteCount;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentError;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.Progress;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.RollbackWindow;
import io.smoothdeploy.engine.SmokeCheck;
import io.smoothdeploy.engine.SmokeCheckResult;
import io.smoothdeploy.engine.diagnosis.Diagnosis;
import io.smoothdeploy.engine.steps.StartPlanner;
import io.smoothdeploy.engine.VerificationPolicy;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppPackage;
import io.smoothdeploy.engine.WebAppState;
import java.util.List;
import java.util.Optional;

/** The JSON shapes the API answers with. Package URIs are shown without their query string. */
final class Views {

    private Views() {
    }

    /** The dry run's answer: what a start would do ({@code POST /deployments/plan}). */
    static ObjectNode plan(StartPlanner.Plan plan) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("environment", plan.environment());
        body.put("action", plan.action());
        body.put("earlierDeploymentId", plan.earlierDeploymentId());
        body.put("mode", plan.mode());
        body.put("packageUri", plan.packageUri());
        if (plan.packages() != null) {
            ObjectNode packages = body.putObject("packages");
            plan.packages().forEach((name, pkg) -> packages.set(name, packageNode(pkg)));
        }
        body.put("wouldStart", plan.wouldFail().isEmpty());
        if (plan.temporaryDatabase() == null) {
            body.putNull("temporaryDatabase");
        } else {
            ObjectNode clone = body.putObject("temporaryDatabase");
            clone.put("name", plan.temporaryDatabase().database());
            clone.put("reused", plan.temporaryDatabase().reused());
            clone.put("detail", plan.temporaryDatabase().detail());
        }
        ArrayNode webApps = body.putArray("webApps");
        for (StartPlanner.WebApp webApp : plan.webApps()) {
            ObjectNode item = webApps.addObject();
            item.put("name", webApp.name());
            item.put("role", webApp.role());
            item.put("entersMaintenance", webApp.entersMaintenance());
            item.put("alreadyInMaintenance", webApp.alreadyInMaintenance());
            item.put("redeploys", webApp.redeploys());
            item.put("stagingPackageUri", webApp.stagingPackage());
            item.put("keepsCurrentPackage", webApp.keepsCurrentPackage());
            item.put("maintenancePackageUri", webApp.maintenancePackage());
        }
        ArrayNode fail = body.putArray("wouldFail");
        plan.wouldFail().forEach(fail::add);
        ArrayNode notChecked = body.putArray("notChecked");
        plan.notChecked().forEach(notChecked::add);
        ArrayNode log = body.putArray("log");
        plan.log().forEach(log::add);
        return body;
    }

    /**
     * {@code packages}: a package per web app, when the start gave them so (each with its SHA-256, or kept: the
     * package production ran, for a web app given none); omitted when one package went to every web app. URIs
     * without their query string.
     */
    static void putPackages(ObjectNode body, Deployment deployment) {
        if (!deployment.perWebAppPackages()) {
            return;
        }
        ObjectNode packages = body.putObject("packages");
        deployment.packages().forEach((name, pkg) -> packages.set(name, packageNode(pkg)));
    }

    /** The package {@code webApp}'s staging slot gets, or null when it keeps one not named yet. */
    static com.fasterxml.jackson.databind.JsonNode webAppPackage(Deployment deployment, String webApp) {
        return deployment.packageFor(webApp).<com.fasterxml.jackson.databind.JsonNode>map(Views::packageNode)
                .orElse(com.fasterxml.jackson.databind.node.NullNode.getInstance());
    }

    private static ObjectNode packageNode(WebAppPackage pkg) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("uri", pkg.shown());
        node.put("sha256", pkg.sha256());
        node.put("kept", pkg.kept());
        return node;
    }

    static ObjectNode environment(EnvironmentRecord record, Optional<DeploymentSnapshot> last) {
        EnvironmentConfig config = record.config();
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("name", config.name());
        ArrayNode webApps = body.putArray("webApps");
        for (WebAppConfig webApp : config.webApps()) {
            ObjectNode item = webApps.addObject();
            item.put("name", webApp.name());
            item.put("resourceId", webApp.resourceId());
            item.put("role", webApp.role().wireName());
            item.put("stagingSlot", webApp.stagingSlot());
            item.put("maintenanceSlot", webApp.maintenanceSlot());
            ObjectNode warmUp = item.putObject("warmUp");
            warmUp.set("hostNames", Json.mapper().valueToTree(webApp.warmUp().hostNames()));
            warmUp.set("paths", Json.mapper().valueToTree(webApp.warmUp().paths()));
            warmUp.set("expectedStatuses", Json.mapper().valueToTree(webApp.warmUp().expectedStatuses()));
            Optional<WebAppState> state = last.flatMap(s -> s.webApp(webApp.name()));
            item.put("inMaintenance", state.map(WebAppState::maintenance).orElse(false));
        }
        ObjectNode database = body.putObject("database");
        database.put("serverResourceId", config.database().serverResourceId());
        database.put("name", config.database().name());
        body.put("connectionStringName", config.connectionStringName());
        body.put("databaseModeSetting", config.databaseModeSetting());
        if (config.maintenancePagePackageUri() != null) {
            body.put("maintenancePagePackageUri", Redact.uri(config.maintenancePagePackageUri()));
        }
        body.put("warmUpTimeoutSeconds", config.warmUpTimeout().toSeconds());
        if (config.webhookUrl() != null) {
            body.put("webhookUrl", Redact.uri(config.webhookUrl()));
        }
        body.put("transientRetryLimit", config.transientRetryLimit());
        if (!config.allowedHosts().isEmpty()) {
            config.allowedHosts().forEach(body.putArray("allowedHosts")::add);
        }
        body.set("approvers", Json.mapper().valueToTree(config.approvers()));
        VerificationPolicy policy = config.verification();
        ObjectNode verification = body.putObject("verification");
        ArrayNode checks = verification.putArray("smokeChecks");
        for (SmokeCheck check : policy.smokeChecks()) {
            ObjectNode item = checks.addObject();
            if (check.webApp() != null) {
                item.put("webApp", check.webApp());
            }
            item.put("path", check.path());
            item.put("expectedStatus", check.expectedStatus());
            if (check.bodyContains() != null) {
                item.put("bodyContains", check.bodyContains());
            }
        }
        verification.put("onPass", policy.onPass().wireName());
        verification.put("onFail", policy.onFail().wireName());
        verification.put("rollbackDatabase", policy.rollbackDatabase());
        verification.put("limitMinutes", policy.limit().toMinutes());
        verification.put("onLimit", policy.onLimit().wireName());
        if (policy.afterComplete() != null) {
            VerificationPolicy.AfterComplete after = policy.afterComplete();
            ObjectNode watch = verification.putObject("afterComplete");
            ArrayNode watchChecks = watch.putArray("smokeChecks");
            for (SmokeCheck check : after.smokeChecks()) {
                ObjectNode item = watchChecks.addObject();
                if (check.webApp() != null) {
                    item.put("webApp", check.webApp());
                }
                item.put("path", check.path());
                item.put("expectedStatus", check.expectedStatus());
                if (check.bodyContains() != null) {
                    item.put("bodyContains", check.bodyContains());
                }
            }
            watch.put("intervalSeconds", after.interval().toSeconds());
            watch.put("minutes", after.duration().toMinutes());
            watch.put("onFail", after.onFail().wireName());
        }
        body.put("rollbackWindowMinutes", config.rollbackWindow().toMinutes());
        ObjectNode staleness = body.putObject("staleness");
        staleness.put("noProgressLimitMinutes", config.staleness().noProgressLimit().toMinutes());
        staleness.put("action", config.staleness().action().wireName());
        if (record.activeDeploymentId() != null) {
            body.put("currentDeploymentId", record.activeDeploymentId());
        } else {
            body.putNull("currentDeploymentId");
        }
        last.ifPresent(s -> body.set("lastDeployment", summary(s.deployment())));
        return body;
    }

    /**
     * One line of {@code GET /environments}: the name, the running deployment, the last deployment (id, status,
     * created) and the web apps it left in maintenance ({@code inMaintenance} is true when there is any).
     */
    static ObjectNode environmentSummary(EnvironmentRecord record, Optional<DeploymentSnapshot> last) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("name", record.config().name());
        if (record.activeDeploymentId() != null) {
            body.put("currentDeploymentId", record.activeDeploymentId());
        } else {
            body.putNull("currentDeploymentId");
        }
        if (last.isPresent()) {
            body.set("lastDeployment", summary(last.get().deployment()));
        } else {
            body.putNull("lastDeployment");
        }
        ArrayNode inMaintenance = body.putArray("webAppsInMaintenance");
        for (WebAppConfig webApp : record.config().webApps()) {
            boolean maintenance = last.flatMap(s -> s.webApp(webApp.name())).map(WebAppState::maintenance).orElse(false);
            if (maintenance) {
                inMaintenance.add(webApp.name());
            }
        }
        body.put("inMaintenance", !inMaintenance.isEmpty());
        return body;
    }

    private static ObjectNode summary(Deployment deployment) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("id", deployment.id());
        node.put("status", deployment.status().wireName());
        node.put("createdAt", deployment.createdAt().toString());
        return node;
    }

    static ObjectNode deployment(DeploymentSnapshot snapshot, java.time.Instant now) {
        return deployment(snapshot, Optional.empty(), false, now);
    }

    /**
     * @param diagnosis   why it failed, when it did
     * @param cloneWrites for a ReadWrite run not yet gone live: show the writes that reached the temporary database,
     *                    as last counted and stored on the deployment ({@link Deployment#cloneWriteCount()}), with
     *                    when they were counted
     */
    static ObjectNode deployment(DeploymentSnapshot snapshot, Optional<Diagnosis> diagnosis, boolean cloneWrites,
                                 java.time.Instant now) {
        Deployment deployment = snapshot.deployment();
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("id", deployment.id());
        body.put("environment", deployment.environment());
        body.put("status", deployment.status().wireName());
        body.put("stage", deployment.stage().name());
        body.put("percentComplete", Progress.percentComplete(snapshot));
        body.put("mode", deployment.mode().wireName());
        ObjectNode pkg = body.putObject("package");
        pkg.put("uri", Redact.uri(deployment.packageUri()));
        pkg.put("sha256", deployment.packageSha256());
        if (deployment.packageVerifiedAt() != null) {
            pkg.put("verifiedAt", deployment.packageVerifiedAt().toString());
        }
        putPackages(body, deployment);
        if (deployment.commitId() != null) {
            body.put("commitId", deployment.commitId());
        }
        if (deployment.pipelineRunUrl() != null) {
            body.put("pipelineRunUrl", deployment.pipelineRunUrl());
        }
        if (deployment.idempotencyKey() != null) {
            body.put("idempotencyKey", deployment.idempotencyKey());
        }
        body.put("createdAt", deployment.createdAt().toString());
        body.put("updatedAt", deployment.updatedAt().toString());
        body.put("rollbackDatabase", deployment.rollbackDatabase());
        body.set("audit", audit(deployment.audit()));
        if (deployment.cancelReason() != null) {
            body.put("cancelReason", deployment.cancelReason());
        }
        ArrayNode webApps = body.putArray("webApps");
        for (WebAppState webApp : snapshot.webApps()) {
            ObjectNode item = webApps.addObject();
            item.put("name", webApp.name());
            item.put("role", webApp.role().wireName());
            item.put("phase", webApp.phase().wireName());
            item.put("inMaintenance", webApp.maintenance());
            item.set("package", webAppPackage(deployment, webApp.name()));
            if (webApp.workingStage() != null) {
                item.put("workingOn", webApp.workingStage().name());
                item.put("checks", webApp.checks());
            }
            if (webApp.error() != null) {
                item.set("error", error(webApp.error()));
            }
            ObjectNode timings = item.putObject("timings");
            webApp.timings().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(t -> {
                ObjectNode timing = timings.putObject(t.getKey().name());
                timing.put("startedAt", t.getValue().startedAt().toString());
                timing.put("endedAt", t.getValue().endedAt().toString());
                timing.put("seconds", java.time.Duration.between(t.getValue().startedAt(), t.getValue().endedAt())
                        .toMillis() / 1000.0);
                timing.put("runs", t.getValue().attempts());
            });
        }
        ArrayNode smoke = body.putArray("smokeChecks");
        deployment.smokeChecks().forEach(r -> smoke.add(smokeCheck(r)));
        if (cloneWrites) {
            ObjectNode clone = body.putObject("temporaryDatabase");
            clone.put("name", deployment.temporaryDatabaseName(snapshot.environment().config().database().name()));
            CloneWriteCount count = deployment.cloneWriteCount();
            if (count != null && count.writes() != null) {
                clone.put("writesSinceClone", count.writes());
            } else {
                clone.putNull("writesSinceClone");
            }
            if (count != null) {
                clone.put("writesCountedAt", count.countedAt().toString());
            } else {
                clone.putNull("writesCountedAt");
            }
        }
        ArrayNode errors = body.putArray("errors");
        deployment.errors().forEach(e -> errors.add(error(e)));
        diagnosis.ifPresent(d -> body.set("diagnosis", diagnosis(d)));
        body.set("warnings", Json.mapper().valueToTree(deployment.warnings()));
        body.set("validationLinks", Json.mapper().valueToTree(deployment.validationLinks()));
        RollbackWindow window = deployment.rollbackWindow();
        if (window != null) {
            if (window.isOpenAt(now)) {
                body.put("rollbackAvailableUntil", window.until().toString());
            }
            ObjectNode rollback = body.putObject("rollbackWindow");
            rollback.put("until", window.until().toString());
            rollback.put("open", window.isOpenAt(now));
            if (window.closedAt() != null) {
                rollback.put("closedAt", window.closedAt().toString());
                rollback.put("closedBecause", window.closedBecause());
            }
            if (window.rollbackReason() != null) {
                body.put("rollbackReason", window.rollbackReason());
            }
        }
        body.set("allowedActions", Json.mapper().valueToTree(deployment.allowedActions(now)));
        return body;
    }

    static ObjectNode smokeCheck(SmokeCheckResult result) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("webApp", result.webApp());
        node.put("path", result.path());
        node.put("expectedStatus", result.expectedStatus());
        if (result.bodyContains() != null) {
            node.put("bodyContains", result.bodyContains());
        }
        node.put("status", result.status());
        node.put("passed", result.passed());
        node.put("detail", result.detail());
        node.put("milliseconds", result.millis());
        return node;
    }

    static ObjectNode diagnosis(Diagnosis diagnosis) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("cause", diagnosis.cause().wireName());
        node.put("summary", diagnosis.summary());
        node.set("evidence", Json.mapper().valueToTree(diagnosis.evidence()));
        node.set("affectedWebApps", Json.mapper().valueToTree(diagnosis.affectedWebApps()));
        node.put("fix", diagnosis.fix());
        node.put("advice", diagnosis.advice().wireName());
        return node;
    }

    static ObjectNode error(DeploymentError error) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("kind", error.kind().name());
        node.put("stage", error.stage().name());
        if (error.webApp() != null) {
            node.put("webApp", error.webApp());
        }
        node.put("message", error.message());
        node.put("at", error.at().toString());
        return node;
    }

    /** A page of the log, with the {@code since} of the lines after it and whether they are there already. */
    static ObjectNode log(String deploymentId, io.smoothdeploy.engine.port.LogPage page) {
        ObjectNode body = log(deploymentId, page.lines());
        body.put("next", page.next() == null ? null : page.next().toString());
        body.put("more", page.more());
        return body;
    }

    static ObjectNode log(String deploymentId, List<LogLine> lines) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("deploymentId", deploymentId);
        ArrayNode list = body.putArray("lines");
        for (LogLine line : lines) {
            ObjectNode item = list.addObject();
            item.put("at", line.at().toString());
            item.put("level", line.level().name());
            if (line.webApp() != null) {
                item.put("webApp", line.webApp());
            }
            item.put("message", line.message());
        }
        return body;
    }

    /** The commands asked of a deployment, oldest first: action, when, and who (name, object id, role, source). */
    static ArrayNode audit(List<AuditEntry> entries) {
        ArrayNode list = Json.mapper().createArrayNode();
        for (AuditEntry entry : entries) {
            ObjectNode item = list.addObject();
            item.put("action", entry.action());
            item.put("at", entry.at().toString());
            ObjectNode by = item.putObject("by");
            Actor actor = entry.actor();
            by.put("name", actor.name());
            if (actor.objectId() != null) {
                by.put("objectId", actor.objectId());
            } else {
                by.putNull("objectId");
            }
            if (actor.role() != null) {
                by.put("role", actor.role());
            } else {
                by.putNull("role");
            }
            by.put("source", actor.source());
        }
        return list;
    }
}
