package io.smoothdeploy.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The principal App Service authentication injects, and the headers trusted only when it is on. */
class AuthenticationTest {

    private static final Authentication PLATFORM = Authentication.fromSettings(Map.of("WEBSITE_AUTH_ENABLED", "True"));
    private static final Authentication OFF = Authentication.fromSettings(Map.of());

    /** The decoded shape Learn documents: auth_typ, claims [{typ, val}], name_typ, role_typ. */
    private static String principal(String claims) {
        String json = "{\"auth_typ\":\"aad\",\"name_typ\":\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name\","
                + "\"role_typ\":\"http://schemas.microsoft.com/ws/2008/06/identity/claims/role\",\"claims\":[" + claims + "]}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsNameObjectIdRolesAndGroupsFromTheClaims() {
        String encoded = principal("{\"typ\":\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name\",\"val\":\"ann@example.com\"},"
                + "{\"typ\":\"http://schemas.microsoft.com/identity/claims/objectidentifier\",\"val\":\"0f6d7a4e-1c52-4a8e-9a57-3b1a6e2d9c10\"},"
                + "{\"typ\":\"roles\",\"val\":\"Deployer\"},"
                + "{\"typ\":\"http://schemas.microsoft.com/ws/2008/06/identity/claims/role\",\"val\":\"Approver\"},"
                + "{\"typ\":\"roles\",\"val\":\"Owner\"},"
                + "{\"typ\":\"groups\",\"val\":\"6a3c2f0e-8b1d-4c4e-a7f2-91d0b5e3c8aa\"}");

        Principal read = PLATFORM.identify(Map.of("x-ms-client-principal", encoded));

        assertEquals("ann@example.com", read.name());
        assertEquals("0f6d7a4e-1c52-4a8e-9a57-3b1a6e2d9c10", read.objectId());
        assertEquals(Set.of(Role.DEPLOYER, Role.APPROVER), read.roles(), "an unknown role value is dropped");
        assertEquals(Set.of("6a3c2f0e-8b1d-4c4e-a7f2-91d0b5e3c8aa"), read.groups());
    }

    @Test
    void theNameAndIdHeadersFillInWhatTheClaimsLackAndAreCleaned() {
        String encoded = principal("{\"typ\":\"roles\",\"val\":\"Reader\"}");

        Principal read = PLATFORM.identify(Map.of("X-MS-CLIENT-PRINCIPAL", encoded,
                "X-MS-CLIENT-PRINCIPAL-NAME", "ceo@example.com\u001b[31m FAKE\u001b[0m",
                "X-MS-CLIENT-PRINCIPAL-ID", "abc"));

        assertEquals("ceo@example.com FAKE", read.name());
        assertEquals("abc", read.objectId());
    }

    @Test
    void withPlatformAuthenticationOnARequestWithoutThePrincipalHasNoCaller() {
        assertNull(PLATFORM.identify(Map.of("User-Agent", "curl/8.0")));
    }

    @Test
    void anUnreadablePrincipalIsRefused() {
        Problem problem = assertThrows(Problem.class, () -> PLATFORM.identify(Map.of("X-MS-CLIENT-PRINCIPAL", "%%%")));
        assertEquals(401, problem.status());
    }

    @Test
    void withoutPlatformAuthenticationAnyPrincipalHeaderIsRefused() {
        for (String header : new String[] {"X-MS-CLIENT-PRINCIPAL", "X-MS-CLIENT-PRINCIPAL-NAME",
                "x-ms-client-principal-id", "X-MS-CLIENT-PRINCIPAL-IDP"}) {
            Problem problem = assertThrows(Problem.class, () -> OFF.identify(Map.of(header, "x")), header);
            assertEquals(401, problem.status());
        }
        assertNull(OFF.identify(Map.of("User-Agent", "curl/8.0")));
    }

    @Test
    void platformAuthenticationIsOnOnlyWhenTheSettingSaysTrue() {
        assertEquals(Authentication.Mode.PLATFORM, Authentication.fromSettings(Map.of("WEBSITE_AUTH_ENABLED", "true")).mode());
        assertEquals(Authentication.Mode.OFF, Authentication.fromSettings(Map.of("WEBSITE_AUTH_ENABLED", "False")).mode());
        assertEquals(Authentication.Mode.OFF, Authentication.fromSettings(Map.of("WEBSITE_AUTH_ENABLED", "1")).mode());
    }

    @Test
    void theLocalHostRunsAsItsUserAndRefusesPrincipalHeaders() {
        Principal alice = new Principal("alice", null, Set.of(Role.DEPLOYER), Set.of());
        Authentication local = Authentication.local(alice);

        assertEquals(alice, local.identify(Map.of()));
        assertEquals(401, assertThrows(Problem.class,
                () -> local.identify(Map.of("X-MS-CLIENT-PRINCIPAL-NAME", "ceo@example.com"))).status());
    }
}
