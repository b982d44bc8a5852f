package io.smoothdeploy.engine.diagnosis;

import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentError;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.FailureEvidence;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.WebAppState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed deployment's errors and log into a {@link Diagnosis}: a cause, the lines that show it, and what
 * to do next.
 *
 * <p>The step code records a {@link io.smoothdeploy.engine.FailureKind}, which says which part of the run gave up
 * (warm-up, credentials, the package check…). That is not yet what a person needs: a warm-up failure may be a
 * slow cold start (wait longer), an exception at startup (ship a fix), a failed migration (restore the database,
 * ship a fix) or an IP filter (change a setting). Those read differently only in the answer the slot gave, which
 * the failing step records as {@link FailureEvidence.Probe} (status, host, path, the body's first line), so the
 * classifier reads that answer. It reads fields only, never the text of an error or a log line: the words are for
 * people and may change. The patterns below look at the body line a probed site answered, which is the site's text,
 * not ours.
 *
 * <p>The deciding error is the deployment's last one: it is the failure that stopped the run (or, after a reset,
 * the one that stopped the reset). The other errors, and the web apps' own errors, still count as evidence and as
 * affected web apps, because a multi-web-app run can fail on more than one site at once.
 *
 * <p>Pure: it reads only what it is given, so the API, the CLI and the webhook can show the same diagnosis for the
 * same stored state.
 */
public final class Classifier {

    /** At most this many evidence lines: enough to show what failed and what led to it, few enough to read. */
    static final int MAX_EVIDENCE = 8;
    /** Error messages take at most this many evidence lines, so the log lines that explain them still fit. */
    static final int MAX_ERROR_LINES = 4;

    private static final Pattern READ_ONLY = Pattern.compile("read-?only", Pattern.CASE_INSENSITIVE);
    private static final Pattern MIGRATION = Pattern.compile("migrat|schema", Pattern.CASE_INSENSITIVE);
    /** An answer that starts with an exception's type name, as an unhandled exception at startup does. */
    private static final Pattern EXCEPTION_FIRST = Pattern.compile(
            "(?:Unhandled exception\\.\\s*)?((?:[A-Za-z_]\\w*\\.)*[A-Za-z_]\\w*(?:Exception|Error))(?::|\\s|$)");
    /** ASP.NET Core's own words when the process cannot start (the 500.30 family of errors). */
    private static final Pattern FAILED_TO_START = Pattern.compile("failed to start|HTTP Error 500\\.3\\d",
            Pattern.CASE_INSENSITIVE);
    /** ARM's error codes for a token it refused (the ARM error reference's authentication codes). */
    private static final Set<String> TOKEN_CODES = Set.of("ExpiredAuthenticationToken", "InvalidAuthenticationToken",
            "InvalidAuthenticationTokenTenant", "AuthenticationFailed");

    private Classifier() {
    }

    /**
     * Diagnoses the deployment in {@code snapshot}, or nothing when it has recorded no error. A deployment that
     * failed and was then reset still carries its errors, and is still diagnosed: the reset does not explain why
     * the run failed.
     *
     * @param snapshot the deployment and its web apps, as stored
     * @param log      the deployment's log, oldest first (may be empty)
     */
    public static Optional<Diagnosis> diagnose(DeploymentSnapshot snapshot, List<LogLine> log) {
        Deployment deployment = snapshot.deployment();
        if (deployment.errors().isEmpty()) {
            return Optional.empty();
        }
        DeploymentError deciding = deployment.errors().get(deployment.errors().size() - 1);
        List<DeploymentError> errors = errorsDecidingFirst(deciding, deployment, snapshot.webApps());
        List<String> affected = affectedWebApps(errors, snapshot.webApps());
        Finding finding = classify(deciding, snapshot);
        List<String> evidence = Evidence.gather(errors, finding.cause(), deciding.kind(), deciding.stage(), Set.copyOf(affected),
                deciding.webApp() == null, log == null ? List.of() : log);
        return Optional.of(new Diagnosis(finding.cause(), finding.summary(), evidence, affected, finding.fix(),
                finding.advice()));
    }

    /** The deciding error, then the deployment's other errors newest first, then web-app errors not yet listed. */
    private static List<DeploymentError> errorsDecidingFirst(DeploymentError deciding, Deployment deployment,
                                                             List<WebAppState> webApps) {
        List<DeploymentError> all = new ArrayList<>();
        all.add(deciding);
        List<DeploymentError> recorded = deployment.errors();
        for (int i = recorded.size() - 2; i >= 0; i--) {
            all.add(recorded.get(i));
        }
        for (WebAppState webApp : webApps) {
            if (webApp.error() != null) {
                all.add(webApp.error());
            }
        }
        // The same failure is usually recorded twice, on the deployment and on its web app: quote it once.
        Set<String> seen = new LinkedHashSet<>();
        List<DeploymentError> distinct = new ArrayList<>();
        for (DeploymentError error : all) {
            if (seen.add(error.webApp() + "\n" + error.message())) {
                distinct.add(error);
            }
        }
        return distinct;
    }

