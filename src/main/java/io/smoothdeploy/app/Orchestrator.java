package io.smoothdeploy.app;

import io.smoothdeploy.api.HttpApi;
import io.smoothdeploy.engine.RetentionPurge;
import io.smoothdeploy.engine.StaleMaintenanceMonitor;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.engine.StepRunner;
import io.smoothdeploy.messaging.StepMessageCodec;

/**
 * The object graph the function classes use, built once per host process (by the Functions injector in
 * Azure, by the local host on a laptop) and shared by every invocation.
 *
 * @param httpApi    the HTTP API, independent of the Functions runtime
 * @param stepRunner runs one step message through its step
 * @param codec      step messages on the wire
 * @param staleMonitor the stale-maintenance timer's work
 * @param retention  the timer's other work: purging old deployments and their logs
 */
public record Orchestrator(HttpApi httpApi, StepRunner stepRunner, StepMessageCodec codec,
                           StaleMaintenanceMonitor staleMonitor, RetentionPurge retention) {

    /** Without the timer's work: for tests of the HTTP and queue function classes only. */
    public Orchestrator(HttpApi httpApi, StepRunner stepRunner, StepMessageCodec codec,
                        StaleMaintenanceMonitor staleMonitor) {
        this(httpApi, stepRunner, codec, staleMonitor, null);
    }

    /**
     * A queue message's body as a step message, so that the triggers reach the wire format only through this
     * entry point (the codec is the messaging adapter's).
     *
     * @throws IllegalArgumentException when the body is not a step message
     */
    public StepMessage decodeStep(String body) {
        return codec.decode(body);
    }
}
