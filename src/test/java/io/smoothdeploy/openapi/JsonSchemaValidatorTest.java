package io.smoothdeploy.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The schema validator the OpenAPI tests rely on: each keyword passes what it should and fails what it should. */
class JsonSchemaValidatorTest {

    private static final JsonNode ROOT = OpenApiChecks.parse("""
            {"components":{"schemas":{
              "Name":{"type":"string","pattern":"^[a-z]+$"},
              "Thing":{"type":"object","additionalProperties":false,"required":["name"],
                       "properties":{"name":{"$ref":"#/components/schemas/Name"},"size":{"type":"integer"}}}}}}
            """);

    static Stream<Arguments> cases() {
        return Stream.of(
                // schema, instance, valid?, a word the error must hold
                Arguments.of("{\"type\":\"string\"}", "\"a\"", true, null),
                Arguments.of("{\"type\":\"string\"}", "1", false, "expected type"),
                Arguments.of("{\"type\":[\"string\",\"null\"]}", "null", true, null),
                Arguments.of("{\"type\":[\"string\",\"null\"]}", "true", false, "expected type"),
                Arguments.of("{\"type\":\"integer\"}", "3", true, null),
                Arguments.of("{\"type\":\"integer\"}", "3.0", true, null),
                Arguments.of("{\"type\":\"integer\"}", "3.5", false, "expected type"),
                Arguments.of("{\"type\":\"number\"}", "3.5", true, null),
                Arguments.of("{\"enum\":[\"a\",null]}", "null", true, null),
                Arguments.of("{\"enum\":[\"a\",\"b\"]}", "\"c\"", false, "is not one of"),
                Arguments.of("{\"const\":409}", "409", true, null),
                Arguments.of("{\"const\":409}", "404", false, "expected 409"),
                Arguments.of("{\"required\":[\"a\"]}", "{}", false, "required property 'a'"),
                Arguments.of("{\"additionalProperties\":false,\"properties\":{\"a\":{}}}", "{\"a\":1,\"b\":2}", false,
                        "property 'b' is not allowed"),
                Arguments.of("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"b\":\"x\"}", false, "$.b"),
                Arguments.of("{\"propertyNames\":{\"enum\":[\"A\"]}}", "{\"B\":1}", false, "property name 'B'"),
                Arguments.of("{\"dependentRequired\":{\"a\":[\"b\"]}}", "{\"a\":1}", false, "'b' is required"),
                Arguments.of("{\"items\":{\"type\":\"integer\"}}", "[1,\"x\"]", false, "$[1]"),
                Arguments.of("{\"minItems\":1}", "[]", false, "minItems"),
                Arguments.of("{\"maxItems\":1}", "[1,2]", false, "maxItems"),
                Arguments.of("{\"uniqueItems\":true}", "[1,1]", false, "uniqueItems"),
                Arguments.of("{\"pattern\":\"^a\"}", "\"ba\"", false, "does not match"),
                Arguments.of("{\"pattern\":\"b\"}", "\"abc\"", true, null),
                Arguments.of("{\"minLength\":2}", "\"a\"", false, "minLength"),
                Arguments.of("{\"maxLength\":1}", "\"ab\"", false, "maxLength"),
                Arguments.of("{\"minimum\":10}", "9", false, "minimum"),
                Arguments.of("{\"maximum\":10}", "10", true, null),
                Arguments.of("{\"maximum\":10}", "10.5", false, "maximum"),
                Arguments.of("{\"format\":\"date-time\"}", "\"not a date\"", true, null),
                Arguments.of("{\"$ref\":\"#/components/schemas/Thing\"}", "{\"name\":\"ok\",\"size\":2}", true, null),
                Arguments.of("{\"$ref\":\"#/components/schemas/Thing\"}", "{\"name\":\"NO\"}", false, "$.name"),
                Arguments.of("{\"$ref\":\"#/components/schemas/Thing\"}", "{\"name\":\"ok\",\"x\":1}", false, "'x'"),
                Arguments.of("{\"$ref\":\"#/components/schemas/Nothing\"}", "1", false, "points at nothing"),
                Arguments.of("{\"allOf\":[{\"type\":\"integer\"},{\"minimum\":5}]}", "3", false, "minimum"),
                Arguments.of("{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"null\"}]}", "null", true, null),
                Arguments.of("{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"null\"}]}", "\"x\"", false, "anyOf"),
                Arguments.of("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":0}]}", "5", false, "not exactly one"),
                Arguments.of("{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"null\"}]}", "\"x\"", false, "none of oneOf"),
                Arguments.of("{\"not\":{\"const\":\"production\"}}", "\"production\"", false, "'not'"),
                Arguments.of("{\"not\":{\"const\":\"production\"}}", "\"staging\"", true, null),
                Arguments.of("false", "1", false, "no value"),
                Arguments.of("{\"if\":{\"type\":\"string\"}}", "1", false, "does not implement"));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void keyword(String schema, String instance, boolean valid, String errorHolds) {
        List<String> errors = new JsonSchemaValidator(ROOT).validate(OpenApiChecks.parse(schema),
                OpenApiChecks.parse(instance));

        if (valid) {
            assertEquals(List.of(), errors);
        } else {
            assertTrue(errors.stream().anyMatch(e -> e.contains(errorHolds)), "expected an error holding '"
                    + errorHolds + "': " + errors);
        }
    }

    @Test
    void errorsNameTheInstancePath() {
        List<String> errors = new JsonSchemaValidator(ROOT).validate(
                OpenApiChecks.parse("{\"properties\":{\"a\":{\"items\":{\"$ref\":\"#/components/schemas/Thing\"}}}}"),
                OpenApiChecks.parse("{\"a\":[{\"name\":\"ok\"},{\"size\":1}]}"));

        assertEquals(List.of("$.a[1]: required property 'name' is missing"), errors);
    }
}
