package io.smoothdeploy.testing;

import java.util.HashMap;
import java.util.Map;

/** The step queue settings as local.settings.sample.json has them, for tests that need a settings map. */
public final class QueueSettings {

    private QueueSettings() {
    }

    /** A new, mutable map of the seven queue settings. */
    public static Map<String, String> sample() {
        Map<String, String> settings = new HashMap<>();
        settings.put("CloneDbQueue", "clone-db");
        settings.put("EnterMaintenanceQueue", "enter-maintenance");
        settings.put("DeploySlotQueue", "deploy-slot");
        settings.put("WarmUpQueue", "warm-up");
        settings.put("AwaitVerificationQueue", "await-verification");
        settings.put("CompleteQueue", "complete");
        settings.put("ResetQueue", "reset");
        return settings;
    }
}
