package io.smoothdeploy.local;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP request as the local host hands it to a function: the same shape the Functions Java worker gives
 * ({@code HttpRequestMessage<Optional<String>>}).
 *
 * <p>Header names are lower-case, and looking one up ignores case. A repeated query parameter keeps its
 * first value. An empty body is {@link Optional#empty()}.
 */
public final class LocalHttpRequest implements HttpRequestMessage<Optional<String>> {

    private final URI uri;
    private final HttpMethod method;
    private final Map<String, String> headers;
    private final Map<String, String> queryParameters;
    private final Optional<String> body;

    /**
     * @param uri     the full request URI, query string included
     * @param method  the HTTP method
     * @param headers the request headers (any case); kept with lower-case names
     * @param body    the body, or null/empty for none
     */
    public LocalHttpRequest(URI uri, HttpMethod method, Map<String, String> headers, String body) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.method = Objects.requireNonNull(method, "method");
        TreeMap<String, String> lowerCase = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((name, value) -> lowerCase.merge(name.toLowerCase(Locale.ROOT), value,
                    (first, second) -> first + ", " + second));
        }
        this.headers = Collections.unmodifiableMap(lowerCase);
        this.queryParameters = Collections.unmodifiableMap(parseQuery(uri.getRawQuery()));
        this.body = body == null || body.isEmpty() ? Optional.empty() : Optional.of(body);
    }

    @Override
    public URI getUri() {
        return uri;
    }

    @Override
    public HttpMethod getHttpMethod() {
        return method;
    }

    @Override
    public Map<String, String> getHeaders() {
        return headers;
    }

    @Override
    public Map<String, String> getQueryParameters() {
        return queryParameters;
    }

    @Override
    public Optional<String> getBody() {
        return body;
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
        return LocalHttpResponse.builder(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return LocalHttpResponse.builder(status);
    }

    /**
     * Parses a raw (still percent-encoded) query string: {@code a=1&b=x%20y&flag}. A name without '=' gets
     * the empty string; '+' is a space; a repeated name keeps its first value.
     */
    public static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decodeForm(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decodeForm(pair.substring(equals + 1));
            if (!name.isEmpty()) {
                parameters.putIfAbsent(name, value);
            }
        }
        return parameters;
    }

    private static String decodeForm(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }
}
