package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A body is read as JSON only when it is sent as {@code application/json} (UTF-8, the only charset RFC 8259
 * allows between systems). Valid JSON sent as anything else, or with no Content-Type at all, is answered 415
 * with a problem that says what to send, on every route that takes a body, and nothing is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnsupportedMediaTypeTest {

    private LocalHostHarness host;
    private String runningDeploymentId;

    @BeforeAll
    void registerAnEnvironmentWithARunningDeployment() {
        host = new LocalHostHarness();
        runningDeploymentId = host.registerAndStart("prod", true);
        // The queues are not run: the deployment stays InProgress.
    }

    @AfterAll
    void stop() {
        host.close();
    }

    /** Each route that takes a body, with a body it would act on when sent as application/json. */
    private static List<Arguments> routes() {
        return List.of(
                Arguments.of("PUT", (Function<String, String>) id -> "/environments/other",
                        LocalHostHarness.environmentBody(true)),
                Arguments.of("POST", (Function<String, String>) id -> "/deployments",
                        LocalHostHarness.startBody("prod", NEW_PACKAGE, "build-9")),
                Arguments.of("POST", (Function<String, String>) id -> "/deployments/" + id + "/complete",
                        "{\"acceptDataLoss\":false}"),
                Arguments.of("POST", (Function<String, String>) id -> "/deployments/" + id + "/reset",
                        "{\"rollbackDatabase\":false}"));
    }

    static Stream<Arguments> refusedContentTypes() {
        List<String> types = new ArrayList<>();
        types.add("text/plain");
        types.add("text/plain; charset=utf-8");
        types.add("application/x-www-form-urlencoded");
        types.add("application/json; charset=iso-8859-1");
        types.add("application/merge-patch+json");
        types.add("application/jsonx");
        types.add(null);
        List<Arguments> cases = new ArrayList<>();
        for (Arguments route : routes()) {
            for (String type : types) {
                Object[] r = route.get();
                cases.add(Arguments.of(r[0], r[1], r[2], type));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} as {3}")
    @MethodSource("refusedContentTypes")
    void aJsonBodySentAsAnotherMediaTypeIsRefused415AndWritesNothing(String method, Function<String, String> path,
                                                                     String body, String contentType) {
        // Arrange
        int rowsBefore = host.rowsWritten();

        // Act
        ApiClient.Response response = host.sendAs(method, path.apply(runningDeploymentId), contentType, body);

        // Assert
        assertEquals(415, response.status(), response.body());
        assertEquals("application/problem+json", response.contentType());
        JsonNode problem = response.json();
        assertEquals(415, problem.get("status").asInt());
        assertEquals("urn:smoothdeploy:problem:unsupported-media-type", problem.get("type").asText());
        assertEquals("Content-Type", problem.get("field").asText());
        String detail = problem.get("detail").asText();
        assertTrue(detail.contains("Content-Type: application/json"), detail);
        assertTrue(detail.contains(contentType == null ? "no Content-Type" : contentType), detail);
        assertFalse(response.body().contains("SECRET"), "a SAS token is never echoed");
        assertEquals(rowsBefore, host.rowsWritten(), "a refused request writes no row");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedContentTypes")
    void applicationJsonInAnyCaseAndWithTheUtf8CharsetIsRead(String contentType) {
        // Act
        // on a site and database of its own (another environment of this host has the sample's)
        ApiClient.Response response = host.sendAs("PUT", "/environments/accepted", contentType,
                LocalHostHarness.environmentBody(false).replace(LocalHostHarness.CMS, LocalHostHarness.CMS + "-accepted")
                        .replace("\"name\":\"cmsdb\"", "\"name\":\"cmsdb-accepted\""));

        // Assert
        assertTrue(response.status() == 201 || response.status() == 200, contentType + ": " + response.body());
    }

    static Stream<String> acceptedContentTypes() {
        return Stream.of("application/json", "Application/JSON", "application/json; charset=utf-8",
                "application/json;charset=\"UTF-8\"");
    }

    @Test
    void anEmptyBodyNeedsNoContentType() {
        // Act: an action with no body reads none, whatever its Content-Type says
        ApiClient.Response response = host.sendAs("POST", "/deployments/" + runningDeploymentId + "/complete",
                "text/plain", "");

        // Assert: the status check answers, not the media type check
        assertEquals(409, response.status(), response.body());
        assertEquals("status", response.json().get("field").asText());
    }
}
