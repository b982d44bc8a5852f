package io.smoothdeploy.local.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smoothdeploy.local.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ARM refuses an api-version its resource provider does not serve with 400 {@code InvalidApiVersionParameter} ("The
 * api-version '…' is invalid. The supported versions are '…'."), before the request does anything. The emulator
 * serves each provider at the one version the SDK sends (its conformance test checks which that is).
 */
class ArmApiVersionTest {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000004";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AzureEmulator emulator;
    private String siteId;
    private String serverId;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        emulator = AzureEmulator.start(new ManualClock());
        siteId = emulator.addSite(SUBSCRIPTION, "rg-web", "cms", "westeurope", Map.of("A", "1"), Map.of());
        serverId = emulator.addSqlServer(SUBSCRIPTION, "rg-data", "sql-prod", "westeurope");
        emulator.addDatabase(serverId, "cms");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void aReadWithAnotherApiVersionIsRefusedWithArmsError() throws Exception {
        // Act
        HttpResponse<String> web = send("GET", siteId, "2019-08-01", null);
        HttpResponse<String> sql = send("GET", serverId + "/databases/cms", AzureEmulator.WEB_API_VERSION, null);

        // Assert
        assertRefused(web, "2019-08-01");
        assertRefused(sql, AzureEmulator.WEB_API_VERSION);
        assertEquals(200, send("GET", siteId, AzureEmulator.WEB_API_VERSION, null).statusCode());
        assertEquals(200, send("GET", serverId + "/databases/cms", AzureEmulator.SQL_API_VERSION, null).statusCode());
    }

    @Test
    void aWriteWithAnotherApiVersionChangesNothing() throws Exception {
        // Act
        HttpResponse<String> write = send("PUT", siteId + "/config/appsettings", "2022-03-01",
                "{\"properties\":{\"A\":\"2\"}}");

        // Assert
        assertRefused(write, "2022-03-01");
        assertEquals("1", emulator.slot(siteId, "production").orElseThrow().appSettings().get("A"));
        assertEquals(0, emulator.slot(siteId, "production").orElseThrow().restarts());
    }

    @Test
    void theRequestJournalKeepsOnlyTheNewestRequestsUpToItsLimit() throws Exception {
        // Arrange
        emulator.journalLimit(2);

        // Act: a read of the site, then two of the database
        send("GET", siteId, AzureEmulator.WEB_API_VERSION, null);
        send("GET", serverId + "/databases/cms", AzureEmulator.SQL_API_VERSION, null);
        send("GET", serverId + "/databases/cms", AzureEmulator.SQL_API_VERSION, null);

        // Assert: the two newest, both of the database
        assertEquals(2, emulator.requests().size(), emulator.requests().toString());
        assertTrue(emulator.requests().stream().allMatch(r -> r.path().endsWith("/databases/cms")),
                emulator.requests().toString());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> emulator.journalLimit(0));
    }

    private static void assertRefused(HttpResponse<String> response, String version) throws Exception {
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals("InvalidApiVersionParameter", error.path("code").asText(), response.body());
        assertTrue(error.path("message").asText().contains("'" + version + "' is invalid"), response.body());
    }

    private HttpResponse<String> send(String method, String path, String apiVersion, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.endpoint() + path + "?api-version="
                + apiVersion)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
