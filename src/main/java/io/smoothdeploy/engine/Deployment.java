package io.smoothdeploy.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deployment's own row. Web apps have rows of their own ({@link WebAppState}).
 *
 * @param id               unique id, also the key of every message and row of this deployment
 * @param environment      the environment it deploys
 * @param status           where it stands for its callers
 * @param stage            the stage it is running (or {@link Stage#FINISHED})
 * @param checks           for a deployment-level stage: how many times it has been checked again
 * @param mode             ReadOnly, ReadWrite or MaintenancePage
 * @param packageUri       the new package (may carry a SAS query string: never log it whole)
 * @param packageSha256    the package's SHA-256 as given by the caller, lower-case hex
 * @param idempotencyKey   the caller's key, or null
 * @param createdAt        when it started; a database rollback restores to this moment
 * @param updatedAt        when its row last changed (progress)
 * @param stageStartedAt   when the current deployment-level stage first ran, or null
 * @param rollbackDatabase for a reset: restore the production database to {@code createdAt} first
 * @param errors           what went wrong, oldest first
 * @param warnings         what deserves a look but did not stop it
 * @param validationLinks  the staging URLs to check while awaiting verification
 * @param lineageId        the run whose temporary database and slot markers this deployment carries on: its
 *                         own id, or for a resumed run, the lineage of the failed run it resumes
 * @param resumedFrom      the failed deployment this one resumes, or null
 * @param round            0, then one more for each command that starts a flow again on this deployment: a roll
 *                         forward, a Complete, a Reset (see {@link StepMessage#round()}); every attempt gets
 *                         message ids of its own, so duplicate detection never drops a legitimate second attempt
 * @param staleEpisode     the stale-maintenance episode last reported for this deployment, or null
 * @param lineageStartedAt when the lineage's first run started: a database rollback restores to this moment,
 *                         before any run of the lineage touched the database
 * @param commitId         the source commit the package was built from, as given at start, or null
 * @param pipelineRunUrl   the pipeline run that started it, as given at start, or null
 * @param packageVerifiedAt when the package's bytes were checked against {@code packageSha256}, or null
 * @param smokeChecks      the smoke checks' results against the staging slots, once run
 * @param timings          per finished deployment-level stage, when it started and ended and how many runs it took
 * @param cloneWritesAccepted for a ReadWrite run that is going live: how many writes to the temporary database a
 *                         person accepted to lose ({@value #ANY_NUMBER_OF_WRITES} for an uncounted number; 0 when
 *                         none reached it), or null before Complete
 * @param maintenancePackages per main site (by web app name): the package its maintenance slot runs, named at start
 *                         (production's package URL, the caller's {@code currentPackages}, or the package the
 *                         orchestrator last deployed there); values may carry a SAS query string: never log them whole
 * @param audit            the commands asked of this deployment, oldest first: who started it, rolled it forward,
 *                         completed it, accepted data loss or reset it (empty for rows written before it was kept)
 * @param cloneWriteCount  for a ReadWrite run: the last count of the writes that reached the temporary database,
 *                         with when it was taken (by the await-verification step, the timer or Complete); null when
 *                         not counted yet (and for rows written before it was kept). What a status poll shows
 * @param cancelReason     for a cancelled run: the reason its canceller gave (null when none was given, or not cancelled)
 * @param rollbackWindow   for a deployment that went live keeping the previous code warm: its rollback window
 *                         ({@link RollbackWindow}); null when none was kept (and for rows written before it was kept)
 * @param packages         a package per web app (by name), when the start gave them so ({@code packages}); empty when
 *                         it gave one package for every web app ({@code packageUri}, then {@code packageUri} and
 *                         {@code packageSha256} hold it; with a map both are null). A web app the start gave none
 *                         keeps production's package: its entry is {@link WebAppPackage#kept()}, named by the package
 *                         check before anything changed (absent until then). See {@link #packageFor}
 * @param resetVerification for a two-phase reset ({@code validateBeforeSwap}): where it was asked from and the links
 *                         then; null for a reset that swaps straight back, and before any reset
 * @param etag             the store's version of this row
 */
public record Deployment(
        String id,
        String environment,
        DeploymentStatus status,
        Stage stage,
        int checks,
        DeploymentMode mode,
        String packageUri,
        String packageSha256,
        String idempotencyKey,
        Instant createdAt,
        Instant updatedAt,
        Instant stageStartedAt,
        boolean rollbackDatabase,
        List<DeploymentError> errors,
        List<String> warnings,
        List<String> validationLinks,
        String lineageId,
        String resumedFrom,
        Instant lineageStartedAt,
        int round,
        String staleEpisode,
        String commitId,
        String pipelineRunUrl,
        Instant packageVerifiedAt,
        List<SmokeCheckResult> smokeChecks,
        Map<Stage, WebAppState.StageTiming> timings,
        Long cloneWritesAccepted,
        Map<String, String> maintenancePackages,
        List<AuditEntry> audit,
        CloneWriteCount cloneWriteCount,
        String cancelReason,
        RollbackWindow rollbackWindow,
        Map<String, WebAppPackage> packages,
        ResetVerification resetVerification,
        String etag) {

    /** {@link #cloneWritesAccepted} when a person accepted losing writes that could not be counted. */
    public static final long ANY_NUMBER_OF_WRITES = Long.MAX_VALUE;

    public Deployment {
        smokeChecks = smokeChecks == null ? List.of() : List.copyOf(smokeChecks);
        timings = timings == null ? Map.of() : Map.copyOf(timings);
        maintenancePackages = maintenancePackages == null ? Map.of() : Map.copyOf(maintenancePackages);
        packages = packages == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(packages));
        audit = audit == null ? List.of() : List.copyOf(audit);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        validationLinks = List.copyOf(validationLinks);
        if (lineageId == null) {
            lineageId = id;
        }
        if (lineageStartedAt == null) {
            lineageStartedAt = createdAt;
        }
    }

    /** A deployment with no provenance, no package check, no smoke checks and no stage timings yet. */
    public Deployment(String id, String environment, DeploymentStatus status, Stage stage, int checks,
                      DeploymentMode mode, String packageUri, String packageSha256, String idempotencyKey,
                      Instant createdAt, Instant updatedAt, Instant stageStartedAt, boolean rollbackDatabase,
                      List<DeploymentError> errors, List<String> warnings, List<String> validationLinks,
                      String lineageId, String resumedFrom, Instant lineageStartedAt, int round, String staleEpisode,
                      String etag) {
        this(id, environment, status, stage, checks, mode, packageUri, packageSha256, idempotencyKey, createdAt,
                updatedAt, stageStartedAt, rollbackDatabase, errors, warnings, validationLinks, lineageId, resumedFrom,
                lineageStartedAt, round, staleEpisode, null, null, null, List.of(), Map.of(), null, etag);
    }

    /** A deployment whose main sites have no maintenance package named yet. */
    public Deployment(String id, String environment, DeploymentStatus status, Stage stage, int checks,
                      DeploymentMode mode, String packageUri, String packageSha256, String idempotencyKey,
                      Instant createdAt, Instant updatedAt, Instant stageStartedAt, boolean rollbackDatabase,
                      List<DeploymentError> errors, List<String> warnings, List<String> validationLinks,
                      String lineageId, String resumedFrom, Instant lineageStartedAt, int round, String staleEpisode,
                      String commitId, String pipelineRunUrl, Instant packageVerifiedAt,
                      List<SmokeCheckResult> smokeChecks, Map<Stage, WebAppState.StageTiming> timings,
                      Long cloneWritesAccepted, String etag) {
        this(id, environment, status, stage, checks, mode, packageUri, packageSha256, idempotencyKey, createdAt,
                updatedAt, stageStartedAt, rollbackDatabase, errors, warnings, validationLinks, lineageId, resumedFrom,
                lineageStartedAt, round, staleEpisode, commitId, pipelineRunUrl, packageVerifiedAt, smokeChecks,
                timings, cloneWritesAccepted, Map.of(), etag);
    }

    /** A deployment with no command recorded on it (as rows written before the audit was kept read). */
    public Deployment(String id, String environment, DeploymentStatus status, Stage stage, int checks,
                      DeploymentMode mode, String packageUri, String packageSha256, String idempotencyKey,
                      Instant createdAt, Instant updatedAt, Instant stageStartedAt, boolean rollbackDatabase,
                      List<DeploymentError> errors, List<String> warnings, List<String> validationLinks,
                      String lineageId, String resumedFrom, Instant lineageStartedAt, int round, String staleEpisode,
                      String commitId, String pipelineRunUrl, Instant packageVerifiedAt,
                      List<SmokeCheckResult> smokeChecks, Map<Stage, WebAppState.StageTiming> timings,
                      Long cloneWritesAccepted, Map<String, String> maintenancePackages, String etag) {
        this(id, environment, status, stage, checks, mode, packageUri, packageSha256, idempotencyKey, createdAt,
                updatedAt, stageStartedAt, rollbackDatabase, errors, warnings, validationLinks, lineageId, resumedFrom,
                lineageStartedAt, round, staleEpisode, commitId, pipelineRunUrl, packageVerifiedAt, smokeChecks,
                timings, cloneWritesAccepted, maintenancePackages, List.of(), etag);
    }

    /** A deployment whose temporary database's writes were not counted yet (as rows written before it was kept). */
    public Deployment(String id, String environment, DeploymentStatus status, Stage stage, int checks,
                      DeploymentMode mode, String packageUri, String packageSha256, String idempotencyKey,
                      Instant createdAt, Instant updatedAt, Instant stageStartedAt, boolean rollbackDatabase,
                      List<DeploymentError> errors, List<String> warnings, List<String> validationLinks,
                      String lineageId, String resumedFrom, Instant lineageStartedAt, int round, String staleEpisode,
                      String commitId, String pipelineRunUrl, Instant packageVerifiedAt,
                      List<SmokeCheckResult> smokeChecks, Map<Stage, WebAppState.StageTiming> timings,
                      Long cloneWritesAccepted, Map<String, String> maintenancePackages, List<AuditEntry> audit,
                      String etag) {
        this(id, environment, status, stage, checks, mode, packageUri, packageSha256, idempotencyKey, createdAt,
                updatedAt, stageStartedAt, rollbackDatabase, errors, warnings, validationLinks, lineageId, resumedFrom,
                lineageStartedAt, round, staleEpisode, commitId, pipelineRunUrl, packageVerifiedAt, smokeChecks,
                timings, cloneWritesAccepted, maintenancePackages, audit, null, etag);
    }

    /**
     * The package {@code webApp}'s staging slot gets: its own when the start gave a package per web app (a kept one
     * once the package check named it), else the one package of the deployment. Empty for a web app given none whose
     * kept package is not named yet.
     */
    public java.util.Optional<WebAppPackage> packageFor(String webApp) {
        if (!packages.isEmpty()) {
            return java.util.Optional.ofNullable(packages.get(webApp));
        }
        return packageUri == null ? java.util.Optional.empty()
                : java.util.Optional.of(WebAppPackage.given(packageUri, packageSha256));
    }

    /** True when the start gave a package per web app ({@link #packages}) rather than one for all. */
    public boolean perWebAppPackages() {
        return !packages.isEmpty();
    }

    /**
     * The packages the caller gave, each once (two web apps may share one): what the package check reads and
     * verifies against its SHA-256. Kept packages are not among them: no caller gave their SHA-256.
     */
    public List<WebAppPackage> givenPackages() {
        if (packages.isEmpty()) {
            return packageUri == null ? List.of() : List.of(WebAppPackage.given(packageUri, packageSha256));
        }
        Map<String, WebAppPackage> distinct = new LinkedHashMap<>();
        for (WebAppPackage pkg : packages.values()) {
            if (!pkg.kept()) {
                distinct.putIfAbsent(pkg.uri() + "#" + pkg.sha256(), pkg);
            }
        }
        return List.copyOf(distinct.values());
    }

    /**
     * The packages in words for a log line, with no SAS: {@code package <uri>}, or {@code packages cms <uri>,
     * scheduler kept (production's)}.
     */
    public String describePackages() {
        return describePackages(packageUri, packages);
    }

    /** As {@link #describePackages()}, for a package, or a map of them when it is not empty. */
    public static String describePackages(String packageUri, Map<String, WebAppPackage> packages) {
        if (packages == null || packages.isEmpty()) {
            return "package " + Redact.uri(packageUri);
        }
        List<String> parts = new ArrayList<>();
        new java.util.TreeMap<>(packages).forEach((name, pkg) -> parts.add(name + " " + pkg.shown()
                + (pkg.kept() ? " (kept: production's)" : "")));
        return "packages " + String.join(", ", parts);
    }

    /**
     * The same deployment with every web app's entry for {@code verified} (the same URI and SHA-256) marked as
     * found to match; progress time is left as it is. Nothing changes with one package for all (one run checks it).
     */
    public Deployment withPackageVerified(WebAppPackage verified) {
        if (verified == null || packages.isEmpty()) {
            return this;
        }
        Map<String, WebAppPackage> all = new LinkedHashMap<>();
        packages.forEach((name, pkg) -> all.put(name, pkg.sameAs(verified) ? pkg.asVerified() : pkg));
        return withPackages(all);
    }

    /** The same deployment with these packages per web app (see {@link #packages}). */
    public Deployment withPackages(Map<String, WebAppPackage> perWebApp) {
        Copy next = copy();
        next.packages = perWebApp;
        return next.build();
    }

    /**
     * The same deployment with the kept packages the package check named for web apps the start gave none; progress
     * time is left as it is.
     */
    public Deployment withKeptPackages(Map<String, String> kept) {
        if (kept == null || kept.isEmpty()) {
            return this;
        }
        Map<String, WebAppPackage> all = new LinkedHashMap<>(packages);
        kept.forEach((name, uri) -> all.putIfAbsent(name, WebAppPackage.keptFrom(uri)));
        return withPackages(all);
    }

    /**
     * A deployment that was not cancelled, kept no rollback window, gives one package to every web app and is not in
     * a two-phase reset (as rows written before any of these was kept read).
     */
    public Deployment(String id, String environment, DeploymentStatus status, Stage stage, int checks,
                      DeploymentMode mode, String packageUri, String packageSha256, String idempotencyKey,
                      Instant createdAt, Instant updatedAt, Instant stageStartedAt, boolean rollbackDatabase,
                      List<DeploymentError> errors, List<String> warnings, List<String> validationLinks,
                      String lineageId, String resumedFrom, Instant lineageStartedAt, int round, String staleEpisode,
                      String commitId, String pipelineRunUrl, Instant packageVerifiedAt,
                      List<SmokeCheckResult> smokeChecks, Map<Stage, WebAppState.StageTiming> timings,
                      Long cloneWritesAccepted, Map<String, String> maintenancePackages, List<AuditEntry> audit,
                      CloneWriteCount cloneWriteCount, String etag) {
        this(id, environment, status, stage, checks, mode, packageUri, packageSha256, idempotencyKey, createdAt,
                updatedAt, stageStartedAt, rollbackDatabase, errors, warnings, validationLinks, lineageId, resumedFrom,
                lineageStartedAt, round, staleEpisode, commitId, pipelineRunUrl, packageVerifiedAt, smokeChecks,
                timings, cloneWritesAccepted, maintenancePackages, audit, cloneWriteCount, null, null, Map.of(), null, etag);
    }

    /** The same deployment with the reason its canceller gave (see {@link #cancelReason}). */
    public Deployment withCancelReason(String reason) {
        Copy next = copy();
        next.cancelReason = reason;
        return next.build();
    }

    /** The same deployment with its rollback window (see {@link #rollbackWindow}). */
    public Deployment withRollbackWindow(RollbackWindow window) {
        Copy next = copy();
        next.rollbackWindow = window;
        return next.build();
    }

    /**
     * The operator actions this deployment accepts at {@code now}: those of its status, and {@code rollback} while
     * its rollback window is open.
     */
    public List<String> allowedActions(Instant now) {
        if (status == DeploymentStatus.SUCCEEDED && rollbackWindow != null && rollbackWindow.isOpenAt(now)) {
            return List.of("rollback");
        }
        return status.allowedActions();
    }

    /**
     * The same deployment with a new count of the writes to its temporary database (see {@link #cloneWriteCount});
     * progress time is left as it is, so a count never looks like progress to the reconciler.
     */
    public Deployment withCloneWriteCount(CloneWriteCount count) {
        Copy next = copy();
        next.cloneWriteCount = count;
        return next.build();
    }

    /** The same deployment with one more command recorded (see {@link #audit}). */
    public Deployment withAudit(AuditEntry entry) {
        Copy next = copy();
        List<AuditEntry> all = new ArrayList<>(audit);
        all.add(entry);
        next.audit = all;
        return next.build();
    }

    /** Who started this deployment, if it was recorded. */
    public java.util.Optional<AuditEntry> startedBy() {
        return audit.stream().filter(e -> AuditEntry.START.equals(e.action())).findFirst();
    }

    /** The same deployment with the packages its main sites' maintenance slots run (see {@link #maintenancePackages}). */
    public Deployment withMaintenancePackages(Map<String, String> packages) {
        Copy next = copy();
        next.maintenancePackages = packages;
        return next.build();
    }

    /** The same deployment with where it came from: the commit and the pipeline run. */
    public Deployment withProvenance(String newCommitId, String newPipelineRunUrl) {
        Copy next = copy();
        next.commitId = newCommitId;
        next.pipelineRunUrl = newPipelineRunUrl;
        return next.build();
    }

    /** Records that the package's bytes matched its SHA-256 at {@code at}. */
    public Deployment packageVerified(Instant at) {
        Copy next = copy();
        next.packageVerifiedAt = at;
        return next.build();
    }

    /** Records how many writes to the temporary database going live may drop (see {@link #cloneWritesAccepted}). */
    public Deployment withCloneWritesAccepted(long writes) {
        Copy next = copy();
        next.cloneWritesAccepted = writes;
        return next.build();
    }

    public Deployment withSmokeChecks(List<SmokeCheckResult> results) {
        Copy next = copy();
        next.smokeChecks = results;
        return next.build();
    }

    /** Records that the current deployment-level stage finished at {@code now}. */
    public Deployment stageFinished(Instant now) {
        Copy next = copy();
        Map<Stage, WebAppState.StageTiming> all = new LinkedHashMap<>(timings);
        all.put(stage, new WebAppState.StageTiming(stageStartedAt == null ? now : stageStartedAt, now, checks + 1));
        next.timings = all;
        return next.build();
    }

    /** The name of the temporary database T that this deployment's lineage clones P into. */
    public String temporaryDatabaseName(String productionDatabaseName) {
        return productionDatabaseName + "-sd-" + lineageId.toLowerCase();
    }

    public Deployment withStatus(DeploymentStatus newStatus) {
        return copy().status(newStatus).build();
    }

    /** Enters {@code newStage} from its start: no checks yet, not started. */
    public Deployment atStage(Stage newStage) {
        return copy().stage(newStage).checks(0).stageStartedAt(null).build();
    }

    public Deployment checkedAgain(Instant now) {
        return copy().checks(checks + 1).stageStartedAt(stageStartedAt == null ? now : stageStartedAt).build();
    }

    public Deployment touchedAt(Instant now) {
        return copy().updatedAt(now).build();
    }

    public Deployment withError(DeploymentError error) {
        List<DeploymentError> all = new ArrayList<>(errors);
        all.add(error);
        return copy().errors(all).build();
    }

    /** The same deployment with these errors in place of its own (oldest first). */
    public Deployment withErrors(List<DeploymentError> replaced) {
        return copy().errors(List.copyOf(replaced)).build();
    }

    public Deployment withValidationLinks(List<String> links) {
        return copy().validationLinks(links).build();
    }

    /**
     * The next round: a command (Complete, Reset) starts its flow with message ids no earlier attempt used, so
     * Service Bus duplicate detection cannot drop them and late messages of the earlier attempt are told apart.
     */
    public Deployment nextRound() {
        Copy next = copy();
        next.round = round + 1;
        return next.build();
    }

    public Deployment withRollbackDatabase(boolean rollback) {
        return copy().rollbackDatabase(rollback).build();
    }

    /**
     * Rolls forward to another package: the same run, one round later, back at the package check while the
     * clone keeps serving (the clone and maintenance stages then find their work done).
     */
    public Deployment rolledForward(String newPackageUri, String newPackageSha256, Instant now) {
        return rolledForward(newPackageUri, newPackageSha256, Map.of(), now);
    }

    /**
     * The same, to a package per web app ({@code newPackages}, every web app's, not empty; then the single package is
     * null), or to one package for all ({@code newPackages} empty).
     */
    public Deployment rolledForward(String newPackageUri, String newPackageSha256, Map<String, WebAppPackage> newPackages,
                                    Instant now) {
        Map<String, WebAppPackage> perWebApp = newPackages == null ? Map.of() : newPackages;
        Copy next = copy().status(DeploymentStatus.IN_PROGRESS).stage(Stage.VERIFY_PACKAGE).checks(0).stageStartedAt(null)
                .validationLinks(List.of()).updatedAt(now);
        next.packageUri = newPackageUri;
        next.packageSha256 = newPackageSha256;
        next.packages = perWebApp;
        next.packageVerifiedAt = null;
        next.smokeChecks = List.of();
        next.round = round + 1;
        return next.build();
    }

    public Deployment withWarning(String warning) {
        Copy next = copy();
        List<String> all = new ArrayList<>(warnings);
        all.add(warning);
        next.warnings = all;
        return next.build();
    }

    /** Records that a stale episode was reported, with its warning; progress time is left as it is. */
    public Deployment reportedStale(String episode, String warning) {
        Copy next = copy();
        List<String> all = new ArrayList<>(warnings);
        all.add(warning);
        next.warnings = all;
        next.staleEpisode = episode;
        return next.build();
    }

    /** The same deployment in (or, with null, out of) a two-phase reset. */
    public Deployment withResetVerification(ResetVerification value) {
        Copy next = copy();
        next.resetVerification = value;
        return next.build();
    }

    private Copy copy() {
        return new Copy(this);
    }

    /** A changed copy of a deployment; each setter names the field it replaces. */
    private static final class Copy {
        private final Deployment from;
        private DeploymentStatus status;
        private Stage stage;
        private int checks;
        private Instant updatedAt;
        private Instant stageStartedAt;
        private boolean rollbackDatabase;
        private List<DeploymentError> errors;
        private List<String> validationLinks;
        private String packageUri;
        private String packageSha256;
        private int round;
        private String staleEpisode;
        private List<String> warnings;
        private String commitId;
        private String pipelineRunUrl;
        private Instant packageVerifiedAt;
        private List<SmokeCheckResult> smokeChecks;
        private Map<Stage, WebAppState.StageTiming> timings;
        private Long cloneWritesAccepted;
        private Map<String, String> maintenancePackages;
        private List<AuditEntry> audit;
        private CloneWriteCount cloneWriteCount;
        private String cancelReason;
        private RollbackWindow rollbackWindow;
        private Map<String, WebAppPackage> packages;
        private ResetVerification resetVerification;

        Copy(Deployment from) {
            this.from = from;
            this.status = from.status;
            this.stage = from.stage;
            this.checks = from.checks;
            this.updatedAt = from.updatedAt;
            this.stageStartedAt = from.stageStartedAt;
            this.rollbackDatabase = from.rollbackDatabase;
            this.errors = from.errors;
            this.validationLinks = from.validationLinks;
            this.packageUri = from.packageUri;
            this.packageSha256 = from.packageSha256;
            this.round = from.round;
            this.staleEpisode = from.staleEpisode;
            this.warnings = from.warnings;
            this.commitId = from.commitId;
            this.pipelineRunUrl = from.pipelineRunUrl;
            this.packageVerifiedAt = from.packageVerifiedAt;
            this.smokeChecks = from.smokeChecks;
            this.timings = from.timings;
            this.cloneWritesAccepted = from.cloneWritesAccepted;
            this.maintenancePackages = from.maintenancePackages;
            this.audit = from.audit;
            this.cloneWriteCount = from.cloneWriteCount;
            this.cancelReason = from.cancelReason;
            this.rollbackWindow = from.rollbackWindow;
            this.packages = from.packages;
            this.resetVerification = from.resetVerification;
        }

        Copy status(DeploymentStatus value) {
            status = value;
            return this;
        }

        Copy stage(Stage value) {
            stage = value;
            return this;
        }

        Copy checks(int value) {
            checks = value;
            return this;
        }

        Copy updatedAt(Instant value) {
            updatedAt = value;
            return this;
        }

        Copy stageStartedAt(Instant value) {
            stageStartedAt = value;
            return this;
        }

        Copy rollbackDatabase(boolean value) {
            rollbackDatabase = value;
            return this;
        }

        Copy errors(List<DeploymentError> value) {
            errors = value;
            return this;
        }

        Copy validationLinks(List<String> value) {
            validationLinks = value;
            return this;
        }

        Deployment build() {
            return new Deployment(from.id, from.environment, status, stage, checks, from.mode, packageUri,
                    packageSha256, from.idempotencyKey, from.createdAt, updatedAt, stageStartedAt,
                    rollbackDatabase, errors, warnings, validationLinks, from.lineageId, from.resumedFrom,
                    from.lineageStartedAt, round, staleEpisode, commitId, pipelineRunUrl, packageVerifiedAt,
                    smokeChecks, timings, cloneWritesAccepted, maintenancePackages, audit, cloneWriteCount, cancelReason,
                    rollbackWindow, packages, resetVerification, from.etag);
        }
    }
}
