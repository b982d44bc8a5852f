package io.smoothdeploy.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds the caller of a request.
 *
 * <ul>
 *   <li><b>Platform</b> (App Service authentication is on: the platform sets {@code WEBSITE_AUTH_ENABLED} to
 *   {@code True}, the variable Microsoft.Identity.Web's {@code AppServicesAuthenticationInformation} reads for the
 *   same purpose): the caller is the {@code X-MS-CLIENT-PRINCIPAL} header, Base64 JSON of the form
 *   {@code {"auth_typ","claims":[{"typ","val"}],"name_typ","role_typ"}}; App Service injects it and does not let
 *   external requests set it (Learn: "Work with user identities in Azure App Service authentication", "Decode the
 *   client principal header"). Claim names go through the platform's default claim mapping, so the object id is
 *   read from {@code http://schemas.microsoft.com/identity/claims/objectidentifier} or {@code oid}, and roles
 *   from the {@code role_typ} claim type or {@code roles}.</li>
 *   <li><b>Off</b> (no platform authentication in front): nothing vouches for those headers, so a request that
 *   carries any {@code X-MS-CLIENT-PRINCIPAL*} header is refused as forged, and one without has no caller
 *   (401).</li>
 *   <li><b>Local</b> (the local host): every request runs as the one development user the host was started
 *   with; principal headers are refused as in Off, so a rule cannot be bypassed by sending them.</li>
 * </ul>
 */
public final class Authentication {

    /** The app setting App Service sets to {@code True} when its authentication module runs in front of the app. */
    public static final String AUTH_ENABLED_SETTING = "WEBSITE_AUTH_ENABLED";
    static final String PRINCIPAL_HEADER = "X-MS-CLIENT-PRINCIPAL";
    static final String PRINCIPAL_NAME_HEADER = "X-MS-CLIENT-PRINCIPAL-NAME";
    static final String PRINCIPAL_ID_HEADER = "X-MS-CLIENT-PRINCIPAL-ID";
    static final int MAX_NAME = 200;
    private static final int MAX_PRINCIPAL_HEADER = 64 * 1024;
    private static final List<String> OBJECT_ID_CLAIMS = List.of(
            "http://schemas.microsoft.com/identity/claims/objectidentifier", "oid");
    private static final List<String> NAME_CLAIMS = List.of("name", "preferred_username",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "appid", "azp");

    /** How the caller is found. */
    public enum Mode { PLATFORM, OFF, LOCAL }

    private final Mode mode;
    private final Principal localUser;

    private Authentication(Mode mode, Principal localUser) {
        this.mode = mode;
        this.localUser = localUser;
    }

    /** In Azure: Platform when {@value #AUTH_ENABLED_SETTING} is {@code True} (any case), else Off. */
    public static Authentication fromSettings(Map<String, String> settings) {
        String enabled = settings.get(AUTH_ENABLED_SETTING);
        return new Authentication(enabled != null && enabled.strip().equalsIgnoreCase("true") ? Mode.PLATFORM
                : Mode.OFF, null);
    }

    /** The local host, where every request runs as {@code user}. */
    public static Authentication local(Principal user) {
        return new Authentication(Mode.LOCAL, java.util.Objects.requireNonNull(user, "user"));
    }

    public Mode mode() {
        return mode;
    }

    /** The local development user, or null outside the local host. */
    public Principal localUser() {
        return localUser;
    }

    /**
     * The request's caller, or null when it has none (the caller of {@link Access#decide} then answers 401).
     *
     * @throws Problem 401 for principal headers that are not to be trusted here, or that cannot be read
     */
    public Principal identify(Map<String, String> headers) {
        boolean carries = headers != null && headers.keySet().stream().anyMatch(name -> name != null
                && name.toUpperCase(Locale.ROOT).startsWith(PRINCIPAL_HEADER));
        if (mode != Mode.PLATFORM) {
            if (carries) {
                throw Problem.unauthenticated("untrusted-principal", "The request carries X-MS-CLIENT-PRINCIPAL "
                        + "headers, but " + (mode == Mode.LOCAL ? "this is the local host, which runs as its "
                        + "development user (start it with --user and --roles to be someone else)"
                        : "App Service authentication is not on in front of this app, so nothing vouches for them")
                        + "; the request was refused and nothing was changed. Send it without those headers, "
                        + "signed in with an Entra ID token");
            }
            return mode == Mode.LOCAL ? localUser : null;
        }
        String encoded = HeaderText.header(headers, PRINCIPAL_HEADER);
        if (encoded == null || encoded.isBlank()) {
            return null;
        }
        return parse(encoded, HeaderText.header(headers, PRINCIPAL_NAME_HEADER),
                HeaderText.header(headers, PRINCIPAL_ID_HEADER));
    }

    /** Decodes the platform's principal header; the -NAME and -ID headers fill in what its claims lack. */
    static Principal parse(String encoded, String nameHeader, String idHeader) {
        JsonNode root;
        try {
            if (encoded.length() > MAX_PRINCIPAL_HEADER) {
                throw new IllegalArgumentException("too long");
            }
            byte[] json = Base64.getDecoder().decode(encoded.strip());
            root = Json.mapper().readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | IOException e) {
            throw unreadable();
        }
        if (root == null || !root.isObject() || !root.path("claims").isArray()) {
            throw unreadable();
        }
        String nameType = root.path("name_typ").asText("");
        String roleType = root.path("role_typ").asText("");
        String name = null;
        String objectId = null;
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Set<String> groups = new LinkedHashSet<>();
        for (JsonNode claim : root.path("claims")) {
            String type = claim.path("typ").asText("");
            String value = claim.path("val").asText(null);
            if (value == null) {
                continue;
            }
            if (type.equals("roles") || !roleType.isEmpty() && type.equals(roleType)) {
                Role.parse(value.strip()).ifPresent(roles::add);
            } else if (type.equals("groups")) {
                String group = HeaderText.clean(value, 64);
                if (group != null) {
                    groups.add(group);
                }
            } else if (objectId == null && OBJECT_ID_CLAIMS.contains(type)) {
                objectId = HeaderText.clean(value, 64);
            } else if (name == null && (!nameType.isEmpty() && type.equals(nameType))) {
                name = HeaderText.clean(value, MAX_NAME);
            }
        }
        if (name == null) {
            for (String type : NAME_CLAIMS) {
                name = claimValue(root, type);
                if (name != null) {
                    break;
                }
            }
        }
        if (name == null) {
            name = HeaderText.clean(nameHeader, MAX_NAME);
        }
        if (objectId == null) {
            objectId = HeaderText.clean(idHeader, 64);
        }
        if (name == null) {
            name = objectId == null ? "an unnamed principal" : objectId;
        }
        return new Principal(name, objectId, roles, groups);
    }

    private static String claimValue(JsonNode root, String type) {
        for (JsonNode claim : root.path("claims")) {
            if (type.equals(claim.path("typ").asText(""))) {
                String value = HeaderText.clean(claim.path("val").asText(null), MAX_NAME);
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    private static Problem unreadable() {
        return Problem.unauthenticated("unreadable-principal", "The X-MS-CLIENT-PRINCIPAL header is not the Base64 "
                + "JSON App Service authentication sets; the request was refused and nothing was changed. Sign in "
                + "again, and if this keeps happening check the app's authentication settings");
    }
}
