package io.smoothdeploy.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Request bodies are read only when they are sent as {@code application/json}.
 *
 * <p>The Functions host hands the function the request's headers as the client sent them (the Java worker's
 * {@code HttpRequestMessage.getHeaders()} is the host's RpcHttp header map, whose key case we do not rely on),
 * and the body as a string whatever its Content-Type: a text/plain or form body that happens to be valid JSON
 * would be acted on. So the media type is checked here, on every route that takes a body:
 * <ul>
 *   <li>the type must be {@code application/json}, in any case (RFC 9110 section 8.3.1: type and subtype are
 *       case-insensitive), with optional whitespace around the parameters;</li>
 *   <li>a {@code charset} parameter, when given, must be {@code utf-8} (RFC 8259 section 8.1: JSON exchanged
 *       between systems is UTF-8; the parameter has no other meaning for JSON); other parameters are ignored,
 *       since application/json defines none;</li>
 *   <li>a {@code +json} type ({@code application/merge-patch+json}, say) is refused: it names other semantics
 *       (a patch, a problem) that this API does not implement, and reading it as the plain document would
 *       silently mean something else;</li>
 *   <li>a body with no Content-Type is refused too: RFC 9110 section 8.3 leaves the recipient to assume
 *       {@code application/octet-stream}, which is not JSON;</li>
 *   <li>an empty body is not read, so its Content-Type does not matter.</li>
 * </ul>
 */
public final class JsonMediaType {

    static final String JSON = "application/json";
    private static final int MAX_ECHOED = 100;

    private JsonMediaType() {
    }

    /**
     * @param instance the request path, for the problem's {@code instance}
     * @param headers  the request headers, names in any case
     * @param body     the body, or null when there is none
     * @return a 415 problem answer, or empty when the body may be read
     */
    public static Optional<ApiResponse> refusal(String instance, Map<String, String> headers, String body) {
        if (body == null || body.isEmpty()) {
            return Optional.empty();
        }
        String contentType = headers == null ? null : headers.entrySet().stream()
                .filter(header -> "content-type".equalsIgnoreCase(header.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        return reason(contentType).map(reason -> Problem.unsupportedMediaType(reason + "; send the body as JSON "
                + "with the header Content-Type: application/json (a charset, if given, must be utf-8)")
                .toResponse(instance));
    }

    /** Why a body with this Content-Type is not read, or empty when it is JSON. */
    static Optional<String> reason(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.of("The body was sent with no Content-Type");
        }
        String sent = "The body was sent as " + echo(contentType);
        List<String> parts = List.of(contentType.split(";", -1));
        String type = parts.get(0).strip().toLowerCase(Locale.ROOT);
        if (type.endsWith("+json")) {
            return Optional.of(sent + ", which names another format than the plain JSON document this API reads");
        }
        if (!type.equals(JSON)) {
            return Optional.of(sent);
        }
        for (String parameter : parts.subList(1, parts.size())) {
            int equals = parameter.indexOf('=');
            String name = (equals < 0 ? parameter : parameter.substring(0, equals)).strip().toLowerCase(Locale.ROOT);
            String value = equals < 0 ? "" : unquote(parameter.substring(equals + 1).strip());
            if (name.equals("charset") && !value.equalsIgnoreCase("utf-8")) {
                return Optional.of(sent + ", and JSON is read in UTF-8 only");
            }
        }
        return Optional.empty();
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** The header as sent, without control characters and cut short: it is the client's text, echoed. */
    private static String echo(String contentType) {
        String printable = contentType.replaceAll("\\p{Cntrl}", "?").strip();
        return printable.length() <= MAX_ECHOED ? printable : printable.substring(0, MAX_ECHOED) + "...";
    }
}
