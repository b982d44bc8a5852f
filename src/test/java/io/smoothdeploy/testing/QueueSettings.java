package io.smoothdeploy.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * The step queue settings and the timer schedule as local.settings.sample.json has them, for tests that need a
 * settings map (the local host refuses to start without a timer's schedule setting, as the Functions runtime
 * refuses to index the function).
 */
public final class QueueSettings {

    /** The webhook signing secret the tests' hosts sign with ({@code SMOOTHDEPLOY_WEBHOOK_SECRET}). */
    public static final String WEBHOOK_SECRET = "test-webhook-secret-6f1e5ea2b7e1516";

    private QueueSettings() {
    }

    /** A new, mutable map of the seven queue settings, {@code StaleMaintenanceSchedule} and the webhook secret. */
    public static Map<String, String> sample() {
        Map<String, String> settings = new HashMap<>();
        settings.put("CloneDbQueue", "clone-db");
        settings.put("EnterMaintenanceQueue", "enter-maintenance");
        settings.put("DeploySlotQueue", "deploy-slot");
        settings.put("WarmUpQueue", "warm-up");
        settings.put("AwaitVerificationQueue", "await-verification");
        settings.put("CompleteQueue", "complete");
        settings.put("ResetQueue", "reset");
        settings.put("StaleMaintenanceSchedule", "0 */5 * * * *");
        settings.put("SMOOTHDEPLOY_WEBHOOK_SECRET", WEBHOOK_SECRET);
        return settings;
    }
}
