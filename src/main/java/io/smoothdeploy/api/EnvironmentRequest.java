package io.smoothdeploy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.DatabaseConfig;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.SmokeCheck;
import io.smoothdeploy.engine.StalenessPolicy;
import io.smoothdeploy.engine.VerificationPolicy;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and checks the body of {@code PUT /api/environments/{name}}. */
final class EnvironmentRequest {

    static final int MAX_WEB_APPS = 20;
    static final Pattern SITE_ID = Pattern.compile(
            "/subscriptions/[0-9A-Fa-f-]{1,36}/resourceGroups/[A-Za-z0-9._()-]{1,90}/providers/Microsoft\\.Web/sites/[A-Za-z0-9-]{2,60}",
            Pattern.CASE_INSENSITIVE);
    static final Pattern SQL_SERVER_ID = Pattern.compile(
            "/subscriptions/[0-9A-Fa-f-]{1,36}/resourceGroups/[A-Za-z0-9._()-]{1,90}/providers/Microsoft\\.Sql/servers/[a-z0-9-]{1,63}",
            Pattern.CASE_INSENSITIVE);
    static final Pattern SLOT = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?");
    static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    static final Pattern BODY_TEXT = Pattern.compile("[^\\p{Cntrl}]{1,200}");
    static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]{0,499}");

    private static final Set<String> TOP = Set.of("webApps", "database", "connectionStringName",
            "databaseModeSetting", "maintenancePagePackageUri", "warmUpTimeoutSeconds", "staleness", "verification",
            "webhookUrl", "transientRetryLimit", "allowedHosts", "approvers", "rollbackWindowMinutes");
    static final int MAX_ALLOWED_HOSTS = 20;
    /** An Entra object id: a GUID. */
    static final java.util.regex.Pattern OBJECT_ID = java.util.regex.Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    static final int MAX_APPROVERS = 20;
    private static final Set<String> STALENESS = Set.of("noProgressLimitMinutes", "action");
    private static final Set<String> VERIFICATION = Set.of("smokeChecks", "onPass", "onFail", "rollbackDatabase",
            "limitMinutes", "onLimit", "afterComplete");
    private static final Set<String> AFTER_COMPLETE = Set.of("smokeChecks", "intervalSeconds", "minutes", "onFail");
    private static final Set<String> SMOKE_CHECK = Set.of("webApp", "path", "expectedStatus", "bodyContains");
    static final int MAX_SMOKE_CHECKS = 50;
    private static final Set<String> WEB_APP = Set.of("name", "resourceId", "role", "stagingSlot", "maintenanceSlot",
            "warmUp");
    private static final Set<String> WARM_UP = Set.of("hostNames", "paths", "expectedStatuses");
    private static final Set<String> DATABASE_FIELDS = Set.of("serverResourceId", "name");

    /**
     * What {@code GET /environments/{name}} adds to the configuration. Sent back with PUT they are ignored, so
     * that a GET answer can be edited and sent back; {@code name}, when present, must be the path's.
     */
    static final Set<String> READ_ONLY = Set.of("name", "currentDeploymentId", "lastDeployment");
    static final Set<String> WEB_APP_READ_ONLY = Set.of("inMaintenance");
    /** The fields GET shows without their query string ({@code Redact.uri}), which therefore cannot come back. */
    static final List<String> REDACTED_ON_GET = List.of("maintenancePagePackageUri", "webhookUrl");
    static final String REDACTED_MARK = "<redacted>";

    private EnvironmentRequest() {
    }

    static EnvironmentConfig parse(String name, JsonNode sent) {
        JsonNode body = withoutReadOnly(name, sent);
        refuseRedacted(body);
        Fields fields = new Fields();
        fields.onlyKnown(body, "", TOP);
        List<WebAppConfig> webApps = webApps(fields, body);
        DatabaseConfig database = database(fields, body);
        String connectionStringName = fields.requiredText(body, "", "connectionStringName", Fields.SETTING_NAME,
                "a connection string name such as EPiServerDB");
        String databaseModeSetting = fields.requiredText(body, "", "databaseModeSetting", Fields.SETTING_NAME,
                "an app setting name such as Cms__DatabaseMode");
        String maintenancePage = fields.httpsUri(body, "", "maintenancePagePackageUri", false);
        Integer warmUpSeconds = fields.optionalInt(body, "", "warmUpTimeoutSeconds", 10, 3600);
        StalenessPolicy staleness = staleness(fields, body);
        VerificationPolicy verification = verification(fields, body, webApps);
        String webhook = fields.webhookUri(body, "", "webhookUrl");
        Integer retryLimit = fields.optionalInt(body, "", "transientRetryLimit", 0,
                EnvironmentConfig.MAX_TRANSIENT_RETRY_LIMIT);
        List<String> approvers = approvers(fields, body);
        boolean needsPage = webApps.stream().anyMatch(w -> w.role() == WebAppRole.MAINTENANCE_PAGE);
        if (needsPage && maintenancePage == null && !fields.hasErrors()) {
            fields.error("maintenancePagePackageUri", "maintenancePagePackageUri is required when a web app has role "
                    + "MaintenancePage: the package that serves the maintenance page");
        }
        List<String> allowedHosts = allowedHosts(fields, body);
        Integer windowMinutes = fields.optionalInt(body, "", "rollbackWindowMinutes", 0,
                EnvironmentConfig.MAX_ROLLBACK_WINDOW_MINUTES);
        if (windowMinutes != null && windowMinutes == 0 && verification.afterComplete() != null
                && !fields.hasErrors()) {
            fields.error("verification.afterComplete", "verification.afterComplete rolls back when a check fails, which"
                    + " needs the previous code kept warm: set rollbackWindowMinutes above 0, or leave afterComplete out");
        }
        fields.throwIfAny();
        return new EnvironmentConfig(name, webApps, database, connectionStringName, databaseModeSetting, maintenancePage,
                warmUpSeconds == null ? null : Duration.ofSeconds(warmUpSeconds), staleness, verification, webhook,
                retryLimit, allowedHosts, approvers, windowMinutes == null ? null : Duration.ofMinutes(windowMinutes));
    }

    /** The optional allow-list of hosts for the webhook and the packages: names, or {@code *.} and a name. */
    private static List<String> allowedHosts(Fields fields, JsonNode body) {
        List<String> hosts = new ArrayList<>();
        JsonNode list = fields.array(body, "", "allowedHosts", false, MAX_ALLOWED_HOSTS);
        for (int i = 0; list != null && i < list.size(); i++) {
            JsonNode host = list.get(i);
            if (!host.isTextual() || !io.smoothdeploy.outbound.GuardedHttp.validAllowListEntry(host.asText())) {
                fields.error("allowedHosts[" + i + "]", "allowedHosts[" + i + "] must be a host name such as"
                        + " hooks.example.com, or *. and a host name for its subdomains");
            } else {
                hosts.add(host.asText().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return hosts;
    }

    /** A copy of the body without the fields GET adds; a name that is not the path's is refused. */
    private static JsonNode withoutReadOnly(String name, JsonNode sent) {
        JsonNode named = sent.get("name");
        if (named != null && !named.isNull() && !(named.isTextual() && named.asText().equals(name))) {
            throw Problem.invalid("name", "The body's name (" + (named.isTextual() ? "'" + abbreviate(named.asText())
                    + "'" : "not a string") + ") is not the environment this request registers, '" + name + "'. name "
                    + "is read-only: send the body to PUT /api/environments/<its name>, or remove name");
        }
        ObjectNode body = ((ObjectNode) sent).deepCopy();
        body.remove(READ_ONLY);
        JsonNode webApps = body.get("webApps");
        if (webApps != null && webApps.isArray()) {
            for (JsonNode webApp : webApps) {
                if (webApp.isObject()) {
                    ((ObjectNode) webApp).remove(WEB_APP_READ_ONLY);
                }
            }
        }
        return body;
    }

    /**
     * GET shows these URIs without their query string, which may hold a SAS token; sent back, such a value would
     * register a URI with no SAS (or fail as "not a valid URI"), so it is refused, saying what to send instead.
     */
    private static void refuseRedacted(JsonNode body) {
        for (String field : REDACTED_ON_GET) {
            JsonNode value = body.get(field);
            if (value != null && value.isTextual() && value.asText().contains(REDACTED_MARK)) {
                throw Problem.redacted(field, field + " holds the redacted value GET /api/environments/{name} shows "
                        + "(its query string, which may carry a SAS token, is never shown back, so it cannot be sent "
                        + "back): send the full URI with its query string again, such as a fresh SAS URL"
                        + (field.equals("webhookUrl") ? ", or remove webhookUrl for no notifications" : ""));
            }
        }
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }

    /** Who may approve: Entra object ids (GUIDs) of users or groups, lower-cased, each once. */
    private static List<String> approvers(Fields fields, JsonNode body) {
        List<String> approvers = new ArrayList<>();
        JsonNode list = fields.array(body, "", "approvers", false, MAX_APPROVERS);
        for (int i = 0; list != null && i < list.size(); i++) {
            JsonNode item = list.get(i);
            if (!item.isTextual() || !OBJECT_ID.matcher(item.asText()).matches()) {
                fields.error("approvers[" + i + "]", "an Entra object id of a user or group, a GUID such as "
                        + "00000000-0000-0000-0000-000000000000 (from the group's or user's Overview page)");
            } else if (!approvers.contains(item.asText().toLowerCase(java.util.Locale.ROOT))) {
                approvers.add(item.asText().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return approvers;
    }

    private static VerificationPolicy verification(Fields fields, JsonNode body, List<WebAppConfig> webApps) {
        JsonNode node = fields.object(body, "", "verification", false);
        if (node == null) {
            return VerificationPolicy.DEFAULT;
        }
        fields.onlyKnown(node, "verification", VERIFICATION);
        List<SmokeCheck> checks = smokeChecks(fields, node, "verification", webApps);
        VerificationPolicy.AfterComplete afterComplete = afterComplete(fields, node, webApps);
        return policy(fields, node, checks, afterComplete);
    }

    /** {@code verification.afterComplete}: checks against production after going live, or null when left out. */
    private static VerificationPolicy.AfterComplete afterComplete(Fields fields, JsonNode verification,
                                                                  List<WebAppConfig> webApps) {
        JsonNode node = fields.object(verification, "verification", "afterComplete", false);
        if (node == null) {
            return null;
        }
        String where = "verification.afterComplete";
        fields.onlyKnown(node, where, AFTER_COMPLETE);
        List<SmokeCheck> checks = smokeChecks(fields, node, where, webApps);
        if (checks.isEmpty() && !fields.hasErrors()) {
            fields.error(where + ".smokeChecks", where + ".smokeChecks must list at least one check to ask of"
                    + " production after going live, or leave afterComplete out");
        }
        Integer interval = fields.optionalInt(node, where, "intervalSeconds", 5, 3600);
        Integer minutes = fields.optionalInt(node, where, "minutes", 1, 1440);
        String onFailText = fields.optionalText(node, where, "onFail", null, "RollBack or Notify");
        VerificationPolicy.OnFailLive onFail = onFailText == null ? null
                : VerificationPolicy.OnFailLive.parse(onFailText).orElse(null);
        if (onFailText != null && onFail == null) {
            fields.error(where + ".onFail", where + ".onFail must be RollBack or Notify");
        }
        return new VerificationPolicy.AfterComplete(checks, interval == null ? null : Duration.ofSeconds(interval),
                minutes == null ? null : Duration.ofMinutes(minutes), onFail);
    }

    private static List<SmokeCheck> smokeChecks(Fields fields, JsonNode node, String where, List<WebAppConfig> webApps) {
        List<SmokeCheck> checks = new ArrayList<>();
        JsonNode list = fields.array(node, where, "smokeChecks", false, MAX_SMOKE_CHECKS);
        for (int i = 0; list != null && i < list.size(); i++) {
            String path = where + ".smokeChecks[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isObject()) {
                fields.error(path, path + " must be an object");
                continue;
            }
            fields.onlyKnown(item, path, SMOKE_CHECK);
            String webApp = fields.optionalText(item, path, "webApp", Fields.NAME, "the name of one of webApps");
            if (webApp != null && webApps.stream().noneMatch(w -> webApp.equals(w.name()))) {
                fields.error(path + ".webApp", path + ".webApp names no web app of this environment: '" + webApp
                        + "' (leave it out to check every web app)");
            }
            String checkPath = fields.requiredText(item, path, "path", PATH,
                    "a path starting with / (no spaces), such as /health");
            if (checkPath != null && checkPath.contains("..")) {
                fields.error(path + ".path", path + ".path must not contain '..'");
            }
            Integer status = fields.optionalInt(item, path, "expectedStatus", 100, 599);
            String contains = fields.optionalText(item, path, "bodyContains", BODY_TEXT,
                    "1 to 200 characters of text the answer's body must contain");
            if (checkPath != null && !checkPath.contains("..")) {
                checks.add(new SmokeCheck(webApp, checkPath, status == null ? SmokeCheck.DEFAULT_EXPECTED_STATUS
                        : status, contains));
            }
        }
        return checks;
    }

    private static VerificationPolicy policy(Fields fields, JsonNode node, List<SmokeCheck> checks,
                                             VerificationPolicy.AfterComplete afterComplete) {
        VerificationPolicy.OnPass onPass = choice(fields, node, "onPass", "Wait or Complete",
                VerificationPolicy.OnPass::parse);
        VerificationPolicy.OnFail onFail = choice(fields, node, "onFail", "Wait or Reset",
                VerificationPolicy.OnFail::parse);
        VerificationPolicy.OnLimit onLimit = choice(fields, node, "onLimit", "Notify or Reset",
                VerificationPolicy.OnLimit::parse);
        boolean automatic = onPass == VerificationPolicy.OnPass.COMPLETE || onFail == VerificationPolicy.OnFail.RESET;
        if (automatic && checks.isEmpty() && !fields.hasErrors()) {
            fields.error("verification.smokeChecks", "onPass Complete and onFail Reset act on smoke check results: "
                    + "list at least one smoke check, or leave them out");
        }
        Boolean rollback = fields.optionalBoolean(node, "verification", "rollbackDatabase");
        Integer limit = fields.optionalInt(node, "verification", "limitMinutes", 5, 43_200);
        return new VerificationPolicy(checks, onPass, onFail, Boolean.TRUE.equals(rollback),
                limit == null ? null : Duration.ofMinutes(limit), onLimit, afterComplete);
    }

    private static <T> T choice(Fields fields, JsonNode node, String name, String shape,
                                java.util.function.Function<String, java.util.Optional<T>> parse) {
        String text = fields.optionalText(node, "verification", name, null, shape);
        T value = text == null ? null : parse.apply(text).orElse(null);
        if (text != null && value == null) {
            fields.error("verification." + name, "verification." + name + " must be " + shape);
        }
        return value;
    }

    private static StalenessPolicy staleness(Fields fields, JsonNode body) {
        JsonNode node = fields.object(body, "", "staleness", false);
        if (node == null) {
            return StalenessPolicy.DEFAULT;
        }
        fields.onlyKnown(node, "staleness", STALENESS);
        Integer progress = fields.optionalInt(node, "staleness", "noProgressLimitMinutes", 5, 43_200);
        String actionText = fields.optionalText(node, "staleness", "action", null, "Nothing, Resume or Reset");
        StalenessPolicy.Action action = actionText == null ? null : StalenessPolicy.Action.parse(actionText).orElse(null);
        if (actionText != null && action == null) {
            fields.error("staleness.action", "staleness.action must be Nothing, Resume or Reset");
        }
        return new StalenessPolicy(progress == null ? null : Duration.ofMinutes(progress), action);
    }

    private static List<WebAppConfig> webApps(Fields fields, JsonNode body) {
        JsonNode list = fields.array(body, "", "webApps", true, MAX_WEB_APPS);
        List<WebAppConfig> webApps = new ArrayList<>();
        if (list == null) {
            return webApps;
        }
        if (list.isEmpty()) {
            fields.error("webApps", "webApps must list at least one web app");
        }
        Set<String> names = new HashSet<>();
        Set<String> sites = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "webApps[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isObject()) {
                fields.error(path, path + " must be an object");
                continue;
            }
            fields.onlyKnown(item, path, WEB_APP);
            String webAppName = fields.requiredText(item, path, "name", Fields.NAME,
                    "1 to 40 lower-case letters, digits and dashes");
            if (webAppName != null && !names.add(webAppName)) {
                fields.error(path + ".name", "web app name '" + webAppName + "' is used twice");
            }
            String resourceId = fields.requiredText(item, path, "resourceId", SITE_ID,
                    "an App Service site resource id: /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.Web/sites/{site}");
            if (resourceId != null && !sites.add(resourceId.toLowerCase())) {
                fields.error(path + ".resourceId", "site " + resourceId + " is listed twice");
            }
            String roleText = fields.requiredText(item, path, "role", null, "ZeroDowntime or MaintenancePage");
            WebAppRole role = roleText == null ? null : WebAppRole.parse(roleText).orElse(null);
            if (roleText != null && role == null) {
                fields.error(path + ".role", path + ".role must be ZeroDowntime or MaintenancePage");
            }
            String staging = slot(fields, item, path, "stagingSlot", "staging");
            String maintenance = slot(fields, item, path, "maintenanceSlot", "maintenance");
            if (staging != null && staging.equals(maintenance)) {
                fields.error(path + ".maintenanceSlot", "the maintenance slot must differ from the staging slot");
            }
            WebAppConfig.WarmUpConfig warmUp = warmUp(fields, item, path);
            webApps.add(new WebAppConfig(webAppName, resourceId, role, staging, maintenance, warmUp));
        }
        return webApps;
    }

    private static String slot(Fields fields, JsonNode item, String path, String name, String defaultSlot) {
        String slot = fields.optionalText(item, path, name, SLOT, "a slot name: lower-case letters, digits and dashes");
        if (SlotRef.PRODUCTION.equals(slot)) {
            fields.error(path + "." + name, path + "." + name + " cannot be the production slot");
        }
        return slot == null ? defaultSlot : slot;
    }

    private static WebAppConfig.WarmUpConfig warmUp(Fields fields, JsonNode item, String path) {
        JsonNode warmUp = fields.object(item, path, "warmUp", false);
        List<String> hostNames = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        if (warmUp == null) {
            return new WebAppConfig.WarmUpConfig(hostNames, List.of("/"), statuses);
        }
        String warmPath = path + ".warmUp";
        fields.onlyKnown(warmUp, warmPath, WARM_UP);
        JsonNode hosts = fields.array(warmUp, warmPath, "hostNames", false, 20);
        for (int i = 0; hosts != null && i < hosts.size(); i++) {
            JsonNode host = hosts.get(i);
            if (!host.isTextual() || !Fields.HOST_NAME.matcher(host.asText()).matches()) {
                fields.error(warmPath + ".hostNames[" + i + "]", "a host name such as www.example.com");
            } else {
                hostNames.add(host.asText().toLowerCase());
            }
        }
        JsonNode pathList = fields.array(warmUp, warmPath, "paths", false, 50);
        for (int i = 0; pathList != null && i < pathList.size(); i++) {
            JsonNode p = pathList.get(i);
            String field = warmPath + ".paths[" + i + "]";
            if (!p.isTextual() || !PATH.matcher(p.asText()).matches() || p.asText().contains("..")) {
                fields.error(field, field + " must be a path starting with / (no spaces, no ..)");
            } else {
                paths.add(p.asText());
            }
        }
        JsonNode statusList = fields.array(warmUp, warmPath, "expectedStatuses", false, 10);
        for (int i = 0; statusList != null && i < statusList.size(); i++) {
            JsonNode s = statusList.get(i);
            if (!s.isIntegralNumber() || s.asInt() < 100 || s.asInt() > 599) {
                fields.error(warmPath + ".expectedStatuses[" + i + "]", "an HTTP status from 100 to 599");
            } else {
                statuses.add(s.asInt());
            }
        }
        return new WebAppConfig.WarmUpConfig(hostNames, paths.isEmpty() ? List.of("/") : paths, statuses);
    }

    private static DatabaseConfig database(Fields fields, JsonNode body) {
        JsonNode database = fields.object(body, "", "database", true);
        if (database == null) {
            return null;
        }
        fields.onlyKnown(database, "database", DATABASE_FIELDS);
        String server = fields.requiredText(database, "database", "serverResourceId", SQL_SERVER_ID,
                "an Azure SQL server resource id: /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.Sql/servers/{server}");
        String name = fields.requiredText(database, "database", "name", DATABASE,
                "a database name of letters, digits, _ and -");
        return new DatabaseConfig(server, name);
    }
}
