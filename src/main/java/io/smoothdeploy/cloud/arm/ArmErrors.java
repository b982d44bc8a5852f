package io.smoothdeploy.cloud.arm;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import io.smoothdeploy.cloud.CloudException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Turns what the SDK throws into {@link CloudException}: the code from ARM's error body, a message that
 * says what was attempted, and whether trying again later may help (408, 429, 5xx, and network failures).
 * Messages are built from our own words and ARM's error message only, never from the request, and pass
 * through {@link #scrub}, so a connection string or a package's SAS token cannot leak through them.
 */
final class ArmErrors {

    private static final Pattern QUERY = Pattern.compile("\\?[^\\s\"'<>]*");
    private static final Pattern SECRET = Pattern.compile(
            "(?i)(password|pwd|accountkey|sharedaccesskey|sig|secret|token)\\s*=\\s*[^;\\s\"'&]*");

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
        if (e instanceof HttpResponseException http && http.getResponse() != null) {
            int status = http.getResponse().getStatusCode();
            String code = null;
            String message = null;
            if (http instanceof ManagementException management && management.getValue() != null) {
                ManagementError error = management.getValue();
                code = error.getCode();
                message = error.getMessage();
            }
            if (code == null || code.isBlank()) {
                code = "Http" + status;
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

    static boolean isTransient(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** Removes query strings (SAS tokens) and {@code key=value} secrets from text that came from outside. */
    static String scrub(String text) {
        if (text == null) {
            return null;
        }
        return SECRET.matcher(QUERY.matcher(text).replaceAll("?<redacted>")).replaceAll("$1=<redacted>");
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
