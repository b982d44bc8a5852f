package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalHttpServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LocalHttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        FunctionCatalog catalog = new FunctionCatalog(Map.of(), new TestHttpFunctions());
        server = new LocalHttpServer(catalog, 0).start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void baseUrlIsLoopbackWithTheBoundPort() {
        // Arrange
        int port = server.port();

        // Act
        String baseUrl = server.baseUrl();

        // Assert
        assertTrue(port > 0);
        assertEquals("http://127.0.0.1:" + port, baseUrl);
    }

    @Test
    void routesToTheFunctionAndBindsTheRouteParameter() throws Exception {
        // Arrange
        HttpRequest request = get("/api/items/42");

        // Act
        HttpResponse<String> response = send(request);

        // Assert
        assertEquals(200, response.statusCode());
        assertEquals("item 42", response.body());
        assertEquals("text/plain", response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void literalRouteWinsOverParameterRoute() throws Exception {
        // Arrange
        HttpRequest request = get("/api/items/special");

        // Act
        HttpResponse<String> response = send(request);

        // Assert
        assertEquals(200, response.statusCode());
        assertEquals("the special item", response.body());
    }

    @Test
    void methodSelectsAmongRoutesWithTheSameTemplate() throws Exception {
        // Arrange
        HttpRequest request = HttpRequest.newBuilder(uri("/api/items/42")).DELETE().build();

        // Act
        HttpResponse<String> response = send(request);

        // Assert
        assertEquals(204, response.statusCode());
        assertEquals("", response.body());
    }

    @Test
    void passesQueryStringBodyAndHeadersAndWritesStatusAndHeaders() throws Exception {
        // Arrange
        HttpRequest request = HttpRequest.newBuilder(uri("/api/items/7/notes?mode=read%20only&other=1"))
                .header("X-Test", "yes")
                .POST(HttpRequest.BodyPublishers.ofString("{\"note\":\"hi\"}")).build();

        // Act
        HttpResponse<String> response = send(request);

        // Assert
        assertEquals(201, response.statusCode());
        assertEquals("id=7;mode=read only;body={\"note\":\"hi\"};header=yes;method=POST;uri=" + server.baseUrl()
                + "/api/items/7/notes?mode=read%20only&other=1", response.body());
        assertEquals(server.baseUrl() + "/api/items/7/notes/1",
                response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void emptyBodyReachesTheFunctionAsAnEmptyOptional() throws Exception {
        // Arrange
        HttpRequest request = HttpRequest.newBuilder(uri("/api/items/7/notes"))
                .POST(HttpRequest.BodyPublishers.noBody()).build();

        // Act
        HttpResponse<String> response = send(request);

        // Assert
        assertEquals(201, response.statusCode());
        assertTrue(response.body().contains(";body=<none>;"), response.body());
        assertTrue(response.body().contains(";mode=null;"), response.body());
    }

    @Test
    void functionGetsAnExecutionContextWithItsNameAndAnInvocationId() throws Exception {
        // Arrange
        HttpRequest request = get("/api/whoami");

        // Act
        HttpResponse<String> response = send(request);

        // Assert
        assertEquals(200, response.statusCode());
        String[] parts = response.body().split("/");
        assertEquals("WhoAmI", parts[0]);
        assertFalse(parts[1].isBlank());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
    }

    @Test
    void unknownPathAnswers404ProblemJsonListingTheRoutes() throws Exception {
        // Arrange
        HttpRequest request = get("/api/nothing/here");

        // Act
        HttpResponse<String> response = send(request);

        // Assert
        assertEquals(404, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode problem = JSON.readTree(response.body());
        assertEquals("about:blank", problem.get("type").asText());
        assertEquals("Not Found", problem.get("title").asText());
        assertEquals(404, problem.get("status").asInt());
        assertTrue(problem.get("detail").asText().contains("No function serves GET /api/nothing/here"));
        assertTrue(problem.get("detail").asText().contains("GET /api/items/{id}"));
    }

    @Test
    void pathOutsideApiPrefixAnswers404() throws Exception {
        // Arrange
        HttpRequest request = get("/items/42");

        // Act
        HttpResponse<String> response = send(request);

        // Assert
        assertEquals(404, response.statusCode());
        assertTrue(JSON.readTree(response.body()).get("detail").asText().contains("under /api/"));
    }

    @Test
    void knownPathWithWrongMethodAnswers405WithAllow() throws Exception {
        // Arrange
        HttpRequest request = HttpRequest.newBuilder(uri("/api/items/42"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build();

        // Act
        HttpResponse<String> response = send(request);

        // Assert
        assertEquals(405, response.statusCode());
        assertEquals("GET, DELETE", response.headers().firstValue("Allow").orElseThrow());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode problem = JSON.readTree(response.body());
        assertEquals("Method Not Allowed", problem.get("title").asText());
        assertEquals(405, problem.get("status").asInt());
        assertTrue(problem.get("detail").asText().contains("PUT is not allowed on /api/items/42"));
        assertTrue(problem.get("detail").asText().contains("GET, DELETE"));
    }

    @Test
    void throwingFunctionAnswers500WithoutTheExceptionMessage() throws Exception {
        // Arrange
        HttpRequest request = get("/api/boom");

        // Act
        HttpResponse<String> response = send(request);

        // Assert
        assertEquals(500, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        assertFalse(response.body().contains("hunter2"), response.body());
        JsonNode problem = JSON.readTree(response.body());
        assertEquals("Internal Server Error", problem.get("title").asText());
        assertTrue(problem.get("detail").asText().contains("The function Boom failed"));
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).GET().build();
    }

    private URI uri(String pathAndQuery) {
        return URI.create(server.baseUrl() + pathAndQuery);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
