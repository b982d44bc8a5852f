package io.smoothdeploy.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The demo's calls to the local host's API, as a pipeline would make them. */
final class DemoApi {

    private final String apiBase;
    private final HttpClient http = HttpClient.newHttpClient();

    DemoApi(String apiBase) {
        this.apiBase = apiBase;
    }

    JsonNode put(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(apiBase + path)).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    JsonNode post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(apiBase + path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(apiBase + path)).GET());
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> answer = http.send(request.header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 != 2) {
                throw new IllegalStateException("the API answered " + answer.statusCode() + ": " + answer.body());
            }
            return Json.mapper().readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
