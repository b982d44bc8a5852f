package io.smoothdeploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.CredentialUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

/**
 * Signing in with an Entra ID token ({@code --audience} / {@value DeployCli#ENV_AUDIENCE}), in process: the Azure
 * sign-in is a test credential given through {@link DeployCli}'s seam, on a manual clock, and the API is a
 * {@link RecordingApi} that records the headers it got. (AzureCliSignInTest drives the real azure-identity chain
 * through a fake {@code az}.)
 */
class TokenSignInTest {

    private static final String AUDIENCE = "api://smoothdeploy-test";
    private static final String KEY = "fk_never_with_a_token_Q7w2-KeY==";
    private static final String READY = "eyReady.Token.From-The-Environment_x9";

    private final ManualPacer pacer = new ManualPacer();

    @Test
    void theTokenForTheAudienceIsSentAsBearerAndNothingElse() {
        // Arrange
        TestCredential credential = new TestCredential(Duration.ofMinutes(60));
        try (RecordingApi api = new RecordingApi(n -> RecordingApi.Answer.deployment("InProgress"))) {
            // Act: the audience as main.bicep may print it, with a trailing slash
            CliHarness.Result result = run(Map.of(DeployCli.ENV_API, api.base(), DeployCli.ENV_AUDIENCE,
                    AUDIENCE + "/"), credential, "status", "--id", "d1");

            // Assert
            assertEquals(DeployCli.OK, result.code(), result.toString());
            assertEquals(List.of(AUDIENCE + "/.default"), credential.scopes, "one token, for AUD/.default");
            RecordingApi.Request request = api.requests().get(0);
            assertEquals("Bearer " + token(1), request.authorization());
            assertNull(request.functionsKey(), "no key goes with a token");
            assertFalse(result.all().contains(token(1)), "the token was printed: " + result);
        }
    }

    @Test
    void theKeyIsStillSentAsTheFunctionsKeyWithoutAToken() {
        // Arrange
        TestCredential credential = new TestCredential(Duration.ofMinutes(60));
        try (RecordingApi api = new RecordingApi(n -> RecordingApi.Answer.deployment("InProgress"))) {
            // Act
            CliHarness.Result result = run(Map.of(DeployCli.ENV_API, api.base(), DeployCli.ENV_KEY, KEY), credential,
                    "status", "--id", "d1");

            // Assert
            assertEquals(DeployCli.OK, result.code(), result.toString());
            assertEquals(KEY, api.requests().get(0).functionsKey());
            assertNull(api.requests().get(0).authorization());
            assertEquals(0, credential.calls, "no Azure sign-in is asked for with a key");
        }
    }

    @Test
    void oneTokenServesAWaitUntilItNearlyExpiresThenARenewedOneTakesOver() {
        // Arrange: tokens last an hour; wait polls every 10 minutes for two hours
        TestCredential credential = new TestCredential(Duration.ofMinutes(60));
        try (RecordingApi api = new RecordingApi(n -> RecordingApi.Answer.deployment(n < 12 ? "InProgress"
                : "AwaitingVerification"))) {
            // Act
            CliHarness.Result result = run(Map.of(DeployCli.ENV_API, api.base(), DeployCli.ENV_AUDIENCE, AUDIENCE),
                    credential, "wait", "--id", "d1", "--until", "AwaitingVerification", "--timeout", "3h",
                    "--poll", "10m");

            // Assert: renewed 5 minutes before expiry (at 55 and 115 minutes), so at the polls of 60 and 120 minutes
            assertEquals(DeployCli.OK, result.code(), result.toString());
            List<String> sent = api.requests().stream().map(RecordingApi.Request::authorization).toList();
            List<String> expected = new ArrayList<>();
            for (int poll = 0; poll <= 12; poll++) {
                expected.add("Bearer " + token(poll < 6 ? 1 : poll < 12 ? 2 : 3));
            }
            assertEquals(expected, sent);
            assertEquals(3, credential.calls, "a token is asked for once per hour, not once per request");
            for (int token = 1; token <= 3; token++) {
                assertFalse(result.all().contains(token(token)), "a token was printed: " + result);
            }
        }
    }

