package io.smoothdeploy.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.api.OpenApiDocument;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checks of the OpenAPI document, each a function of the document that returns what is wrong (empty
 * when nothing is), so a test can run them on the real document and on a broken copy alike.
 */
final class OpenApiChecks {

    static final String FUNCTIONS_PACKAGE = "io.smoothdeploy.functions";

    /**
     * HTTP functions that are not API operations and so not in the document: the portal's page and files (HTML, CSS
     * and JavaScript of the repository, no JSON, no data). OpenApiTest checks they stay out of it.
     */
    static final Set<String> NOT_API = Set.of("GetPortal");
    static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

    private OpenApiChecks() {
    }

    /** An HTTP-triggered function: its name, method (lower case), path as the document writes it, auth level. */
    record HttpFunction(String name, String method, String path, AuthorizationLevel authLevel) {
        String key() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    /** The document from the class path (as the app's jar carries it). */
    static JsonNode document() {
        return parse(OpenApiDocument.json());
    }

    /** The first repeated key of any object in {@code json}, as the strict parser words it; empty when none. */
    static java.util.Optional<String> repeatedKey(String json) {
        com.fasterxml.jackson.databind.ObjectMapper strict = new com.fasterxml.jackson.databind.ObjectMapper();
        strict.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        try {
            strict.readTree(json);
            return java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- functions, by reflection

    /** Every {@code @HttpTrigger} function of every class in {@code io.smoothdeploy.functions}. */
    static List<HttpFunction> httpFunctions() {
        List<HttpFunction> functions = new ArrayList<>();
        for (Class<?> type : classesOf(FUNCTIONS_PACKAGE)) {
            for (Method method : type.getDeclaredMethods()) {
                FunctionName name = method.getAnnotation(FunctionName.class);
                if (name == null || NOT_API.contains(name.value())) {
                    continue;
                }
                for (Annotation[] parameter : method.getParameterAnnotations()) {
                    for (Annotation annotation : parameter) {
                        if (annotation instanceof HttpTrigger trigger) {
                            String route = trigger.route().isEmpty() ? name.value() : trigger.route();
                            for (var httpMethod : trigger.methods()) {
                                functions.add(new HttpFunction(name.value(), httpMethod.name().toLowerCase(Locale.ROOT),
                                        "/" + route, trigger.authLevel()));
                            }
                        }
                    }
                }
            }
        }
        functions.sort((a, b) -> a.key().compareTo(b.key()));
        return functions;
    }

    /** The classes of a package, from the class path (a folder when tests run, or a jar). */
    static List<Class<?>> classesOf(String packageName) {
        String folder = packageName.replace('.', '/');
        List<Class<?>> classes = new ArrayList<>();
        try {
            Enumeration<URL> roots = OpenApiChecks.class.getClassLoader().getResources(folder);
            for (URL url : Collections.list(roots)) {
                List<String> names = new ArrayList<>();
                if ("jar".equals(url.getProtocol())) {
                    try (JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile()) {
                        for (JarEntry entry : Collections.list(jar.entries())) {
                            String entryName = entry.getName();
                            if (entryName.startsWith(folder + "/") && entryName.indexOf('/', folder.length() + 1) < 0) {
                                names.add(entryName.substring(folder.length() + 1));
                            }
                        }
                    }
                } else {
                    Path dir = Paths.get(url.toURI());
                    try (Stream<Path> files = Files.list(dir)) {
                        files.forEach(f -> names.add(f.getFileName().toString()));
                    }
                }
                for (String file : names) {
                    if (file.endsWith(".class") && !file.contains("$")) {
                        classes.add(Class.forName(packageName + "." + file.substring(0, file.length() - 6)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException("no classes found in package " + packageName);
        }
        return classes;
    }

    // ---------------------------------------------------------------- routes

    /**
     * Both ways: each function's method and path is an operation of the document, with the function's name
     * as operationId, its path parameters declared, and security as its auth level says (none, or the Entra ID
     * bearer scheme with 401, 403 and the role documented, for ANONYMOUS; the function key otherwise); and each
     * operation of the document is served by a function.
     */
    static List<String> routeMismatches(JsonNode doc, List<HttpFunction> functions) {
        List<String> problems = new ArrayList<>();
        Map<String, HttpFunction> served = new LinkedHashMap<>();
        for (HttpFunction function : functions) {
            served.put(function.key(), function);
        }
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> keys = path.getValue().fieldNames(); keys.hasNext(); ) {
                String method = keys.next();
                if (HTTP_METHODS.contains(method)) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        for (HttpFunction function : functions) {
            if (!documented.contains(function.key())) {
                problems.add(function.key() + " is served by function " + function.name()
                        + " but is not in the OpenAPI document");
                continue;
            }
            JsonNode pathItem = doc.path("paths").path(function.path());
            JsonNode operation = pathItem.path(function.method());
            if (!function.name().equals(operation.path("operationId").asText())) {
                problems.add(function.key() + ": operationId is '" + operation.path("operationId").asText()
                        + "' but the function is " + function.name());
            }
            Matcher parameter = PATH_PARAMETER.matcher(function.path());
            while (parameter.find()) {
                if (!declaresPathParameter(doc, pathItem, operation, parameter.group(1))) {
                    problems.add(function.key() + ": path parameter '" + parameter.group(1) + "' is not declared");
                }
            }
            JsonNode security = operation.has("security") ? operation.get("security") : doc.path("security");
            boolean open = security.isArray() && (security.isEmpty()
                    || streamOf(security).anyMatch(requirement -> requirement.isObject() && requirement.isEmpty()));
            boolean signedIn = security.isArray() && !security.isEmpty() && streamOf(security).allMatch(
                    requirement -> requirement.isObject() && requirement.size() == 1 && requirement.has("entraId"));
            if (function.authLevel() == AuthorizationLevel.ANONYMOUS && !open && !signedIn) {
                problems.add(function.key() + ": the function is ANONYMOUS but the document asks for a key");
            }
            if (signedIn && (!operation.path("responses").has("401") || !operation.path("responses").has("403")
                    || !operation.path("x-required-role").isTextual())) {
                // an ANONYMOUS function that checks the caller's roles in code documents its role and both refusals
                problems.add(function.key() + ": it needs a signed-in caller but does not document 401, 403 and "
                        + "x-required-role");
            }
            if (function.authLevel() != AuthorizationLevel.ANONYMOUS && (open || signedIn)) {
                // behind App Service authentication a key-level function would refuse every signed-in caller
                problems.add(function.key() + ": the function needs a key (" + function.authLevel()
                        + ") but the document asks for " + (open ? "none" : "an Entra ID token"));
            }
        }
        for (String operation : documented) {
            if (!served.containsKey(operation)) {
                problems.add(operation + " is in the OpenAPI document but no function serves it");
            }
        }
        return problems;
    }

    private static boolean declaresPathParameter(JsonNode doc, JsonNode pathItem, JsonNode operation, String name) {
        for (JsonNode list : List.of(pathItem.path("parameters"), operation.path("parameters"))) {
            for (JsonNode parameter : list) {
                JsonNode resolved = parameter.has("$ref")
                        ? JsonSchemaValidator.resolve(doc, parameter.get("$ref").asText()) : parameter;
                if (resolved != null && "path".equals(resolved.path("in").asText())
                        && name.equals(resolved.path("name").asText()) && resolved.path("required").asBoolean()) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- references and keywords

    /** Every {@code $ref} in the document that does not resolve, as "where -> ref". */
    static List<String> unresolvedRefs(JsonNode doc) {
        List<String> problems = new ArrayList<>();
        walk(doc, "#", (where, node) -> {
            JsonNode ref = node.get("$ref");
            if (ref != null && (!ref.isTextual() || JsonSchemaValidator.resolve(doc, ref.asText()) == null)) {
                problems.add(where + " -> " + ref);
            }
        });
        return problems;
    }

    /** Every schema keyword in the document that {@link JsonSchemaValidator} does not implement. */
    static List<String> unsupportedSchemaKeywords(JsonNode doc) {
        List<String> problems = new ArrayList<>();
        doc.path("components").path("schemas").fields()
                .forEachRemaining(e -> checkKeywords(e.getValue(), "#/components/schemas/" + e.getKey(), problems));
        walk(doc.path("paths"), "#/paths", (where, node) -> {
            if (node.has("schema")) {
                checkKeywords(node.get("schema"), where + "/schema", problems);
            }
        });
        walk(doc.path("components").path("responses"), "#/components/responses", (where, node) -> {
            if (node.has("schema")) {
                checkKeywords(node.get("schema"), where + "/schema", problems);
            }
        });
        return problems;
    }

    private static void checkKeywords(JsonNode schema, String where, List<String> problems) {
        if (!schema.isObject()) {
            return;
        }
        schema.fieldNames().forEachRemaining(keyword -> {
            if (!JsonSchemaValidator.ASSERTIONS.contains(keyword) && !JsonSchemaValidator.ANNOTATIONS.contains(keyword)) {
                problems.add(where + ": keyword '" + keyword + "'");
            }
        });
        schema.path("properties").fields()
                .forEachRemaining(e -> checkKeywords(e.getValue(), where + "/properties/" + e.getKey(), problems));
        for (String single : List.of("items", "additionalProperties", "propertyNames", "not")) {
            if (schema.has(single)) {
                checkKeywords(schema.get(single), where + "/" + single, problems);
            }
        }
        for (String list : List.of("allOf", "anyOf", "oneOf")) {
            for (int i = 0; i < schema.path(list).size(); i++) {
                checkKeywords(schema.get(list).get(i), where + "/" + list + "/" + i, problems);
            }
        }
    }

    private interface Visitor {
        void visit(String where, JsonNode objectNode);
    }

    private static void walk(JsonNode node, String where, Visitor visitor) {
        if (node.isObject()) {
            visitor.visit(where, node);
            node.fields().forEachRemaining(e -> walk(e.getValue(), where + "/" + e.getKey().replace("~", "~0")
                    .replace("/", "~1"), visitor));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), where + "/" + i, visitor);
            }
        }
    }

    private static Stream<JsonNode> streamOf(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }

    // ---------------------------------------------------------------- answers

    /** The document's path template that a request path (under {@code /api}, without it) matches. */
    static Optional<String> pathTemplate(JsonNode doc, String requestPath) {
        String path = requestPath.contains("?") ? requestPath.substring(0, requestPath.indexOf('?')) : requestPath;
        String[] actual = path.split("/", -1);
        String best = null;
        int bestLiterals = -1;
        for (Iterator<String> templates = doc.path("paths").fieldNames(); templates.hasNext(); ) {
            String template = templates.next();
            String[] segments = template.split("/", -1);
            if (segments.length != actual.length) {
                continue;
            }
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < segments.length && matches; i++) {
                if (PATH_PARAMETER.matcher(segments[i]).matches()) {
                    matches = !actual[i].isEmpty();
                } else {
                    matches = segments[i].equals(actual[i]);
                    literals++;
                }
            }
            if (matches && literals > bestLiterals) {
                best = template;
                bestLiterals = literals;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Checks one real answer against the document: its status is documented for the operation, its content
     * type is documented for that status, its body validates against the schema given there, and every
     * header the document marks required is present. Returns what is wrong, each line naming the exchange.
     */
    static List<String> checkResponse(JsonNode doc, Exchange exchange) {
        List<String> problems = new ArrayList<>();
        String name = exchange.toString();
        Optional<String> template = pathTemplate(doc, exchange.path());
        if (template.isEmpty()) {
            return List.of(name + ": no path of the document matches " + exchange.path());
        }
        JsonNode operation = doc.path("paths").path(template.get()).path(exchange.method().toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            return List.of(name + ": " + template.get() + " has no " + exchange.method() + " operation");
        }
        JsonNode response = deref(doc, operation.path("responses").path(Integer.toString(exchange.status())));
        if (response == null || response.isMissingNode()) {
            return List.of(name + ": status " + exchange.status() + " is not documented for " + exchange.method() + " "
                    + template.get());
        }
        for (Iterator<Map.Entry<String, JsonNode>> headers = response.path("headers").fields(); headers.hasNext(); ) {
            Map.Entry<String, JsonNode> header = headers.next();
            JsonNode resolved = deref(doc, header.getValue());
            if (resolved != null && resolved.path("required").asBoolean() && exchange.header(header.getKey()) == null) {
                problems.add(name + ": required header " + header.getKey() + " is missing");
            }
        }
        JsonNode content = response.path("content");
        if (exchange.body().isEmpty()) {
            if (!content.isMissingNode() && !content.isEmpty()) {
                problems.add(name + ": the answer has no body, but the document gives " + content.fieldNames().next());
            }
            return problems;
        }
        String mediaType = exchange.mediaType();
        if (!content.has(mediaType)) {
            problems.add(name + ": content type " + mediaType + " is not documented for status " + exchange.status()
                    + " (documented: " + fieldNames(content) + ")");
            return problems;
        }
        JsonNode body;
        try {
            body = Json.mapper().readTree(exchange.body());
        } catch (IOException e) {
            problems.add(name + ": the body is not JSON: " + e.getMessage());
            return problems;
        }
        for (String error : new JsonSchemaValidator(doc).validate(content.get(mediaType).path("schema"), body)) {
            problems.add(name + ": " + error);
        }
        return problems;
    }

    /** The request body schema of an operation, for {@code application/json}. */
    static JsonNode requestSchema(JsonNode doc, String method, String template) {
        JsonNode body = deref(doc, doc.path("paths").path(template).path(method.toLowerCase(Locale.ROOT))
                .path("requestBody"));
        JsonNode schema = body == null ? null : body.path("content").path("application/json").get("schema");
        if (schema == null) {
            throw new AssertionError(method + " " + template + " documents no application/json request body");
        }
        return schema;
    }

    private static JsonNode deref(JsonNode doc, JsonNode node) {
        JsonNode current = node;
        for (int i = 0; i < 10 && current != null && current.has("$ref"); i++) {
            current = JsonSchemaValidator.resolve(doc, current.get("$ref").asText());
        }
        return current;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** One recorded request and its answer. */
    record Exchange(String method, String path, String requestBody, int status, Map<String, String> headers,
                    String body) {

        String header(String headerName) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(headerName)) {
                    return header.getValue();
                }
            }
            return null;
        }

        /** The Content-Type without parameters, lower case. */
        String mediaType() {
            String type = header("Content-Type");
            if (type == null) {
                return "";
            }
            int semicolon = type.indexOf(';');
            return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return method + " " + path + " -> " + status;
        }
    }

    /** Reads a class-path resource as text (for comparing the served document with the packed one). */
    static String resourceText(String resource) {
        try (InputStream in = OpenApiChecks.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError(resource + " is not on the class path");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
