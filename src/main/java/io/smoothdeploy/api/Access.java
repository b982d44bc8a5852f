package io.smoothdeploy.api;

import java.util.List;

/**
 * Who may do what, as one pure function of (principal, operation, environment rule): no I/O, no clock. The HTTP
 * layer asks it once per request, before any write, and maps its verdict to the answer (401, 403 or on).
 */
public final class Access {

    private Access() {
    }

    /**
     * @param principal the caller, or null when the request carried none
     * @param operation what the request asks for
     * @param approvers the environment's {@code approvers} (Entra object ids of users or groups), empty when the
     *                  environment names none or is not known; only checked for {@link Operation#approves()}
     */
    public static Verdict decide(Principal principal, Operation operation, List<String> approvers) {
        if (principal == null) {
            return new Verdict.Unauthenticated("This API needs a signed-in caller: call it with an Entra ID access "
                    + "token for the orchestrator's app registration (the CLI gets one when SMOOTHDEPLOY_AUDIENCE "
                    + "names the app's audience)");
        }
        Role needed = operation.needs();
        Role allowing = principal.roles().stream().filter(r -> r.grants(needed))
                .min((a, b) -> Integer.compare(a == needed ? 0 : 1, b == needed ? 0 : 1)).orElse(null);
        if (allowing == null) {
            String held = principal.roles().isEmpty() ? "no role of this app"
                    : "the role(s) " + String.join(", ", principal.roleNames());
            return new Verdict.Forbidden(needed, false, "To " + operation.description() + " you need the role "
                    + needed.wireName() + "; " + principal.name() + " has " + held + ". Ask an owner of the app "
                    + "registration to assign " + needed.wireName() + " to you (or to your pipeline's identity)");
        }
        if (operation.approves() && !approvers.isEmpty() && !namedIn(principal, approvers)) {
            return new Verdict.Forbidden(needed, true, "To " + operation.description() + " of this environment you "
                    + "need the role " + needed.wireName() + " and to be one of its approvers: its approvers rule names "
                    + approvers.size() + " user or group object id(s), and neither " + principal.name()
                    + "'s object id nor any of their groups is among them. Ask one of its approvers, or an Admin to "
                    + "change the environment's approvers");
        }
        return new Verdict.Allowed(allowing);
    }

    private static boolean namedIn(Principal principal, List<String> approvers) {
        return approvers.stream().anyMatch(id -> id.equalsIgnoreCase(principal.objectId() == null ? "" : principal.objectId())
                || principal.groups().stream().anyMatch(id::equalsIgnoreCase));
    }

    /** What {@link #decide} found. */
    public sealed interface Verdict {

        /** Allowed, by {@code role}. */
        record Allowed(Role role) implements Verdict {
        }

        /** No principal: 401. */
        record Unauthenticated(String detail) implements Verdict {
        }

        /**
         * Refused: 403 naming {@code missingRole}; {@code environmentRule} when the caller holds the role but the
         * environment's approvers rule does not name them.
         */
        record Forbidden(Role missingRole, boolean environmentRule, String detail) implements Verdict {
        }
    }
}
