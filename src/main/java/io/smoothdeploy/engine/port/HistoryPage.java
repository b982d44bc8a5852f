package io.smoothdeploy.engine.port;

import java.util.List;

/**
 * A page of an environment's deployments, newest first.
 *
 * @param after where the next page starts (pass it back to {@link DeploymentStore#listDeployments}), or null when
 *              this is the last page
 */
public record HistoryPage(List<HistoryEntry> entries, String after) {

    public HistoryPage {
        entries = List.copyOf(entries);
    }
}
