package io.smoothdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The API refused a request (an RFC 9457 problem, or another non-2xx answer), could not be reached, or no access
 * token could be had to call it (a sign-in error): exit code {@link DeployCli#API_ERROR}.
 */
final class ApiException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final List<String> SHOWN = List.of("type", "title", "status", "detail", "instance", "field", "errors");

    /** The status of a sign-in error: no request was sent. */
    private static final int SIGN_IN = -1;

    private final int status;
    private final String title;
    private final String field;
    private final String hint;
    private final transient JsonNode problem;

    private ApiException(int status, String title, String detail, String field, String hint, JsonNode problem,
                         Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.title = title;
        this.field = field;
        this.hint = hint;
        this.problem = problem;
    }

    /** A non-2xx answer; {@code problem} is its problem+json body, or null when it has none. */
    static ApiException answer(int status, String method, String path, JsonNode problem, String bodyText) {
        return answer(status, method, path, problem, bodyText, null);
    }

    /**
     * A non-2xx answer; {@code signIn} (or null) words what a 401, or a 403 without a problem body, most likely
     * means for the credential that was sent. A 403 problem's detail names the missing role: it is shown as it is.
     */
    static ApiException answer(int status, String method, String path, JsonNode problem, String bodyText,
                               SignIn signIn) {
        String hint = null;
        boolean isProblem = problem != null && problem.isObject()
                && (problem.hasNonNull("title") || problem.hasNonNull("detail"));
        if (signIn != null && status == 401) {
            hint = signIn.unauthorizedHint();
        } else if (signIn != null && status == 403 && !isProblem) {
            hint = signIn.forbiddenHint();
        }
        if (isProblem) {
            return new ApiException(status, text(problem, "title"), text(problem, "detail"), text(problem, "field"),
                    hint, problem, null);
        }
        String detail = method + " " + path + " answered HTTP " + status;
        if ((status == 401 || status == 403) && signIn == null) {
            detail += " (is the function key right? pass it with --key or SMOOTHDEPLOY_KEY)";
        } else if (status == 404) {
            detail += " (is --api the API's base URL, ending in /api?)";
        }
        String snippet = bodyText == null ? "" : bodyText.strip();
        if (!snippet.isEmpty()) {
            detail += ": " + (snippet.length() > 300 ? snippet.substring(0, 300) + "..." : snippet);
        }
        return new ApiException(status, null, detail, null, hint, null, null);
    }

    /** No answer at all. */
    static ApiException unreachable(String method, String url, Exception cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ApiException(0, null, method + " " + url + " got no answer: " + reason, null, null, null, cause);
    }

    /** No access token could be had, so no request was sent. Not transient: asking again meets the same. */
    static ApiException signIn(String detail, Throwable cause) {
        return new ApiException(SIGN_IN, null, detail, null, null, null, cause);
    }

    /** HTTP status, 0 when the API could not be reached, -1 for a sign-in error. */
    int status() {
        return status;
    }

    /** The problem's {@code type} URI, or null when the answer had no problem body. */
    String type() {
        return problem == null ? null : text(problem, "type");
    }

    /** The answer's problem+json body, or null when it had none (or there was no answer). */
    JsonNode problem() {
        return problem;
    }

    /** A failure that the same request may not meet again: no answer, 429 or 5xx. */
    boolean isTransient() {
        return status == 0 || status == 429 || status >= 500;
    }

    /** The lines to print: the title, detail and field, then every listed fault and other problem members. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        if (status == SIGN_IN) {
            lines.add("Sign-in error: no access token for the API");
        } else {
            lines.add(status == 0 ? "API error: the API could not be reached" : "API error: HTTP " + status
                    + (title == null ? "" : " " + title));
        }
        if (getMessage() != null) {
            lines.add("  detail: " + getMessage());
        }
        if (field != null) {
            lines.add("  field:  " + field);
        }
        if (hint != null) {
            lines.add("  hint:   " + hint);
        }
        if (problem != null) {
            JsonNode errors = problem.path("errors");
            if (errors.isArray() && errors.size() > 1) {
                for (JsonNode error : errors) {
                    lines.add("  - " + text(error, "field") + ": " + text(error, "detail"));
                }
            }
            problem.fields().forEachRemaining(member -> {
                if (!SHOWN.contains(member.getKey())) {
                    JsonNode value = member.getValue();
                    lines.add("  " + member.getKey() + ": " + (value.isValueNode() ? value.asText() : value.toString()));
                }
            });
        }
        return lines;
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }
}
