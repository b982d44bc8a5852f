package io.smoothdeploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GitHubIdToken} against a stand-in for GitHub's ID token endpoint on loopback, as strict as GitHub's
 * contract: it answers only a request with the step's request token as bearer, and returns {@code {"value": ...}}.
 * (The exchange of that ID token with Entra ID is azure-identity's ClientAssertionCredential, which needs the
 * network.)
 */
class GitHubIdTokenTest {

    private static final String REQUEST_TOKEN = "ghs_request_token_for_this_step_Zq81";

    private final List<String> requests = new ArrayList<>();
    private int status = 200;
    private String body = "{\"count\":1,\"value\":\"eyJhbGciOi.github-id-token.sig\"}";
    private final HttpServer server = start();

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void asksGitHubForAnIdTokenForEntraIdsExchangeWithTheStepsRequestToken() {
        // Arrange: the URL as GitHub gives it, with a query string already
        GitHubIdToken ids = GitHubIdToken.of(Map.of(GitHubIdToken.ENV_URL, url() + "?api-version=2.0",
                GitHubIdToken.ENV_TOKEN, REQUEST_TOKEN));

        // Act
        String first = ids.get();
        String second = ids.get();

        // Assert: asked anew each time (a token lasts minutes), for the audience Entra ID expects
        assertEquals("eyJhbGciOi.github-id-token.sig", first);
        assertEquals(first, second);
        assertEquals(List.of("/token?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange Bearer " + REQUEST_TOKEN,
                "/token?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange Bearer " + REQUEST_TOKEN), requests);
    }

    @Test
    void aRefusalSaysWhatIsMissingWithoutTheRequestToken() {
        // Arrange
        status = 403;
        body = "{\"message\":\"no id-token permission\"}";
        GitHubIdToken ids = GitHubIdToken.of(Map.of(GitHubIdToken.ENV_URL, url(), GitHubIdToken.ENV_TOKEN,
                REQUEST_TOKEN));

        // Act
        IllegalStateException refused = assertThrows(IllegalStateException.class, ids::get);

        // Assert
        assertTrue(refused.getMessage().contains("HTTP 403"), refused.getMessage());
        assertTrue(refused.getMessage().contains("id-token: write"), refused.getMessage());
        assertFalse(refused.getMessage().contains(REQUEST_TOKEN), refused.getMessage());
        assertTrue(requests.get(0).startsWith("/token?audience=api%3A%2F%2FAzureADTokenExchange"), requests.toString());
    }

    @Test
    void anAnswerWithoutATokenIsAnError() {
        // Arrange
        body = "{\"count\":0}";
        GitHubIdToken ids = GitHubIdToken.of(Map.of(GitHubIdToken.ENV_URL, url(), GitHubIdToken.ENV_TOKEN,
                REQUEST_TOKEN));

        // Act, Assert
        assertTrue(assertThrows(IllegalStateException.class, ids::get).getMessage().contains("without a token"));
    }

    @Test
    void outsideAGitHubJobThatMayAskForOneThereIsNone() {
        assertNull(GitHubIdToken.of(Map.of()));
        assertNull(GitHubIdToken.of(Map.of(GitHubIdToken.ENV_URL, url())));
        assertNull(GitHubIdToken.of(Map.of(GitHubIdToken.ENV_URL, url(), GitHubIdToken.ENV_TOKEN, " ")));
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    private HttpServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/token", exchange -> {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                requests.add(exchange.getRequestURI() + " " + authorization);
                boolean allowed = ("Bearer " + REQUEST_TOKEN).equals(authorization);
                byte[] answer = (allowed ? body : "{\"message\":\"Bad credentials\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(allowed ? status : 401, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
