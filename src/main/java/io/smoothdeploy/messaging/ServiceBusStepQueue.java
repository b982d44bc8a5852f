package io.smoothdeploy.messaging;

import io.smoothdeploy.engine.port.StepQueueException;

import io.smoothdeploy.engine.port.StepQueue;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.Step;
import io.smoothdeploy.engine.StepMessage;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link StepQueue} on Service Bus. Each message goes to the queue its step's app setting names
 * ({@link Step#queueSetting()}), as JSON, with its deterministic {@link StepMessage#messageId()} as the
 * Service Bus MessageId so that duplicate detection drops a second send. A message with a delay is
 * scheduled for {@code now + delay}.
 */
public final class ServiceBusStepQueue implements StepQueue {

    static final String CONTENT_TYPE = "application/json";

    private final QueueSender sender;
    private final Map<String, String> settings;
    private final Clock clock;
    private final StepMessageCodec codec = new StepMessageCodec();

    /**
     * @param sender   the queues
     * @param settings the app settings, holding each step's queue name (e.g. {@code CloneDbQueue})
     * @param clock    the clock that scheduled delivery times are counted from
     */
    public ServiceBusStepQueue(QueueSender sender, Map<String, String> settings, Clock clock) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.settings = Map.copyOf(settings);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Sends every message, in order. All queue names are resolved first, so a missing setting sends nothing.
     *
     * @throws IllegalStateException when a queue setting is missing
     * @throws StepQueueException    when Service Bus refuses a message
     */
    @Override
    public void send(List<OutgoingMessage> messages) {
        List<String> queues = new ArrayList<>(messages.size());
        for (OutgoingMessage message : messages) {
            queues.add(queueName(message.message()));
        }
        for (int i = 0; i < messages.size(); i++) {
            send(queues.get(i), messages.get(i));
        }
    }

    /** The queue that carries {@code message}: the value of its step's queue setting. */
    public String queueName(StepMessage message) {
        Step step = message.step();
        if (step == null) {
            throw new IllegalArgumentException("stage " + message.stage() + " has no queue");
        }
        String queue = settings.get(step.queueSetting());
        if (queue == null || queue.isBlank()) {
            throw new IllegalStateException("the app setting " + step.queueSetting()
                    + " (the queue of step " + step + ") is not set");
        }
        return queue.trim();
    }

    private void send(String queue, OutgoingMessage outgoing) {
        StepMessage message = outgoing.message();
        ServiceBusMessage busMessage = toServiceBusMessage(message);
        try {
            if (outgoing.isScheduled()) {
                OffsetDateTime at = OffsetDateTime.ofInstant(clock.instant().plus(outgoing.delay()), ZoneOffset.UTC);
                sender.schedule(queue, busMessage, at);
            } else {
                sender.send(queue, busMessage);
            }
        } catch (RuntimeException e) {
            throw new StepQueueException("could not " + (outgoing.isScheduled() ? "schedule" : "send")
                    + " step message " + message.messageId() + " on queue " + queue, e);
        }
    }

    private ServiceBusMessage toServiceBusMessage(StepMessage message) {
        ServiceBusMessage busMessage = new ServiceBusMessage(codec.encode(message));
        busMessage.setContentType(CONTENT_TYPE);
        busMessage.setMessageId(message.messageId());
        busMessage.setSubject(message.stage().name());
        Map<String, Object> properties = busMessage.getApplicationProperties();
        properties.put("deploymentId", message.deploymentId());
        properties.put("environment", message.environment());
        properties.put("stage", message.stage().name());
        if (message.webApp() != null) {
            properties.put("webApp", message.webApp());
        }
        return busMessage;
    }
}
