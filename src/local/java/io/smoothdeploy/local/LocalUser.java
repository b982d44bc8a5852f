package io.smoothdeploy.local;

import io.smoothdeploy.api.Principal;
import io.smoothdeploy.api.Role;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The local host's development user: every request to it runs as this principal, so each role rule can be tried
 * on a laptop. Settings (from local.settings.json, or the local host's {@code --user}, {@code --roles},
 * {@code --object-id} and {@code --groups} options): {@value #USER} (default {@value #DEFAULT_NAME}),
 * {@value #ROLES} (comma-separated role names; default all four), {@value #OBJECT_ID} and {@value #GROUPS}
 * (comma-separated object ids, to try an environment's approvers rule).
 */
public final class LocalUser {

    public static final String USER = "SMOOTHDEPLOY_LOCAL_USER";
    public static final String ROLES = "SMOOTHDEPLOY_LOCAL_ROLES";
    public static final String OBJECT_ID = "SMOOTHDEPLOY_LOCAL_OBJECT_ID";
    public static final String GROUPS = "SMOOTHDEPLOY_LOCAL_GROUPS";
    static final String DEFAULT_NAME = "local-developer";

    private LocalUser() {
    }

    /**
     * @throws IllegalArgumentException for a role that does not exist (a misspelt role must not quietly become no
     *                                  role)
     */
    public static Principal fromSettings(Map<String, String> settings) {
        String name = settings.getOrDefault(USER, DEFAULT_NAME).strip();
        if (name.isEmpty() || name.chars().anyMatch(Character::isISOControl) || name.length() > 100) {
            throw new IllegalArgumentException("the local user's name must be 1 to 100 characters with no control "
                    + "characters, not '" + name.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        String roleList = settings.get(ROLES);
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (roleList == null) {
            roles = EnumSet.allOf(Role.class);
        } else {
            for (String item : list(roleList)) {
                roles.add(Role.parse(item).orElseThrow(() -> new IllegalArgumentException("unknown role '" + item
                        + "' for the local user; the roles are " + Arrays.stream(Role.values()).map(Role::wireName)
                        .collect(Collectors.joining(", ")))));
            }
        }
        String objectId = settings.get(OBJECT_ID);
        Set<String> groups = new LinkedHashSet<>(list(settings.getOrDefault(GROUPS, "")));
        return new Principal(name, objectId == null || objectId.isBlank() ? null : objectId.strip().toLowerCase(),
                roles, groups.stream().map(String::toLowerCase).collect(Collectors.toSet()));
    }

    private static List<String> list(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** "alice, roles Deployer, Approver" for the banner. */
    public static String describe(Principal user) {
        return user.name() + (user.objectId() == null ? "" : " (object id " + user.objectId() + ")") + ", roles "
                + (user.roles().isEmpty() ? "none" : String.join(", ", user.roleNames()))
                + (user.groups().isEmpty() ? "" : ", groups " + String.join(", ", user.groups()));
    }
}
