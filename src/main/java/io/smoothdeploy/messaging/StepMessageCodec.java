package io.smoothdeploy.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.StepMessage;

/** Step messages on the wire: a small JSON object, stable across versions. */
public final class StepMessageCodec {

    public String encode(StepMessage message) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("deploymentId", message.deploymentId());
        node.put("environment", message.environment());
        node.put("stage", message.stage().name());
        if (message.webApp() != null) {
            node.put("webApp", message.webApp());
        }
        node.put("sequence", message.sequence());
        if (message.round() != 0) {
            node.put("round", message.round());
        }
        if (message.retry() != 0) {
            node.put("retry", message.retry());
        }
        return node.toString();
    }

    /** @throws IllegalArgumentException when the body is not a step message */
    public StepMessage decode(String body) {
        try {
            JsonNode node = Json.mapper().readTree(body);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("step message is not a JSON object");
            }
            String deploymentId = requiredText(node, "deploymentId");
            String environment = requiredText(node, "environment");
            Stage stage = Stage.parse(requiredText(node, "stage"));
            JsonNode webApp = node.get("webApp");
            int sequence = node.path("sequence").asInt(0);
            return new StepMessage(deploymentId, environment, stage,
                    webApp == null || webApp.isNull() ? null : webApp.asText(), sequence, node.path("round").asInt(0),
                    node.path("retry").asInt(0));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("step message is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("step message has no " + field);
        }
        return value.asText();
    }
}
