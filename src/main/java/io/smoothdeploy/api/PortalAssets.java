package io.smoothdeploy.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The portal's files (HTML, CSS, JavaScript of our own, packed from {@code src/main/resources/portal}), served by
 * {@code GET /api/portal/{*asset}} from the function app itself, so the page and the API share one origin.
 *
 * <p>Only the files named here are served; any other name answers 404, so a path such as {@code ../openapi.json}
 * reaches nothing. The files hold no data: what the page shows it reads from the API, with the caller's own
 * sign-in, so the route checks no role (as {@code GET /api/openapi.json}). Every answer carries a strict
 * Content-Security-Policy: the page may load and call only its own origin, and nothing may frame it.
 */
public final class PortalAssets {

    /** Where the files are on the class path. */
    public static final String FOLDER = "/portal/";

    /** The page's address under the function app's host. */
    public static final String PATH = "/api/portal/";

    /**
     * Only this origin, for everything; no inline script or style, no plugin, no framing, no form posts elsewhere.
     * https://www.w3.org/TR/CSP3/ (default-src, frame-ancestors, base-uri, form-action).
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "portal.css", "text/css; charset=utf-8",
            "portal.js", "text/javascript; charset=utf-8");

    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private PortalAssets() {
    }

    /** The answer for {@code asset} (empty or null: the page itself). */
    public static ApiResponse response(String asset) {
        String name = asset == null || asset.isBlank() ? "index.html" : asset;
        String type = TYPES.get(name);
        if (type == null) {
            return Problem.notFound("asset", "The portal has no file by that name; open " + PATH
                    + " for the page").toResponse(PATH);
        }
        String text = CACHE.computeIfAbsent(name, PortalAssets::load);
        return new ApiResponse(200, Map.of(
                "Content-Type", type,
                "Content-Security-Policy", CONTENT_SECURITY_POLICY,
                "X-Content-Type-Options", "nosniff",
                "Referrer-Policy", "no-referrer",
                "Cache-Control", "no-cache"), text);
    }

    private static String load(String name) {
        try (InputStream in = PortalAssets.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException(FOLDER + name + " is not on the class path; it is packed from "
                        + "src/main/resources/portal");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + FOLDER + name, e);
        }
    }
}
