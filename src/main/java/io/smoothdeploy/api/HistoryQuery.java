package io.smoothdeploy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.port.HistoryEntry;
import io.smoothdeploy.engine.port.HistoryPage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The query of {@code GET /environments/{name}/deployments}: {@code status}, {@code limit} and
 * {@code continuationToken}, checked before anything is read. The token is opaque to callers: Base64url of a small
 * JSON object naming the environment, the status filter and the position the next page starts after, so a token
 * sent with another environment or another status filter is refused rather than paging something else.
 */
record HistoryQuery(DeploymentStatus status, int limit, String after) {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private static final int MAX_TOKEN_CHARS = 2048;
    private static final java.util.Set<String> KNOWN = java.util.Set.of("status", "limit", "continuationToken");

    /** The query, or a 400 naming every parameter at fault. */
    static HistoryQuery parse(String environment, Map<String, String> query) {
        Map<String, String> parameters = query == null ? Map.of() : query;
        List<Problem.FieldError> errors = new ArrayList<>();
        // A misspelt parameter (Status=, page=) is refused, not ignored: ignoring it would list what was not asked.
        for (String name : new java.util.TreeSet<>(parameters.keySet())) {
            if (!KNOWN.contains(name)) {
                String shown = HeaderText.clean(name, 40) == null ? "(unprintable)" : HeaderText.clean(name, 40);
                errors.add(new Problem.FieldError(shown, "unknown query parameter '" + shown
                        + "': this route takes status, limit and continuationToken"));
            }
        }
        DeploymentStatus status = null;
        String statusText = blankToNull(parameters.get("status"));
        if (statusText != null) {
            status = Arrays.stream(DeploymentStatus.values()).filter(s -> s.wireName().equals(statusText)).findFirst()
                    .orElse(null);
            if (status == null) {
                errors.add(new Problem.FieldError("status", "status must be one of " + String.join(", ",
                        Arrays.stream(DeploymentStatus.values()).map(DeploymentStatus::wireName).toList())
                        + " (as the deployments show it, case included)"));
            }
        }
        int limit = DEFAULT_LIMIT;
        String limitText = blankToNull(parameters.get("limit"));
        if (limitText != null) {
            limit = -1;
            if (limitText.matches("\\d{1,3}")) {
                limit = Integer.parseInt(limitText);
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                errors.add(new Problem.FieldError("limit", "limit must be a whole number from 1 to " + MAX_LIMIT
                        + " (default " + DEFAULT_LIMIT + ")"));
            }
        }
        String after = null;
        String token = blankToNull(parameters.get("continuationToken"));
        if (token != null) {
            after = after(token, environment, statusText);
            if (after == null) {
                errors.add(new Problem.FieldError("continuationToken", "continuationToken is not one this API gave for the "
                        + "deployments of environment " + environment + " with "
                        + (statusText == null ? "no status filter" : "status=" + statusText)
                        + ": send it back unchanged with the same environment and status, or start again without it"));
            }
        }
        if (!errors.isEmpty()) {
            throw Problem.invalid(errors);
        }
        return new HistoryQuery(status, limit, after);
    }

    /** The body of the answer: the environment, the page's deployments, and the token of the next page or null. */
    ObjectNode view(String environment, HistoryPage page) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("environment", environment);
        var items = body.putArray("deployments");
        for (HistoryEntry entry : page.entries()) {
            ObjectNode item = items.addObject();
            item.put("id", entry.deploymentId());
            item.put("status", entry.status() == null ? null : entry.status().wireName());
            item.put("mode", entry.mode() == null ? null : entry.mode().wireName());
            item.put("createdAt", entry.createdAt() == null ? null : entry.createdAt().toString());
            item.put("updatedAt", entry.updatedAt() == null ? null : entry.updatedAt().toString());
            if (entry.commitId() != null) {
                item.put("commitId", entry.commitId());
            }
            if (entry.resumedFrom() != null) {
                item.put("resumedFrom", entry.resumedFrom());
            }
        }
        if (page.after() == null) {
            body.putNull("continuationToken");
        } else {
            body.put("continuationToken", token(environment, status == null ? null : status.wireName(), page.after()));
        }
        return body;
    }

    static String token(String environment, String status, String after) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("v", 1);
        node.put("e", environment);
        if (status != null) {
            node.put("s", status);
        }
        node.put("a", after);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The position a token names, or null when it is not a token of this environment and status filter. */
    private static String after(String token, String environment, String status) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return null;
        }
        try {
            JsonNode node = Json.mapper().readTree(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            if (node == null || !node.isObject() || node.path("v").asInt() != 1
                    || !environment.equals(node.path("e").asText(null))
                    || !Objects.equals(status, node.has("s") ? node.path("s").asText(null) : null)
                    || !node.path("a").isTextual() || !node.path("a").asText().matches("hist_\\d{19}_[a-z0-9-]{1,64}")) {
                return null;
            }
            return node.path("a").asText();
        } catch (IllegalArgumentException | java.io.IOException e) {
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
