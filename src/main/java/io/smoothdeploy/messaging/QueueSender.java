package io.smoothdeploy.messaging;

import com.azure.messaging.servicebus.ServiceBusMessage;
import java.time.OffsetDateTime;

/**
 * Our port in front of the Service Bus SDK's final sender clients: send a message to a named queue now, or
 * schedule it for later. {@link ServiceBusQueueSenders} is the SDK implementation; tests mock this.
 */
public interface QueueSender extends AutoCloseable {

    /** Sends {@code message} to {@code queueName} now. */
    void send(String queueName, ServiceBusMessage message);

    /** Enqueues {@code message} on {@code queueName}, to become visible no sooner than {@code at}. */
    void schedule(String queueName, ServiceBusMessage message, OffsetDateTime at);

    /** Releases the connections; no exception. */
    @Override
    void close();
}
