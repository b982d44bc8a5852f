package io.smoothdeploy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smoothdeploy.api.ApiResponse;
import io.smoothdeploy.api.Authentication;
import io.smoothdeploy.api.HttpApi;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.DeploymentIds;
import io.smoothdeploy.engine.DeploymentService;
import io.smoothdeploy.engine.StatusNotifications;
import io.smoothdeploy.engine.port.Notifier;
import io.smoothdeploy.engine.port.StatusChange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API as it runs in Azure behind App Service authentication, over a local host's real state (Azurite)
 * and step queue: a second API instance, as a second function instance would be, whose commands the local host's
 * step functions carry out. Requests carry the principal headers the platform injects ({@link #as}).
 */
final class PlatformApi {

    static final String PUBLIC_BASE = "https://deploy.example.com/api";

    final LocalHostHarness host;
    final HttpApi api;
    /** What this API instance posted to webhooks (the commands' status changes). */
    final List<StatusChange> posts = new ArrayList<>();

    /** @param platformAuthentication whether WEBSITE_AUTH_ENABLED is True (App Service authentication is on) */
    PlatformApi(LocalHostHarness host, boolean platformAuthentication) {
        this.host = host;
        Notifier recording = (url, notification) -> {
            synchronized (posts) {
                posts.add((StatusChange) notification);
            }
            return true;
        };
        DeploymentService service = new DeploymentService(host.stack.store(), host.stack.queue(), host.clock,
                new DeploymentIds(host.clock), host.cloud,
                new StatusNotifications(host.stack.store(), recording, host.clock));
        Map<String, String> settings = platformAuthentication ? Map.of("WEBSITE_AUTH_ENABLED", "True") : Map.of();
        api = new HttpApi(service, host.stack.store(), host.clock, io.smoothdeploy.outbound.GuardedHttp.localHost(),
                Authentication.fromSettings(settings),
                () -> PUBLIC_BASE, new io.smoothdeploy.engine.steps.StartPlanner(service, host.cloud, host.cloud));
    }

    /**
     * The headers App Service authentication injects for a signed-in caller: {@code X-MS-CLIENT-PRINCIPAL} (Base64
     * JSON with auth_typ, claims of typ/val, name_typ, role_typ; claim names after the platform's default mapping,
     * as Learn's "Work with user identities in Azure App Service authentication" shows), plus -NAME and -ID.
     */
    static Map<String, String> as(String name, String objectId, List<String> roles, List<String> groups) {
        ObjectNode principal = Json.mapper().createObjectNode();
        principal.put("auth_typ", "aad");
        principal.put("name_typ", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name");
        principal.put("role_typ", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role");
        ArrayNode claims = principal.putArray("claims");
        claims.addObject().put("typ", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name").put("val", name);
        claims.addObject().put("typ", "http://schemas.microsoft.com/identity/claims/objectidentifier")
                .put("val", objectId);
        roles.forEach(role -> claims.addObject().put("typ", "roles").put("val", role));
        groups.forEach(group -> claims.addObject().put("typ", "groups").put("val", group));
        Map<String, String> headers = new HashMap<>();
        headers.put("X-MS-CLIENT-PRINCIPAL", Base64.getEncoder().encodeToString(
                principal.toString().getBytes(StandardCharsets.UTF_8)));
        headers.put("X-MS-CLIENT-PRINCIPAL-NAME", name);
        headers.put("X-MS-CLIENT-PRINCIPAL-ID", objectId);
        headers.put("X-MS-CLIENT-PRINCIPAL-IDP", "aad");
        headers.put("User-Agent", "smoothdeploy-cli/1.0");
        return headers;
    }

    static Map<String, String> as(String name, String objectId, String... roles) {
        return as(name, objectId, List.of(roles), List.of());
    }

    static JsonNode json(ApiResponse response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
