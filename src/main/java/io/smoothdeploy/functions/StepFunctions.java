package io.smoothdeploy.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import io.smoothdeploy.app.Orchestrator;
import io.smoothdeploy.engine.Step;
import io.smoothdeploy.engine.StepMessage;

/**
 * The step queue triggers, one per step. Each decodes its message and runs it; the step enqueues what
 * follows. An exception leaves the message to Service Bus, which delivers it again and dead-letters it
 * after the queue's max delivery count.
 */
public class StepFunctions {

    static final String CONNECTION = "ServiceBusConnection";

    private final Orchestrator orchestrator;

    public StepFunctions(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
    }

    @FunctionName("CloneDb")
    public void cloneDb(@ServiceBusQueueTrigger(name = "message", queueName = "%CloneDbQueue%",
            connection = CONNECTION) String message, ExecutionContext context) {
        run(Step.CLONE_DB, message);
    }

    @FunctionName("EnterMaintenance")
    public void enterMaintenance(@ServiceBusQueueTrigger(name = "message", queueName = "%EnterMaintenanceQueue%",
            connection = CONNECTION) String message, ExecutionContext context) {
        run(Step.ENTER_MAINTENANCE, message);
    }

    @FunctionName("DeploySlot")
    public void deploySlot(@ServiceBusQueueTrigger(name = "message", queueName = "%DeploySlotQueue%",
            connection = CONNECTION) String message, ExecutionContext context) {
        run(Step.DEPLOY_SLOT, message);
    }

    @FunctionName("WarmUp")
    public void warmUp(@ServiceBusQueueTrigger(name = "message", queueName = "%WarmUpQueue%",
            connection = CONNECTION) String message, ExecutionContext context) {
        run(Step.WARM_UP, message);
    }

    @FunctionName("AwaitVerification")
    public void awaitVerification(@ServiceBusQueueTrigger(name = "message", queueName = "%AwaitVerificationQueue%",
            connection = CONNECTION) String message, ExecutionContext context) {
        run(Step.AWAIT_VERIFICATION, message);
    }

    @FunctionName("Complete")
    public void complete(@ServiceBusQueueTrigger(name = "message", queueName = "%CompleteQueue%",
            connection = CONNECTION) String message, ExecutionContext context) {
        run(Step.COMPLETE, message);
    }

    @FunctionName("Reset")
    public void reset(@ServiceBusQueueTrigger(name = "message", queueName = "%ResetQueue%",
            connection = CONNECTION) String message, ExecutionContext context) {
        run(Step.RESET, message);
    }

    private void run(Step queueStep, String body) {
        StepMessage message = orchestrator.decodeStep(body);
        if (message.step() != queueStep) {
            throw new IllegalArgumentException("a " + message.stage() + " message reached the " + queueStep
                    + " queue; it belongs on " + message.step().queueSetting());
        }
        orchestrator.stepRunner().handle(message);
    }
}