    /** The web apps named by an error, in the environment's order, then any an error names that it no longer has. */
    private static List<String> affectedWebApps(List<DeploymentError> errors, List<WebAppState> webApps) {
        Set<String> named = new LinkedHashSet<>();
        for (DeploymentError error : errors) {
            if (error.webApp() != null) {
                named.add(error.webApp());
            }
        }
        Set<String> ordered = new LinkedHashSet<>();
        for (WebAppState webApp : webApps) {
            if (named.contains(webApp.name())) {
                ordered.add(webApp.name());
            }
        }
        ordered.addAll(named);
        return List.copyOf(ordered);
    }

    private static Finding classify(DeploymentError error, DeploymentSnapshot snapshot) {
        if (error.kind() == null) {
            return unknown(error);
        }
        switch (error.kind()) {
            case WARM_UP:
                return warmUp(error, snapshot);
            case CREDENTIALS:
                return credentials(error);
            case PACKAGE:
                return packageFailure(error);
            default:
                // A refused token surfaces as whatever the failing call was classified as (a cloud operation that
                // kept failing, a dead-lettered step); its code still says what it was.
                FailureEvidence seen = error.evidenceOrEmpty();
                if (seen.credentials() || (seen.cloudCode() != null && TOKEN_CODES.contains(seen.cloudCode()))) {
                    return credentials(error);
                }
                return unknown(error);
        }
    }

    /** A warm-up failure: what the slot answered decides the cause. */
    private static Finding warmUp(DeploymentError error, DeploymentSnapshot snapshot) {
        Answer answer = Answer.of(error.evidenceOrEmpty().probe());
        boolean maintenanceSlot = error.stage() == Stage.ENTER_MAINTENANCE;
        String slot = maintenanceSlot ? "maintenance slot" : "staging slot";
        String where = where(error);
        // Read-only first: an old release may well report the read-only database through an exception.
        if (maintenanceSlot && answer.serverError() && READ_ONLY.matcher(answer.detail()).find()) {
            return new Finding(Cause.READ_ONLY_NOT_SUPPORTED,
                    "The version now in production" + on(error) + " does not support read-only mode: its"
                            + " maintenance slot failed on the read-only database clone" + during(error) + ".",
                    readOnlyFix(snapshot),
                    Advice.RETRY_SAME_PACKAGE);
        }
        if (answer.status() == 403) {
            return new Finding(Cause.IP_FILTER,
                    "The warm-up requests to the " + slot + on(error) + " were refused with HTTP 403 by an IP filter"
                            + during(error) + ".",
                    "Let the warm-up requests through: the application's IP allow-list or the slot's access"
                            + " restrictions must admit the orchestrator's outbound addresses (and App Service's"
                            + " internal warm-up requests). Then start again with the same package.",
                    Advice.RETRY_SAME_PACKAGE);
        }
        // Migration before the generic startup error: a failed migration is usually thrown as an exception too.
        if (answer.serverError() && MIGRATION.matcher(answer.detail()).find()) {
            return maintenanceSlot ? migrationOnClone(where, snapshot) : migration(where);
        }
        Matcher exception = EXCEPTION_FIRST.matcher(answer.detail());
        boolean threw = exception.lookingAt();
        if (answer.serverError() && (threw || FAILED_TO_START.matcher(answer.detail()).find())) {
            String what = threw ? "it throws " + exception.group(1) : "it stops with an error";
            return maintenanceSlot ? startupOnClone(what, where, snapshot) : startup(what, where);
        }
        return warmUpTimeout(answer, slot + on(error), maintenanceSlot, during(error));
    }

    /**
     * What to do when the version in production cannot run read-only. Another mode needs a fresh start: a start in
     * another mode is refused while a web app of the failed run is still in maintenance in this one (see
     * {@link io.smoothdeploy.engine.Resume#refusal}), so then the reset comes first, and the advice says so.
     */
    private static String readOnlyFix(DeploymentSnapshot snapshot) {
        String modes = "start again in ReadWrite mode (the live site then writes to the clone, and those writes are"
                + " lost on Complete) or in MaintenancePage mode";
        List<String> inMaintenance = inMaintenance(snapshot);
        if (inMaintenance.isEmpty()) {
            return "The version now in production cannot run on a read-only database. S" + modes.substring(1)
                    + ", or first ship a release that supports read-only mode.";
        }
        String id = snapshot.deployment().id();
        return "The version now in production cannot run on a read-only database. " + String.join(", ", inMaintenance)
                + " stayed in maintenance in " + snapshot.deployment().mode().wireName() + " mode, and a start in"
                + " another mode is refused while a web app is in maintenance: first reset deployment " + id
                + " (POST /api/deployments/" + id + "/reset) and wait for Reset, then " + modes + ". Or ship a release"
                + " that supports read-only mode and start it in " + snapshot.deployment().mode().wireName()
                + " mode, which resumes this run.";
    }

