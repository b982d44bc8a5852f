package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The orchestrator's HTTP API as the CLI calls it: JSON in and out, the credential that {@link SignIn} gives (an
 * Entra ID bearer token, or a function key as {@code x-functions-key}), redirects not followed (so the token or
 * key goes to no other host), and every non-2xx answer turned into an {@link ApiException}.
 */
final class ApiClient {

    static final String KEY_HEADER = SignIn.KEY_HEADER;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(100);

    private final String base;
    private final SignIn signIn;
    private final HttpClient http;

    /**
     * @param base   the API base URL, for example {@code https://app.azurewebsites.net/api}
     * @param signIn how each request proves who sends it ({@link SignIn#none()} for the local host)
     */
    ApiClient(String base, SignIn signIn) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.signIn = signIn;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The base URL with no trailing slash. */
    String base() {
        return base;
    }

    Answer get(String path) throws ApiException, InterruptedException {
        return send("GET", path, null);
    }

    /** A POST with a JSON body, or with none when {@code json} is null. */
    Answer post(String path, String json) throws ApiException, InterruptedException {
        return send("POST", path, json);
    }

    /** A PUT with a JSON body. */
    Answer put(String path, String json) throws ApiException, InterruptedException {
        return send("PUT", path, json);
    }

    /** A DELETE, whose answer is 204 with no body: {@link Answer#body()} is then an empty object. */
    Answer delete(String path) throws ApiException, InterruptedException {
        return send("DELETE", path, null);
    }

    private Answer send(String method, String path, String json) throws ApiException, InterruptedException {
        String url = base + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", "smoothdeploy-cli");
        signIn.authorize(request);
        if (json != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ApiException.unreachable(method, url, e);
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw ApiException.answer(response.statusCode(), method, path, body, body == null ? response.body() : null,
                    signIn);
        }
        if (response.statusCode() == 204 && (response.body() == null || response.body().isEmpty())) {
            return new Answer(204, Json.mapper().createObjectNode(), Optional.empty());
        }
        if (body == null || !body.isObject()) {
            throw ApiException.answer(response.statusCode(), method, path, null,
                    "the answer is not a JSON object: " + response.body());
        }
        return new Answer(response.statusCode(), body, response.headers().firstValue("Location"));
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** A path segment, percent-encoded: an id cannot reach another route. */
    static String segment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** A 2xx answer: its status, JSON body and Location header. */
    record Answer(int status, JsonNode body, Optional<String> location) {
    }
}
