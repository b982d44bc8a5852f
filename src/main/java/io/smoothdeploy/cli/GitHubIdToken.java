package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A fresh GitHub Actions ID token each time one is asked for, the client assertion of a federated sign-in: in a job
 * with {@code id-token: write}, every step has {@value #ENV_URL} and {@value #ENV_TOKEN}, and a GET of that URL with
 * {@code &audience=api://AzureADTokenExchange} and the request token as a bearer answers {@code {"value": "<JWT>"}}
 * (https://docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect,
 * "Methods for requesting the OIDC token"). GitHub's ID tokens last minutes, so an {@code az login} made with one
 * cannot renew its access token an hour later; asking GitHub again each time can, for as long as the job runs.
 */
final class GitHubIdToken implements Supplier<String> {

    static final String ENV_URL = "ACTIONS_ID_TOKEN_REQUEST_URL";
    static final String ENV_TOKEN = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
    /** The audience Entra ID expects of a federated credential's assertion. */
    static final String AUDIENCE = "api://AzureADTokenExchange";

    private final String url;
    private final String requestToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    GitHubIdToken(String url, String requestToken) {
        this.url = url;
        this.requestToken = requestToken;
    }

    /** The supplier for this step, or null outside a GitHub Actions job that may ask for an ID token. */
    static GitHubIdToken of(Map<String, String> env) {
        String url = env.get(ENV_URL);
        String token = env.get(ENV_TOKEN);
        return url == null || url.isBlank() || token == null || token.isBlank() ? null
                : new GitHubIdToken(url.trim(), token.trim());
    }

    @Override
    public String get() {
        String request = url + (url.contains("?") ? "&" : "?") + "audience="
                + URLEncoder.encode(AUDIENCE, StandardCharsets.UTF_8);
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(request)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + requestToken).header("Accept", "application/json").GET()
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("GitHub's ID token endpoint (" + ENV_URL + ") gave no answer: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking GitHub for an ID token", e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GitHub's ID token endpoint (" + ENV_URL + ") answered HTTP "
                    + response.statusCode() + ": does the job have permissions: id-token: write?");
        }
        JsonNode value;
        try {
            value = Json.mapper().readTree(response.body()).path("value");
        } catch (IOException e) {
            value = null;
        }
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalStateException("GitHub's ID token endpoint (" + ENV_URL + ") answered without a token");
        }
        return value.asText();
    }
}
