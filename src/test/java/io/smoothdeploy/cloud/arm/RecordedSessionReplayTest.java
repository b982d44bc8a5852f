package io.smoothdeploy.cloud.arm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseInfo;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotConfiguration;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

/**
 * The adapter against answers shaped after azure-sdk-for-java's public recorded sessions (appservice
 * DeploymentSlotsTests.canCRUDSwapSlots, sql SqlServerOperationsTests.canCopySqlDatabase and canCRUDSqlDatabase). The fixtures under
 * {@code src/test/resources/recorded/} are our own JSON with the recorded status codes, header names, body shapes
 * and property names; each names the session it follows. A JDK HttpServer replays them in order; a request no
 * fixture expects is answered 404 and fails the test.
 */
class RecordedSessionReplayTest {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000000d1";
    private static final String SITE = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg-web/providers/Microsoft.Web/sites/cms";
    private static final String SERVER = "/subscriptions/" + SUBSCRIPTION
            + "/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-prod";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TokenCredential STUB = request -> Mono.just(new AccessToken("stub-token",
            OffsetDateTime.now().plusHours(1)));

    private Replay replay;

    @AfterEach
    void stop() {
        if (replay != null) {
            replay.server.stop(0);
        }
    }

    @Test
    void aSwapAnswered202WithOnlyALocationReturnsWithoutPolling() throws Exception {
        // Arrange
        ArmCloud cloud = replaying("swap-accepted.json", Map.of());

        // Act
        cloud.beginSwapWithProduction(new SlotRef(SITE, "staging"));

        // Assert
        assertEquals(List.of("POST " + SITE + "/slots/staging/slotsswap"), replay.requests);
        assertTrue(replay.bodies.get(0).contains("\"targetSlot\":\"production\""), replay.bodies.get(0));
    }

    @Test
    void a409AnotherOperationInProgressInAppServicesShapeIsBusyAndKeepsItsMessage() throws Exception {
        // Arrange
        ArmCloud cloud = replaying("write-during-swap.json", Map.of());

        // Act
        CloudException error = assertThrows(CloudException.class, () -> cloud.applyConfiguration(
                new SlotRef(SITE, "staging"), new SlotConfiguration(Map.of("A", "1"), Map.of())));

        // Assert
        assertTrue(error.isBusy(), error.code() + ": " + error.getMessage());
        assertTrue(error.isTransient());
        assertTrue(error.getMessage().contains("another operation is in progress"), error.getMessage());
        assertEquals(2, replay.requests.size(), "a busy answer is not retried by the pipeline: " + replay.requests);
    }

    @Test
    void aPollEndingInAppServicesPascalCaseErrorKeepsItsCodeAndMessage() throws Exception {
        // Arrange
        ArmCloud cloud = replaying("slot-create-poll-fails.json", Map.of());

        // Act
        CloudException error = assertThrows(CloudException.class, () -> cloud.ensureSlot(new SlotRef(SITE, "staging")));

        // Assert
        assertEquals("BadRequest", error.code(), error.getMessage());
        assertTrue(error.getMessage().contains("The slot quota of the App Service plan is reached."), error.getMessage());
        assertFalse(error.isTransient(), "a 400 is permanent");
        assertTrue(replay.requests.contains("GET " + SITE + "/slots/staging/operationresults/"
                + "9d2e4b7a-1c3f-4e5a-8b6d-7f0a2c4e6b81"), replay.requests.toString());
    }

    @Test
    void getSlotReadsStateHostNameSettingsAndConnectionStringsFromARecordedSlot() throws Exception {
        // Arrange
        ArmCloud cloud = replaying("get-slot.json", Map.of());

        // Act
        SlotInfo slot = cloud.getSlot(new SlotRef(SITE, "staging")).orElseThrow();

        // Assert
        assertFalse(slot.running(), "properties.state Stopped");
        assertEquals("cms-staging.azurewebsites.net", slot.defaultHostName());
        assertEquals("https://cms-staging.azurewebsites.net", slot.baseUrl());
        assertEquals("https://packages.example/cms-2.0.zip", slot.packageUri());
        assertEquals("sticky2value", slot.appSettings().get("sticky2key"));
        assertEquals(Map.of("EPiServerDB", "Server=tcp:db;Database=cms"), slot.connectionStrings());
        assertEquals(3, replay.requests.size(), replay.requests.toString());
    }

