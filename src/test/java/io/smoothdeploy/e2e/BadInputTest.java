package io.smoothdeploy.e2e;

import static io.smoothdeploy.e2e.LocalHostHarness.NEW_PACKAGE;
import static io.smoothdeploy.e2e.LocalHostHarness.SQL_SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, through the local host's HTTP routes: each answer is an RFC 9457 problem that names the field
 * at fault, and no row is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    private static final String SHA = "9f".repeat(32);
    private static final String ENV_PATH = "/environments/prod";

    private LocalHostHarness host;
    private String runningDeploymentId;

    @BeforeAll
    void registerAnEnvironmentWithARunningDeployment() {
        host = new LocalHostHarness();
        runningDeploymentId = host.registerAndStart("prod", true);
        // The queues are not run: the deployment stays InProgress, holding the environment.
    }

    @AfterAll
    void stop() {
        host.close();
    }

    static Stream<Arguments> badRequests() {
        String env = LocalHostHarness.environmentBody(true);
        return Stream.of(
                put("malformed JSON", "/environments/other", "{\"webApps\": [", 400, "body"),
                put("body that is not an object", "/environments/other", "[1,2]", 400, "body"),
                put("empty body", "/environments/other", "", 400, "body"),
                put("name with dots", "/environments/..", env, 400, "name"),
                put("name with an encoded slash", "/environments/a%2Fb", env, 400, "name"),
                put("upper-case name", "/environments/Prod", env, 400, "name"),
                put("no web apps", "/environments/other", "{\"webApps\":[],\"database\":{\"serverResourceId\":\""
                        + SQL_SERVER + "\",\"name\":\"cmsdb\"},\"connectionStringName\":\"EPiServerDB\","
                        + "\"databaseModeSetting\":\"Cms__DatabaseMode\"}", 400, "webApps"),
                put("site resource id of another resource type", "/environments/other",
                        env.replace("Microsoft.Web/sites/cms-prod", "Microsoft.Storage/storageAccounts/cms"), 400,
                        "webApps[0].resourceId"),
                put("unknown role", "/environments/other", env.replace("ZeroDowntime", "Blue"), 400, "webApps[0].role"),
                put("misspelt field", "/environments/other", env.replace("\"databaseModeSetting\"", "\"databaseMode\""),
                        400, "databaseMode"),
                put("warm-up path with ..", "/environments/other", env.replace("\"/health\"", "\"/../admin\""), 400,
                        "webApps[0].warmUp.paths[1]"),
                put("maintenance-page app without a maintenance page", "/environments/other",
                        env.replace(",\"maintenancePagePackageUri\":\"https://packages.example.com/maintenance.zip\"", ""),
                        400, "maintenancePagePackageUri"),
                put("re-registering while a deployment runs", ENV_PATH, env, 409, "environment"),
                webhook("the metadata address", "https://169.254.169.254/metadata/instance?api-version=2021-02-01"),
                webhook("the metadata address, IPv4-mapped", "https://[::ffff:a9fe:a9fe]/hook"),
                webhook("a private address (10/8)", "https://10.0.0.1/hook?code=SECRET"),
                webhook("a private address (172.16/12)", "https://172.20.1.2/hook"),
                webhook("a private address (192.168/16)", "https://192.168.1.10/hook"),
                webhook("a link-local address", "https://169.254.10.20/hook"),
                webhook("a shared address (100.64/10)", "https://100.64.0.1/hook"),
                webhook("a 'this network' address", "https://0.0.0.0/hook"),
                webhook("a multicast address", "https://224.0.0.1/hook"),
                webhook("a unique local IPv6 address", "https://[fd12:3456::1]/hook"),
                webhook("a link-local IPv6 address", "https://[fe80::1]/hook"),
                put("a webhook off the allow-list", "/environments/other", env.substring(0, env.length() - 1)
                        + ",\"allowedHosts\":[\"hooks.example.com\"],\"webhookUrl\":\"https://hooks.example.net/x\"}",
                        422, "webhookUrl"),
                put("an allow-list entry that is not a host name", "/environments/other", env.substring(0,
                        env.length() - 1) + ",\"allowedHosts\":[\"https://hooks.example.com/\"]}", 400,
                        "allowedHosts[0]"),
                post("unknown environment", "/deployments", start("nowhere", NEW_PACKAGE, SHA, "ReadOnly"), 404, "environment"),
                post("missing SHA-256", "/deployments",
                        "{\"environment\":\"prod\",\"packageUri\":\"" + NEW_PACKAGE + "\",\"mode\":\"ReadOnly\"}", 400,
                        "packageSha256"),
                post("SHA-256 that is not hex", "/deployments", start("prod", NEW_PACKAGE, "zz".repeat(32), "ReadOnly"),
                        400, "packageSha256"),
                post("SHA-256 too short", "/deployments", start("prod", NEW_PACKAGE, "abc123", "ReadOnly"), 400,
                        "packageSha256"),
                post("package URI that is not https", "/deployments",
                        start("prod", "http://packages.example.com/cms.zip?sig=SECRET", SHA, "ReadOnly"), 400, "packageUri"),
                post("unknown mode", "/deployments", start("prod", NEW_PACKAGE, SHA, "Quick"), 400, "mode"),
                post("package URI on a private address", "/deployments",
                        start("prod", "https://10.1.2.3/cms.zip?sig=SECRET", SHA, "ReadOnly"), 422, "packageUri"),
                post("package URI on the metadata address, IPv4-mapped", "/deployments",
                        start("prod", "https://[::ffff:169.254.169.254]/cms.zip?sig=SECRET", SHA, "ReadOnly"), 422,
                        "packageUri"),
                post("oversized body", "/deployments", "{\"environment\":\"" + "a".repeat(300_000) + "\"}", 413, "body"),
                post("idempotency key with a slash", "/deployments",
                        start("prod", NEW_PACKAGE, SHA, "ReadOnly").replace("}", ",\"idempotencyKey\":\"a/b\"}"), 400,
                        "idempotencyKey"),
                post("start while another deployment runs", "/deployments", start("prod", NEW_PACKAGE, SHA, "ReadOnly"),
                        409, "environment"),
                action("complete while InProgress", id -> "/deployments/" + id
                                + "/complete", "{}", 409, "status"),
                action("reset with a non-boolean rollbackDatabase", id -> "/deployments/" + id + "/reset",
                        "{\"rollbackDatabase\":\"yes\"}", 400, "rollbackDatabase"),
                action("complete with an unknown field", id -> "/deployments/" + id + "/complete",
                        "{\"force\":true}", 400, "force"),
                get("deployment id with odd characters", "/deployments/D%20X", 400, "id"),
                get("unknown deployment", "/deployments/d20990101t000000-00000000", 404, "id"),
                get("unknown environment", "/environments/nowhere", 404, "name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badInputIsRefusedWithAProblemNamingTheFieldAndWritesNothing(String description, String method,
                                                                     Function<String, String> path, String body,
                                                                     int status, String field) {
        // Arrange
        int rowsBefore = host.rowsWritten();

        // Act
        String target = path.apply(runningDeploymentId);
        ApiClient.Response response = switch (method) {
            case "PUT" -> host.put(target, body);
            case "POST" -> host.post(target, body);
            default -> host.get(target);
        };

        // Assert
        assertEquals(status, response.status(), description + ": " + response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        JsonNode problem = response.json();
        assertEquals(status, problem.get("status").asInt());
        assertEquals(field, problem.path("field").asText(), description + ": " + response.body());
        assertFalse(problem.path("detail").asText().isBlank());
        assertFalse(response.body().contains("SECRET"), "a SAS token is never echoed");
        assertEquals(rowsBefore, host.rowsWritten(), "a refused request writes no row");
    }

    private static String start(String environment, String packageUri, String sha, String mode) {
        return "{\"environment\":\"" + environment + "\",\"packageUri\":\"" + packageUri + "\",\"packageSha256\":\""
                + sha + "\",\"mode\":\"" + mode + "\"}";
    }

    private static Arguments put(String description, String path, String body, int status, String field) {
        return Arguments.of(description, "PUT", (Function<String, String>) id -> path, body, status, field);
    }

    /** Registering another environment whose webhookUrl leads inward: 422 naming webhookUrl. */
    private static Arguments webhook(String description, String url) {
        String env = LocalHostHarness.environmentBody(true);
        return put("a webhook on " + description, "/environments/other",
                env.substring(0, env.length() - 1) + ",\"webhookUrl\":\"" + url + "\"}", 422, "webhookUrl");
    }

    private static Arguments post(String description, String path, String body, int status, String field) {
        return Arguments.of(description, "POST", (Function<String, String>) id -> path, body, status, field);
    }

    private static Arguments get(String description, String path, int status, String field) {
        return Arguments.of(description, "GET", (Function<String, String>) id -> path, null, status, field);
    }

    /** A POST to a path of the running deployment. */
    private static Arguments action(String description, Function<String, String> path, String body, int status,
                                    String field) {
        return Arguments.of(description, "POST", path, body, status, field);
    }
}
