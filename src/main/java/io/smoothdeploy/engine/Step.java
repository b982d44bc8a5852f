package io.smoothdeploy.engine;

/**
 * The queue-triggered steps. Each has its own Service Bus queue, whose name comes from the app setting
 * {@link #queueSetting()}.
 */
public enum Step {
    CLONE_DB("CloneDbQueue"),
    ENTER_MAINTENANCE("EnterMaintenanceQueue"),
    DEPLOY_SLOT("DeploySlotQueue"),
    WARM_UP("WarmUpQueue"),
    AWAIT_VERIFICATION("AwaitVerificationQueue"),
    COMPLETE("CompleteQueue"),
    RESET("ResetQueue");

    private final String queueSetting;

    Step(String queueSetting) {
        this.queueSetting = queueSetting;
    }

    /** The app setting that names this step's queue. */
    public String queueSetting() {
        return queueSetting;
    }
}
