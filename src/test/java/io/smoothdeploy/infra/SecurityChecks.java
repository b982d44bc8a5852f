package io.smoothdeploy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The security checks on infra/ (Bicep read as text, comments dropped) and the app registration manifest:
 * App Service authentication, the app roles, the custom roles' actions, and the scopes of role assignments.
 * Like {@link InfraChecks}, each is a plain function returning what is at fault (empty when all is well), so
 * {@link InfraConsistencyChecksFailTest} can prove it fails on a copy with one change.
 */
final class SecurityChecks {

    /** Where the app roles are declared; the source of the role names (see {@link #codeRoleNames}). */
    static final String APP_REGISTRATION = "auth/app-registration.json";

    /** The app roles, by value, as issue 17 defines them. */
    static final Set<String> APP_ROLES = Set.of("Reader", "Deployer", "Approver", "Admin");

    /** The roles a pipeline's workload identity (an application) may hold. */
    static final Set<String> APPLICATION_ROLES = Set.of("Deployer");

    /**
     * Every action a custom role in infra/ may hold, each with the code path that needs it. The action names
     * are those of https://learn.microsoft.com/azure/role-based-access-control/resource-provider-operations
     * (Microsoft.Web and Microsoft.Sql); the code paths are in
     * src/main/java/io/smoothdeploy/cloud/arm/ArmCloud.java, which is the whole of the ARM surface the app
     * uses (sites and slots as AppServiceCloud, databases as SqlCloud).
     */
    static final Map<String, String> CITED_ACTIONS = Map.ofEntries(
            Map.entry("Microsoft.Web/sites/Read", "getSlot, ensureSlot, readSite: WebAppsClient.getByResourceGroup"),
            Map.entry("Microsoft.Web/sites/config/Read", "slotSettingNames: listSlotConfigurationNames; ensureSlot: getConfiguration"),
            Map.entry("Microsoft.Web/sites/config/Write", "applyConfiguration, deployPackage: updateApplicationSettings, updateConnectionStrings"),
            Map.entry("Microsoft.Web/sites/config/list/Action", "getSlot, ensureSlot: listApplicationSettings, listConnectionStrings"),
            Map.entry("Microsoft.Web/sites/start/Action", "startSlot: WebAppsClient.start"),
            Map.entry("Microsoft.Web/sites/stop/Action", "stopSlot: WebAppsClient.stop"),
            Map.entry("Microsoft.Web/sites/restart/Action", "deployPackage: WebAppsClient.restart"),
            Map.entry("Microsoft.Web/sites/operationresults/Read", "ensureSlot: waitFor (long-running operation)"),
            Map.entry("Microsoft.Web/sites/slots/Read", "findSlot: WebAppsClient.getSlot"),
            Map.entry("Microsoft.Web/sites/slots/Write", "ensureSlot: beginCreateOrUpdateSlot"),
            Map.entry("Microsoft.Web/sites/slots/operationresults/Read", "ensureSlot: waitFor (long-running operation)"),
            Map.entry("Microsoft.Web/sites/slots/config/Write", "applyConfiguration, deployPackage: updateApplicationSettingsSlot, updateConnectionStringsSlot"),
            Map.entry("Microsoft.Web/sites/slots/config/list/Action", "getSlot, applyConfiguration: listApplicationSettingsSlot, listConnectionStringsSlot"),
            Map.entry("Microsoft.Web/sites/slots/start/Action", "startSlot: startSlot"),
            Map.entry("Microsoft.Web/sites/slots/stop/Action", "stopSlot: stopSlot"),
            Map.entry("Microsoft.Web/sites/slots/restart/Action", "deployPackage: restartSlot"),
            Map.entry("Microsoft.Web/sites/slots/slotsswap/Action", "beginSwapWithProduction: beginSwapSlot"),
            Map.entry("Microsoft.Web/sites/slots/applySlotConfig/Action", "applyProductionConfiguration: applySlotConfigurationSlot"),
            Map.entry("Microsoft.Web/sites/slots/resetSlotConfig/Action", "resetConfiguration: resetSlotConfigurationSlot"),
            Map.entry("Microsoft.Web/serverfarms/Join/Action", "ensureSlot: the new slot's serverFarmId (production's plan)"),
            Map.entry("Microsoft.Sql/servers/databases/read", "getDatabase, beginCreate: DatabasesClient.get"),
            Map.entry("Microsoft.Sql/servers/databases/write", "beginCopy, beginPointInTimeRestore: DatabasesClient.beginCreateOrUpdate"),
            Map.entry("Microsoft.Sql/servers/databases/delete", "deleteDatabase: DatabasesClient.beginDelete"),
            Map.entry("Microsoft.Sql/servers/databases/move/action", "rename: DatabasesClient.rename"));

