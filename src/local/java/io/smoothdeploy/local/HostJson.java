package io.smoothdeploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the local host takes from the app's host.json, as the Functions host does. Today: how many Service Bus
 * messages are handled at once, {@code extensions.serviceBus.maxConcurrentCalls}. The Service Bus extension
 * (5.x) reads it per instance and, when it is absent, uses 16 times the processor count
 * (https://learn.microsoft.com/azure/azure-functions/functions-bindings-service-bus#hostjson-settings).
 */
public final class HostJson {

    /** host.json in the project directory, where {@code mvn exec:java} runs. */
    public static final Path DEFAULT_PATH = Path.of("host.json");

    private HostJson() {
    }

    /** The worker count the Functions host would use for the host.json at {@link #DEFAULT_PATH}. */
    public static int maxConcurrentCalls() {
        return maxConcurrentCalls(DEFAULT_PATH);
    }

    /**
     * The worker count from {@code hostJson}: its {@code extensions.serviceBus.maxConcurrentCalls}, or the
     * extension's default when the file or the setting is absent.
     *
     * @throws IllegalArgumentException when the setting is there but not a positive whole number, or the file
     *                                  is not JSON (the Functions host refuses to start then too)
     */
    public static int maxConcurrentCalls(Path hostJson) {
        if (!Files.isRegularFile(hostJson)) {
            return defaultMaxConcurrentCalls();
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readString(hostJson));
        } catch (IOException e) {
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
                throw new IllegalArgumentException(hostJson + " is not valid JSON: fix it (" + json.getOriginalMessage()
                        + ")");
            }
            throw new UncheckedIOException("could not read " + hostJson, e);
        }
        JsonNode value = root == null ? null : root.path("extensions").path("serviceBus").get("maxConcurrentCalls");
        if (value == null || value.isNull()) {
            return defaultMaxConcurrentCalls();
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
            throw new IllegalArgumentException(hostJson + ": extensions.serviceBus.maxConcurrentCalls must be a "
                    + "positive whole number, not " + value);
        }
        return value.asInt();
    }

    /** The Service Bus extension's default: 16 times the processor count. */
    public static int defaultMaxConcurrentCalls() {
        return 16 * Runtime.getRuntime().availableProcessors();
    }
}
