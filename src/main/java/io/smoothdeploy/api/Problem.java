package io.smoothdeploy.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smoothdeploy.json.Json;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem answer. {@code field} names the request field at fault (for example
 * {@code webApps[0].resourceId}); {@code errors} lists every fault found when there are several.
 */
public final class Problem extends RuntimeException {

    private static final long serialVersionUID = 1L;
    static final String CONTENT_TYPE = "application/problem+json";

    private final int status;
    private final String type;
    private final String title;
    private final String field;
    private final List<FieldError> errors;
    private final transient Map<String, Object> extensions;
    private final transient Map<String, String> headers;

    public Problem(int status, String type, String title, String detail, String field, List<FieldError> errors,
                   Map<String, Object> extensions) {
        this(status, type, title, detail, field, errors, extensions, Map.of());
    }

    private Problem(int status, String type, String title, String detail, String field, List<FieldError> errors,
                    Map<String, Object> extensions, Map<String, String> headers) {
        super(detail);
        this.headers = Map.copyOf(headers);
        this.status = status;
        this.type = type;
        this.title = title;
        this.field = field;
        this.errors = List.copyOf(errors);
        this.extensions = Map.copyOf(extensions);
    }

    /** A request field is missing or wrong. */
    public static Problem invalid(List<FieldError> errors) {
        FieldError first = errors.get(0);
        String detail = errors.size() == 1 ? first.detail()
                : first.detail() + " (and " + (errors.size() - 1) + " more problem(s), listed in errors)";
        return new Problem(400, "urn:smoothdeploy:problem:invalid-request", "The request is not valid", detail,
                first.field(), errors, Map.of());
    }

    public static Problem invalid(String field, String detail) {
        return invalid(List.of(new FieldError(field, detail)));
    }

    public static Problem notFound(String field, String detail) {
        return new Problem(404, "urn:smoothdeploy:problem:not-found", "Not found", detail, field, List.of(), Map.of());
    }

    public static Problem conflict(String type, String title, String detail, String field, Map<String, Object> extensions) {
        return new Problem(409, "urn:smoothdeploy:problem:" + type, title, detail, field, List.of(), extensions);
    }

    public static Problem tooLarge(int limitBytes) {
        return new Problem(413, "urn:smoothdeploy:problem:body-too-large", "The request body is too large",
                "The body is larger than " + limitBytes + " bytes; send a smaller body", "body", List.of(), Map.of());
    }

    /** The body is not sent as application/json; {@code detail} says what was sent and what to send. */
    public static Problem unsupportedMediaType(String detail) {
        return new Problem(415, "urn:smoothdeploy:problem:unsupported-media-type", "The body is not sent as JSON",
                detail, "Content-Type", List.of(), Map.of());
    }

    /** A value that GET showed redacted was sent back; {@code detail} says what to send instead. */
    public static Problem redacted(String field, String detail) {
        return new Problem(422, "urn:smoothdeploy:problem:redacted-value", "A redacted value was sent back", detail,
                field, List.of(), Map.of());
    }

    /**
     * 401: no caller, or one whose headers cannot be trusted. {@code WWW-Authenticate: Bearer} says what to send
     * (RFC 9110 section 15.5.2 requires the header on a 401; RFC 6750 names the Bearer scheme).
     */
    public static Problem unauthenticated(String type, String detail) {
        return new Problem(401, "urn:smoothdeploy:problem:" + type, "Sign-in needed", detail, null, List.of(),
                Map.of(), Map.of("WWW-Authenticate", "Bearer"));
    }

    /** 403: the caller lacks {@code missingRole}, or (with {@code environmentRule}) is not an approver. */
    public static Problem forbidden(String missingRole, boolean environmentRule, List<String> callerRoles,
                                    String detail) {
        Map<String, Object> extensions = new java.util.LinkedHashMap<>();
        extensions.put("missingRole", missingRole);
        extensions.put("yourRoles", callerRoles);
        if (environmentRule) {
            extensions.put("environmentRule", "approvers");
        }
        return new Problem(403, "urn:smoothdeploy:problem:" + (environmentRule ? "not-an-approver" : "missing-role"),
                environmentRule ? "Not an approver of this environment" : "A role is missing", detail, null,
                List.of(), extensions);
    }

    public static Problem unprocessable(String field, String detail) {
        return new Problem(422, "urn:smoothdeploy:problem:does-not-fit-environment",
                "The request does not fit the environment", detail, field, List.of(), Map.of());
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public ApiResponse toResponse(String instance) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("type", type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", getMessage());
        if (instance != null) {
            body.put("instance", instance);
        }
        if (field != null) {
            body.put("field", field);
        }
        if (!errors.isEmpty()) {
            ArrayNode list = body.putArray("errors");
            for (FieldError error : errors) {
                list.addObject().put("field", error.field()).put("detail", error.detail());
            }
        }
        extensions.forEach((name, value) -> body.set(name, Json.mapper().valueToTree(value)));
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Content-Type", CONTENT_TYPE);
        return new ApiResponse(status, all, body.toString());
    }

    /** One fault of a request: the field and what is wrong with it. */
    public record FieldError(String field, String detail) {
    }
}
