package io.smoothdeploy.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smoothdeploy.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What an emulated package does, read from the {@value #FILE_NAME} at the root of its zip. Every field but
 * {@code name} and {@code version} is optional:
 * <pre>{@code
 * {
 *   "name": "cms", "version": "2.0",
 *   "coldStartSeconds": 3,                       // 503 "Service Unavailable: warming up" until then
 *   "supportsReadOnly": true,                    // false: 500 "Database is in read-only mode" in ReadOnly mode
 *   "databaseModeSetting": "Cms__DatabaseMode",  // the app setting holding ReadOnly / ReadWrite
 *   "connectionStringName": "EPiServerDB",       // the connection string naming its database
 *   "connectionStringType": "SQLServer",         // the type whose variable prefix it reads (default SQLAzure)
 *   "startupFailure": "System.InvalidOperationException: ...",   // 500 with this first line
 *   "ipFilter": {"header": "X-Allowed", "value": "yes",          // 403 without it, unless the client address
 *                "allowListSetting": "IpAllowList"},             // is in this app setting (comma-separated)
 *   "migrationFailure": "Migration 42 failed",   // 500 when it starts in ReadWrite mode
 *   "pages": {"/": {"status": 200, "body": "..."}}
 * }
 * }</pre>
 * Unknown fields are ignored. Immutable.
 *
 * @param pages path to page; always holds {@code /} (by default 200 with {@code "<name> <version>"})
 */
public record PackageManifest(String name, String version, Duration coldStart, boolean supportsReadOnly,
                              String databaseModeSetting, String connectionStringName, String connectionStringType,
                              String startupFailure, IpFilter ipFilter, String migrationFailure,
                              Map<String, Page> pages) {

    /** The manifest's file name inside the zip. */
    public static final String FILE_NAME = "manifest.json";
    public static final String DEFAULT_DATABASE_MODE_SETTING = "Cms__DatabaseMode";
    public static final String DEFAULT_CONNECTION_STRING_NAME = "EPiServerDB";
    public static final String DEFAULT_CONNECTION_STRING_TYPE = "SQLAzure";

    /**
     * Requests must carry {@code header: value}, or they answer 403; when {@code allowListSetting} is not null, a
     * request from a client address listed in that app setting (comma-separated) is admitted too, as an application
     * that keeps its IP allow-list in configuration does.
     */
    public record IpFilter(String header, String value, String allowListSetting) {
        public IpFilter {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(value, "value");
        }

        public IpFilter(String header, String value) {
            this(header, value, null);
        }

        /** True when a request carrying {@code headerValue} from {@code clientAddress} is admitted. */
        public boolean admits(String headerValue, String clientAddress, java.util.function.Function<String, String> setting) {
            if (value.equals(headerValue)) {
                return true;
            }
            if (allowListSetting == null || clientAddress == null) {
                return false;
            }
            String listed = setting.apply(allowListSetting);
            return listed != null && java.util.Arrays.stream(listed.split(",")).map(String::trim)
                    .anyMatch(clientAddress::equals);
        }
    }

    /** What a GET of one path answers. */
    public record Page(int status, String body) {
        public Page {
            body = body == null ? "" : body;
        }
    }

    public PackageManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        coldStart = coldStart == null ? Duration.ZERO : coldStart;
        databaseModeSetting = databaseModeSetting == null ? DEFAULT_DATABASE_MODE_SETTING : databaseModeSetting;
        connectionStringName = connectionStringName == null ? DEFAULT_CONNECTION_STRING_NAME : connectionStringName;
        connectionStringType = connectionStringType == null ? DEFAULT_CONNECTION_STRING_TYPE : connectionStringType;
        Map<String, Page> all = new LinkedHashMap<>();
        if (pages != null) {
            all.putAll(pages);
        }
        all.putIfAbsent("/", new Page(200, name + " " + version));
        pages = Collections.unmodifiableMap(all);
    }

    /**
     * The environment variable the app reads its connection string from: App Service gives each connection string
     * to the app as an environment variable whose prefix is set by its type (SQLAzure: {@code SQLAZURECONNSTR_},
     * SQLServer: {@code SQLCONNSTR_}, Custom: {@code CUSTOMCONNSTR_}, …;
     * https://learn.microsoft.com/azure/app-service/configure-common, "Configure connection strings"), and .NET's
     * environment-variable configuration provider maps only the prefixes it knows back to a connection string
     * (dotnet/runtime issue 57545, EnvironmentVariablesConfigurationProvider).
     */
    public String connectionStringVariable() {
        return EmulatedSlot.environmentPrefix(connectionStringType) + connectionStringName;
    }

    /** {@code name/version}, as in the {@code X-Package} header. */
    public String id() {
        return name + "/" + version;
    }

    /** Parses a manifest's JSON. */
    public static PackageManifest parse(byte[] json) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("manifest is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("manifest is not a JSON object");
        }
        String name = text(root, "name");
        String version = text(root, "version");
        if (name == null || version == null) {
            throw new IllegalArgumentException("manifest needs a name and a version");
        }
        JsonNode filter = root.path("ipFilter");
        IpFilter ipFilter = filter.isObject() && text(filter, "header") != null
                ? new IpFilter(text(filter, "header"), filter.path("value").asText(""), text(filter, "allowListSetting"))
                : null;
        Map<String, Page> pages = new LinkedHashMap<>();
        root.path("pages").fields().forEachRemaining(e -> pages.put(e.getKey(),
                new Page(e.getValue().path("status").asInt(200), e.getValue().path("body").asText(""))));
        JsonNode cold = root.path("coldStartSeconds");
        Duration coldStart = cold.isNumber() ? Duration.ofMillis(Math.round(cold.asDouble() * 1000)) : Duration.ZERO;
        return new PackageManifest(name, version, coldStart, root.path("supportsReadOnly").asBoolean(true),
                text(root, "databaseModeSetting"), text(root, "connectionStringName"),
                text(root, "connectionStringType"), text(root, "startupFailure"),
                ipFilter, text(root, "migrationFailure"), pages);
    }

    /**
     * Reads the manifest of the package zip at {@code zip}.
     *
     * @throws NoSuchFileException (wrapped in {@link UncheckedIOException}) when there is no such file
     * @throws IllegalArgumentException when the zip has no valid manifest
     */
    public static PackageManifest read(Path zip) {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = entries.getNextEntry()) != null) {
                if (entry.getName().equals(FILE_NAME) || entry.getName().equals("/" + FILE_NAME)) {
                    return parse(entries.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("the package has no " + FILE_NAME);
    }

    /** The manifest as JSON, the shape {@link #parse} reads. */
    public byte[] toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("name", name);
        root.put("version", version);
        if (!coldStart.isZero()) {
            root.put("coldStartSeconds", coldStart.toMillis() / 1000.0);
        }
        root.put("supportsReadOnly", supportsReadOnly);
        root.put("databaseModeSetting", databaseModeSetting);
        root.put("connectionStringName", connectionStringName);
        root.put("connectionStringType", connectionStringType);
        if (startupFailure != null) {
            root.put("startupFailure", startupFailure);
        }
        if (ipFilter != null) {
            ObjectNode filter = root.putObject("ipFilter");
            filter.put("header", ipFilter.header());
            filter.put("value", ipFilter.value());
            if (ipFilter.allowListSetting() != null) {
                filter.put("allowListSetting", ipFilter.allowListSetting());
            }
        }
        if (migrationFailure != null) {
            root.put("migrationFailure", migrationFailure);
        }
        ObjectNode pageNodes = root.putObject("pages");
        pages.forEach((path, page) -> {
            ObjectNode node = pageNodes.putObject(path);
            node.put("status", page.status());
            node.put("body", page.body());
        });
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
