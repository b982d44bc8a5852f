package io.smoothdeploy.local;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test-only queue-triggered functions, annotated as the real step functions are. Each records what it
 * received, then runs the behaviour the test gave it.
 */
public class RecordingStepFunctions {

    /** What a function does with a message; may throw. */
    @FunctionalInterface
    public interface Behaviour {
        void handle(String body, int deliveryCount) throws Exception;
    }

    /** One delivery as a function saw it. */
    public record Received(String function, String body, String messageId, int deliveryCount, Instant at,
                           String invocationId) {
    }

    private final Clock clock;
    public final List<Received> received = new CopyOnWriteArrayList<>();
    public volatile Behaviour onCloneDb = (body, count) -> { };
    public volatile Behaviour onEnterMaintenance = (body, count) -> { };

    public RecordingStepFunctions(Clock clock) {
        this.clock = clock;
    }

    @FunctionName("CloneDb")
    public void cloneDb(@ServiceBusQueueTrigger(name = "message", queueName = "%CloneDbQueue%",
            connection = "ServiceBusConnection") String message,
                        @BindingName("MessageId") String messageId,
                        @BindingName("DeliveryCount") int deliveryCount,
                        ExecutionContext context) throws Exception {
        received.add(new Received(context.getFunctionName(), message, messageId, deliveryCount, clock.instant(),
                context.getInvocationId()));
        onCloneDb.handle(message, deliveryCount);
    }

    @FunctionName("EnterMaintenance")
    public void enterMaintenance(@ServiceBusQueueTrigger(name = "message", queueName = "%EnterMaintenanceQueue%",
            connection = "ServiceBusConnection") String message,
                                 @BindingName("MessageId") String messageId,
                                 @BindingName("DeliveryCount") int deliveryCount,
                                 ExecutionContext context) throws Exception {
        received.add(new Received(context.getFunctionName(), message, messageId, deliveryCount, clock.instant(),
                context.getInvocationId()));
        onEnterMaintenance.handle(message, deliveryCount);
    }

    public List<Received> receivedBy(String function) {
        return received.stream().filter(r -> r.function().equals(function)).toList();
    }
}
