package io.smoothdeploy.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.WebAppPhase;
import io.smoothdeploy.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stage or a web-app phase added to the stage table is a value the API answers with: the OpenAPI document must
 * list it (README "Adding a step"), or a client generated from the document refuses the answer.
 */
class StageEnumTest {

    @Test
    void theDocumentListsEveryStageOfTheStageTable() throws IOException {
        assertEquals(Arrays.stream(Stage.values()).map(Stage::name).sorted().toList(),
                sorted(document().at("/components/schemas/Stage/enum")));
    }

    @Test
    void theDocumentListsEveryWebAppPhase() throws IOException {
        List<String> phases = new ArrayList<>();
        for (JsonNode schema : document().at("/components/schemas")) {
            JsonNode values = schema.get("enum");
            if (values != null && sorted(values).contains("WarmedUp")) {
                phases = sorted(values);
            }
        }
        assertEquals(Arrays.stream(WebAppPhase.values()).map(WebAppPhase::wireName).sorted().toList(), phases);
    }

    private static List<String> sorted(JsonNode values) {
        List<String> names = new ArrayList<>();
        values.forEach(v -> names.add(v.asText()));
        return names.stream().sorted().toList();
    }

    private static JsonNode document() throws IOException {
        try (InputStream in = StageEnumTest.class.getResourceAsStream("/openapi.json")) {
            return Json.mapper().readTree(in);
        }
    }
}