    /** ArmCloud's source, whose service-client calls {@link #uncoveredArmCalls} reads. */
    static final String ARM_CLOUD = "src/main/java/io/smoothdeploy/cloud/arm/ArmCloud.java";

    /**
     * The action each service-client call of ArmCloud needs ({@code webApps.<method>(} on WebAppsClient,
     * {@code databases.<method>(} on DatabasesClient), from the REST operation the SDK method sends
     * (azure-rest-api-specs, Microsoft.Web WebApps.json and Microsoft.Sql Databases.json).
     */
    static final Map<String, String> ARM_CALL_ACTIONS = Map.ofEntries(
            Map.entry("webApps.getByResourceGroup", "Microsoft.Web/sites/Read"),
            Map.entry("webApps.getSlot", "Microsoft.Web/sites/slots/Read"),
            Map.entry("webApps.listSlotConfigurationNames", "Microsoft.Web/sites/config/Read"),
            Map.entry("webApps.getConfiguration", "Microsoft.Web/sites/config/Read"),
            Map.entry("webApps.listApplicationSettings", "Microsoft.Web/sites/config/list/Action"),
            Map.entry("webApps.listConnectionStrings", "Microsoft.Web/sites/config/list/Action"),
            Map.entry("webApps.listApplicationSettingsSlot", "Microsoft.Web/sites/slots/config/list/Action"),
            Map.entry("webApps.listConnectionStringsSlot", "Microsoft.Web/sites/slots/config/list/Action"),
            Map.entry("webApps.updateApplicationSettings", "Microsoft.Web/sites/config/Write"),
            Map.entry("webApps.updateConnectionStrings", "Microsoft.Web/sites/config/Write"),
            Map.entry("webApps.updateApplicationSettingsSlot", "Microsoft.Web/sites/slots/config/Write"),
            Map.entry("webApps.updateConnectionStringsSlot", "Microsoft.Web/sites/slots/config/Write"),
            Map.entry("webApps.beginCreateOrUpdateSlot", "Microsoft.Web/sites/slots/Write"),
            Map.entry("webApps.start", "Microsoft.Web/sites/start/Action"),
            Map.entry("webApps.stop", "Microsoft.Web/sites/stop/Action"),
            Map.entry("webApps.restart", "Microsoft.Web/sites/restart/Action"),
            Map.entry("webApps.restartWithResponse", "Microsoft.Web/sites/restart/Action"),
            Map.entry("webApps.startSlot", "Microsoft.Web/sites/slots/start/Action"),
            Map.entry("webApps.stopSlot", "Microsoft.Web/sites/slots/stop/Action"),
            Map.entry("webApps.restartSlot", "Microsoft.Web/sites/slots/restart/Action"),
            Map.entry("webApps.restartSlotWithResponse", "Microsoft.Web/sites/slots/restart/Action"),
            Map.entry("webApps.beginSwapSlot", "Microsoft.Web/sites/slots/slotsswap/Action"),
            Map.entry("webApps.applySlotConfigurationSlot", "Microsoft.Web/sites/slots/applySlotConfig/Action"),
            Map.entry("webApps.resetSlotConfigurationSlot", "Microsoft.Web/sites/slots/resetSlotConfig/Action"),
            Map.entry("databases.get", "Microsoft.Sql/servers/databases/read"),
            Map.entry("databases.beginCreateOrUpdate", "Microsoft.Sql/servers/databases/write"),
            Map.entry("databases.beginDelete", "Microsoft.Sql/servers/databases/delete"),
            Map.entry("databases.rename", "Microsoft.Sql/servers/databases/move/action"));

