package io.smoothdeploy.api;

import java.util.Map;

/**
 * An HTTP answer of the API, independent of the Functions runtime.
 *
 * @param status  HTTP status code
 * @param headers response headers (Content-Type among them)
 * @param body    the body, JSON text, or null for none
 */
public record ApiResponse(int status, Map<String, String> headers, String body) {

    public ApiResponse {
        headers = Map.copyOf(headers);
    }
}
