package io.smoothdeploy.cloud.arm;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpRequest;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.identity.CredentialUnavailableException;
import io.smoothdeploy.engine.port.CloudException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Turns what the SDK throws into {@link CloudException}: the code from ARM's error body, a message that
 * says what was attempted, and whether trying again later may help (408, 429, 5xx, and network failures).
 * Messages are built from our own words and ARM's error message only, never from the request's body or query
 * (a 403 names the method and path, which hold resource ids only), and pass through {@link #scrub}, so a
 * connection string, a package's SAS token or a bearer token cannot leak through them.
 *
 * <p>The orchestrator's own credential failing is a {@linkplain CloudException#credentials credential
 * failure}, in two shapes: no token could be had (the credential throws {@link ClientAuthenticationException},
 * or its subclass {@link CredentialUnavailableException}, out of the pipeline's authentication policy, possibly
 * wrapped), or ARM refused the token it was sent (401: {@code ExpiredAuthenticationToken},
 * {@code InvalidAuthenticationToken}, {@code AuthenticationFailed}). A 403 is not one: the token was good, the
 * identity just lacks a role assignment, which only a person can fix, so it stays permanent.
 *
 * <p>Error bodies: ARM's own are {@code {"error":{"code":…,"message":…}}}; App Service's resource provider answers
 * its own errors PascalCase, {@code {"Code":"Conflict","Message":…,"Details":[…]}}, which the SDK's generated
 * {@code DefaultErrorResponseError} does not read (it matches {@code "code"} and {@code "message"} exactly), so
 * both shapes are read from the body here. A 409 whose message says another operation is in progress (App
 * Service refuses writes to a site while it swaps: "Cannot modify this site because another operation is in
 * progress") is a {@linkplain CloudException#busy busy} failure, with Azure's message kept.
 */
final class ArmErrors {

    private static final Pattern QUERY = Pattern.compile("\\?[^\\s\"'<>]*");
    private static final Pattern SECRET = Pattern.compile(
            "(?i)(password|pwd|accountkey|sharedaccesskey|sig|secret|token)\\s*=\\s*[^;\\s\"'&]*");
    /** {@code "access_token": "…"} and the like, as a token endpoint's JSON answer would carry them. */
    private static final Pattern JSON_SECRET = Pattern.compile(
            "(?i)(\"[a-z_]*(?:token|secret|password|assertion)\"\\s*:\\s*\")[^\"]*\"");
    private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[^\\s\"',;]+");
    /** A JWT (header.payload.signature, base64url, the header starting with {@code {"}). */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final int MAX_REASON = 200;

    private ArmErrors() {
    }

    static boolean isNotFound(RuntimeException e) {
        return e instanceof HttpResponseException http && http.getResponse() != null
                && http.getResponse().getStatusCode() == 404;
    }

    static CloudException toCloud(String action, RuntimeException e) {
        if (e instanceof CloudException cloud) {
            return cloud;
        }
        // ARM's answers come as ManagementException; a ClientAuthenticationException can only be the credential's
        ClientAuthenticationException tokenFailure = tokenFailure(e);
        if (tokenFailure != null) {
            String code = tokenFailure instanceof CredentialUnavailableException
                    ? "CredentialUnavailable" : "TokenRequestFailed";
            return CloudException.credentials(code, action + " failed: the orchestrator's credential could not get"
                    + " a token for Azure Resource Manager (" + code + ")" + reason(tokenFailure.getMessage()), e);
        }
        if (e instanceof HttpResponseException http && http.getResponse() != null) {
            int status = http.getResponse().getStatusCode();
            String code = null;
            String message = null;
            if (http instanceof ManagementException management && management.getValue() != null) {
                ManagementError error = management.getValue();
                code = error.getCode();
                message = error.getMessage();
            }
            if (code == null || code.isBlank() || message == null) {
                String[] fromBody = codeAndMessage(http);
                code = code == null || code.isBlank() ? fromBody[0] : code;
                message = message == null ? fromBody[1] : message;
            }
            if (code == null || code.isBlank()) {
                code = "Http" + status;
            }
            if (status == 429) {
                // ARM's throttling: Retry-After says how many seconds to wait before the next request
                // (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling)
                java.time.Duration retryAfter = retryAfter(http.getResponse().getHeaders());
                return CloudException.throttled(code, action + " failed: HTTP 429 " + code
                        + (retryAfter == null ? "" : " (Retry-After " + retryAfter.toSeconds() + " s)")
                        + (message == null ? "" : ": " + scrub(message)), retryAfter, e);
            }
            if (status == 409 && ("InvalidOperationForDatabase".equalsIgnoreCase(code)
                    || "ConflictingDatabaseOperation".equalsIgnoreCase(code))) {
                // Azure SQL refuses a rename (and other changes) while the database is still being copied or
                // restored, or while another operation (a drop) runs on it ("the current operation should wait
                // till it is done", Microsoft.Sql's error lists): nothing changed, and the same call succeeds once
                // that operation is over
                return CloudException.busy(action + " refused: HTTP 409 " + code
                        + (message == null ? "" : ": " + scrub(message)), e);
            }
            if (status == 409 && message != null && message.toLowerCase(java.util.Locale.ROOT).contains(IN_PROGRESS)) {
                return CloudException.busy(action + " refused: HTTP 409 " + code + ": " + scrub(message), e);
            }
            if (status == 401) {
                return credentialRefused(action, code, message, e);
            }
            if (status == 403) {
                return new CloudException(code, action + " failed: HTTP 403 " + code + ": the orchestrator's identity"
                        + " has no role assignment that allows " + operation(http.getResponse().getRequest())
                        + "; grant it a role on the resource (such as Contributor) and try again"
                        + (message == null ? "" : ". Azure says: " + scrub(message)), false, e);
            }
            return new CloudException(code, action + " failed: HTTP " + status + " " + code
                    + (message == null ? "" : ": " + scrub(message)), isTransient(status), e);
        }
        if (causedByNetwork(e)) {
            return new CloudException("NetworkError", action + " failed: " + e.getClass().getSimpleName()
                    + " talking to Azure Resource Manager", true, e);
        }
        return new CloudException("UnexpectedError", action + " failed: " + e.getClass().getSimpleName(), false, e);
    }

    /**
     * ARM answered 401 to the token the orchestrator sent: a credential failure, with ARM's code and a scrubbed,
     * shortened reason (ARM's messages name the token's expiry, never the token, but they are scrubbed anyway).
     */
    static CloudException credentialRefused(String action, String code, String armMessage, Throwable cause) {
        return CloudException.credentials(code, action + " failed: Azure Resource Manager refused the orchestrator's"
                + " credential (HTTP 401 " + code + ")" + reason(armMessage), cause);
    }

    private static final String IN_PROGRESS = "another operation is in progress";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * {code, message} from the error body, in ARM's shape ({@code {"error":{"code","message"}}}) or App Service's
     * PascalCase one ({@code {"Code","Message"}}); nulls where the body has none or is not JSON.
     */
    static String[] codeAndMessage(HttpResponseException http) {
        String body;
        try {
            body = http.getResponse().getBodyAsString().block();
        } catch (RuntimeException e) {
            body = null;
        }
        if ((body == null || body.isBlank()) && http.getMessage() != null && http.getMessage().indexOf('{') >= 0) {
            // the body was read already (a long-running operation's first answer): azure-core puts it in the message
            body = http.getMessage().substring(http.getMessage().indexOf('{'));
        }
        if (body == null || body.isBlank()) {
            return new String[] {null, null};
        }
        try {
            com.fasterxml.jackson.databind.JsonNode root = JSON.readTree(body);
            com.fasterxml.jackson.databind.JsonNode error = root.has("error") ? root.get("error")
                    : root.has("Error") ? root.get("Error") : root;
            return new String[] {text(error, "code", "Code"), text(error, "message", "Message")};
        } catch (java.io.IOException | RuntimeException e) {
            return new String[] {null, null};
        }
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode node, String camel, String pascal) {
        com.fasterxml.jackson.databind.JsonNode value = node.hasNonNull(camel) ? node.get(camel) : node.get(pascal);
        return value == null || !value.isValueNode() ? null : value.asText();
    }

    /**
     * The wait a 429 asks for: {@code Retry-After} in seconds (what ARM sends) or as an HTTP date, else
     * {@code retry-after-ms} / {@code x-ms-retry-after-ms}; null when none is there or it cannot be read.
     */
    static java.time.Duration retryAfter(com.azure.core.http.HttpHeaders headers) {
        if (headers == null) {
            return null;
        }
        for (String name : new String[] {"retry-after-ms", "x-ms-retry-after-ms"}) {
            String millis = headers.getValue(com.azure.core.http.HttpHeaderName.fromString(name));
            if (millis != null) {
                try {
                    return java.time.Duration.ofMillis(Math.max(0, Long.parseLong(millis.trim())));
                } catch (NumberFormatException ignored) {
                    // try the next one
                }
            }
        }
        String value = headers.getValue(com.azure.core.http.HttpHeaderName.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return java.time.Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                java.time.OffsetDateTime at = java.time.OffsetDateTime.parse(value.trim(),
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                java.time.Duration wait = java.time.Duration.between(java.time.OffsetDateTime.now(), at);
                return wait.isNegative() ? java.time.Duration.ZERO : wait;
            } catch (java.time.format.DateTimeParseException ignored) {
                return null;
            }
        }
    }

    static boolean isTransient(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** Removes query strings (SAS tokens) and {@code key=value} secrets from text that came from outside. */
    static String scrub(String text) {
        if (text == null) {
            return null;
        }
        String scrubbed = QUERY.matcher(text).replaceAll("?<redacted>");
        scrubbed = SECRET.matcher(scrubbed).replaceAll("$1=<redacted>");
        scrubbed = JSON_SECRET.matcher(scrubbed).replaceAll("$1<redacted>\"");
        scrubbed = BEARER.matcher(scrubbed).replaceAll("Bearer <redacted>");
        return JWT.matcher(scrubbed).replaceAll("<redacted>");
    }

    /**
     * {@code ": <reason>"}: the first line of {@code text}, scrubbed and cut to {@value #MAX_REASON} characters
     * (the identity libraries' messages run to paragraphs of troubleshooting links); empty for no text.
     */
    private static String reason(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String line = scrub(text.strip().lines().findFirst().orElse(""));
        return ": " + (line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON) + "…");
    }

    /** The request as {@code METHOD /path} (no query string), to name what the identity may not do. */
    private static String operation(HttpRequest request) {
        if (request == null || request.getUrl() == null) {
            return "this operation";
        }
        return request.getHttpMethod() + " " + scrub(request.getUrl().getPath());
    }

    /**
     * The credential's exception, when the token could not be had: the SDK hands it on as the pipeline threw
     * it, but Reactor or a poller may have wrapped it on the way, so the whole cause chain is searched.
     */
    private static ClientAuthenticationException tokenFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientAuthenticationException authentication) {
                return authentication;
            }
        }
        return null;
    }

    private static boolean causedByNetwork(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
