package io.smoothdeploy.local.faults;

import java.util.Objects;

/**
 * A process death injected at a {@link CrashPoint}. An {@link Error}, so that product code's
 * {@code catch (RuntimeException e)} or {@code catch (Exception e)} cannot swallow it: the handler's thread
 * unwinds to the queue, which treats the delivery as lost with its process (no abandon, no completion).
 */
public final class InjectedCrash extends Error {

    private static final long serialVersionUID = 1L;

    private final transient FaultInjector.Occurrence occurrence;

    public InjectedCrash(FaultInjector.Occurrence occurrence) {
        super("injected crash " + Objects.requireNonNull(occurrence, "occurrence").describe(), null, false, true);
        this.occurrence = occurrence;
    }

    /** Where and when it happened. */
    public FaultInjector.Occurrence occurrence() {
        return occurrence;
    }

    public CrashPoint point() {
        return occurrence.point();
    }

    /** One line: the point, the operation, the message and the occurrence numbers. */
    public String description() {
        return occurrence.describe();
    }
}