    private static final Pattern ARM_CALL = Pattern.compile("\\b((?:webApps|databases)\\.\\w+)\\s*\\(");

    /**
     * ArmCloud's service-client calls that no custom role in infra/ covers: a call with no entry in
     * {@link #ARM_CALL_ACTIONS} (a new call: map it to its action), or one whose action no role holds.
     */
    static Set<String> uncoveredArmCalls(InfraModel infra, String armCloudSource) {
        Set<String> granted = customRoleActions(infra).values().stream().flatMap(List::stream)
                .map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> uncovered = new TreeSet<>();
        Matcher m = ARM_CALL.matcher(armCloudSource.replaceAll("(?s)/\\*.*?\\*/|//[^\n]*", ""));
        while (m.find()) {
            String action = ARM_CALL_ACTIONS.get(m.group(1));
            if (action == null) {
                uncovered.add(m.group(1) + " (not mapped to an action)");
            } else if (!granted.contains(action.toLowerCase(Locale.ROOT))) {
                uncovered.add(m.group(1) + " needs " + action);
            }
        }
        return uncovered;
    }

    /** How many service-client calls ArmCloud makes (a scan that found none would prove nothing). */
    static long armCalls(String armCloudSource) {
        return ARM_CALL.matcher(armCloudSource.replaceAll("(?s)/\\*.*?\\*/|//[^\n]*", "")).results().count();
    }

    /**
     * Built-in roles that must not be assigned anywhere in infra/: each covers every resource of its kind in
     * its scope (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
     */
    static final Map<String, String> BROAD_BUILT_IN_ROLES = Map.of(
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner",
            "b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor",
            "18d7d88d-d35e-4fb5-a5c3-7773c4a72d9d", "User Access Administrator",
            "de139f84-1756-47ae-9be6-808fbbe84772", "Website Contributor",
            "2cc479cb-7b4d-49a8-b449-8c00fd0f0a4b", "Web Plan Contributor",
            "9b7fa17d-e63e-47b0-bb0a-15c516ac86ec", "SQL DB Contributor",
            "6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437", "SQL Server Contributor");

    /**
     * Role assignments that may have no {@code scope:} (and so apply to their whole deployment scope), each
     * with its reason. None: every role is assigned on the resource it is for.
     */
    static final Map<String, String> UNSCOPED_ASSIGNMENTS_ALLOWED = Map.of();

    private static final Pattern AUTH_SETTINGS = Pattern.compile(
            "resource\\s+(\\w+)\\s+'Microsoft\\.Web/sites/config@[^']*'\\s*=\\s*\\{");
    private static final Pattern ROLE_DEFINITION = Pattern.compile(
            "resource\\s+(\\w+)\\s+'Microsoft\\.Authorization/roleDefinitions@[^']*'\\s*=\\s*");
    private static final Pattern ROLE_ASSIGNMENT = Pattern.compile(
            "resource\\s+(\\w+)\\s+'Microsoft\\.Authorization/roleAssignments@[^']*'\\s*(existing\\s*)?=\\s*");
    private static final Pattern ACTIONS = Pattern.compile("(?:^|\\s)(actions|dataActions)\\s*:\\s*\\[");
    private static final Pattern LITERAL = Pattern.compile("'([^']*)'");
    private static final Pattern SCOPE = Pattern.compile("(?m)^\\s*scope\\s*:");
    private static final Pattern ENUM_ROLE = Pattern.compile("\\benum\\s+Role\\s*(?:implements[^{]*)?\\{([^;}]*)");

    private SecurityChecks() {
    }

