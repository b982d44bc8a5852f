package io.smoothdeploy.local.faults;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * An explicit crash: "crash at the 3rd AFTER_CLOUD_CALL of the first delivery of message X". Each condition
 * left unset matches anything. A rule fires at most {@link #times()} times (once by default), so a message that
 * is redelivered after the crash runs on.
 *
 * @param point                the crash point
 * @param messageId            the message being delivered, or null for any
 * @param deliveryCount        the delivery (1 = first), or 0 for any
 * @param occurrenceInDelivery the n-th time the point is reached in that delivery (1-based), or 0 for any
 * @param globalOccurrence     the n-th time the point is reached at all (1-based, counted from the injector's
 *                             creation), or 0 for any
 * @param operation            the port method (e.g. {@code swapWithProduction}, {@code commit}), or null for any
 * @param times                how many crashes the rule may cause
 */
public record CrashRule(CrashPoint point, String messageId, int deliveryCount, int occurrenceInDelivery,
                        int globalOccurrence, String operation, int times) implements Predicate<FaultInjector.Occurrence> {

    public CrashRule {
        Objects.requireNonNull(point, "point");
        if (deliveryCount < 0 || occurrenceInDelivery < 0 || globalOccurrence < 0) {
            throw new IllegalArgumentException("occurrence numbers start at 1 (0 = any)");
        }
        if (times < 1) {
            throw new IllegalArgumentException("a rule must be allowed at least one crash, not " + times);
        }
    }

    /** Crash the first time {@code point} is reached in any delivery. */
    public static CrashRule at(CrashPoint point) {
        return new CrashRule(point, null, 0, 0, 0, null, 1);
    }

    /** Only in deliveries of this message. */
    public CrashRule ofMessage(String id) {
        return new CrashRule(point, id, deliveryCount, occurrenceInDelivery, globalOccurrence, operation, times);
    }

    /** Only in this delivery of the message (1 = the first). */
    public CrashRule onDelivery(int count) {
        return new CrashRule(point, messageId, count, occurrenceInDelivery, globalOccurrence, operation, times);
    }

    /** Only at the n-th time the point is reached within a delivery (1-based). */
    public CrashRule occurrence(int n) {
        return new CrashRule(point, messageId, deliveryCount, n, globalOccurrence, operation, times);
    }

    /** Only at the n-th time the point is reached overall (1-based). */
    public CrashRule globalOccurrence(int n) {
        return new CrashRule(point, messageId, deliveryCount, occurrenceInDelivery, n, operation, times);
    }

    /** Only after this port method (e.g. {@code swapWithProduction}). */
    public CrashRule after(String method) {
        return new CrashRule(point, messageId, deliveryCount, occurrenceInDelivery, globalOccurrence, method, times);
    }

    /** May fire this many times instead of once. */
    public CrashRule times(int count) {
        return new CrashRule(point, messageId, deliveryCount, occurrenceInDelivery, globalOccurrence, operation, count);
    }

    @Override
    public boolean test(FaultInjector.Occurrence o) {
        return o.point() == point
                && (messageId == null || messageId.equals(o.messageId()))
                && (deliveryCount == 0 || deliveryCount == o.deliveryCount())
                && (occurrenceInDelivery == 0 || occurrenceInDelivery == o.occurrenceInDelivery())
                && (globalOccurrence == 0 || globalOccurrence == o.globalOccurrence())
                && (operation == null || operation.equals(o.operation()));
    }
}
