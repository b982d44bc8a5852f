package io.smoothdeploy.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads request fields from a JSON tree and collects every fault, each with the path of its field, so one
 * answer lists all that is wrong.
 */
final class Fields {

    static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?");
    static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]{0,99}");

    private final List<Problem.FieldError> errors = new ArrayList<>();

    void error(String field, String detail) {
        errors.add(new Problem.FieldError(field, detail));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    void throwIfAny() {
        if (!errors.isEmpty()) {
            throw Problem.invalid(errors);
        }
    }

    /** Every member of {@code node} must be one of {@code known}: a misspelt field is an error, not a default. */
    void onlyKnown(JsonNode node, String path, Set<String> known) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                error(join(path, name), "unknown field '" + name + "'; expected one of " + known);
            }
        }
    }

    String requiredText(JsonNode node, String path, String name, Pattern pattern, String shape) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            error(join(path, name), name + " is required: " + shape);
            return null;
        }
        return checkText(value, join(path, name), pattern, shape);
    }

    String optionalText(JsonNode node, String path, String name, Pattern pattern, String shape) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        return checkText(value, join(path, name), pattern, shape);
    }

    private String checkText(JsonNode value, String field, Pattern pattern, String shape) {
        if (!value.isTextual()) {
            error(field, field + " must be a string: " + shape);
            return null;
        }
        String text = value.asText();
        if (pattern != null && !pattern.matcher(text).matches()) {
            error(field, field + " must be " + shape);
            return null;
        }
        return text;
    }

    /** An absolute https URI with a host; the value is never echoed, since it may carry a SAS token. */
    String httpsUri(JsonNode node, String path, String name, boolean required) {
        return uri(node, path, name, required, false);
    }

    /** Like {@link #httpsUri}, but plain http is allowed to a loopback host (a receiver on this machine). */
    String webhookUri(JsonNode node, String path, String name) {
        return uri(node, path, name, false, true);
    }

    private String uri(JsonNode node, String path, String name, boolean required, boolean loopbackHttp) {
        JsonNode value = node.get(name);
        String field = join(path, name);
        if (value == null || value.isNull()) {
            if (required) {
                error(field, name + " is required: an https URI of the package");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().length() > 4096) {
            error(field, field + " must be an https URI of at most 4096 characters");
            return null;
        }
        try {
            URI uri = new URI(value.asText());
            boolean loopback = loopbackHttp && "http".equalsIgnoreCase(uri.getScheme())
                    && ("localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost()));
            if (!("https".equalsIgnoreCase(uri.getScheme()) || loopback) || uri.getHost() == null
                    || uri.getRawFragment() != null) {
                error(field, field + " must be an absolute https URI with a host and no fragment"
                        + (loopbackHttp ? " (plain http only to localhost)" : ""));
                return null;
            }
            return value.asText();
        } catch (URISyntaxException e) {
            error(field, field + " is not a valid URI");
            return null;
        }
    }

    Boolean optionalBoolean(JsonNode node, String path, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            error(join(path, name), join(path, name) + " must be true or false");
            return null;
        }
        return value.asBoolean();
    }

    Integer optionalInt(JsonNode node, String path, String name, int min, int max) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            error(join(path, name), join(path, name) + " must be a whole number from " + min + " to " + max);
            return null;
        }
        return value.asInt();
    }

    JsonNode object(JsonNode node, String path, String name, boolean required) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                error(join(path, name), name + " is required: an object");
            }
            return null;
        }
        if (!value.isObject()) {
            error(join(path, name), join(path, name) + " must be an object");
            return null;
        }
        return value;
    }

    JsonNode array(JsonNode node, String path, String name, boolean required, int maxItems) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                error(join(path, name), name + " is required: a list");
            }
            return null;
        }
        if (!value.isArray()) {
            error(join(path, name), join(path, name) + " must be a list");
            return null;
        }
        if (value.size() > maxItems) {
            error(join(path, name), join(path, name) + " may hold at most " + maxItems + " items");
            return null;
        }
        return value;
    }

    static String join(String path, String name) {
        return path == null || path.isEmpty() ? name : path + "." + name;
    }
}