    /** Bicep files' text without comments, by path relative to infra/. */
    private static Map<String, String> bicep(InfraModel infra) {
        return infra.files().entrySet().stream().filter(e -> e.getKey().endsWith(".bicep"))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> InfraModel.stripComments(e.getValue()),
                        (a, b) -> a, java.util.TreeMap::new));
    }

    /**
     * What is wrong with App Service authentication in infra/: a {@code Microsoft.Web/sites/config} resource
     * named {@code authsettingsV2} must exist, require authentication, answer 401 to a request without a
     * token, and enable the Entra ID provider with a client id and allowed audiences.
     */
    static Set<String> authSettingsProblems(InfraModel infra) {
        Set<String> problems = new TreeSet<>();
        Optional<String> found = Optional.empty();
        for (Map.Entry<String, String> file : bicep(infra).entrySet()) {
            String text = file.getValue();
            Matcher m = AUTH_SETTINGS.matcher(text);
            while (m.find()) {
                int open = m.end() - 1;
                String body = text.substring(open + 1, InfraModel.closing(text, open, '{', '}'));
                if (Pattern.compile("(?m)^\\s*name\\s*:\\s*'authsettingsV2'\\s*$").matcher(InfraModel.topLevel(body)).find()) {
                    found = Optional.of(body);
                }
            }
        }
        if (found.isEmpty()) {
            problems.add("no Microsoft.Web/sites/config resource named 'authsettingsV2'");
            return problems;
        }
        String body = found.get();
        require(problems, body, "platform\\s*:\\s*\\{\\s*enabled\\s*:\\s*true", "platform.enabled is not true");
        require(problems, body, "requireAuthentication\\s*:\\s*true\\b", "requireAuthentication is not true");
        require(problems, body, "unauthenticatedClientAction\\s*:\\s*'Return401'",
                "unauthenticatedClientAction is not 'Return401'");
        require(problems, body, "azureActiveDirectory\\s*:\\s*\\{\\s*enabled\\s*:\\s*true",
                "the azureActiveDirectory provider is not enabled");
        require(problems, body, "clientId\\s*:\\s*\\S", "the azureActiveDirectory registration has no clientId");
        require(problems, body, "allowedAudiences\\s*:\\s*\\[", "the azureActiveDirectory validation has no allowedAudiences");
        return problems;
    }

    private static void require(Set<String> problems, String body, String regex, String problem) {
        if (!Pattern.compile(regex).matcher(body).find()) {
            problems.add(problem);
        }
    }

    /**
     * What is wrong with the app roles of the manifest: exactly {@link #APP_ROLES} by value, each enabled,
     * with a unique id, assignable to users and groups; {@link #APPLICATION_ROLES} also to applications;
     * Approver and Admin to people only. And the code's role names, when the code declares them, are the same.
     */
    static Set<String> appRoleProblems(InfraModel infra, Set<String> codeRoleNames) {
        Set<String> problems = new TreeSet<>();
        String manifest = infra.files().get(APP_REGISTRATION);
        if (manifest == null) {
            problems.add("no " + APP_REGISTRATION);
            return problems;
        }
        JsonNode roles;
        try {
            roles = new ObjectMapper().readTree(manifest).path("appRoles");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> values = new TreeSet<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode role : roles) {
            String value = role.path("value").asText();
            if (!values.add(value)) {
                problems.add("app role " + value + " is declared twice");
            }
            if (!ids.add(role.path("id").asText())) {
                problems.add("app role " + value + " reuses the id " + role.path("id").asText());
            }
            if (!role.path("isEnabled").asBoolean(false)) {
                problems.add("app role " + value + " is not enabled");
            }
            Set<String> members = new TreeSet<>();
            role.path("allowedMemberTypes").forEach(t -> members.add(t.asText()));
            if (!members.contains("User")) {
                problems.add("app role " + value + " cannot be assigned to users and groups");
            }
            if (APPLICATION_ROLES.contains(value) && !members.contains("Application")) {
                problems.add("app role " + value + " cannot be assigned to a pipeline's workload identity (Application)");
            }
            if (Set.of("Approver", "Admin").contains(value) && members.contains("Application")) {
                problems.add("app role " + value + " can be assigned to an application; only people approve and administer");
            }
        }
        for (String expected : APP_ROLES) {
            if (!values.contains(expected)) {
                problems.add("app role " + expected + " is missing");
            }
        }
        for (String value : values) {
            if (!APP_ROLES.contains(value)) {
                problems.add("app role " + value + " is not one of " + new TreeSet<>(APP_ROLES));
            }
        }
        if (!codeRoleNames.isEmpty()) {
            Set<String> lower = values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            Set<String> code = codeRoleNames.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            if (!lower.equals(code)) {
                problems.add("the code's roles " + new TreeSet<>(codeRoleNames) + " are not the manifest's " + values);
            }
        }
        return problems;
    }

    /**
     * The constants of an {@code enum Role} in src/main/java, if the code declares one (the authz code's
     * role names); empty when it does not, and then the manifest is the one source of the names.
     */
    static Set<String> codeRoleNames(Path sourceRoot) {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> paths = Files.walk(sourceRoot)) {
            for (Path path : (Iterable<Path>) paths.filter(p -> p.getFileName().toString().equals("Role.java"))::iterator) {
                Matcher m = ENUM_ROLE.matcher(Files.readString(path).replaceAll("(?s)/\\*.*?\\*/|//[^\n]*", ""));
                if (m.find()) {
                    for (String constant : m.group(1).split(",")) {
                        String name = constant.strip().replaceAll("\\(.*", "").strip();
                        if (!name.isEmpty()) {
                            names.add(name);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** Each custom role's actions and data actions, by "file:symbol", as written. */
    static Map<String, List<String>> customRoleActions(InfraModel infra) {
        Map<String, List<String>> roles = new java.util.TreeMap<>();
        for (Map.Entry<String, String> file : bicep(infra).entrySet()) {
            String text = file.getValue();
            Matcher m = ROLE_DEFINITION.matcher(text);
            while (m.find()) {
                int open = text.indexOf('{', m.end());
                String body = text.substring(open + 1, InfraModel.closing(text, open, '{', '}'));
                List<String> actions = new ArrayList<>();
                Matcher list = ACTIONS.matcher(body);
                while (list.find()) {
                    int start = list.end() - 1;
                    Matcher literal = LITERAL.matcher(body.substring(start, InfraModel.closing(body, start, '[', ']')));
                    while (literal.find()) {
                        actions.add(literal.group(1));
                    }
                }
                roles.put(file.getKey() + ":" + m.group(1), actions);
            }
        }
        return roles;
    }

    /** Custom-role actions that are not in {@link #CITED_ACTIONS} (ARM action names are case-insensitive). */
    static Set<String> uncitedRoleActions(InfraModel infra) {
        Set<String> cited = CITED_ACTIONS.keySet().stream().map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> uncited = new TreeSet<>();
        customRoleActions(infra).values().forEach(actions -> actions.stream()
                .filter(a -> !cited.contains(a.toLowerCase(Locale.ROOT))).forEach(uncited::add));
        return uncited;
    }

    /** "file: role name" for every broad built-in role that infra/ refers to (comments aside). */
    static Set<String> broadBuiltInRoles(InfraModel infra) {
        Set<String> found = new TreeSet<>();
        for (Map.Entry<String, String> file : bicep(infra).entrySet()) {
            String text = file.getValue().toLowerCase(Locale.ROOT);
            BROAD_BUILT_IN_ROLES.forEach((id, name) -> {
                if (text.contains(id)) {
                    found.add(file.getKey() + ": " + name);
                }
            });
        }
        return found;
    }

    /**
     * "file:symbol" of role assignments with no {@code scope:}, which therefore apply to the whole resource
     * group (or subscription) being deployed, other than {@link #UNSCOPED_ASSIGNMENTS_ALLOWED}.
     */
    static Set<String> roleAssignmentsWithoutScope(InfraModel infra) {
        Set<String> unscoped = new TreeSet<>();
        for (Map.Entry<String, String> file : bicep(infra).entrySet()) {
            String text = file.getValue();
            Matcher m = ROLE_ASSIGNMENT.matcher(text);
            while (m.find()) {
                if (m.group(2) != null) {
                    continue;
                }
                int open = text.indexOf('{', m.end());
                String body = text.substring(open + 1, InfraModel.closing(text, open, '{', '}'));
                String key = file.getKey() + ":" + m.group(1);
                if (!SCOPE.matcher(InfraModel.topLevel(body)).find() && !UNSCOPED_ASSIGNMENTS_ALLOWED.containsKey(key)) {
                    unscoped.add(key);
                }
            }
        }
        return unscoped;
    }
}