    private static Finding migration(String where) {
        return new Finding(Cause.MIGRATION_FAILURE,
                "The new package's database migration failed" + where + ".",
                "The production database may be partly migrated: reset the deployment with rollbackDatabase=true to"
                        + " restore it to the moment the deployment started, then fix the migration and deploy the"
                        + " fixed package.",
                Advice.DEPLOY_FIXED_PACKAGE);
    }

    /**
     * The maintenance slot runs the old release on the clone, so a migration there is the old release changing
     * the clone: the production database is untouched and the new package is not involved. The old release migrates
     * only a database it may write to, so a start in ReadOnly or MaintenancePage mode gets past it; a start in another
     * mode is refused while a web app of the failed run is in maintenance, so then the reset comes first.
     */
    private static Finding migrationOnClone(String where, DeploymentSnapshot snapshot) {
        String modes = "start again in ReadOnly mode (the version now in production does not migrate a read-only"
                + " database) or in MaintenancePage mode";
        List<String> inMaintenance = inMaintenance(snapshot);
        if (!inMaintenance.isEmpty() && snapshot.deployment().mode() == io.smoothdeploy.engine.DeploymentMode.READ_WRITE) {
            String id = snapshot.deployment().id();
            modes = "first reset deployment " + id + " (POST /api/deployments/" + id + "/reset: "
                    + String.join(", ", inMaintenance) + " stayed in maintenance, and a start in another mode is"
                    + " refused while a web app is) and wait for Reset, then " + modes;
        }
        return new Finding(Cause.MIGRATION_FAILURE,
                "The version now in production ran a database migration on the database clone and it failed" + where
                        + ".",
                "The production database was not changed by this. The version now in production does not match the"
                        + " database's schema (a previous deployment may have been left half done), and it migrates"
                        + " the clone when it runs on it read-write: " + modes + ". Or bring the version in production"
                        + " and the database's schema back in line, then start again with the same package.",
                Advice.RETRY_SAME_PACKAGE);
    }

    private static Finding startup(String what, String where) {
        return new Finding(Cause.STARTUP_ERROR,
                "The new package failed to start: " + what + where + ".",
                "Read the exception in the evidence (and the staging slot's application log), fix its cause in the"
                        + " application and deploy the fixed package.",
                Advice.DEPLOY_FIXED_PACKAGE);
    }

    /** The release that fails to start here is the one already live, so a new package cannot be the fix. */
    private static Finding startupOnClone(String what, String where, DeploymentSnapshot snapshot) {
        String otherMode = "start again in MaintenancePage mode";
        List<String> inMaintenance = inMaintenance(snapshot);
        if (!inMaintenance.isEmpty() && snapshot.deployment().mode() != io.smoothdeploy.engine.DeploymentMode.MAINTENANCE_PAGE) {
            String id = snapshot.deployment().id();
            otherMode = "first reset deployment " + id + " (POST /api/deployments/" + id + "/reset: "
                    + String.join(", ", inMaintenance) + " stayed in maintenance, and a start in another mode is"
                    + " refused while a web app is) and wait for Reset, then " + otherMode;
        }
        return new Finding(Cause.STARTUP_ERROR,
                "The version now in production failed to start in the maintenance slot on the database clone: " + what
                        + where + ".",
                "The new package is not at fault: the version now in production throws when it runs on the database"
                        + " clone with the deployment's settings. Read the exception in the evidence, correct the"
                        + " environment (connection string, app settings) and start again with the same package, or "
                        + otherMode + ".",
                Advice.RETRY_SAME_PACKAGE);
    }

    private static List<String> inMaintenance(DeploymentSnapshot snapshot) {
        return snapshot.webApps().stream().filter(WebAppState::maintenance).map(WebAppState::name).toList();
    }

    private static Finding warmUpTimeout(Answer answer, String slot, boolean maintenanceSlot, String during) {
        String summary = "The " + slot + " did not answer its warm-up requests as expected in time" + during + ".";
        if (answer.status() == 404) {
            String target = answer.target() == null ? "A warm-up path" : answer.target();
            String runs = maintenanceSlot ? "the version now in production" : "the new package";
            return new Finding(Cause.WARM_UP_FAILED, summary,
                    target + " answered HTTP 404: the warm-up path may not exist in " + runs + ". Correct the warm-up"
                            + " paths in the environment registration (or add the page to the package), then start"
                            + " again.",
                    Advice.RETRY_SAME_PACKAGE);
        }
        return new Finding(Cause.WARM_UP_FAILED, summary,
                "Check the warm-up paths and expected statuses in the environment registration against the answer"
                        + " quoted in the evidence. If the cold start is only slow, raise warmUpTimeoutSeconds. Then"
                        + " start again with the same package.",
                Advice.RETRY_SAME_PACKAGE);
    }

