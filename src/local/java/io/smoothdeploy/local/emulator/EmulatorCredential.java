package io.smoothdeploy.local.emulator;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.identity.CredentialUnavailableException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The orchestrator's identity on a laptop: a {@link TokenCredential} that gets its tokens from the emulator's
 * {@linkplain AzureEmulator#TOKEN_PATH token endpoint}, the way {@code ManagedIdentityCredential} gets them
 * from App Service's identity endpoint ({@code GET ?resource=…&api-version=2019-08-01}, answered with
 * {@code access_token} and {@code expires_on} in epoch seconds). It fails the way that credential does, so the
 * adapter's handling of a broken identity can be exercised for real: a non-2xx answer is a
 * {@link ClientAuthenticationException}, an endpoint that cannot be reached a
 * {@link CredentialUnavailableException}. Neither message holds the answer's body beyond the error description.
 *
 * <p>Nothing is cached: every call asks the endpoint. Thread-safe.
 */
public final class EmulatorCredential implements TokenCredential {

    private static final String API_VERSION = "2019-08-01";
    private static final String DEFAULT_SUFFIX = "/.default";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI tokenEndpoint;
    private final HttpClient http;

    /** @param emulatorEndpoint the emulator's {@link AzureEmulator#endpoint()} */
    public EmulatorCredential(URI emulatorEndpoint) {
        this.tokenEndpoint = URI.create(emulatorEndpoint.toString().replaceAll("/+$", "") + AzureEmulator.TOKEN_PATH);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request));
    }

    /** Asks the token endpoint for a token for the one scope of {@code request} (as managed identity, one only). */
    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        String resource = resource(request.getScopes());
        URI uri = URI.create(tokenEndpoint + "?resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8)
                + "&api-version=" + API_VERSION);
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json")
                    .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CredentialUnavailableException("EmulatorCredential: the token endpoint " + tokenEndpoint
                    + " cannot be reached (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialUnavailableException("EmulatorCredential: interrupted while asking for a token", e);
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            String description = body.path("error_description").asText(body.path("error").asText(""));
            throw new ClientAuthenticationException("EmulatorCredential: the token endpoint answered HTTP "
                    + response.statusCode() + (description.isBlank() ? "" : ": " + description), null);
        }
        String token = body.path("access_token").asText("");
        long expiresOn = body.path("expires_on").asLong(0);
        if (token.isBlank() || expiresOn <= 0) {
            throw new ClientAuthenticationException(
                    "EmulatorCredential: the token endpoint's answer has no access_token or expires_on", null);
        }
        return new AccessToken(token, OffsetDateTime.ofInstant(Instant.ofEpochSecond(expiresOn), ZoneOffset.UTC));
    }

    /** {@code https://management.azure.com/.default} -> {@code https://management.azure.com/}. */
    private static String resource(List<String> scopes) {
        if (scopes == null || scopes.size() != 1) {
            throw new IllegalArgumentException("a managed identity token is for exactly one scope, not " + scopes);
        }
        String scope = scopes.get(0);
        return scope.endsWith(DEFAULT_SUFFIX) ? scope.substring(0, scope.length() - DEFAULT_SUFFIX.length() + 1) : scope;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
