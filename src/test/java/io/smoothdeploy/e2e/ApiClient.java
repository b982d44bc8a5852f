package io.smoothdeploy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls the local host's API over HTTP, as a pipeline or portal would. */
final class ApiClient {

    private final String apiBase;
    private final HttpClient http = HttpClient.newHttpClient();

    /** @param apiBase for example {@code http://127.0.0.1:7071/api} */
    ApiClient(String apiBase) {
        this.apiBase = apiBase;
    }

    Response put(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).POST(body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)));
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Response delete(String path) {
        return exchange(HttpRequest.newBuilder(uri(path)).DELETE().build());
    }

    /** Sends {@code body} with the given Content-Type, or with no Content-Type header when it is null. */
    Response sendAs(String method, String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method,
                HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return exchange(request.build());
    }

    private URI uri(String path) {
        return URI.create(apiBase + path);
    }

    private Response send(HttpRequest.Builder request) {
        return exchange(request.header("Content-Type", "application/json").build());
    }

    private Response exchange(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Location").orElse(null), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer: status, content type, Location header and body. */
    record Response(int status, String contentType, String location, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }
}
