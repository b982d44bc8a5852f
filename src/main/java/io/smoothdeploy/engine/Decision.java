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
 * @param clearedOutbox the ids of outbox messages whose rows the same write deletes (the message a delivery
 *                     handles, and messages the state no longer expects); each must be in the outbox as read
 */
public record Decision(Deployment deployment, List<WebAppState> webApps, EnvironmentRecord environment,
                       List<LogLine> log, List<OutgoingMessage> messages, String newIdempotencyKey,
                       List<String> clearedOutbox) {

    public Decision {
        webApps = List.copyOf(webApps);
        log = List.copyOf(log);
        messages = List.copyOf(messages);
        clearedOutbox = clearedOutbox == null ? List.of() : List.copyOf(clearedOutbox);
    }

    public Decision(Deployment deployment, List<WebAppState> webApps, EnvironmentRecord environment,
                    List<LogLine> log, List<OutgoingMessage> messages, String newIdempotencyKey) {
        this(deployment, webApps, environment, log, messages, newIdempotencyKey, List.of());
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
        return new Decision(deployment, webApps, environment, all, messages, newIdempotencyKey, clearedOutbox);
    }

    /** The same decision with each log line that names no stage marked as written by a delivery of {@code stage}. */
    public Decision loggedIn(Stage stage) {
        if (log.isEmpty() || stage == null) {
            return this;
        }
        List<LogLine> stamped = log.stream().map(line -> line.inStage(stage)).toList();
        return new Decision(deployment, webApps, environment, stamped, messages, newIdempotencyKey, clearedOutbox);
    }

    /** The same decision, deleting the outbox rows of these message ids in its write. */
    public Decision clearingOutbox(List<String> messageIds) {
        return new Decision(deployment, webApps, environment, log, messages, newIdempotencyKey, messageIds);
    }

    /** True when the decision changes no row of state (it may still clear outbox rows, see {@link #clearedOutbox}). */
    public boolean writesNothing() {
        return deployment == null && webApps.isEmpty() && environment == null && log.isEmpty();
    }
}
