package io.smoothdeploy.engine;

import java.time.Instant;
import java.util.List;

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
        String etag) {

    public Deployment {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        validationLinks = List.copyOf(validationLinks);
    }

    /** The name of the temporary database T that this deployment clones P into. */
    public String temporaryDatabaseName(String productionDatabaseName) {
        return productionDatabaseName + "-sd-" + id.toLowerCase();
    }

    public Deployment withStatus(DeploymentStatus newStatus) {
        return new Deployment(id, environment, newStatus, stage, checks, mode, packageUri, packageSha256,
                idempotencyKey, createdAt, updatedAt, stageStartedAt, rollbackDatabase, errors, warnings,
                validationLinks, etag);
    }

    /** Enters {@code newStage} from its start: no checks yet, not started. */
    public Deployment atStage(Stage newStage) {
        return new Deployment(id, environment, status, newStage, 0, mode, packageUri, packageSha256,
                idempotencyKey, createdAt, updatedAt, null, rollbackDatabase, errors, warnings,
                validationLinks, etag);
    }

    public Deployment checkedAgain(Instant now) {
        return new Deployment(id, environment, status, stage, checks + 1, mode, packageUri, packageSha256,
                idempotencyKey, createdAt, updatedAt, stageStartedAt == null ? now : stageStartedAt,
                rollbackDatabase, errors, warnings, validationLinks, etag);
    }

    public Deployment touchedAt(Instant now) {
        return new Deployment(id, environment, status, stage, checks, mode, packageUri, packageSha256,
                idempotencyKey, createdAt, now, stageStartedAt, rollbackDatabase, errors, warnings,
                validationLinks, etag);
    }

    public Deployment withError(DeploymentError error) {
        List<DeploymentError> all = new java.util.ArrayList<>(errors);
        all.add(error);
        return new Deployment(id, environment, status, stage, checks, mode, packageUri, packageSha256,
                idempotencyKey, createdAt, updatedAt, stageStartedAt, rollbackDatabase, all, warnings,
                validationLinks, etag);
    }

    public Deployment withValidationLinks(List<String> links) {
        return new Deployment(id, environment, status, stage, checks, mode, packageUri, packageSha256,
                idempotencyKey, createdAt, updatedAt, stageStartedAt, rollbackDatabase, errors, warnings,
                links, etag);
    }

    public Deployment withRollbackDatabase(boolean rollback) {
        return new Deployment(id, environment, status, stage, checks, mode, packageUri, packageSha256,
                idempotencyKey, createdAt, updatedAt, stageStartedAt, rollback, errors, warnings,
                validationLinks, etag);
    }
}
