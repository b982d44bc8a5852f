package io.smoothdeploy.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortalAssetsTest {

    @Test
    void thePageIsServedAsHtmlWithAStrictContentSecurityPolicy() {
        // Act
        ApiResponse page = PortalAssets.response("");

        // Assert
        assertEquals(200, page.status());
        assertEquals("text/html; charset=utf-8", page.headers().get("Content-Type"));
        String policy = page.headers().get("Content-Security-Policy");
        assertTrue(policy.startsWith("default-src 'self';"), policy);
        assertTrue(policy.contains("frame-ancestors 'none'"), policy);
        assertFalse(policy.contains("unsafe-inline") || policy.contains("unsafe-eval") || policy.contains("http"), policy);
        assertEquals("nosniff", page.headers().get("X-Content-Type-Options"));
        assertTrue(page.body().contains("<script src=\"/api/portal/portal.js\" defer></script>"), page.body());
    }

    @Test
    void theScriptAndTheStyleHaveTheirTypes() {
        assertEquals("text/javascript; charset=utf-8", PortalAssets.response("portal.js").headers().get("Content-Type"));
        assertEquals("text/css; charset=utf-8", PortalAssets.response("portal.css").headers().get("Content-Type"));
        assertEquals(PortalAssets.response(null).body(), PortalAssets.response("index.html").body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../openapi.json", "portal.js/", "secret.txt", "..%2Fopenapi.json", "/etc/passwd", "PORTAL.JS"})
    void anyOtherNameIsANotFoundProblemThatEchoesNothing(String name) {
        // Act
        ApiResponse answer = PortalAssets.response(name);

        // Assert
        assertEquals(404, answer.status());
        assertEquals("application/problem+json", answer.headers().get("Content-Type"));
        assertFalse(answer.body().contains(name), answer.body());
    }

    @Test
    void theFilesNameNoOtherOrigin() {
        // Nothing the page loads or calls may leave its origin: no absolute URL, no protocol-relative one.
        Pattern elsewhere = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}|url\\(\\s*['\"]?(https?:|//)");
        for (String name : List.of("index.html", "portal.css", "portal.js")) {
            String text = PortalAssets.response(name).body();
            Matcher found = elsewhere.matcher(text.replaceAll("(?m)^\\s*//.*$", ""));
            String other = found.find() ? found.group() : null;
            assertEquals(null, other, name + " names another origin");
        }
    }
}