    @Test
    void aRenewalThatFailsKeepsTheTokenInHandUntilItExpiresThenSaysWhy() {
        // Arrange: the first token lasts an hour; every renewal fails (a federated sign-in past its ID token)
        TestCredential credential = new TestCredential(Duration.ofMinutes(60));
        credential.failAfter = 1;
        try (RecordingApi api = new RecordingApi(n -> RecordingApi.Answer.deployment("InProgress"))) {
            // Act: polls every 3 minutes
            CliHarness.Result result = run(Map.of(DeployCli.ENV_API, api.base(), DeployCli.ENV_AUDIENCE, AUDIENCE),
                    credential, "wait", "--id", "d1", "--timeout", "3h", "--poll", "3m");

            // Assert: the polls at 0 ... 57 minutes went out with the first token; at 60 it had expired
            assertEquals(DeployCli.API_ERROR, result.code(), result.toString());
            assertEquals(20, api.requests().size(), result.toString());
            assertTrue(api.requests().stream().allMatch(r -> r.authorization().equals("Bearer " + token(1))));
            assertTrue(result.err().contains("warning: could not renew the access token"), result.toString());
            assertTrue(result.err().contains("Sign-in error"), result.toString());
            assertTrue(result.err().contains("the access token expired and could not be renewed"), result.toString());
            assertFalse(result.all().contains(token(1)), "the token was printed: " + result);
        }
    }

    @Test
    void noSignInFoundIsASignInErrorThatSaysWhatToDoAndSendsNothing() {
        // Arrange
        TestCredential credential = new TestCredential(Duration.ofMinutes(60));
        credential.failAfter = 0;
        try (RecordingApi api = new RecordingApi(n -> RecordingApi.Answer.deployment("InProgress"))) {
            // Act
            CliHarness.Result result = run(Map.of(DeployCli.ENV_API, api.base(), DeployCli.ENV_AUDIENCE, AUDIENCE),
                    credential, "wait", "--id", "d1");

            // Assert
            assertEquals(DeployCli.API_ERROR, result.code(), result.toString());
            assertTrue(result.err().startsWith("Sign-in error: no access token for the API"), result.toString());
            assertTrue(result.err().contains("run az login"), result.toString());
            assertTrue(result.err().contains(DeployCli.ENV_TOKEN), result.toString());
            assertTrue(result.err().contains("Please run 'az login'"), "the SDK's reason: " + result);
            assertEquals(List.of(), api.requests());
        }
    }

    @Test
    void a401WithoutABodySaysTheTokenWasRefusedAndNamesTheAudience() {
        // Arrange: App Service authentication refuses a token for another audience with a bare 401
        TestCredential credential = new TestCredential(Duration.ofMinutes(60));
        try (RecordingApi api = new RecordingApi(n -> new RecordingApi.Answer(401, null, ""))) {
            // Act
            CliHarness.Result result = run(Map.of(DeployCli.ENV_API, api.base(), DeployCli.ENV_AUDIENCE, AUDIENCE),
                    credential, "status", "--id", "d1");

            // Assert
            assertEquals(DeployCli.API_ERROR, result.code(), result.toString());
            assertTrue(result.err().contains("API error: HTTP 401"), result.toString());
            assertTrue(result.err().contains("the token was refused: is " + DeployCli.ENV_AUDIENCE), result.toString());
            assertTrue(result.err().contains(AUDIENCE), result.toString());
            assertFalse(result.err().contains("function key right"), "no key was given: " + result);
        }
    }

