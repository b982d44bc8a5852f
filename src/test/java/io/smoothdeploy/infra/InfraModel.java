package io.smoothdeploy.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What infra/ declares, read from the Bicep text with no Bicep compiler: the function app's settings (every
 * {@code config} resource named {@code 'appsettings'}, its {@code properties} object, one {@code Name: value}
 * per line) and the Service Bus queues (every non-{@code existing} resource of type
 * {@code Microsoft.ServiceBus/namespaces/queues}, named by a literal or by a {@code for} loop over a literal
 * array or a {@code var} holding one).
 *
 * @param files    each infra file's text, by its path relative to infra/ (comments kept)
 * @param settings each app setting's value: the literal for {@code 'text'}, else the Bicep expression as written
 * @param queues   the declared queue names
 */
record InfraModel(Map<String, String> files, Map<String, String> settings, Set<String> queues) {

    private static final Pattern SETTINGS_START = Pattern.compile("name\\s*:\\s*'appsettings'");
    private static final Pattern PROPERTIES_START = Pattern.compile("properties\\s*:\\s*\\{");
    private static final Pattern ENTRY = Pattern.compile("^\\s*(?:'([^']+)'|([A-Za-z_][A-Za-z0-9_]*))\\s*:\\s*(.*?)\\s*$");
    private static final Pattern STRING_LITERAL = Pattern.compile("^'((?:[^'\\\\$]|\\\\.|\\$(?!\\{))*)'$");
    private static final Pattern QUEUE_RESOURCE = Pattern.compile(
            "resource\\s+\\w+\\s+'(?:Microsoft\\.ServiceBus/namespaces/)?queues@[^']*'\\s*(existing\\s*)?=\\s*");
    private static final Pattern FOR_LOOP = Pattern.compile(
            "^\\[\\s*for\\s+(?:(\\w+)|\\(\\s*(\\w+)\\s*,\\s*\\w+\\s*\\))\\s+in\\s+(\\w+|\\[)");
    private static final Pattern LITERAL = Pattern.compile("'([^']*)'");
    private static final Pattern NAME_LITERAL = Pattern.compile("(?m)^\\s*name\\s*:\\s*'([^']+)'\\s*$");

    static InfraModel load(Path infraDir) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(infraDir)) {
            for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                String name = infraDir.relativize(path).toString().replace('\\', '/');
                if (name.endsWith(".bicep") || name.endsWith(".json") || name.endsWith(".bicepparam")) {
                    files.put(name, Files.readString(path));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(files);
    }

    static InfraModel parse(Map<String, String> files) {
        Map<String, String> settings = new LinkedHashMap<>();
        Set<String> queues = new TreeSet<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (!file.getKey().endsWith(".bicep")) {
                continue;
            }
            String text = stripComments(file.getValue());
            settings.putAll(appSettings(text));
            queues.addAll(queues(text));
        }
        return new InfraModel(Collections.unmodifiableMap(new TreeMap<>(files)),
                Collections.unmodifiableMap(settings), Collections.unmodifiableSet(queues));
    }

    /** The literal value of a setting, or null when the setting is absent or set by an expression. */
    String literal(String setting) {
        String value = settings.get(setting);
        if (value == null) {
            return null;
        }
        Matcher m = STRING_LITERAL.matcher(value);
        return m.matches() ? m.group(1) : null;
    }

    private static Map<String, String> appSettings(String text) {
        Map<String, String> settings = new LinkedHashMap<>();
        Matcher start = SETTINGS_START.matcher(text);
        while (start.find()) {
            Matcher properties = PROPERTIES_START.matcher(text);
            if (!properties.find(start.end())) {
                throw new IllegalStateException("an 'appsettings' config resource has no properties object");
            }
            int open = properties.end() - 1;
            String body = text.substring(open + 1, closing(text, open, '{', '}'));
            int depth = 0;
            for (String line : body.split("\n")) {
                if (depth == 0) {
                    Matcher entry = ENTRY.matcher(line);
                    if (entry.matches()) {
                        String name = entry.group(1) != null ? entry.group(1) : entry.group(2);
                        settings.put(name, entry.group(3));
                    }
                }
                depth += nesting(line);
            }
        }
        return settings;
    }

    private static Set<String> queues(String text) {
        Set<String> names = new TreeSet<>();
        Matcher resource = QUEUE_RESOURCE.matcher(text);
        while (resource.find()) {
            if (resource.group(1) != null) {
                continue; // an existing queue is a reference, not a declaration
            }
            String rest = text.substring(resource.end());
            Matcher loop = FOR_LOOP.matcher(rest);
            if (loop.find()) {
                String source = loop.group(3);
                if (source.equals("[")) {
                    int open = resource.end() + loop.end() - 1;
                    names.addAll(literals(text.substring(open, closing(text, open, '[', ']'))));
                } else {
                    names.addAll(arrayVariable(text, source));
                }
            } else {
                int open = text.indexOf('{', resource.end());
                String body = text.substring(open + 1, closing(text, open, '{', '}'));
                Matcher name = NAME_LITERAL.matcher(topLevel(body));
                if (!name.find()) {
                    throw new IllegalStateException("a queue resource's name is not a literal: " + body);
                }
                names.add(name.group(1));
            }
        }
        return names;
    }

    private static List<String> arrayVariable(String text, String variable) {
        Matcher declaration = Pattern.compile("var\\s+" + Pattern.quote(variable) + "\\s*=\\s*\\[").matcher(text);
        if (!declaration.find()) {
            throw new IllegalStateException("queues are looped over " + variable
                    + ", which is not a var holding a literal array in the same file");
        }
        int open = declaration.end() - 1;
        return literals(text.substring(open, closing(text, open, '[', ']')));
    }

    private static List<String> literals(String text) {
        List<String> values = new ArrayList<>();
        Matcher m = LITERAL.matcher(text);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    /** The lines of an object body that are at its own level (nested objects and arrays dropped). */
    static String topLevel(String body) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (String line : body.split("\n")) {
            if (depth == 0) {
                out.append(line).append('\n');
            }
            depth += nesting(line);
        }
        return out.toString();
    }

    private static int nesting(String line) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString && c == '\\') {
                i++;
            } else if (c == '\'') {
                inString = !inString;
            } else if (!inString && (c == '{' || c == '[')) {
                depth++;
            } else if (!inString && (c == '}' || c == ']')) {
                depth--;
            }
        }
        return depth;
    }

    /** The index of the bracket that closes the one at {@code open}, skipping string literals. */
    static int closing(String text, int open, char opening, char closing) {
        int depth = 0;
        boolean inString = false;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString && c == '\\') {
                i++;
            } else if (c == '\'') {
                inString = !inString;
            } else if (!inString && c == opening) {
                depth++;
            } else if (!inString && c == closing) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        throw new IllegalStateException("unbalanced " + opening + " at " + open);
    }

    /** Bicep text without its // and block comments (string literals are kept whole, so https:// survives). */
    static String stripComments(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\' && i + 1 < text.length()) {
                    out.append(text.charAt(++i));
                } else if (c == '\'') {
                    inString = false;
                }
            } else if (c == '\'') {
                inString = true;
                out.append(c);
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                if (i < text.length()) {
                    out.append('\n');
                }
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                String comment = text.substring(i, end < 0 ? text.length() : end + 2);
                comment.chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
                i = end < 0 ? text.length() : end + 1;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
