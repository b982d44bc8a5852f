package io.smoothdeploy.engine.port;

import io.smoothdeploy.engine.OutgoingMessage;
import java.util.List;

/**
 * The step queues port: one queue per step. Sending the same message id twice within the duplicate
 * detection window delivers it once; a message with a delay is delivered no sooner than that.
 */
public interface StepQueue {

    void send(List<OutgoingMessage> messages);
}
