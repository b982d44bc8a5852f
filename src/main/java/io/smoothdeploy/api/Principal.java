package io.smoothdeploy.api;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A signed-in caller, as App Service authentication describes it (or the local host's development user).
 * Every text here is already cleaned of control characters.
 *
 * @param name     a readable name (user principal name, e-mail, app name)
 * @param objectId the Entra object id ({@code oid}), or null for the local development user
 * @param roles    the app roles the caller holds (unknown role values are dropped)
 * @param groups   the Entra group object ids in the token's {@code groups} claim (empty when the app
 *                 registration does not emit them)
 */
public record Principal(String name, String objectId, Set<Role> roles, Set<String> groups) {

    public Principal {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        groups = Set.copyOf(groups);
    }

    /** The roles, in their declared order, by their wire names. */
    public List<String> roleNames() {
        return java.util.Arrays.stream(Role.values()).filter(roles::contains).map(Role::wireName).toList();
    }
}
