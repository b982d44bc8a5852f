package io.smoothdeploy.engine;

import java.util.List;

/**
 * What a step's outcome changes, saved in one conditional write, and what it sends afterwards.
 *
 * @param deployment   the deployment row to write (with the etag it was read at), or null to leave it
 * @param webApps      web app rows to write (each with the etag it was read at)
 * @param environment  the environment row to write (releasing its hold), or null to leave it
 * @param log          log lines to append
 * @param messages     step messages to send once the write has succeeded
 * @param newIdempotencyKey an idempotency key to record for {@code deployment} in the same write, or null
 */
public record Decision(Deployment deployment, List<WebAppState> webApps, EnvironmentRecord environment,
                       List<LogLine> log, List<OutgoingMessage> messages, String newIdempotencyKey) {

    public Decision {
        webApps = List.copyOf(webApps);
        log = List.copyOf(log);
        messages = List.copyOf(messages);
    }

    public Decision(Deployment deployment, List<WebAppState> webApps, EnvironmentRecord environment,
                    List<LogLine> log, List<OutgoingMessage> messages) {
        this(deployment, webApps, environment, log, messages, null);
    }

    /** Nothing to write; only (re)send these messages. */
    public static Decision sendOnly(List<OutgoingMessage> messages) {
        return new Decision(null, List.of(), null, List.of(), messages);
    }

    /** The same decision with {@code lines} logged before its own lines. */
    public Decision withLogFirst(List<LogLine> lines) {
        List<LogLine> all = new java.util.ArrayList<>(lines);
        all.addAll(log);
        return new Decision(deployment, webApps, environment, all, messages, newIdempotencyKey);
    }

    public boolean writesNothing() {
        return deployment == null && webApps.isEmpty() && environment == null && log.isEmpty();
    }
}
