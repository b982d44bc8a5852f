package io.smoothdeploy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The consistency checks between infra/, local.settings.sample.json and the code. Each is a plain function
 * of what was read, returning the names at fault (sorted; empty when consistent), so that a test can prove
 * it fails by feeding it a copy with one name changed.
 */
final class InfraChecks {

    /** The suffixes of an identity-based connection's defining setting (the host's and our code's). */
    static final List<String> IDENTITY_CONNECTION_SUFFIXES =
            List.of("__fullyQualifiedNamespace", "__tableServiceUri", "__accountName");

    /** What a setting's value must never contain: an account or SAS key, or an ARM call that reads one. */
    static final List<String> KEY_MARKERS =
            List.of("accountkey=", "sharedaccesskey=", "listkeys(", "listconnectionstrings(");

    /**
     * Settings that only the deployed app needs: ArmCloud.forAzure signs in with a DefaultAzureCredential
     * that names no client id, so the app's user-assigned identity must be named by AZURE_CLIENT_ID.
     */
    static final List<String> INFRA_ONLY_SETTINGS = List.of("AZURE_CLIENT_ID");

    private InfraChecks() {
    }

    /** The setting names of local.settings.sample.json's Values. */
    static Set<String> sampleSettings(String sampleJson) {
        try {
            JsonNode values = new ObjectMapper().readTree(sampleJson).path("Values");
            Set<String> names = new TreeSet<>();
            for (Iterator<String> it = values.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The code's settings and connections that {@code defined} lacks (a connection by its name). */
    static Set<String> missing(Set<String> defined, CodeSettings code) {
        Set<String> missing = new TreeSet<>();
        for (String setting : code.settings()) {
            if (!defined.contains(setting)) {
                missing.add(setting);
            }
        }
        for (String connection : code.connections()) {
            if (!connectionDefined(defined, connection)) {
                missing.add(connection);
            }
        }
        return missing;
    }

    static boolean connectionDefined(Set<String> defined, String connection) {
        return defined.contains(connection)
                || IDENTITY_CONNECTION_SUFFIXES.stream().anyMatch(suffix -> defined.contains(connection + suffix));
    }

    /** Check 1a: what the code reads that infra/ does not set (plus {@link #INFRA_ONLY_SETTINGS}). */
    static Set<String> missingFromInfra(InfraModel infra, CodeSettings code) {
        Set<String> missing = missing(infra.settings().keySet(), code);
        for (String setting : INFRA_ONLY_SETTINGS) {
            if (!infra.settings().containsKey(setting)) {
                missing.add(setting);
            }
        }
        return missing;
    }

    /** Check 1b: what the code reads that local.settings.sample.json does not set. */
    static Set<String> missingFromSample(String sampleJson, CodeSettings code) {
        return missing(sampleSettings(sampleJson), code);
    }

    /** Check 2a: queue settings whose value in infra/ is not a literal naming a queue that infra/ declares. */
    static Set<String> queueSettingsWithUndeclaredQueue(InfraModel infra, CodeSettings code) {
        Set<String> wrong = new TreeSet<>();
        for (String setting : code.queueSettings()) {
            if (!infra.settings().containsKey(setting)) {
                continue; // reported by missingFromInfra
            }
            String queue = infra.literal(setting);
            if (queue == null || !infra.queues().contains(queue)) {
                wrong.add(setting);
            }
        }
        return wrong;
    }

    /** Check 2b: queues that infra/ declares but no queue setting names. */
    static Set<String> unusedQueues(InfraModel infra, CodeSettings code) {
        Set<String> used = new TreeSet<>();
        for (String setting : code.queueSettings()) {
            String queue = infra.literal(setting);
            if (queue != null) {
                used.add(queue);
            }
        }
        Set<String> unused = new TreeSet<>(infra.queues());
        unused.removeAll(used);
        return unused;
    }

    /** Check 3a: app settings in infra/ whose value looks like a key. */
    static Set<String> keyLikeSettings(InfraModel infra) {
        Set<String> keys = new TreeSet<>();
        for (Map.Entry<String, String> setting : infra.settings().entrySet()) {
            String value = setting.getValue().toLowerCase(Locale.ROOT).replace(" ", "");
            if (KEY_MARKERS.stream().anyMatch(value::contains)) {
                keys.add(setting.getKey());
            }
        }
        return keys;
    }

    /** Check 3b: infra files that call listKeys( or listConnectionStrings( at all (comments aside). */
    static Set<String> filesReadingKeys(InfraModel infra) {
        Set<String> files = new TreeSet<>();
        for (Map.Entry<String, String> file : infra.files().entrySet()) {
            String text = InfraModel.stripComments(file.getValue()).toLowerCase(Locale.ROOT);
            if (text.contains("listkeys(") || text.contains("listconnectionstrings(")) {
                files.add(file.getKey());
            }
        }
        return files;
    }

    /**
     * Check 4: identity-based connections in infra/ without {@code __clientId}. The app has only a
     * user-assigned identity, and a connection that names no client id would look for a system-assigned one.
     */
    static Set<String> identityConnectionsWithoutClientId(InfraModel infra) {
        Set<String> wrong = new TreeSet<>();
        for (String setting : infra.settings().keySet()) {
            for (String suffix : IDENTITY_CONNECTION_SUFFIXES) {
                if (setting.endsWith(suffix)) {
                    String connection = setting.substring(0, setting.length() - suffix.length());
                    if (!infra.settings().containsKey(connection + "__clientId")) {
                        wrong.add(connection);
                    }
                }
            }
        }
        return wrong;
    }
}
