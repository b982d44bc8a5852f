package io.smoothdeploy.local;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The step queues' Service Bus properties as infra declares them ({@code infra/modules/servicebus.bicep}): the
 * one place the in-process queue, the local host and the tests take them from. {@code ServiceBusDefaultsTest}
 * reads the Bicep text with {@link #parseBicep(String)} and fails when {@link #INFRA} no longer matches it.
 *
 * @param lockDuration             {@code lockDuration}: how long a delivery holds its peek-lock. Service Bus's own
 *                                 default, when a queue sets none, is one minute
 *                                 (https://learn.microsoft.com/azure/service-bus-messaging/message-transfers-locks-settlement#peeklock)
 * @param maxDeliveryCount         {@code maxDeliveryCount}: deliveries before the message is dead-lettered
 *                                 (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-dead-letter-queues#maximum-delivery-count)
 * @param duplicateDetectionWindow {@code duplicateDetectionHistoryTimeWindow}: how long a sent MessageId is
 *                                 remembered (https://learn.microsoft.com/azure/service-bus-messaging/duplicate-detection)
 */
public record ServiceBusDefaults(Duration lockDuration, int maxDeliveryCount, Duration duplicateDetectionWindow) {

    /** Service Bus's lock duration when a queue sets none (one minute, per the peek-lock page above). */
    public static final Duration SERVICE_BUS_DEFAULT_LOCK_DURATION = Duration.ofMinutes(1);
    /** Service Bus's max delivery count when a queue sets none (10, per the dead-letter page above). */
    public static final int SERVICE_BUS_DEFAULT_MAX_DELIVERY_COUNT = 10;
    /** Service Bus's duplicate detection window when a queue enables it without one (10 minutes). */
    public static final Duration SERVICE_BUS_DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(10);

    /** What infra/modules/servicebus.bicep sets on every step queue: PT5M, 10, PT20M. */
    public static final ServiceBusDefaults INFRA = new ServiceBusDefaults(Duration.ofMinutes(5), 10,
            Duration.ofMinutes(20));

    private static final Pattern LOCK = property("lockDuration");
    private static final Pattern WINDOW = property("duplicateDetectionHistoryTimeWindow");
    private static final Pattern MAX_DELIVERY = Pattern.compile("(?m)^\\s*maxDeliveryCount\\s*:\\s*(\\d+)\\s*$");

    public ServiceBusDefaults {
        Objects.requireNonNull(lockDuration, "lockDuration");
        Objects.requireNonNull(duplicateDetectionWindow, "duplicateDetectionWindow");
    }

    /**
     * Reads the three properties from a Bicep queue declaration (comments ignored). A property the text does
     * not set takes Service Bus's own default, as Azure would.
     *
     * @throws IllegalArgumentException when a property is set twice with different values, or not as a literal
     */
    public static ServiceBusDefaults parseBicep(String bicep) {
        String text = stripComments(Objects.requireNonNull(bicep, "bicep"));
        Duration lock = single(LOCK, text, "lockDuration");
        Duration window = single(WINDOW, text, "duplicateDetectionHistoryTimeWindow");
        Integer maxDelivery = null;
        Matcher m = MAX_DELIVERY.matcher(text);
        while (m.find()) {
            int value = Integer.parseInt(m.group(1));
            if (maxDelivery != null && maxDelivery != value) {
                throw new IllegalArgumentException("maxDeliveryCount is set to both " + maxDelivery + " and " + value);
            }
            maxDelivery = value;
        }
        return new ServiceBusDefaults(lock == null ? SERVICE_BUS_DEFAULT_LOCK_DURATION : lock,
                maxDelivery == null ? SERVICE_BUS_DEFAULT_MAX_DELIVERY_COUNT : maxDelivery,
                window == null ? SERVICE_BUS_DEFAULT_DUPLICATE_WINDOW : window);
    }

    private static Pattern property(String name) {
        return Pattern.compile("(?m)^\\s*" + name + "\\s*:\\s*'([^']*)'\\s*$");
    }

    private static Duration single(Pattern pattern, String text, String name) {
        Duration found = null;
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            Duration value = Duration.parse(m.group(1));
            if (found != null && !found.equals(value)) {
                throw new IllegalArgumentException(name + " is set to both " + found + " and " + value);
            }
            found = value;
        }
        return found;
    }

    private static String stripComments(String text) {
        return text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
    }
}
