package io.smoothdeploy.cloud.arm;

import io.smoothdeploy.local.emulator.EmulatorArm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.emulator.AzureEmulator;
import io.smoothdeploy.local.emulator.EmulatorCredential;
import io.smoothdeploy.local.emulator.RecordedRequest;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The orchestrator's credential failing, through the real azure-resourcemanager pipeline against the local
 * Azure emulator: its token endpoint breaking (as a managed-identity endpoint does), and ARM refusing a token
 * (401). Both must come out as transient credential failures that never show a token; a 403 must not.
 */
class ArmCredentialFailureTest {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";

    private ManualClock clock;
    private AzureEmulator emulator;
    private ArmCloud cloud;
    private SlotRef production;

    @BeforeEach
    void startEmulator() {
        clock = new ManualClock();
        emulator = AzureEmulator.start(clock);
        // restarts at once: these tests are about other behaviour (restart lag: SlotRuntimeTest.restarts*)
        emulator.setRestartLag(Duration.ZERO);
        String siteId = emulator.addSite(SUBSCRIPTION, "rg-web", "cms", "westeurope",
                Map.of(SlotInfo.RUN_FROM_PACKAGE, "https://packages.example/cms-1.0.zip"), Map.of());
        production = SlotRef.production(siteId);
        cloud = EmulatorArm.cloud(emulator.endpoint(), SUBSCRIPTION, emulator::baseUrlForHost);
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    @Test
    void everyArmRequestCarriesATokenFromTheTokenEndpoint() {
        // Act
        cloud.getSlot(production).orElseThrow();

        // Assert: getSite, listAppSettings, listConnectionStrings, each signed with a token of its own
        assertEquals(3, emulator.requests().size());
        assertTrue(emulator.requests().stream().allMatch(r -> r.status() == 200), emulator.requests().toString());
        List<RecordedRequest> tokens = emulator.tokenRequests();
        assertEquals(3, tokens.size());
        for (RecordedRequest token : tokens) {
            assertEquals("getToken", token.operation());
            assertEquals(AzureEmulator.TOKEN_PATH, token.path());
            assertEquals(200, token.status());
            assertTrue(token.apiVersion() != null && !token.apiVersion().isBlank(), token.toString());
        }
    }

    @Test
    void aTokenEndpointFailingTwiceFailsTwoCallsAsTransientCredentialFailuresThenRecovers() {
        // Arrange
        emulator.failNextTokenRequests(2, 503);

        // Act
        CloudException first = assertThrows(CloudException.class, () -> cloud.getSlot(production));
        CloudException second = assertThrows(CloudException.class, () -> cloud.getSlot(production));
        SlotInfo third = cloud.getSlot(production).orElseThrow();

        // Assert
        for (CloudException error : List.of(first, second)) {
            assertTrue(error.isCredentialFailure(), error.getMessage());
            assertTrue(error.isTransient());
            assertEquals("TokenRequestFailed", error.code());
            assertTrue(error.getMessage().contains("orchestrator's credential"), error.getMessage());
            assertTrue(error.getMessage().contains("TokenRequestFailed"), error.getMessage());
            assertTrue(error.getMessage().contains("503"), error.getMessage());
            assertFalse(error.getMessage().contains("emulator-token-"), error.getMessage());
        }
        assertTrue(third.running());
        // the failed fetches are not retried within the call, and no ARM request goes out without a token
        assertEquals(List.of(503, 503, 200, 200, 200),
                emulator.tokenRequests().stream().map(RecordedRequest::status).toList());
        assertEquals(List.of("getSite", "listAppSettings", "listConnectionStrings"),
                emulator.requests().stream().map(RecordedRequest::operation).toList());
    }

    @Test
    void anUnreachableTokenEndpointIsACredentialUnavailableFailure() throws Exception {
        // Arrange: a port nothing listens on
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ArmCloud cut = ArmCloud.forEndpoint(emulator.endpoint(), SUBSCRIPTION, emulator::baseUrlForHost,
                new EmulatorCredential(URI.create("http://127.0.0.1:" + closedPort)));

        // Act
        CloudException error = assertThrows(CloudException.class, () -> cut.getSlot(production));

        // Assert
        assertEquals("CredentialUnavailable", error.code());
        assertTrue(error.isCredentialFailure());
        assertTrue(error.isTransient());
        assertTrue(emulator.requests().isEmpty());
    }

    @Test
    void anArm401ExpiredAuthenticationTokenIsATransientCredentialFailure() {
        // Arrange: ARM retries no 401, so one fault is one failed call
        emulator.failNext("getSite", 1, 401, "ExpiredAuthenticationToken");

        // Act
        CloudException error = assertThrows(CloudException.class, () -> cloud.getSlot(production));

        // Assert
        assertEquals("ExpiredAuthenticationToken", error.code());
        assertTrue(error.isCredentialFailure());
        assertTrue(error.isTransient());
        assertTrue(error.getMessage().contains("refused the orchestrator's credential"), error.getMessage());
        assertTrue(error.getMessage().contains("401 ExpiredAuthenticationToken"), error.getMessage());
        assertEquals(1, emulator.requests().size());
        assertTrue(cloud.getSlot(production).isPresent());
    }

    @Test
    void aTokenTheEmulatorDidNotIssueIsRefusedWith401InvalidAuthenticationToken() {
        // Arrange: a credential holding a token from elsewhere (a stale or foreign one)
        String foreignToken = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJvdGhlciJ9.c2lnbmF0dXJl";
        TokenCredential foreign = new TokenCredential() {
            @Override
            public Mono<AccessToken> getToken(TokenRequestContext request) {
                return Mono.just(new AccessToken(foreignToken, OffsetDateTime.now().plusHours(1)));
            }
        };
        ArmCloud stranger = ArmCloud.forEndpoint(emulator.endpoint(), SUBSCRIPTION, emulator::baseUrlForHost, foreign);

        // Act
        CloudException error = assertThrows(CloudException.class, () -> stranger.getSlot(production));

        // Assert
        assertEquals("InvalidAuthenticationToken", error.code());
        assertTrue(error.isCredentialFailure());
        assertTrue(error.isTransient());
        assertFalse(error.getMessage().contains(foreignToken), error.getMessage());
        assertEquals(401, emulator.requests().get(0).status());
    }

    @Test
    void aTokenKeptPastItsExpiryIsRefusedWith401ExpiredAuthenticationToken() {
        // Arrange: a credential that fetched one token from the emulator and keeps using it past its hour
        AccessToken kept = new EmulatorCredential(emulator.endpoint())
                .getTokenSync(new TokenRequestContext().addScopes(emulator.endpoint() + "/.default"));
        TokenCredential keeping = new TokenCredential() {
            @Override
            public Mono<AccessToken> getToken(TokenRequestContext request) {
                return Mono.just(kept);
            }
        };
        ArmCloud stale = ArmCloud.forEndpoint(emulator.endpoint(), SUBSCRIPTION, emulator::baseUrlForHost, keeping);
        assertTrue(stale.getSlot(production).isPresent());
        clock.advance(Duration.ofMinutes(61));

        // Act
        CloudException error = assertThrows(CloudException.class, () -> stale.getSlot(production));

        // Assert
        assertEquals("ExpiredAuthenticationToken", error.code());
        assertTrue(error.isCredentialFailure());
        assertFalse(error.getMessage().contains(kept.getToken()), error.getMessage());
    }

    @Test
    void scrubbingRemovesBearerTokensJwtsAndTokenFields() {
        String scrubbed = ArmErrors.scrub("sent Bearer abc123 and eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln in "
                + "{\"access_token\":\"s3cr3t\",\"token_type\":\"Bearer\"}");

        assertFalse(scrubbed.contains("abc123"), scrubbed);
        assertFalse(scrubbed.contains("eyJ"), scrubbed);
        assertFalse(scrubbed.contains("s3cr3t"), scrubbed);
    }

    @Test
    void a403IsAPermanentMissingRoleAssignmentNotACredentialFailure() {
        // Arrange
        emulator.failNext("getSite", 1, 403, "AuthorizationFailed");

        // Act
        CloudException error = assertThrows(CloudException.class, () -> cloud.getSlot(production));

        // Assert
        assertEquals("AuthorizationFailed", error.code());
        assertFalse(error.isCredentialFailure());
        assertFalse(error.isTransient());
        assertTrue(error.getMessage().contains("role assignment"), error.getMessage());
        assertTrue(error.getMessage().startsWith("Reading slot " + production), error.getMessage());
        assertTrue(error.getMessage().contains("GET /subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg-web"
                + "/providers/Microsoft.Web/sites/cms"), error.getMessage());
    }

    @Test
    void theExistingConstructorsMakeNoCredentialFailures() {
        assertFalse(new CloudException("TooManyRequests", "throttled", true).isCredentialFailure());
        CloudException credentials = CloudException.credentials("ExpiredAuthenticationToken", "expired", null);
        assertTrue(credentials.isCredentialFailure());
        assertTrue(credentials.isTransient());
    }
}
