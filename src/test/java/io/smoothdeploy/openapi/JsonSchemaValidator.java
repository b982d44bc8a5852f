package io.smoothdeploy.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A small JSON Schema (2020-12) validator for the subset the OpenAPI document uses. It is honest about
 * that subset: a schema keyword it does not implement is reported as an error, never skipped.
 *
 * <p>Implemented: {@code $ref} (local JSON pointers, such as {@code #/components/schemas/Problem}; other
 * keywords beside a {@code $ref} apply as well), {@code type} (a name or a list of names, {@code "null"}
 * among them; {@code integer} is a number without a fraction), {@code enum}, {@code const},
 * {@code properties}, {@code required}, {@code additionalProperties} ({@code false} or a schema),
 * {@code propertyNames}, {@code dependentRequired}, {@code items}, {@code minItems}, {@code maxItems},
 * {@code uniqueItems}, {@code pattern} (unanchored, as in JSON Schema), {@code minLength}, {@code maxLength}
 * (in code points), {@code minimum}, {@code maximum}, {@code allOf}, {@code anyOf}, {@code oneOf},
 * {@code not}. Ignored, as annotations: {@code format}, {@code description}, {@code title}, {@code default},
 * {@code examples}, {@code deprecated}, {@code readOnly}, {@code writeOnly}. Boolean schemas are supported.
 */
final class JsonSchemaValidator {

    static final Set<String> ANNOTATIONS = Set.of("format", "description", "title", "default", "examples",
            "deprecated", "readOnly", "writeOnly");
    static final Set<String> ASSERTIONS = Set.of("$ref", "type", "enum", "const", "properties", "required",
            "additionalProperties", "propertyNames", "dependentRequired", "items", "minItems", "maxItems",
            "uniqueItems", "pattern", "minLength", "maxLength", "minimum", "maximum", "allOf", "anyOf", "oneOf",
            "not");

    private final JsonNode root;

    /** @param root the document that {@code $ref}s point into (the OpenAPI document) */
    JsonSchemaValidator(JsonNode root) {
        this.root = root;
    }

    /** Every way {@code instance} fails {@code schema}, each starting with the instance path ({@code $.a[0].b}). */
    List<String> validate(JsonNode schema, JsonNode instance) {
        List<String> errors = new ArrayList<>();
        validate(schema, instance, "$", errors, 0);
        return errors;
    }

    /** The node a local reference ({@code #/a/b}) points at, or null when it points at nothing. */
    static JsonNode resolve(JsonNode root, String ref) {
        if (!ref.startsWith("#")) {
            return null;
        }
        String pointer = ref.substring(1);
        if (pointer.isEmpty()) {
            return root;
        }
        JsonNode target = root.at(pointer.replace("%7B", "{").replace("%7D", "}"));
        return target.isMissingNode() ? null : target;
    }

    private void validate(JsonNode schema, JsonNode instance, String at, List<String> errors, int depth) {
        if (depth > 64) {
            errors.add(at + ": schema nests too deep (a $ref cycle?)");
            return;
        }
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                errors.add(at + ": no value is allowed here");
            }
            return;
        }
        if (!schema.isObject()) {
            errors.add(at + ": the schema is not an object or boolean: " + schema);
            return;
        }
        for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
            String keyword = names.next();
            if (!ASSERTIONS.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
                errors.add(at + ": the schema uses keyword '" + keyword + "', which this validator does not implement");
            }
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            JsonNode target = resolve(root, ref);
            if (target == null) {
                errors.add(at + ": $ref " + ref + " points at nothing");
            } else {
                validate(target, instance, at, errors, depth + 1);
            }
        }
        if (schema.has("type") && !typeMatches(schema.get("type"), instance)) {
            errors.add(at + ": expected type " + schema.get("type") + " but was " + typeName(instance) + " " + brief(instance));
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode option : schema.get("enum")) {
                found |= same(option, instance);
            }
            if (!found) {
                errors.add(at + ": " + brief(instance) + " is not one of " + schema.get("enum"));
            }
        }
        if (schema.has("const") && !same(schema.get("const"), instance)) {
            errors.add(at + ": expected " + schema.get("const") + " but was " + brief(instance));
        }
        if (instance.isObject()) {
            object(schema, instance, at, errors, depth);
        }
        if (instance.isArray()) {
            array(schema, instance, at, errors, depth);
        }
        if (instance.isTextual()) {
            text(schema, instance.textValue(), at, errors);
        }
        if (instance.isNumber()) {
            number(schema, instance.decimalValue(), at, errors);
        }
        combinators(schema, instance, at, errors, depth);
    }

    private void object(JsonNode schema, JsonNode instance, String at, List<String> errors, int depth) {
        JsonNode properties = schema.path("properties");
        for (JsonNode required : schema.path("required")) {
            if (!instance.has(required.asText())) {
                errors.add(at + ": required property '" + required.asText() + "' is missing");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = instance.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String where = at + "." + field.getKey();
            if (schema.has("propertyNames")) {
                List<String> nameErrors = new ArrayList<>();
                validate(schema.get("propertyNames"), com.fasterxml.jackson.databind.node.TextNode.valueOf(field.getKey()),
                        where, nameErrors, depth + 1);
                if (!nameErrors.isEmpty()) {
                    errors.add(where + ": property name '" + field.getKey() + "' is not allowed: " + nameErrors);
                }
            }
            if (properties.has(field.getKey())) {
                validate(properties.get(field.getKey()), field.getValue(), where, errors, depth + 1);
            } else if (schema.has("additionalProperties")) {
                JsonNode additional = schema.get("additionalProperties");
                if (additional.isBoolean() && !additional.booleanValue()) {
                    errors.add(at + ": property '" + field.getKey() + "' is not allowed (additionalProperties false)");
                } else {
                    validate(additional, field.getValue(), where, errors, depth + 1);
                }
            }
        }
        JsonNode dependent = schema.path("dependentRequired");
        for (Iterator<Map.Entry<String, JsonNode>> it = dependent.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> rule = it.next();
            if (instance.has(rule.getKey())) {
                for (JsonNode needed : rule.getValue()) {
                    if (!instance.has(needed.asText())) {
                        errors.add(at + ": property '" + needed.asText() + "' is required when '" + rule.getKey()
                                + "' is present");
                    }
                }
            }
        }
    }

    private void array(JsonNode schema, JsonNode instance, String at, List<String> errors, int depth) {
        if (schema.has("minItems") && instance.size() < schema.get("minItems").asInt()) {
            errors.add(at + ": " + instance.size() + " items, fewer than minItems " + schema.get("minItems"));
        }
        if (schema.has("maxItems") && instance.size() > schema.get("maxItems").asInt()) {
            errors.add(at + ": " + instance.size() + " items, more than maxItems " + schema.get("maxItems"));
        }
        if (schema.path("uniqueItems").asBoolean(false)) {
            Set<String> seen = new HashSet<>();
            for (JsonNode item : instance) {
                if (!seen.add(item.toString())) {
                    errors.add(at + ": item " + item + " appears twice (uniqueItems)");
                }
            }
        }
        if (schema.has("items")) {
            for (int i = 0; i < instance.size(); i++) {
                validate(schema.get("items"), instance.get(i), at + "[" + i + "]", errors, depth + 1);
            }
        }
    }

    private static void text(JsonNode schema, String text, String at, List<String> errors) {
        int length = text.codePointCount(0, text.length());
        if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
            errors.add(at + ": '" + shorten(text) + "' is shorter than minLength " + schema.get("minLength"));
        }
        if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
            errors.add(at + ": '" + shorten(text) + "' is longer than maxLength " + schema.get("maxLength"));
        }
        if (schema.has("pattern")) {
            String pattern = schema.get("pattern").asText();
            try {
                if (!Pattern.compile(pattern).matcher(text).find()) {
                    errors.add(at + ": '" + shorten(text) + "' does not match pattern " + pattern);
                }
            } catch (PatternSyntaxException e) {
                errors.add(at + ": pattern " + pattern + " is not a valid regular expression");
            }
        }
    }

    private static void number(JsonNode schema, BigDecimal value, String at, List<String> errors) {
        if (schema.has("minimum") && value.compareTo(schema.get("minimum").decimalValue()) < 0) {
            errors.add(at + ": " + value + " is less than minimum " + schema.get("minimum"));
        }
        if (schema.has("maximum") && value.compareTo(schema.get("maximum").decimalValue()) > 0) {
            errors.add(at + ": " + value + " is more than maximum " + schema.get("maximum"));
        }
    }

    private void combinators(JsonNode schema, JsonNode instance, String at, List<String> errors, int depth) {
        for (JsonNode branch : schema.path("allOf")) {
            validate(branch, instance, at, errors, depth + 1);
        }
        if (schema.has("anyOf")) {
            List<List<String>> failures = branches(schema.get("anyOf"), instance, at, depth);
            if (failures.stream().noneMatch(List::isEmpty)) {
                errors.add(at + ": matches none of anyOf: " + failures);
            }
        }
        if (schema.has("oneOf")) {
            List<List<String>> failures = branches(schema.get("oneOf"), instance, at, depth);
            long matching = failures.stream().filter(List::isEmpty).count();
            if (matching == 0) {
                errors.add(at + ": matches none of oneOf: " + failures);
            } else if (matching > 1) {
                errors.add(at + ": matches " + matching + " branches of oneOf, not exactly one");
            }
        }
        if (schema.has("not")) {
            List<String> notErrors = new ArrayList<>();
            validate(schema.get("not"), instance, at, notErrors, depth + 1);
            if (notErrors.isEmpty()) {
                errors.add(at + ": " + brief(instance) + " matches the schema under 'not' " + schema.get("not"));
            }
        }
    }

    private List<List<String>> branches(JsonNode branches, JsonNode instance, String at, int depth) {
        List<List<String>> failures = new ArrayList<>();
        for (JsonNode branch : branches) {
            List<String> branchErrors = new ArrayList<>();
            validate(branch, instance, at, branchErrors, depth + 1);
            failures.add(branchErrors);
        }
        return failures;
    }

    private static boolean typeMatches(JsonNode type, JsonNode instance) {
        if (type.isArray()) {
            for (JsonNode option : type) {
                if (typeMatches(option, instance)) {
                    return true;
                }
            }
            return false;
        }
        switch (type.asText()) {
            case "null":
                return instance.isNull();
            case "boolean":
                return instance.isBoolean();
            case "string":
                return instance.isTextual();
            case "object":
                return instance.isObject();
            case "array":
                return instance.isArray();
            case "number":
                return instance.isNumber();
            case "integer":
                return instance.isIntegralNumber()
                        || (instance.isNumber() && instance.decimalValue().stripTrailingZeros().scale() <= 0);
            default:
                throw new IllegalArgumentException("unknown JSON Schema type " + type);
        }
    }

    /** JSON equality, with numbers compared by value (1 equals 1.0). */
    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static String typeName(JsonNode node) {
        if (node.isNull()) {
            return "null";
        }
        if (node.isIntegralNumber()) {
            return "integer";
        }
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String brief(JsonNode node) {
        return shorten(node.toString());
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