    private static Finding credentials(DeploymentError error) {
        return new Finding(Cause.DEPLOYMENT_CREDENTIALS,
                "The orchestrator's Azure credentials were refused" + where(error) + ".",
                "Check the orchestrator's managed identity (the AZURE_CLIENT_ID it runs with, and its role"
                        + " assignments) and that its token endpoint answers, then start again with the same package:"
                        + " the new run resumes from each web app's state.",
                Advice.RETRY_SAME_PACKAGE);
    }

    /** Only a hash that does not match is a package mismatch; a package that cannot be read is a URI problem. */
    private static Finding packageFailure(DeploymentError error) {
        if (error.evidenceOrEmpty().packageMismatch()) {
            return new Finding(Cause.PACKAGE_MISMATCH,
                    "The package's bytes do not match the SHA-256 given when the deployment started, found" + where(error)
                            + ".",
                    "Upload the package again, or start again with the SHA-256 of the package that was actually"
                            + " uploaded (the CLI computes it with --package-file).",
                    Advice.DEPLOY_FIXED_PACKAGE);
        }
        return new Finding(Cause.UNKNOWN,
                "The package could not be read" + where(error) + ".",
                "The package could not be read: check that its URI points at the uploaded zip and that any SAS token"
                        + " in it is valid and not expired, then start again with the same package.",
                Advice.RETRY_SAME_PACKAGE);
    }

    private static Finding unknown(DeploymentError error) {
        FailureKind kind = error.kind() == null ? FailureKind.UNKNOWN : error.kind();
        String hint;
        switch (kind) {
            case CLOUD_OPERATION:
                hint = "CLOUD_OPERATION means Azure refused an operation in a way that retrying the same call does not"
                        + " fix: correct what its error code names (a quota, a resource lock, a missing role"
                        + " assignment)";
                break;
            case CONFIGURATION:
                hint = "CONFIGURATION means the environment registration does not match Azure (a missing site, slot,"
                        + " connection string or database): correct the registration or the resource";
                break;
            case DATABASE:
                hint = "DATABASE means the database copy or restore failed or did not finish in time, or a rollback's"
                        + " restore point is before the database's earliest restore point: check the Azure SQL server's"
                        + " capacity and its recent operations, or reset without rollbackDatabase";
                break;
            case DEAD_LETTERED:
                hint = "DEAD_LETTERED means a step kept failing until its message was dead-lettered: find the"
                        + " exception in the function app's logs for that step and correct its cause";
                break;
            default:
                hint = "the failure could not be classified: the quoted messages are all there is to go on";
                break;
        }
        return new Finding(Cause.UNKNOWN,
                "A " + kind + " error with no more specific diagnosis stopped the deployment" + where(error) + ".",
                "Read the evidence; " + hint + ". Then start again with the same package: the new run resumes from"
                        + " each web app's state.",
                Advice.RETRY_SAME_PACKAGE);
    }

    /** {@code " on cms while warming up"}: the web app (when there is one) and the stage, for a summary. */
    private static String where(DeploymentError error) {
        return on(error) + during(error);
    }

    private static String on(DeploymentError error) {
        return error.webApp() == null ? "" : " on " + error.webApp();
    }

    private static String during(DeploymentError error) {
        return " while " + describe(error.stage());
    }

    /** A stage in words (the stage table's), or "running" when the error names none. */
    static String describe(Stage stage) {
        return stage == null ? "running" : stage.description();
    }

    private record Finding(Cause cause, String summary, String fix, Advice advice) {
    }

    /**
     * What a slot answered to the warm-up request that failed: the target ({@code host/path}, null when no probe
     * was recorded), the HTTP status (0 when there was no HTTP answer, as for a refused connection or a timeout,
     * or no probe) and the rest of the answer (the first line of the body, or what went wrong instead).
     */
    private record Answer(String target, int status, String detail) {

        /** An error stored before probes were recorded has none: its diagnosis is then the generic warm-up one. */
        static Answer of(FailureEvidence.Probe probe) {
            if (probe == null) {
                return new Answer(null, 0, "");
            }
            String detail = probe.detail() == null ? "" : probe.detail();
            // A body that repeats its status line ("HTTP 503 Service Unavailable") is kept as the site sent it.
            return new Answer(probe.target(), probe.status(), detail);
        }

        boolean serverError() {
            return status >= 500 && status <= 599;
        }
    }
}
