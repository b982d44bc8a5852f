package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.api.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The local host's development user, from its command line ({@code --user --roles --object-id --groups}). */
class LocalUserTest {

    @Test
    void theReadmesCommandLineGivesThatUserThoseRolesOnly() {
        // Act: the README's example
        Principal user = LocalUser.fromSettings(LocalHost.userOptions(
                new String[] {"--user", "alice", "--roles", "Deployer,Approver"}));

        // Assert
        assertEquals("alice", user.name());
        assertEquals(List.of("Deployer", "Approver"), user.roleNames());
        assertNull(user.objectId());
        assertEquals(Set.of(), user.groups());
        assertEquals("alice, roles Deployer, Approver", LocalUser.describe(user));
    }

    @Test
    void withNoOptionsTheUserHasEveryRole() {
        Principal user = LocalUser.fromSettings(Map.of());

        assertEquals("local-developer", user.name());
        assertEquals(List.of("Reader", "Deployer", "Approver", "Admin"), user.roleNames());
    }

    @Test
    void anObjectIdAndGroupsAreKeptLowerCasedForTheApproversRule() {
        Principal user = LocalUser.fromSettings(LocalHost.userOptions(new String[] {"--user", "mia", "--roles",
                "Approver", "--object-id", "7D9E1F20-3A4B-4C5D-8E6F-A0B1C2D3E4F5", "--groups",
                "6A3C2F0E-8B1D-4C4E-A7F2-91D0B5E3C8AA, 11111111-2222-3333-4444-555555555555"}));

        assertEquals("7d9e1f20-3a4b-4c5d-8e6f-a0b1c2d3e4f5", user.objectId());
        assertEquals(Set.of("6a3c2f0e-8b1d-4c4e-a7f2-91d0b5e3c8aa", "11111111-2222-3333-4444-555555555555"),
                user.groups());
    }

    @Test
    void aMisspeltRoleOrAnUnknownOptionIsRefusedNamingWhatExists() {
        IllegalArgumentException role = assertThrows(IllegalArgumentException.class,
                () -> LocalUser.fromSettings(Map.of(LocalUser.ROLES, "Deployer,Aprover")));
        IllegalArgumentException option = assertThrows(IllegalArgumentException.class,
                () -> LocalHost.userOptions(new String[] {"--role", "Reader"}));

        assertTrue(role.getMessage().contains("unknown role 'Aprover'"), role.getMessage());
        assertTrue(role.getMessage().contains("Reader, Deployer, Approver, Admin"), role.getMessage());
        assertTrue(option.getMessage().contains("unknown option '--role'"), option.getMessage());
    }
}
