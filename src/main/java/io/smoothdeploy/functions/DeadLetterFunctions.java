package io.smoothdeploy.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import io.smoothdeploy.app.Orchestrator;
import io.smoothdeploy.engine.StepMessage;
import java.util.logging.Level;

/**
 * One trigger on each step queue's dead-letter sub-queue. A step message that kept failing marks its
 * deployment Failed, naming the step, the web app and the delivery count, so that nothing stays InProgress.
 */
public class DeadLetterFunctions {

    private static final String CONNECTION = StepFunctions.CONNECTION;

    private final Orchestrator orchestrator;

    public DeadLetterFunctions(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
    }

    @FunctionName("CloneDbDeadLetter")
    public void cloneDb(@ServiceBusQueueTrigger(name = "message", queueName = "%CloneDbQueue%/$DeadLetterQueue",
            connection = CONNECTION) String message, @BindingName("DeliveryCount") int deliveryCount,
                        ExecutionContext context) {
        record(message, deliveryCount, context);
    }

    @FunctionName("EnterMaintenanceDeadLetter")
    public void enterMaintenance(@ServiceBusQueueTrigger(name = "message",
            queueName = "%EnterMaintenanceQueue%/$DeadLetterQueue", connection = CONNECTION) String message,
                                 @BindingName("DeliveryCount") int deliveryCount, ExecutionContext context) {
        record(message, deliveryCount, context);
    }

    @FunctionName("DeploySlotDeadLetter")
    public void deploySlot(@ServiceBusQueueTrigger(name = "message", queueName = "%DeploySlotQueue%/$DeadLetterQueue",
            connection = CONNECTION) String message, @BindingName("DeliveryCount") int deliveryCount,
                           ExecutionContext context) {
        record(message, deliveryCount, context);
    }

    @FunctionName("WarmUpDeadLetter")
    public void warmUp(@ServiceBusQueueTrigger(name = "message", queueName = "%WarmUpQueue%/$DeadLetterQueue",
            connection = CONNECTION) String message, @BindingName("DeliveryCount") int deliveryCount,
                       ExecutionContext context) {
        record(message, deliveryCount, context);
    }

    @FunctionName("AwaitVerificationDeadLetter")
    public void awaitVerification(@ServiceBusQueueTrigger(name = "message",
            queueName = "%AwaitVerificationQueue%/$DeadLetterQueue", connection = CONNECTION) String message,
                                  @BindingName("DeliveryCount") int deliveryCount, ExecutionContext context) {
        record(message, deliveryCount, context);
    }

    @FunctionName("CompleteDeadLetter")
    public void complete(@ServiceBusQueueTrigger(name = "message", queueName = "%CompleteQueue%/$DeadLetterQueue",
            connection = CONNECTION) String message, @BindingName("DeliveryCount") int deliveryCount,
                         ExecutionContext context) {
        record(message, deliveryCount, context);
    }

    @FunctionName("ResetDeadLetter")
    public void reset(@ServiceBusQueueTrigger(name = "message", queueName = "%ResetQueue%/$DeadLetterQueue",
            connection = CONNECTION) String message, @BindingName("DeliveryCount") int deliveryCount,
                      ExecutionContext context) {
        record(message, deliveryCount, context);
    }

    private void record(String body, int deliveryCount, ExecutionContext context) {
        StepMessage message;
        try {
            message = orchestrator.decodeStep(body);
        } catch (IllegalArgumentException e) {
            // Not a step message: nothing to mark; leave a trace and complete it, or it would loop here.
            context.getLogger().log(Level.WARNING, "dead letter is not a step message: " + e.getMessage());
            return;
        }
        orchestrator.stepRunner().handleDeadLetter(message, deliveryCount);
    }
}
