package io.smoothdeploy.cloud.arm;

import io.smoothdeploy.engine.port.DatabaseInfo;
import java.util.Locale;
import java.util.Set;

/**
 * Reads Azure SQL's database {@code status} (the {@code DatabaseStatus} values of the 2021-11-01 API) as the
 * port's three states.
 *
 * <ul>
 *   <li>ONLINE: the database exists and holds all its data: {@code Online}, and the states of a working
 *       database that connecting or waiting resolves ({@code Scaling}, {@code OnlineChangingDwPerformanceTiers},
 *       and a serverless database's {@code AutoClosed}, {@code Paused}, {@code Pausing}, {@code Resuming}).</li>
 *   <li>CREATING: still being made: {@code Creating}, {@code Copying}, {@code Restoring}, {@code Recovering},
 *       {@code Starting}, and any status this code does not know (so that the caller's deadline, not a
 *       guess, decides).</li>
 *   <li>FAILED: it exists but cannot be used without someone acting: {@code Suspect}, {@code EmergencyMode},
 *       {@code RecoveryPending}, {@code Inaccessible}, {@code Offline}, {@code OfflineSecondary},
 *       {@code OfflineChangingDwPerformanceTiers}, {@code Disabled}, {@code Shutdown}, {@code Standby},
 *       {@code Stopping}, {@code Stopped}.</li>
 * </ul>
 * Note that when a copy or restore fails in Azure the target database is usually removed rather than left
 * in a failed state, so a caller also sees a failure as "the database is gone".
 */
final class DatabaseStatuses {

    private static final Set<String> ONLINE = Set.of("online", "scaling", "onlinechangingdwperformancetiers",
            "autoclosed", "paused", "pausing", "resuming");
    private static final Set<String> FAILED = Set.of("suspect", "emergencymode", "recoverypending", "inaccessible",
            "offline", "offlinesecondary", "offlinechangingdwperformancetiers", "disabled", "shutdown", "standby",
            "stopping", "stopped");

    private DatabaseStatuses() {
    }

    static DatabaseInfo.State state(String status) {
        if (status == null) {
            return DatabaseInfo.State.CREATING;
        }
        String word = status.toLowerCase(Locale.ROOT);
        if (ONLINE.contains(word)) {
            return DatabaseInfo.State.ONLINE;
        }
        return FAILED.contains(word) ? DatabaseInfo.State.FAILED : DatabaseInfo.State.CREATING;
    }
}
