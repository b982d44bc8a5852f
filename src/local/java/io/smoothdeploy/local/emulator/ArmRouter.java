package io.smoothdeploy.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Maps ARM requests onto the emulator's model. Paths and JSON shapes are those azure-resourcemanager
 * 2.57 (appservice 2.54.1, sql 2.53.5) sends and reads: see {@code WebAppsClientImpl} and
 * {@code DatabasesClientImpl}. A request whose bearer token the emulator's token endpoint did not issue, or
 * issued but has expired, is refused with 401 before its route is run or any fault spent.
 */
final class ArmRouter implements HttpHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AzureEmulator emulator;

    ArmRouter(AzureEmulator emulator) {
        this.emulator = emulator;
    }

    /**
     * An ARM error answer. {@code appService}: the error comes from App Service's resource provider, which
     * answers PascalCase ({@code {"Code":…,"Message":…,"Details":[…]}}) rather than ARM's
     * {@code {"error":{"code":…,"message":…}}}.
     */
    static final class ArmError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;
        final boolean appService;

        ArmError(int status, String code, String message) {
            this(status, code, message, false);
        }

        ArmError(int status, String code, String message, boolean appService) {
            super(message);
            this.status = status;
            this.code = code;
            this.appService = appService;
        }
    }

    private record Response(int status, Map<String, String> headers, String body) {
        static Response json(int status, JsonNode body) {
            return new Response(status, Map.of(), body.toString());
        }

        static Response empty(int status) {
            return new Response(status, Map.of(), null);
        }
    }

    private interface Action {
        Response run(JsonNode body);
    }

    private record Route(String operation, Action action) {
    }

    /** What one request is about: its path segments, api-version and query string (raw, may be null). */
    private record Call(List<String> segments, String apiVersion, String rawQuery) {
        /** A boolean query parameter ({@code softRestart=true}); absent or anything but true is false. */
        boolean flag(String name) {
            return "true".equalsIgnoreCase(queryParameter(rawQuery, name));
        }

        String at(int index) {
            return index < segments.size() ? segments.get(index) : null;
        }

        boolean is(int index, String literal) {
            String value = at(index);
            return value != null && value.equalsIgnoreCase(literal);
        }

        int size() {
            return segments.size();
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getPath();
            String apiVersion = queryParameter(exchange.getRequestURI().getRawQuery(), "api-version");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] requestBody = exchange.getRequestBody().readAllBytes();
            List<String> segments = new ArrayList<>();
            Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).forEach(segments::add);
            Call call = new Call(segments, apiVersion, exchange.getRequestURI().getRawQuery());
            Route route = route(method, call);
            Response response;
            try {
                Duration latency = emulator.latency(route.operation());
                if (latency != null && !latency.isZero()) {
                    Thread.sleep(latency.toMillis());
                }
                TokenEndpoint.Refusal refusal = emulator.tokens.refusal(authorization);
                if (refusal != null) {
                    throw new ArmError(401, refusal.code(), refusal.message());
                }
                AzureEmulator.Fault fault = emulator.takeFault(route.operation());
                if (fault != null && fault.retryAfterSeconds() > 0) {
                    throw new Throttled(method, fault.retryAfterSeconds());
                }
                if (fault != null) {
                    throw fault.appServiceMessage() == null
                            ? new ArmError(fault.status(), fault.code(), "Injected fault on " + route.operation())
                            : new ArmError(fault.status(), fault.code(), fault.appServiceMessage(), true);
                }
                if (apiVersion == null || apiVersion.isBlank()) {
                    throw new ArmError(400, "MissingApiVersionParameter",
                            "The api-version query parameter (?api-version=) is required for all requests.");
                }
                refuseOtherApiVersion(path, apiVersion);
                JsonNode body = requestBody.length == 0 ? JSON.createObjectNode() : JSON.readTree(requestBody);
                synchronized (emulator.lock) {
                    emulator.settleSwaps();
                    response = route.action().run(body);
                }
            } catch (Throttled e) {
                response = e.response();
            } catch (ArmError e) {
                response = e.appService ? appServiceError(e.status, e.code, e.getMessage())
                        : error(e.status, e.code, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response = error(500, "InternalServerError", "interrupted");
            } catch (IOException e) {
                response = error(400, "InvalidRequestContent", "The request content was invalid: " + e.getMessage());
            } catch (RuntimeException e) {
                response = error(500, "InternalServerError", "The emulator failed: " + e);
            }
            emulator.record(new RecordedRequest(method, path, apiVersion, route.operation(), response.status()));
            send(exchange, response);
        }
    }

    /**
     * ARM refuses an api-version the resource provider does not serve: 400 {@code InvalidApiVersionParameter}, "The
     * api-version '…' is invalid. The supported versions are '…'." (as ARM answers in, for example,
     * Azure/azure-cli#28038 and Azure/azure-sdk-for-net#2276). The emulator serves each provider at the one version
     * the SDK sends ({@link AzureEmulator#WEB_API_VERSION}, {@link AzureEmulator#SQL_API_VERSION}), which is harsher
     * than ARM (it serves many): a request shaped for another version is never answered as if it were this one.
     */
    private static void refuseOtherApiVersion(String path, String apiVersion) {
        String lower = path.toLowerCase(Locale.ROOT);
        String served = lower.contains("/providers/microsoft.web/") ? AzureEmulator.WEB_API_VERSION
                : lower.contains("/providers/microsoft.sql/") ? AzureEmulator.SQL_API_VERSION : null;
        if (served != null && !served.equals(apiVersion)) {
            throw new ArmError(400, "InvalidApiVersionParameter", "The api-version '" + apiVersion
                    + "' is invalid. The supported versions are '" + served + "'.");
        }
    }

    /**
     * ARM's throttling answer: 429 {@code SubscriptionRequestsThrottled} with {@code Retry-After} in seconds, and
     * the remaining-requests header of the request's kind (reads for GET, writes otherwise) at 0; see
     * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling ("Remaining
     * requests" and "Error code"). The message follows the shape ARM's documentation and support articles show
     * ("Number of read requests for subscription … exceeded the limit … Please try again after … seconds").
     */
    private static final class Throttled extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean read;
        private final int retryAfterSeconds;

        Throttled(String method, int retryAfterSeconds) {
            super(null, null, false, false);
            this.read = "GET".equals(method);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        Response response() {
            ObjectNode body = JSON.createObjectNode();
            ObjectNode error = body.putObject("error");
            error.put("code", "SubscriptionRequestsThrottled");
            error.put("message", "Number of " + (read ? "read" : "write") + " requests for the subscription exceeded"
                    + " the limit. Please try again after '" + retryAfterSeconds + "' seconds.");
            Map<String, String> headers = Map.of("Retry-After", Integer.toString(retryAfterSeconds),
                    read ? "x-ms-ratelimit-remaining-subscription-reads" : "x-ms-ratelimit-remaining-subscription-writes",
                    "0");
            return new Response(429, headers, body.toString());
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        exchange.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
        // One connection per request. The JDK server sends the headers and the body as two TCP segments without
        // TCP_NODELAY, so on a kept-alive connection the body waits for the client's delayed ACK (tens of ms per
        // request); a fresh connection is ACKed at once. This more than pays for the token request that now
        // precedes every ARM request (see TokenEndpoint, which does the same).
        exchange.getResponseHeaders().set("Connection", "close");
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (response.body() == null) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Response error(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return Response.json(status, body);
    }

    /**
     * App Service's own error body, PascalCase, with the details it adds. Shape as App Service answers (for example
     * a 409 during a swap): {@code {"Code":"Conflict","Message":"…","Target":null,"Details":[{"Message":"…"},
     * {"Code":"Conflict"},{"ErrorEntity":{"Code":"Conflict","Message":"…"}}],"Innererror":null}}. The SDK's
     * {@code DefaultErrorResponseError} reads only lower-case {@code code}/{@code message}, which is why the
     * adapter reads the body itself.
     */
    private static Response appServiceError(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("Code", code);
        body.put("Message", message);
        body.putNull("Target");
        ArrayNode details = body.putArray("Details");
        details.addObject().put("Message", message);
        details.addObject().put("Code", code);
        ObjectNode entity = details.addObject().putObject("ErrorEntity");
        entity.put("Code", code);
        entity.put("Message", message);
        body.putNull("Innererror");
        return Response.json(status, body);
    }

    // ----- routing -----

    private Route route(String method, Call call) {
        if (call.is(0, "subscriptions") && call.is(2, "providers") && call.is(4, "locations") && call.size() == 8
                && method.equals("GET")) {
            return new Route("getOperation", body -> getOperation(call.at(7)));
        }
        if (!(call.is(0, "subscriptions") && call.is(2, "resourceGroups") && call.is(4, "providers")
                && call.size() >= 8)) {
            return unknown(method, call);
        }
        String resourceBase = "/subscriptions/" + call.at(1) + "/resourceGroups/" + call.at(3) + "/providers/";
        if (call.is(5, "Microsoft.Web") && call.is(6, "sites")) {
            String siteId = resourceBase + "Microsoft.Web/sites/" + call.at(7);
            boolean namedSlot = call.is(8, "slots") && call.size() >= 10;
            String slot = namedSlot ? call.at(9) : "production";
            List<String> rest = call.segments().subList(namedSlot ? 10 : 8, call.size());
            return webRoute(method, call, siteId, slot, namedSlot, rest);
        }
        if (call.is(5, "Microsoft.Sql") && call.is(6, "servers") && call.is(8, "databases") && call.size() >= 10) {
            String serverId = resourceBase + "Microsoft.Sql/servers/" + call.at(7);
            String database = call.at(9);
            if (call.size() == 10) {
                switch (method) {
                    case "GET":
                        return new Route("getDatabase", body -> getDatabase(serverId, database));
                    case "PUT":
                        return new Route("createDatabase", body -> createDatabase(call, serverId, database, body));
                    case "DELETE":
                        return new Route("deleteDatabase", body -> deleteDatabase(call, serverId, database));
                    default:
                        return unknown(method, call);
                }
            }
            if (call.size() == 11 && call.is(10, "move") && method.equals("POST")) {
                return new Route("renameDatabase", body -> renameDatabase(serverId, database, body));
            }
        }
        // the SQL provider's long-running-operation URLs, under the resource group (recorded session
        // SqlServerOperationsTests.canCopySqlDatabase.json): …/locations/{location}/databaseAzureAsyncOperation/{id}
        // (the operation's status) and …/databaseOperationResults/{id} (its Location: 202 while it runs, then 200)
        if (call.is(5, "Microsoft.Sql") && call.is(6, "locations") && call.size() == 10 && method.equals("GET")) {
            if (call.is(8, "databaseAzureAsyncOperation")) {
                return new Route("getOperation", body -> getOperation(call.at(9)));
            }
            if (call.is(8, "databaseOperationResults")) {
                return new Route("getOperationResult", body -> databaseOperationResult(call));
            }
        }
        return unknown(method, call);
    }

    private Route webRoute(String method, Call call, String siteId, String slot, boolean namedSlot, List<String> rest) {
        String tail = String.join("/", rest).toLowerCase(Locale.ROOT);
        if (method.equals("GET") && rest.size() == 2 && tail.startsWith("operationresults/")) {
            return new Route("getSwapOperation", body -> swapOperation(call, siteId, rest.get(1)));
        }
        Route route = webRouteOf(method, call, siteId, slot, namedSlot, tail);
        if (method.equals("GET") || route.operation().startsWith("list") || route.operation().equals("unknown")) {
            return route;
        }
        return new Route(route.operation(), body -> {
            refuseWhileSwapping(siteId);
            return route.action().run(body);
        });
    }

    /**
     * A write to a site that is swapping: App Service answers 409 Conflict, PascalCase, "Cannot modify this site
     * because another operation is in progress", and changes nothing. Sources: while a swap runs the site can't be
     * edited and CLI writes fail with a pending-operation error
     * (https://www.benday.com/2022/05/24/azure-app-service-slot-swap-is-hanging-or-taking-forever/); the swap's
     * phases (settings applied to the source, its instances restarted and warmed, then the routing switched) are
     * those of https://learn.microsoft.com/azure/app-service/deploy-staging-slots ("What happens during a swap").
     * Harsher than needed on purpose: every slot of the site is refused, not only the two in the swap.
     */
    private void refuseWhileSwapping(String siteId) {
        EmulatedSite site = site(siteId);
        if (site.swap != null) {
            throw new ArmError(409, "Conflict", "Cannot modify this site because another operation is in progress."
                    + " Details: Id: " + site.swap.operationId() + ", OperationName: SwapSiteSlots, CreatedTime: "
                    + site.swap.startedAt() + ", DestinationSlotName: "
                    + site.swap.target(), true);
        }
    }

    /**
     * A settings write to a slot in a pending swap with preview, as its source or its target: App Service answers 409
     * Conflict, "The slot cannot be changed because its configuration settings have been prepared for swap.", and the
     * portal disables editing the settings of both slots until the swap is completed or cancelled (reported with the
     * activity log's message in https://github.com/Azure/azure-cli/issues/27820; the swap with preview itself is
     * https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Swap with preview").
     */
    private static void refuseWhilePreparedForSwap(EmulatedSite site, EmulatedSlot slot) {
        boolean prepared = slot.previewTargetSlot().isPresent();
        for (EmulatedSlot other : site.slots()) {
            prepared |= other.previewTargetSlot().map(t -> t.equalsIgnoreCase(slot.name())).orElse(false);
        }
        if (prepared) {
            throw new ArmError(409, "Conflict", "The slot cannot be changed because its configuration settings have"
                    + " been prepared for swap.", true);
        }
    }

    private Route webRouteOf(String method, Call call, String siteId, String slot, boolean namedSlot, String tail) {
        switch (method + " " + tail) {
            case "GET ":
                return new Route(namedSlot ? "getSlot" : "getSite", body -> getSlot(siteId, slot));
            case "PUT ":
                if (namedSlot) {
                    return new Route("createSlot", body -> createSlot(siteId, slot, body));
                }
                break;
            case "POST config/appsettings/list":
                return new Route("listAppSettings", body -> appSettings(siteId, slot));
            case "PUT config/appsettings":
                return new Route("updateAppSettings", body -> updateAppSettings(siteId, slot, body));
            case "POST config/connectionstrings/list":
                return new Route("listConnectionStrings", body -> connectionStrings(siteId, slot));
            case "PUT config/connectionstrings":
                return new Route("updateConnectionStrings", body -> updateConnectionStrings(siteId, slot, body));
            case "GET config/web":
                return new Route("getConfiguration", body -> configuration(siteId, slot));
            case "GET config/slotconfignames":
                if (!namedSlot) {
                    return new Route("getSlotConfigNames", body -> slotConfigNames(siteId));
                }
                break;
            case "POST restart":
                return new Route("restartSlot", body -> restart(siteId, slot, call.flag("softRestart"),
                        call.flag("synchronous")));
            case "POST start":
                return new Route("startSlot", body -> setRunning(siteId, slot, true));
            case "POST stop":
                return new Route("stopSlot", body -> setRunning(siteId, slot, false));
            case "POST slotsswap":
                return new Route("swapSlot", body -> swap(call, siteId, slot, namedSlot, body));
            case "POST applyslotconfig":
                return new Route("applySlotConfig", body -> applySlotConfig(siteId, slot, body));
            case "POST resetslotconfig":
                return new Route("resetSlotConfig", body -> resetSlotConfig(siteId, slot));
            default:
                break;
        }
        return unknown(method, call);
    }

    private static Route unknown(String method, Call call) {
        return new Route("unknown", body -> {
            throw new ArmError(404, "RouteNotSupportedByEmulator", "The local Azure emulator does not serve "
                    + method + " /" + String.join("/", call.segments()));
        });
    }

    // ----- App Service -----

    private EmulatedSite site(String siteId) {
        return emulator.site(siteId).orElseThrow(() -> new ArmError(404, "ResourceNotFound",
                "The Resource 'Microsoft.Web/sites/" + last(siteId) + "' under resource group '"
                        + resourceGroup(siteId) + "' was not found."));
    }

    private EmulatedSlot slot(EmulatedSite site, String slot) {
        return site.slot(slot).orElseThrow(() -> new ArmError(404, "ResourceNotFound",
                "The Resource 'Microsoft.Web/sites/" + site.name() + "/slots/" + slot + "' under resource group '"
                        + site.resourceGroup() + "' was not found."));
    }

    private Response getSlot(String siteId, String slotName) {
        EmulatedSite site = site(siteId);
        return Response.json(200, siteJson(site, slot(site, slotName)));
    }

    private Response createSlot(String siteId, String slotName, JsonNode body) {
        EmulatedSite site = site(siteId);
        if (!body.hasNonNull("location")) {
            throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
        }
        EmulatedSlot slot = site.slot(slotName).orElse(null);
        boolean created = slot == null;
        if (created) {
            slot = site.addSlot(slotName);
        }
        JsonNode siteConfig = body.path("properties").path("siteConfig");
        for (JsonNode pair : siteConfig.path("appSettings")) {
            slot.appSettings.put(pair.path("name").asText(), pair.path("value").asText());
        }
        if (created) {
            // A slot created without site configuration gets App Service's defaults (EmulatedSlot.defaultSiteConfig);
            // the fields the request gives replace them
            for (String field : EmulatedSlot.SITE_CONFIG_FIELDS) {
                JsonNode value = siteConfig.get(field);
                if (value != null && !value.isNull()) {
                    slot.siteConfig.put(field, value.asText());
                }
            }
        }
        for (JsonNode info : siteConfig.path("connectionStrings")) {
            slot.connectionStrings.put(info.path("name").asText(), new EmulatedSlot.ConnectionString(
                    info.path("connectionString").asText(), typeOf(info.path("type"))));
        }
        if (created) {
            EmulatedSlot made = slot;
            emulator.observers.forEach(o -> o.slotCreated(site, made));
        } else {
            // a PUT on an existing slot writes its settings: the same asynchronous restart as a settings write
            emulator.restartLater(site, slot);
        }
        return Response.json(200, siteJson(site, slot));
    }

    private Response appSettings(String siteId, String slotName) {
        EmulatedSite site = site(siteId);
        EmulatedSlot slot = slot(site, slotName);
        ObjectNode json = configJson(site, slot, "appsettings");
        ObjectNode properties = json.putObject("properties");
        slot.appSettings.forEach(properties::put);
        return Response.json(200, json);
    }

    private Response updateAppSettings(String siteId, String slotName, JsonNode body) {
        EmulatedSite site = site(siteId);
        EmulatedSlot slot = slot(site, slotName);
        refuseWhilePreparedForSwap(site, slot);
        Map<String, String> settings = new LinkedHashMap<>();
        body.path("properties").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        slot.appSettings.clear();
        slot.appSettings.putAll(settings);
        // WebApps_UpdateApplicationSettings(Slot): App Service restarts the app whenever its app settings are
        // written, so a write counts as a restart ("Configure an App Service app", app settings:
        // https://learn.microsoft.com/azure/app-service/configure-common#configure-app-settings). The write answers
        // at once and the restart follows asynchronously: the old instance answers for the restart lag
        // (AzureEmulator.setRestartLag).
        emulator.restartLater(site, slot);
        return appSettings(siteId, slotName);
    }

    private Response connectionStrings(String siteId, String slotName) {
        EmulatedSite site = site(siteId);
        EmulatedSlot slot = slot(site, slotName);
        ObjectNode json = configJson(site, slot, "connectionstrings");
        ObjectNode properties = json.putObject("properties");
        slot.connectionStrings.forEach((name, value) -> {
            ObjectNode pair = properties.putObject(name);
            pair.put("value", value.value());
            pair.put("type", value.type());
        });
        return Response.json(200, json);
    }

    private Response updateConnectionStrings(String siteId, String slotName, JsonNode body) {
        EmulatedSite site = site(siteId);
        EmulatedSlot slot = slot(site, slotName);
        refuseWhilePreparedForSwap(site, slot);
        Map<String, EmulatedSlot.ConnectionString> strings = new LinkedHashMap<>();
        body.path("properties").fields().forEachRemaining(e -> strings.put(e.getKey(),
                new EmulatedSlot.ConnectionString(e.getValue().path("value").asText(), typeOf(e.getValue().path("type")))));
        slot.connectionStrings.clear();
        slot.connectionStrings.putAll(strings);
        // WebApps_UpdateConnectionStrings(Slot): like app settings, a write restarts the app
        // (https://learn.microsoft.com/azure/app-service/configure-common#configure-connection-strings), as
        // asynchronously.
        emulator.restartLater(site, slot);
        return connectionStrings(siteId, slotName);
    }

    /**
     * {@code GET …/sites/{name}[/slots/{slot}]/config/web} ({@code WebApps_GetConfiguration},
     * {@code WebApps_GetConfigurationSlot}): the slot's site configuration, the fields the emulator keeps.
     */
    private Response configuration(String siteId, String slotName) {
        EmulatedSite site = site(siteId);
        EmulatedSlot slot = slot(site, slotName);
        ObjectNode json = configJson(site, slot, "web");
        ObjectNode properties = json.putObject("properties");
        for (String field : EmulatedSlot.SITE_CONFIG_FIELDS) {
            String value = slot.siteConfig.get(field);
            if (value == null) {
                properties.putNull(field);
            } else if (EmulatedSlot.BOOLEAN_FIELDS.contains(field)) {
                properties.put(field, Boolean.parseBoolean(value));
            } else {
                properties.put(field, value);
            }
        }
        return Response.json(200, json);
    }

    private Response slotConfigNames(String siteId) {
        EmulatedSite site = site(siteId);
        ObjectNode json = JSON.createObjectNode();
        json.put("id", site.resourceId() + "/config/slotConfigNames");
        json.put("name", "slotConfigNames");
        json.put("type", "Microsoft.Web/sites/config");
        ObjectNode properties = json.putObject("properties");
        ArrayNode settings = properties.putArray("appSettingNames");
        site.slotSettingNames.forEach(settings::add);
        ArrayNode strings = properties.putArray("connectionStringNames");
        site.slotConnectionStringNames.forEach(strings::add);
        return Response.json(200, json);
    }

    /**
     * {@code POST …/restart[?softRestart=&synchronous=]} ({@code WebApps_Restart}, {@code WebApps_RestartSlot}):
     * "softRestart: Specify true to apply the configuration settings and restarts the app only if necessary";
     * "synchronous: Specify true to block until the app is restarted. By default … the API responds immediately
     * (asynchronous)" (https://learn.microsoft.com/rest/api/appservice/web-apps/restart). So: without
     * {@code synchronous} the restart takes effect after the restart lag, as a settings write's does; with it, before
     * the answer (the new instance then still has its cold start). A soft restart with nothing to apply (no restart
     * pending, the instance runs the slot's settings) restarts nothing.
     */
    private Response restart(String siteId, String slotName, boolean soft, boolean synchronous) {
        EmulatedSite site = site(siteId);
        EmulatedSlot slot = slot(site, slotName);
        if (soft && !emulator.restartNecessary(slot)) {
            return Response.empty(200);
        }
        if (synchronous) {
            emulator.restartNow(site, slot);
        } else {
            emulator.restartLater(site, slot);
        }
        return Response.empty(200);
    }

    private Response setRunning(String siteId, String slotName, boolean running) {
        EmulatedSite site = site(siteId);
        EmulatedSlot slot = slot(site, slotName);
        if (slot.running() == running) {
            return Response.empty(200);
        }
        slot.setRunning(running);
        if (running) {
            // a start runs the slot's settings as they are: a restart still pending is this one
            slot.restartDue = null;
            slot.restarted();
            emulator.observers.forEach(o -> o.started(site, slot));
        } else {
            emulator.observers.forEach(o -> o.stopped(site, slot));
        }
        return Response.empty(200);
    }

    /**
     * {@code POST …/slots/{slot}/slotsswap {"targetSlot": t}} swaps slot with t; {@code POST …/sites/{name}/
     * slotsswap {"targetSlot": t}} swaps t with production ({@code WebApps_SwapSlot} and
     * {@code WebApps_SwapSlotWithProduction} in azure-rest-api-specs, Microsoft.Web WebApps.json: long-running,
     * 200 or 202). Answers 202 with a {@code Location} ({@link #swapOperation}); the slots exchange only when the
     * emulator's swap duration has passed (a swap restarts and warms the source's instances before switching the
     * routing, and can take minutes: https://learn.microsoft.com/azure/app-service/deploy-staging-slots). Settings
     * not marked sticky travel with the content.
     */
    private Response swap(Call call, String siteId, String slotName, boolean namedSlot, JsonNode body) {
        EmulatedSite site = site(siteId);
        String targetName = body.path("targetSlot").asText(null);
        if (targetName == null || targetName.isBlank()) {
            throw new ArmError(400, "BadRequest", "targetSlot is required.");
        }
        EmulatedSlot source = slot(site, namedSlot ? slotName : targetName);
        EmulatedSlot target = slot(site, namedSlot ? targetName : "production");
        if (source == target) {
            throw new ArmError(400, "BadRequest", "Cannot swap slot '" + source.name() + "' with itself.", true);
        }
        // Swap operation steps (https://learn.microsoft.com/azure/app-service/deploy-staging-slots#swap-operation-steps):
        // App Service first applies the target's slot-specific settings to the source and restarts every instance
        // of it, then warms them, and only then switches the routing. Done here at once when the swap is accepted
        // (as applySlotConfig does); a swap completing a preview with nothing left to apply restarts nothing.
        String pending = source.previewTargetSlot().orElse(null);
        if (pending != null && !pending.equalsIgnoreCase(target.name())) {
            throw new ArmError(409, "Conflict", "Slot '" + source.name() + "' is in a swap with preview with slot '"
                    + pending + "'. Complete or reset that preview first.");
        }
        boolean previewed = pending != null;
        boolean changed = source.applyPreview(target, site.slotSettingNames, site.slotConnectionStringNames);
        if (changed) {
            restarted(site, source);
        }
        // the swap runs until the slots exchange or App Service stops it (AzureEmulator.settleSwaps); its operation
        // is over when the site no longer runs it, and failed when it was stopped
        String[] id = new String[1];
        EmulatedOperation operation = emulator.newOperation(
                () -> site.swap == null || !site.swap.operationId().equals(id[0]),
                () -> site.stoppedSwaps.get(id[0]));
        id[0] = operation.id();
        java.time.Instant now = emulator.clock.instant();
        site.swap = new EmulatedSite.PendingSwap(source.name(), target.name(), now,
                now.plus(emulator.swapDuration()), operation.id(), !previewed);
        emulator.settleSwaps();
        String location = emulator.endpoint() + site.resourceId() + (namedSlot ? "/slots/" + source.name() : "")
                + "/operationresults/" + operation.id() + "?api-version=" + call.apiVersion();
        // 202, no body, Location and Retry-After 0, as the swap in azure-sdk-for-java's appservice session record
        // DeploymentSlotsTests.canCRUDSwapSlots.json answers
        return new Response(202, Map.of("Location", location, "Retry-After", "0"), null);
    }

    /**
     * {@code GET …/sites/{name}[/slots/{slot}]/operationresults/{id}}, the swap's {@code Location}: 202 (with the
     * same {@code Location}) while the swap runs, then 200, as ARM's Location-polled long-running operations answer
     * (azure-core's {@code LocationPollingStrategy}: 202 in progress, 200/201/204 done).
     */
    private Response swapOperation(Call call, String siteId, String id) {
        site(siteId);
        EmulatedOperation operation = emulator.operations.get(id);
        if (operation == null) {
            throw new ArmError(404, "ResourceNotFound", "Operation '" + id + "' was not found.");
        }
        if (operation.status().equals("InProgress")) {
            String location = emulator.endpoint() + "/" + String.join("/", call.segments()) + "?api-version="
                    + call.apiVersion();
            // each 202 poll repeats Location and Retry-After 0 (DeploymentSlotsTests.canCRUDSwapSlots.json)
            return new Response(202, Map.of("Location", location, "Retry-After", "0"), null);
        }
        if (operation.status().equals("Failed")) {
            // a swap App Service stopped: the poll ends in its PascalCase error body (the shape of App Service's
            // errors, see appServiceError); the code and message are the emulator's own words
            String[] error = operation.error();
            throw new ArmError(409, error[0], error[1], true);
        }
        return Response.empty(200);
    }

    /**
     * The end of a swap: settings not marked sticky travel with the content; phase 2 of a swap with preview (the
     * sticky values the source took stay with it; each slot gets its own back). Observers hear one event.
     */
    static void exchangeSlots(AzureEmulator emulator, EmulatedSite site, EmulatedSlot source, EmulatedSlot target) {
        exchange(source.appSettings, target.appSettings, site.slotSettingNames);
        exchange(source.connectionStrings, target.connectionStrings, site.slotConnectionStringNames);
        EmulatedSlot production = "production".equals(target.name()) ? target
                : "production".equals(source.name()) ? source : null;
        if (production != null) {
            EmulatedSlot incoming = production == target ? source : target;
            for (String field : EmulatedSlot.SITE_CONFIG_FIELDS) {
                String before = production.siteConfig.get(field);
                String after = incoming.siteConfig.get(field);
                if (!java.util.Objects.equals(before, after)) {
                    site.configurationMismatches.add(field + ": " + before + " -> " + after);
                }
            }
        }
        Map<String, String> config = new LinkedHashMap<>(source.siteConfig);
        source.siteConfig.clear();
        source.siteConfig.putAll(target.siteConfig);
        target.siteConfig.clear();
        target.siteConfig.putAll(config);
        // content deployed into a slot itself (its wwwroot, its own SitePackages) is the slot's content: it swaps
        String ownPackage = source.ownPackage;
        source.ownPackage = target.ownPackage;
        target.ownPackage = ownPackage;
        source.resetPreview();
        target.resetPreview();
        // a restart still pending belongs to the instance, which moves with the content
        java.time.Instant due = source.restartDue;
        source.restartDue = target.restartDue;
        target.restartDue = due;
        emulator.observers.forEach(o -> o.swapped(site, source, target));
        // Swap operation steps (deploy-staging-slots): the source slot now has the target's pre-swap app, and App
        // Service applies the source slot's own settings to it and restarts it, as it did for the source before the
        // switch; asynchronously, like every restart here
        emulator.restartLater(site, source);
    }

    /**
     * {@code POST …/slots/{slot}/applySlotConfig {"targetSlot": t}} (or {@code …/sites/{name}/applySlotConfig},
     * the production slot as the source): phase 1 of a swap with preview. The source takes t's sticky values,
     * remembering its own, and restarts. Applying again with the same target refreshes the values and restarts
     * only when one changed; another target while a preview is pending is a conflict, as in App Service.
     */
    private Response applySlotConfig(String siteId, String slotName, JsonNode body) {
        EmulatedSite site = site(siteId);
        String targetName = body.path("targetSlot").asText(null);
        if (targetName == null || targetName.isBlank()) {
            throw new ArmError(400, "BadRequest", "targetSlot is required.");
        }
        EmulatedSlot source = slot(site, slotName);
        EmulatedSlot target = slot(site, targetName);
        if (source == target) {
            throw new ArmError(400, "BadRequest", "Cannot apply the configuration of slot '" + source.name()
                    + "' to itself.");
        }
        String pending = source.previewTargetSlot().orElse(null);
        if (pending != null && !pending.equalsIgnoreCase(target.name())) {
            throw new ArmError(409, "Conflict", "Slot '" + source.name() + "' is already in a swap with preview with"
                    + " slot '" + pending + "'. Reset its configuration first.");
        }
        boolean changed = source.applyPreview(target, site.slotSettingNames, site.slotConnectionStringNames);
        if (pending == null || changed) {
            restarted(site, source);
        }
        return Response.empty(200);
    }

    /**
     * {@code POST …/slots/{slot}/resetSlotConfig}: cancels a swap with preview; the slot gets its own sticky
     * values back and restarts. Without a pending preview nothing happens.
     */
    private Response resetSlotConfig(String siteId, String slotName) {
        EmulatedSite site = site(siteId);
        EmulatedSlot slot = slot(site, slotName);
        if (slot.resetPreview()) {
            restarted(site, slot);
        }
        return Response.empty(200);
    }

    /** The slot restarts, asynchronously: after the restart lag ({@link AzureEmulator#setRestartLag}). */
    private void restarted(EmulatedSite site, EmulatedSlot slot) {
        emulator.restartLater(site, slot);
    }

    private static <V> void exchange(Map<String, V> a, Map<String, V> b, java.util.Set<String> sticky) {
        Map<String, V> oldA = new LinkedHashMap<>(a);
        Map<String, V> oldB = new LinkedHashMap<>(b);
        a.clear();
        b.clear();
        oldA.forEach((k, v) -> (sticky.contains(k) ? a : b).put(k, v));
        oldB.forEach((k, v) -> (sticky.contains(k) ? b : a).put(k, v));
    }

    private static ObjectNode siteJson(EmulatedSite site, EmulatedSlot slot) {
        boolean production = "production".equals(slot.name());
        ObjectNode json = JSON.createObjectNode();
        json.put("id", production ? site.resourceId() : site.resourceId() + "/slots/" + slot.name());
        json.put("name", production ? site.name() : site.name() + "/" + slot.name());
        json.put("type", production ? "Microsoft.Web/sites" : "Microsoft.Web/sites/slots");
        json.put("kind", "app");
        json.put("location", site.location());
        ObjectNode properties = json.putObject("properties");
        properties.put("state", slot.running() ? "Running" : "Stopped");
        properties.put("enabled", true);
        properties.put("availabilityState", "Normal");
        properties.put("defaultHostName", slot.defaultHostName());
        // a site's hostNames list its custom domains after its default host name (WebApps_Get, Site.properties.hostNames)
        var hostNames = properties.putArray("hostNames").add(slot.defaultHostName());
        var enabledHostNames = properties.putArray("enabledHostNames").add(slot.defaultHostName());
        if (production) {
            site.customHostNames.forEach(hostNames::add);
            site.customHostNames.forEach(enabledHostNames::add);
        }
        properties.put("resourceGroup", site.resourceGroup());
        return json;
    }

    private static ObjectNode configJson(EmulatedSite site, EmulatedSlot slot, String name) {
        boolean production = "production".equals(slot.name());
        ObjectNode json = JSON.createObjectNode();
        json.put("id", (production ? site.resourceId() : site.resourceId() + "/slots/" + slot.name()) + "/config/"
                + name);
        json.put("name", name);
        json.put("type", production ? "Microsoft.Web/sites/config" : "Microsoft.Web/sites/slots/config");
        json.put("location", site.location());
        return json;
    }

    /**
     * A connection string's type as ARM stores it: one of {@code ConnectionStringType} (Microsoft.Web WebApps.json),
     * spelt as ARM spells it, else 400. A string written without a type is taken as SQLAzure. Stricter than needed,
     * perhaps: App Service may be lenient about the case of a type.
     */
    private static String typeOf(JsonNode type) {
        if (!type.isTextual() || type.asText().isBlank()) {
            return EmulatedSlot.SQL_AZURE;
        }
        String text = type.asText();
        return EmulatedSlot.TYPES.stream().filter(t -> t.equalsIgnoreCase(text)).findFirst()
                .orElseThrow(() -> new ArmError(400, "BadRequest", "The connection string type '" + text
                        + "' is not valid; it must be one of " + EmulatedSlot.TYPES + "."));
    }

    // ----- Azure SQL -----

    private EmulatedSqlServer sqlServer(String serverId) {
        return emulator.sqlServer(serverId).orElseThrow(() -> new ArmError(404, "ParentResourceNotFound",
                "Can not perform requested operation on nested resource. Parent resource '" + last(serverId)
                        + "' not found."));
    }

    private static ArmError databaseNotFound(String serverId, String database) {
        return new ArmError(404, "ResourceNotFound", "The Resource 'Microsoft.Sql/servers/" + last(serverId)
                + "/databases/" + database + "' under resource group '" + resourceGroup(serverId) + "' was not found.");
    }

    private Response getDatabase(String serverId, String name) {
        EmulatedSqlServer server = sqlServer(serverId);
        EmulatedDatabase database = server.database(name).orElseThrow(() -> databaseNotFound(serverId, name));
        return Response.json(200, databaseJson(server, database));
    }

    private Response createDatabase(Call call, String serverId, String name, JsonNode body) {
        EmulatedSqlServer server = sqlServer(serverId);
        var existing = server.database(name);
        if (existing.isPresent()) {
            refuseWhileDropping(existing.get());
            return Response.json(200, databaseJson(server, existing.get()));
        }
        String location = body.path("location").asText(null);
        if (location == null) {
            throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
        }
        JsonNode properties = body.path("properties");
        String createMode = properties.path("createMode").asText("Default");
        EmulatedDatabase database = new EmulatedDatabase(emulator.lock, emulator.clock, name, location);
        Instant now = emulator.clock.instant();
        if (createMode.equalsIgnoreCase("Copy") || createMode.equalsIgnoreCase("PointInTimeRestore")) {
            String sourceId = properties.path("sourceDatabaseId").asText(null);
            if (sourceId == null) {
                throw new ArmError(400, "InvalidParameterValue", "sourceDatabaseId is required for " + createMode);
            }
            EmulatedDatabase source = findDatabase(sourceId);
            Instant upTo = null;
            if (createMode.equalsIgnoreCase("PointInTimeRestore")) {
                upTo = restorePoint(properties.path("restorePointInTime").asText(null), source, now);
            }
            database.createFrom(source, createMode.equalsIgnoreCase("Copy") ? "Copy" : "PointInTimeRestore", sourceId,
                    upTo, now.plus(emulator.copyDuration()), emulator.nextCopyOutcome());
        } else if (!createMode.equalsIgnoreCase("Default")) {
            throw new ArmError(400, "InvalidParameterValue", "The emulator does not support createMode " + createMode);
        }
        // Databases_CreateOrUpdate: the target's SKU and elastic pool are what the request names; a copy or restore
        // that names none gets the default, not its source's (see EmulatedDatabase)
        JsonNode sku = body.path("sku");
        String poolId = properties.path("elasticPoolId").asText(null);
        if (sku.hasNonNull("name") || poolId != null) {
            String skuName = sku.path("name").asText(poolId != null ? "ElasticPool" : EmulatedDatabase.DEFAULT_SKU_NAME);
            database.setSku(skuName, sku.path("tier").asText(poolId != null && !sku.hasNonNull("tier")
                    ? "ElasticPool" : skuName.equals(EmulatedDatabase.DEFAULT_SKU_NAME)
                    ? EmulatedDatabase.DEFAULT_SKU_TIER : null), poolId);
        }
        server.put(database);
        EmulatedOperation operation = emulator.newOperation(database::ready, () -> {
            String status = database.status();
            return status.equals("Online") || status.equals("Copying") || status.equals("Restoring") ? null
                    : new String[] {"DatabaseCreationFailed", "Creating database '" + name + "' failed: " + status};
        });
        return acceptedBySql(call, location, operation, "CreateLogicalDatabase");
    }

    private EmulatedDatabase findDatabase(String databaseId) {
        int at = databaseId.toLowerCase(Locale.ROOT).lastIndexOf("/databases/");
        if (at < 0) {
            throw new ArmError(400, "InvalidParameterValue", "'" + databaseId + "' is not a database resource id.");
        }
        String serverId = databaseId.substring(0, at);
        String name = databaseId.substring(at + "/databases/".length());
        return emulator.sqlServer(serverId).flatMap(s -> s.database(name))
                .orElseThrow(() -> databaseNotFound(serverId, name));
    }

    private static Instant restorePoint(String text, EmulatedDatabase source, Instant now) {
        if (text == null) {
            throw new ArmError(400, "InvalidParameterValue", "restorePointInTime is required for PointInTimeRestore.");
        }
        Instant point;
        try {
            point = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new ArmError(400, "InvalidParameterValue", "restorePointInTime '" + text + "' is not a date.");
        }
        // The window runs from the source's earliestRestoreDate (Databases_Get) to now; a point outside it is refused
        // with 400 at the PUT (azure-cli issue #12338: "400 Client Error: Bad Request" for a point in time that was
        // not valid). The code is the SQL resource provider's own, PitrPointInTimeInvalid, as the error list of its
        // create-or-update operation names it (azure-rest-api-specs, Microsoft.Sql ManagedDatabases.json
        // CreateOrUpdate: "400 PitrPointInTimeInvalid - The point in time {0} is not valid …"; Databases.json's
        // operation publishes no list, and the same provider's restore path is assumed to answer the same).
        Instant earliest = source.earliestRestoreDate();
        if (point.isAfter(now) || point.isBefore(earliest)) {
            throw new ArmError(400, "PitrPointInTimeInvalid", "The point in time " + point + " is not valid: a"
                    + " restore point must lie between the earliest restore date " + earliest + " and now (" + now + ").");
        }
        return point;
    }

    /**
     * Databases_Delete as recorded in azure-sdk-for-java's SqlServerOperationsTests.canCRUDSqlDatabase.json: 202, body
     * {@code {"operation":"DropLogicalDatabase","startTime"}}, {@code Azure-AsyncOperation} and {@code Location} under
     * the resource group, {@code Retry-After: 0}; the drop runs in the background and the database is listed until it
     * is over ({@link AzureEmulator#setDeleteDuration}). A DELETE while it is being dropped is accepted again and ends
     * with the same drop (ARM's DELETE is idempotent; the exact answer is not recorded, so this is our own). A database
     * that does not exist: 204, as the SDK's {@code @ExpectedResponses({200, 202, 204})} allows for a DELETE with
     * nothing to do.
     */
    private Response deleteDatabase(Call call, String serverId, String name) {
        EmulatedSqlServer server = sqlServer(serverId);
        Optional<EmulatedDatabase> found = server.database(name);
        if (found.isEmpty()) {
            return Response.empty(204);
        }
        EmulatedDatabase database = found.get();
        Instant dropEnd = emulator.clock.instant().plus(emulator.deleteDuration());
        if (!database.ready() && database.readyAt().isAfter(dropEnd)) {
            // A copy (or restore) still seeding its target is cancelled only by dropping the target
            // (https://learn.microsoft.com/sql/relational-databases/system-dynamic-management-views/sys-dm-database-copies-azure-sql-database,
            // replication_state SEEDING). How long that drop takes is not documented: modelled harshly, the
            // database stays listed until the copy would have ended, so a caller keeps checking until it is gone.
            dropEnd = database.readyAt();
        }
        database.beginDrop(dropEnd);
        EmulatedOperation operation = emulator.newOperation(database::dropped, null);
        return acceptedBySql(call, database.location(), operation, "DropLogicalDatabase");
    }

    /**
     * A database being dropped takes no other change: 409 {@code ConflictingDatabaseOperation} ("There is already
     * some operation on the database and the current operation should wait till it is done", in the error lists of
     * Microsoft.Sql's database operations in azure-rest-api-specs).
     */
    private static void refuseWhileDropping(EmulatedDatabase database) {
        if (database.dropping()) {
            throw new ArmError(409, "ConflictingDatabaseOperation", "There is already some operation on the database '"
                    + database.name() + "' (it is being dropped) and the current operation should wait till it is done.");
        }
    }

    private Response renameDatabase(String serverId, String name, JsonNode body) {
        EmulatedSqlServer server = sqlServer(serverId);
        EmulatedDatabase database = server.database(name).orElseThrow(() -> new ArmError(404,
                "SourceDatabaseNotFound", "The source database '" + last(serverId) + "/" + name + "' does not exist."));
        String targetId = body.path("id").asText(null);
        int at = targetId == null ? -1 : targetId.toLowerCase(Locale.ROOT).lastIndexOf("/databases/");
        if (at < 0 || !AzureEmulator.key(targetId.substring(0, at)).equals(AzureEmulator.key(serverId))) {
            throw new ArmError(400, "InvalidParameterValue",
                    "The move target must be a database resource id on the same server.");
        }
        String newName = targetId.substring(at + "/databases/".length());
        // Databases_Rename (POST …/move) errors, in the SQL resource provider's {"error":{"code","message"}} shape,
        // as issue 11 lists them: 400 DatabaseNameInUse when the new name is taken, 404 SourceDatabaseNotFound when
        // the database to rename is gone (checked first, below the route), 409 InvalidOperationForDatabase while the
        // database is still being created by a copy or restore.
        if (server.database(newName).isPresent()) {
            throw new ArmError(400, "DatabaseNameInUse", "The database name '" + newName + "' is already in use on"
                    + " server '" + last(serverId) + "'.");
        }
        refuseWhileDropping(database);
        if (!database.ready()) {
            throw new ArmError(409, "InvalidOperationForDatabase", "The operation cannot be performed on database '"
                    + name + "' while it is " + database.status().toLowerCase(Locale.ROOT) + ".");
        }
        server.remove(name);
        server.put(database.renamed(newName));
        return Response.empty(200);
    }

    private static ObjectNode databaseJson(EmulatedSqlServer server, EmulatedDatabase database) {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", server.databaseId(database.name()));
        json.put("name", database.name());
        json.put("type", "Microsoft.Sql/servers/databases");
        json.put("location", database.location());
        json.put("kind", "v12.0,user");
        ObjectNode sku = json.putObject("sku");
        sku.put("name", database.skuName());
        if (database.skuTier() != null) {
            sku.put("tier", database.skuTier());
        }
        ObjectNode properties = json.putObject("properties");
        properties.put("status", database.status());
        properties.put("databaseId", UUID.nameUUIDFromBytes(json.get("id").asText().getBytes(StandardCharsets.UTF_8))
                .toString());
        properties.put("creationDate", database.createdAt().toString());
        properties.put("collation", "SQL_Latin1_General_CP1_CI_AS");
        // Databases_Get reports earliestRestoreDate (read-only) and elasticPoolId for a pooled database
        properties.put("earliestRestoreDate", database.earliestRestoreDate().toString());
        if (database.elasticPoolId() != null) {
            properties.put("elasticPoolId", database.elasticPoolId());
        }
        if (database.createMode() != null) {
            properties.put("createMode", database.createMode());
            properties.put("sourceDatabaseId", database.sourceDatabaseId());
        }
        return json;
    }

    // ----- long-running operations -----

    /**
     * The SQL provider's answer to a long-running request, as the database PUT in azure-sdk-for-java's sql session
     * record SqlServerOperationsTests.canCopySqlDatabase.json answers: 202, body {@code {"operation","startTime"}},
     * {@code Azure-AsyncOperation} {@code …/resourceGroups/{rg}/providers/Microsoft.Sql/locations/{location}/
     * databaseAzureAsyncOperation/{id}}, {@code Location} {@code …/databaseOperationResults/{id}}, {@code Retry-After: 0}.
     */
    private Response acceptedBySql(Call call, String location, EmulatedOperation operation, String name) {
        String base = emulator.endpoint() + "/subscriptions/" + call.at(1) + "/resourceGroups/" + call.at(3)
                + "/providers/Microsoft.Sql/locations/" + location.replace(" ", "").toLowerCase(Locale.ROOT) + "/";
        String query = "?api-version=" + call.apiVersion();
        Map<String, String> headers = Map.of("Azure-AsyncOperation", base + "databaseAzureAsyncOperation/"
                + operation.id() + query, "Location", base + "databaseOperationResults/" + operation.id() + query,
                "Retry-After", "0");
        ObjectNode body = JSON.createObjectNode();
        body.put("operation", name);
        body.put("startTime", emulator.clock.instant().toString());
        return new Response(202, headers, body.toString());
    }

    /** {@code GET …/databaseOperationResults/{id}}: 202 (Location repeated, Retry-After 0) while it runs, then 200. */
    private Response databaseOperationResult(Call call) {
        EmulatedOperation operation = emulator.operations.get(call.at(9));
        if (operation == null) {
            throw new ArmError(404, "ResourceNotFound", "Operation '" + call.at(9) + "' was not found.");
        }
        if (operation.status().equals("InProgress")) {
            String self = emulator.endpoint() + "/" + String.join("/", call.segments()) + "?api-version="
                    + call.apiVersion();
            return new Response(202, Map.of("Location", self, "Retry-After", "0"), null);
        }
        return Response.empty(200);
    }

    private Response getOperation(String id) {
        EmulatedOperation operation = emulator.operations.get(id);
        if (operation == null) {
            throw new ArmError(404, "ResourceNotFound", "Operation '" + id + "' was not found.");
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("name", operation.id());
        String status = operation.status();
        json.put("status", status);
        String[] error = operation.error();
        if (error != null) {
            ObjectNode node = json.putObject("error");
            node.put("code", error[0]);
            node.put("message", error[1]);
        }
        return Response.json(200, json);
    }

    // ----- helpers -----

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equalsIgnoreCase(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String last(String resourceId) {
        return resourceId.substring(resourceId.lastIndexOf('/') + 1);
    }

    private static String resourceGroup(String resourceId) {
        String[] parts = resourceId.split("/");
        for (int i = 0; i + 1 < parts.length; i++) {
            if (parts[i].equalsIgnoreCase("resourceGroups")) {
                return parts[i + 1];
            }
        }
        return "";
    }
}
