package io.smoothdeploy.engine;

/**
 * Who asked for a command: the signed-in principal, the role that allowed it, and where the request came from.
 * Every text here was cleaned of control characters before it got here (see {@code api.HeaderText}).
 *
 * @param name     a readable name (a user principal name, an e-mail address, an app's display name)
 * @param objectId the principal's Entra object id ({@code oid}), or null when there is none (the local user,
 *                 the orchestrator itself)
 * @param role     the role that allowed the command (Reader, Deployer, Approver, Admin), or null for the
 *                 orchestrator's own commands (a timer acting by policy)
 * @param source   where the request came from: a pipeline run URL, {@code CLI}, a client's User-Agent, or the
 *                 timer
 */
public record Actor(String name, String objectId, String role, String source) {

    /** The orchestrator itself: the timers that act by an environment's policy. */
    public static final Actor ORCHESTRATOR = new Actor("smoothdeploy", null, null, "timer");

    /** One line for the log, such as {@code alice@example.com (object id 1f…) as Approver, from CLI}. */
    public String describe() {
        StringBuilder text = new StringBuilder(name == null ? "an unnamed caller" : name);
        if (objectId != null) {
            text.append(" (object id ").append(objectId).append(')');
        }
        if (role != null) {
            text.append(" as ").append(role);
        }
        if (source != null) {
            text.append(", from ").append(source);
        }
        return text.toString();
    }
}
