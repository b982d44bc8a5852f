package io.smoothdeploy.testing;

import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.engine.port.StepQueue;
import io.smoothdeploy.engine.port.StepQueueException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A step queue that loses sends the way a Service Bus client can (the namespace is unreachable, the process
 * dies before the send), or holds chosen messages back until a test releases them.
 */
public final class FaultyQueue implements StepQueue {

    private final StepQueue delegate;
    private volatile Predicate<StepMessage> failing = m -> false;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile Predicate<StepMessage> holding = m -> false;
    private final List<OutgoingMessage> held = new ArrayList<>();

    public FaultyQueue(StepQueue delegate) {
        this.delegate = delegate;
    }

    /** The next {@code times} sends of a batch holding a message matching {@code which} fail; nothing is sent. */
    public FaultyQueue failSends(Predicate<StepMessage> which, int times) {
        this.failing = which;
        this.failuresLeft.set(times);
        return this;
    }

    /** Messages matching {@code which} are kept back (sent successfully, but not yet delivered) until released. */
    public FaultyQueue hold(Predicate<StepMessage> which) {
        this.holding = which;
        return this;
    }

    /** Sends what was held back, and stops holding. */
    public void release() {
        List<OutgoingMessage> sending;
        synchronized (held) {
            holding = m -> false;
            sending = List.copyOf(held);
            held.clear();
        }
        delegate.send(sending);
    }

    @Override
    public void send(List<OutgoingMessage> messages) {
        boolean fail = messages.stream().anyMatch(m -> failing.test(m.message()))
                && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        if (fail) {
            throw new StepQueueException("could not send " + messages.size() + " step message(s): the Service Bus "
                    + "namespace did not answer (injected by the test)", null);
        }
        List<OutgoingMessage> now = new ArrayList<>();
        synchronized (held) {
            for (OutgoingMessage message : messages) {
                if (holding.test(message.message())) {
                    held.add(message);
                } else {
                    now.add(message);
                }
            }
        }
        if (!now.isEmpty()) {
            delegate.send(now);
        }
    }
}