    @Test
    void a403ProblemShowsItsDetailNamingTheMissingRole() {
        // Arrange
        String problem = "{\"type\":\"https://smoothdeploy.io/problems/forbidden\",\"title\":\"Forbidden\","
                + "\"status\":403,\"detail\":\"Completing a deployment needs the Approver role; the caller has Deployer,"
                + " Reader.\"}";
        TestCredential credential = new TestCredential(Duration.ofMinutes(60));
        try (RecordingApi api = new RecordingApi(n -> new RecordingApi.Answer(403, "application/problem+json",
                problem))) {
            // Act
            CliHarness.Result result = run(Map.of(DeployCli.ENV_API, api.base(), DeployCli.ENV_AUDIENCE, AUDIENCE),
                    credential, "complete", "--id", "d1");

            // Assert
            assertEquals(DeployCli.API_ERROR, result.code(), result.toString());
            assertTrue(result.err().contains("API error: HTTP 403 Forbidden"), result.toString());
            assertTrue(result.err().contains("detail: Completing a deployment needs the Approver role"),
                    result.toString());
        }
    }

    @Test
    void aReadyTokenIsSentAsItIsAndMaskedWhenTheApiEchoesIt() {
        // Arrange: a 401 problem that quotes the Authorization header it got
        TestCredential credential = new TestCredential(Duration.ofMinutes(60));
        try (RecordingApi api = new RecordingApi(n -> new RecordingApi.Answer(401, "application/problem+json",
                "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"refused Bearer " + READY + "\"}"))) {
            // Act
            CliHarness.Result result = run(Map.of(DeployCli.ENV_API, api.base(), DeployCli.ENV_TOKEN, READY),
                    credential, "status", "--id", "d1");

            // Assert
            assertEquals(DeployCli.API_ERROR, result.code(), result.toString());
            assertEquals("Bearer " + READY, api.requests().get(0).authorization());
            assertEquals(0, credential.calls, "a ready token needs no sign-in");
            assertTrue(result.err().contains("refused Bearer " + Masking.KEY_MASK), result.toString());
            assertTrue(result.err().contains("the token in " + DeployCli.ENV_TOKEN + " was refused"),
                    result.toString());
            assertFalse(result.all().contains(READY), "the token was printed: " + result);
        }
    }

    @Test
    void githubsIdTokenRequestTokenIsMaskedToo() {
        // Arrange: the step's ACTIONS_ID_TOKEN_REQUEST_TOKEN, echoed by an API
        String requestToken = "ghs_step_request_token_3Kd9";
        TestCredential credential = new TestCredential(Duration.ofMinutes(60));
        try (RecordingApi api = new RecordingApi(n -> new RecordingApi.Answer(401, "application/problem+json",
                "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"saw " + requestToken + "\"}"))) {
            // Act
            CliHarness.Result result = run(Map.of(DeployCli.ENV_API, api.base(), DeployCli.ENV_AUDIENCE, AUDIENCE,
                    GitHubIdToken.ENV_TOKEN, requestToken), credential, "status", "--id", "d1");

            // Assert
            assertTrue(result.err().contains("saw " + Masking.KEY_MASK), result.toString());
            assertFalse(result.all().contains(requestToken), "the request token was printed: " + result);
        }
    }