    @Test
    void aCopyAnswered202WithAzureAsyncOperationReturnsAtOnce() throws Exception {
        // Arrange
        ArmCloud cloud = replaying("database-copy.json", Map.of());

        // Act
        cloud.beginCopy(new DatabaseRef(SERVER, "cms"), new DatabaseRef(SERVER, "cms-copy"));

        // Assert: the target was looked for, the source read, the PUT sent; no operation polled
        assertEquals(List.of("GET " + SERVER + "/databases/cms-copy", "GET " + SERVER + "/databases/cms",
                "PUT " + SERVER + "/databases/cms-copy"), replay.requests);
        JsonNode put = JSON.readTree(replay.bodies.get(2));
        assertEquals("Copy", put.path("properties").path("createMode").asText());
        assertEquals(SERVER + "/databases/cms", put.path("properties").path("sourceDatabaseId").asText());
        assertEquals("westeurope", put.path("location").asText());
    }

    @Test
    void aDeleteAnswered202WithAzureAsyncOperationReturnsWithoutPolling() throws Exception {
        // Arrange
        ArmCloud cloud = replaying("database-delete.json", Map.of());

        // Act
        cloud.deleteDatabase(new DatabaseRef(SERVER, "cms-sd-1"));

        // Assert: the DELETE only; the drop's operation is left to Azure (the engine reads the database later)
        assertEquals(List.of("DELETE " + SERVER + "/databases/cms-sd-1"), replay.requests);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"Copying,CREATING", "Creating,CREATING", "Restoring,CREATING", "Online,ONLINE", "Paused,ONLINE",
                "Suspect,FAILED", "Offline,FAILED", "SomethingNew,CREATING"})
    void aRecordedDatabaseStatusMapsToTheRightState(String status, DatabaseInfo.State state) throws Exception {
        // Arrange
        ArmCloud cloud = replaying("database-status.json", Map.of("{status}", status));

        // Act
        DatabaseInfo info = cloud.getDatabase(new DatabaseRef(SERVER, "cms-copy")).orElseThrow();

        // Assert
        assertEquals(state, info.state());
        assertEquals(1, replay.requests.size());
    }

    // ----- the replay server -----

    private ArmCloud replaying(String fixture, Map<String, String> substitutions) throws IOException {
        replay = new Replay(fixture, substitutions);
        return ArmCloud.forEndpoint(replay.endpoint, SUBSCRIPTION, host -> "https://" + host, STUB);
    }

    /** Serves a fixture's exchanges, each once, in order of method and path. */
    private static final class Replay {
        final HttpServer server;
        final URI endpoint;
        final List<String> requests = new ArrayList<>();
        final List<String> bodies = new ArrayList<>();
        private final List<JsonNode> exchanges = new ArrayList<>();

        Replay(String fixture, Map<String, String> substitutions) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            String text;
            try (InputStream in = RecordedSessionReplayTest.class.getResourceAsStream("/recorded/" + fixture)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            text = text.replace("{sub}", SUBSCRIPTION).replace("{endpoint}", endpoint.toString());
            for (Map.Entry<String, String> s : substitutions.entrySet()) {
                text = text.replace(s.getKey(), s.getValue());
            }
            JSON.readTree(text).path("exchanges").forEach(exchanges::add);
            server.createContext("/", this::answer);
            server.start();
        }

        private synchronized void answer(HttpExchange exchange) throws IOException {
            try (exchange) {
                String method = exchange.getRequestMethod();
                String path = exchange.getRequestURI().getPath();
                requests.add(method + " " + path);
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                JsonNode found = null;
                for (Iterator<JsonNode> it = exchanges.iterator(); it.hasNext();) {
                    JsonNode candidate = it.next();
                    if (candidate.path("method").asText().equals(method)
                            && candidate.path("path").asText().equalsIgnoreCase(path)) {
                        found = candidate;
                        it.remove();
                        break;
                    }
                }
                int status = found == null ? 404 : found.path("status").asInt();
                String body = found == null
                        ? "{\"error\":{\"code\":\"NoFixture\",\"message\":\"no recorded answer for " + method + " " + path + "\"}}"
                        : found.path("body").isNull() || found.path("body").isMissingNode() ? null : found.path("body").toString();
                if (found != null) {
                    found.path("headers").fields().forEachRemaining(h ->
                            exchange.getResponseHeaders().set(h.getKey(), h.getValue().asText()));
                }
                exchange.getResponseHeaders().set("x-ms-request-id", "replay-" + requests.size());
                if (body == null) {
                    exchange.sendResponseHeaders(status, -1);
                    return;
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}
