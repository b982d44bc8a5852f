package io.smoothdeploy.engine;

import java.time.Instant;

/**
 * One command recorded on a deployment: what was asked, by whom and when. The deployment keeps them in order
 * (its {@link Deployment#audit()}), so the status, the timeline and every webhook post can name who started it
 * and who completed or reset it.
 *
 * @param action start, roll-forward, complete, accept-data-loss, reset or rollback
 * @param actor  who asked
 * @param at     when the command was decided
 */
public record AuditEntry(String action, Actor actor, Instant at) {

    public static final String START = "start";
    public static final String ROLL_FORWARD = "roll-forward";
    public static final String COMPLETE = "complete";
    public static final String ACCEPT_DATA_LOSS = "accept-data-loss";
    public static final String RESET = "reset";
    public static final String CANCEL = "cancel";
    public static final String ROLLBACK = "rollback";
    public static final String CANCEL_RESET_VERIFICATION = "cancel-reset-verification";
}
