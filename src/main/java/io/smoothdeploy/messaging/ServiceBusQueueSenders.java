package io.smoothdeploy.messaging;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@link QueueSender} on the Service Bus SDK: one {@link ServiceBusSenderClient} per queue, built on first
 * use from one {@link ServiceBusClientBuilder} (so all of them share its AMQP connection), cached, and
 * closed by {@link #close()}. Thread-safe.
 */
public final class ServiceBusQueueSenders implements QueueSender {

    private final ServiceBusClientBuilder builder;
    private final Map<String, ServiceBusSenderClient> senders = new LinkedHashMap<>();
    private boolean closed;

    public ServiceBusQueueSenders(ServiceBusClientBuilder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    @Override
    public void send(String queueName, ServiceBusMessage message) {
        sender(queueName).sendMessage(message);
    }

    @Override
    public void schedule(String queueName, ServiceBusMessage message, OffsetDateTime at) {
        sender(queueName).scheduleMessage(message, at);
    }

    private synchronized ServiceBusSenderClient sender(String queueName) {
        if (closed) {
            throw new IllegalStateException("the Service Bus senders are closed");
        }
        return senders.computeIfAbsent(queueName, name -> builder.sender().queueName(name).buildClient());
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ServiceBusSenderClient sender : senders.values()) {
            try {
                sender.close();
            } catch (RuntimeException ignored) {
                // closing is best effort: the process is going away
            }
        }
        senders.clear();
    }
}
