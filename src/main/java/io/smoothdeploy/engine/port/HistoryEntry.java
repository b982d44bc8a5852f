package io.smoothdeploy.engine.port;

import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.DeploymentStatus;
import java.time.Instant;

/**
 * One deployment as an environment's history lists it: what its history row holds, kept up to date by every
 * write of the deployment row (in the same transaction).
 *
 * @param commitId    null when the start named none
 * @param resumedFrom the failed run this one resumed, or null
 */
public record HistoryEntry(String deploymentId, DeploymentStatus status, DeploymentMode mode, Instant createdAt,
                           Instant updatedAt, String commitId, String resumedFrom) {
}