    @Test
    void aTokenFromTheSignInIsMaskedWhenTheApiEchoesIt() {
        // Arrange
        TestCredential credential = new TestCredential(Duration.ofMinutes(60));
        try (RecordingApi api = new RecordingApi(n -> new RecordingApi.Answer(401, "application/problem+json",
                "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"refused " + token(1) + " for this app\"}"))) {
            // Act
            CliHarness.Result result = run(Map.of(DeployCli.ENV_API, api.base(), DeployCli.ENV_AUDIENCE, AUDIENCE),
                    credential, "status", "--id", "d1");

            // Assert
            assertTrue(result.err().contains("refused " + Masking.KEY_MASK + " for this app"), result.toString());
            assertFalse(result.all().contains(token(1)), "the token was printed: " + result);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"audience-env+key-option", "audience-option+key-env", "token-env+audience-option",
        "token-env+key-env", "audience-not-a-uri", "audience-over-plain-http"})
    void twoWaysToSignInOrABadAudienceAreUsageErrorsBeforeAnything(String situation) {
        // Arrange
        TestCredential credential = new TestCredential(Duration.ofMinutes(60));
        try (RecordingApi api = new RecordingApi(n -> RecordingApi.Answer.deployment("InProgress"))) {
            Map<String, String> env = new HashMap<>(Map.of(DeployCli.ENV_API, api.base()));
            List<String> args = new ArrayList<>(List.of("status", "--id", "d1"));
            String expected;
            switch (situation) {
                case "audience-env+key-option" -> {
                    env.put(DeployCli.ENV_AUDIENCE, AUDIENCE);
                    args.addAll(List.of("--key", KEY));
                    expected = "give one way to sign in, not both";
                }
                case "audience-option+key-env" -> {
                    env.put(DeployCli.ENV_KEY, KEY);
                    args.addAll(List.of("--audience", AUDIENCE));
                    expected = "give one way to sign in, not both";
                }
                case "token-env+audience-option" -> {
                    env.put(DeployCli.ENV_TOKEN, READY);
                    args.addAll(List.of("--audience", AUDIENCE));
                    expected = DeployCli.ENV_TOKEN + " is a ready token: give it alone";
                }
                case "token-env+key-env" -> {
                    env.put(DeployCli.ENV_TOKEN, READY);
                    env.put(DeployCli.ENV_KEY, KEY);
                    expected = DeployCli.ENV_TOKEN + " is a ready token: give it alone";
                }
                case "audience-not-a-uri" -> {
                    args.addAll(List.of("--audience", "smooth deploy"));
                    expected = "must be the API's Application ID URI, such as api://<client id>";
                }
                default -> {
                    env.put(DeployCli.ENV_API, "http://orchestrator.example.com/api");
                    args.addAll(List.of("--audience", AUDIENCE));
                    expected = "an access token is sent over https only";
                }
            }

            // Act
            CliHarness.Result result = run(env, credential, args.toArray(String[]::new));

            // Assert
            assertEquals(DeployCli.USAGE, result.code(), result.toString());
            assertTrue(result.err().startsWith("deploy: "), result.toString());
            assertTrue(result.err().contains(expected), expected + " in " + result);
            assertEquals(List.of(), api.requests(), "nothing was sent");
            assertEquals(0, credential.calls, "no token was asked for");
            assertFalse(result.all().contains(KEY) || result.all().contains(READY), "a secret was printed: " + result);
        }
    }

    /** The n-th token the test sign-in hands out (as long as a real one is, for masking). */
    private static String token(int n) {
        return "eyJ0eXAiOiJKV1Qi.test-access-token-" + n;
    }

    private CliHarness.Result run(Map<String, String> env, TokenCredential credential, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = DeployCli.run(args, o, e, env, pacer, ignored -> credential);
        }
        return new CliHarness.Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Time that moves only when {@code wait} pauses. */
    private static final class ManualPacer implements Pacer {
        private Instant now = Instant.parse("2026-12-02T09:00:00Z");

        @Override
        public Instant now() {
            return now;
        }

        @Override
        public void sleep(Duration duration) {
            now = now.plus(duration);
        }
    }

    /**
     * An Azure sign-in that hands out {@link #token} 1, 2, ... each valid for {@code lifetime} from the
     * pacer's now; after {@code failAfter} tokens it is unavailable, as AzureCliCredential is with no session.
     */
    private final class TestCredential implements TokenCredential {
        private final Duration lifetime;
        final List<String> scopes = new ArrayList<>();
        int calls;
        int failAfter = Integer.MAX_VALUE;

        TestCredential(Duration lifetime) {
            this.lifetime = lifetime;
        }

        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            return Mono.fromCallable(() -> getTokenSync(request));
        }

        @Override
        public AccessToken getTokenSync(TokenRequestContext request) {
            calls++;
            scopes.addAll(request.getScopes());
            if (calls > failAfter) {
                throw new CredentialUnavailableException("AzureCliCredential authentication unavailable. Please run"
                        + " 'az login' to set up account.");
            }
            return new AccessToken(token(calls), pacer.now().plus(lifetime).atOffset(ZoneOffset.UTC));
        }
    }
}
