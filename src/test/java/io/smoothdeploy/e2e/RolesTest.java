package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.api.ApiResponse;
import io.smoothdeploy.api.HttpApi;
import io.smoothdeploy.testing.TestAzurite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what, route by route: every role against every route, on the real store (Azurite) behind App Service
 * authentication's principal headers. An allowed request does its work; a refused one answers 403 problem+json
 * naming the missing role and writes nothing (no row in the state or index table, no deployment).
 */
class RolesTest {

    private static final String OID = "0f6d7a4e-1c52-4a8e-9a57-3b1a6e2d9c10";
    private static final String APPROVER_GROUP = "6a3c2f0e-8b1d-4c4e-a7f2-91d0b5e3c8aa";
    private static final AtomicInteger ENVIRONMENTS = new AtomicInteger();
    private static LocalHostHarness host;
    private static PlatformApi platform;

    @BeforeAll
    static void startHost() {
        host = new LocalHostHarness();
        host.stack.timerScheduler().enabled(false);
        platform = new PlatformApi(host, true);
    }

    @AfterAll
    static void stopHost() {
        host.close();
    }

    /**
     * What a route needs before it can be tried: nothing, a registered environment, a run awaiting verification, or
     * one left InProgress, or one that went live with its rollback window open.
     */
    enum Fixture { NONE, ENVIRONMENT, AWAITING_VERIFICATION, IN_PROGRESS, SUCCEEDED_IN_WINDOW }

    /** Each protected route: how to call it, the role it needs, and the status it answers when allowed. */
    enum Route {
        PUT_ENVIRONMENT("Admin", 201, Fixture.NONE, (api, f, h) -> api.putEnvironment(f.environment,
                host.environmentOnOwnSite(1000 + ENVIRONMENTS.incrementAndGet()), h)),
        DELETE_ENVIRONMENT("Admin", 204, Fixture.ENVIRONMENT, (api, f, h) -> api.deleteEnvironment(f.environment, h)),
        GET_ME("Reader", 200, Fixture.NONE, (api, f, h) -> api.me(h)),
        GET_ENVIRONMENT("Reader", 200, Fixture.ENVIRONMENT, (api, f, h) -> api.getEnvironment(f.environment, h)),
        LIST_ENVIRONMENTS("Reader", 200, Fixture.ENVIRONMENT, (api, f, h) -> api.listEnvironments(h)),
        LIST_DEPLOYMENTS("Reader", 200, Fixture.AWAITING_VERIFICATION,
                (api, f, h) -> api.listDeployments(f.environment, Map.of("limit", "5"), h)),
        START_DEPLOYMENT("Deployer", 202, Fixture.ENVIRONMENT, (api, f, h) -> api.startDeployment(
                LocalHostHarness.startBody(f.environment, LocalHostHarness.NEW_PACKAGE, null), h)),
        PLAN_DEPLOYMENT("Deployer", 200, Fixture.ENVIRONMENT, (api, f, h) -> api.planDeployment(
                LocalHostHarness.startBody(f.environment, LocalHostHarness.NEW_PACKAGE, null), h)),
        GET_DEPLOYMENT("Reader", 200, Fixture.AWAITING_VERIFICATION, (api, f, h) -> api.getDeployment(f.deployment, h)),
        GET_LOG("Reader", 200, Fixture.AWAITING_VERIFICATION, (api, f, h) -> api.getDeploymentLog(f.deployment, h)),
        GET_LOG_PAGE("Reader", 200, Fixture.AWAITING_VERIFICATION, (api, f, h) -> api.getDeploymentLog(f.deployment,
                Map.of("since", "2026-01-01T00:00:00Z", "limit", "5"), h)),
        GET_DIAGNOSIS("Reader", 200, Fixture.AWAITING_VERIFICATION, (api, f, h) -> api.getDiagnosis(f.deployment, h)),
        GET_TIMELINE("Reader", 200, Fixture.AWAITING_VERIFICATION, (api, f, h) -> api.getTimeline(f.deployment, h)),
        GET_SUPPORT_BUNDLE("Reader", 200, Fixture.AWAITING_VERIFICATION,
                (api, f, h) -> api.getSupportBundle(f.deployment, h)),
        COMPLETE("Approver", 202, Fixture.AWAITING_VERIFICATION,
                (api, f, h) -> api.completeDeployment(f.deployment, null, h)),
        COMPLETE_ACCEPTING_DATA_LOSS("Approver", 202, Fixture.AWAITING_VERIFICATION,
                (api, f, h) -> api.completeDeployment(f.deployment, "{\"acceptDataLoss\":true}", h)),
        RESET("Approver", 202, Fixture.AWAITING_VERIFICATION,
                (api, f, h) -> api.resetDeployment(f.deployment, "{\"rollbackDatabase\":false}", h)),
        CANCEL("Approver", 202, Fixture.IN_PROGRESS,
                (api, f, h) -> api.cancelDeployment(f.deployment, "{\"reason\":\"roles\"}", h)),
        ROLLBACK("Approver", 202, Fixture.SUCCEEDED_IN_WINDOW,
                (api, f, h) -> api.rollbackDeployment(f.deployment, null, h));

        /** True when an allowed call changes its fixture (so it needs one of its own). */
        boolean writes() {
            return this == PUT_ENVIRONMENT || this == DELETE_ENVIRONMENT || this == START_DEPLOYMENT || this == COMPLETE
                    || this == COMPLETE_ACCEPTING_DATA_LOSS || this == RESET || this == CANCEL
                    || this == ROLLBACK;
        }

        final String needs;
        final int allowedStatus;
        final Fixture fixture;
        final Call call;

        Route(String needs, int allowedStatus, Fixture fixture, Call call) {
            this.needs = needs;
            this.allowedStatus = allowedStatus;
            this.fixture = fixture;
            this.call = call;
        }
    }

    @FunctionalInterface
    interface Call {
        ApiResponse call(HttpApi api, Prepared fixture, Map<String, String> headers);
    }

    /** A fresh environment, and its deployment awaiting verification when the route needs one. */
    record Prepared(String environment, String deployment) {
    }

    static Stream<Arguments> everyRoleOnEveryRoute() {
        List<Arguments> cases = new ArrayList<>();
        for (Route route : Route.values()) {
            for (String role : List.of("Reader", "Deployer", "Approver", "Admin")) {
                boolean allowed = role.equals(route.needs) || route.needs.equals("Reader");
                cases.add(Arguments.of(route, role, allowed));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{1} on {0}: allowed {2}")
    @MethodSource("everyRoleOnEveryRoute")
    void eachRoleIsAllowedOnlyTheRoutesItsRoleCovers(Route route, String role, boolean allowed) {
        // Arrange: a fresh fixture where the request may change it, the shared one where it must not
        Prepared fixture = allowed && route.writes() ? prepare(route.fixture) : shared(route.fixture);
        Written before = written();

        // Act
        ApiResponse answer = route.call.call(platform.api, fixture, PlatformApi.as("pat@example.com", OID, role));

        // Assert
        if (allowed) {
            assertEquals(route.allowedStatus, answer.status(), answer.body());
        } else {
            assertEquals(403, answer.status(), answer.body());
            assertEquals("application/problem+json", answer.headers().get("Content-Type"));
            JsonNode problem = PlatformApi.json(answer);
            assertEquals("urn:smoothdeploy:problem:missing-role", problem.get("type").asText());
            assertEquals(route.needs, problem.get("missingRole").asText(), answer.body());
            assertEquals(List.of(role), List.of(problem.get("yourRoles").get(0).asText()));
            assertTrue(problem.get("detail").asText().contains("you need the role " + route.needs), answer.body());
            assertEquals(before, written(), "a refused request writes nothing");
        }
    }

    static Stream<Route> routes() {
        return Stream.of(Route.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void aRequestWithoutAPrincipalIsUnauthenticatedAndWritesNothing(Route route) {
        // Arrange
        Prepared fixture = shared(route.fixture);
        Written before = written();

        // Act
        ApiResponse answer = route.call.call(platform.api, fixture, Map.of("User-Agent", "curl/8.0"));

        // Assert
        assertEquals(401, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.headers().get("Content-Type"));
        assertEquals("Bearer", answer.headers().get("WWW-Authenticate"));
        assertEquals("urn:smoothdeploy:problem:unauthenticated", PlatformApi.json(answer).get("type").asText());
        assertEquals(before, written());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void aForgedPrincipalWhilePlatformAuthenticationIsOffIsRefusedAndWritesNothing(Route route) {
        // Arrange: the same API without App Service authentication in front; the caller claims every role
        PlatformApi unprotected = new PlatformApi(host, false);
        Prepared fixture = shared(route.fixture);
        Written before = written();

        // Act
        ApiResponse answer = route.call.call(unprotected.api, fixture,
                PlatformApi.as("ceo@example.com", OID, "Reader", "Deployer", "Approver", "Admin"));

        // Assert
        assertEquals(401, answer.status(), answer.body());
        JsonNode problem = PlatformApi.json(answer);
        assertEquals("urn:smoothdeploy:problem:untrusted-principal", problem.get("type").asText());
        assertTrue(problem.get("detail").asText().contains("App Service authentication is not on"), answer.body());
        assertEquals(before, written());
    }

    @Test
    void aForgedPrincipalHeaderIsRefusedByTheLocalHostToo() {
        // Arrange
        String environment = "forged-" + ENVIRONMENTS.incrementAndGet();
        Written before = written();

        // Act: over HTTP to the local host, which runs as its development user
        java.net.http.HttpResponse<String> answer = sendToLocalHost("/environments/" + environment,
                LocalHostHarness.environmentBody(false), "X-MS-CLIENT-PRINCIPAL-NAME", "ceo@example.com");

        // Assert
        assertEquals(401, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("untrusted-principal"), answer.body());
        assertEquals(before, written());
    }

    @Test
    void anApproverOutsideTheEnvironmentsApproversIsRefusedNamingTheRuleAndOneInsideIsAllowed() {
        // Arrange: an environment only members of one group may approve
        int n = ENVIRONMENTS.incrementAndGet();
        String environment = "gated-" + n;
        String body = host.environmentOnOwnSite(n).replaceFirst("\\}$",
                ",\"approvers\":[\"" + APPROVER_GROUP + "\"]}");
        assertEquals(201, platform.api.putEnvironment(environment, body, admin()).status());
        String id = startAndAwait(environment);
        Written before = written();

        // Act
        ApiResponse outsider = platform.api.completeDeployment(id, null, PlatformApi.as("olga@example.com", OID,
                List.of("Approver"), List.of("11111111-2222-3333-4444-555555555555")));
        Written afterRefusal = written();
        ApiResponse resetByOutsider = platform.api.resetDeployment(id, null,
                PlatformApi.as("olga@example.com", OID, "Approver"));
        ApiResponse cancelByOutsider = platform.api.cancelDeployment(id, null,
                PlatformApi.as("olga@example.com", OID, "Approver"));
        ApiResponse member = platform.api.completeDeployment(id, null, PlatformApi.as("mia@example.com",
                "7d9e1f20-3a4b-4c5d-8e6f-a0b1c2d3e4f5", List.of("Approver"), List.of(APPROVER_GROUP)));

        // Assert
        assertEquals(403, outsider.status(), outsider.body());
        JsonNode problem = PlatformApi.json(outsider);
        assertEquals("urn:smoothdeploy:problem:not-an-approver", problem.get("type").asText());
        assertEquals("Approver", problem.get("missingRole").asText());
        assertEquals("approvers", problem.get("environmentRule").asText());
        assertEquals(before, afterRefusal, "a refused Complete writes nothing");
        assertEquals(403, resetByOutsider.status(), resetByOutsider.body());
        assertEquals(403, cancelByOutsider.status(), cancelByOutsider.body());
        assertEquals(202, member.status(), member.body());
        assertEquals("mia@example.com", PlatformApi.json(member).get("audit").get(1).get("by").get("name").asText());
    }

    @Test
    void meNamesTheCallerAndSaysForEachOperationWhetherTheirRolesAllowItAndWhyNot() {
        // Act
        JsonNode reader = PlatformApi.json(platform.api.me(PlatformApi.as("rita@example.com", OID, "Reader")));
        JsonNode approver = PlatformApi.json(platform.api.me(PlatformApi.as("ann@example.com", OID, "Approver")));

        // Assert
        assertEquals("rita@example.com", reader.get("name").asText());
        assertEquals(OID, reader.get("objectId").asText());
        assertEquals(List.of("Reader"), List.of(reader.get("roles").get(0).asText()));
        JsonNode complete = reader.get("operations").get("completeDeployment");
        assertEquals(false, complete.get("allowed").asBoolean());
        assertEquals("Approver", complete.get("needs").asText());
        assertTrue(complete.get("reason").asText().contains("you need the role Approver; rita@example.com has the role(s) "
                + "Reader"), complete.toString());
        assertEquals(true, reader.get("operations").get("getDeployment").get("allowed").asBoolean());
        assertEquals(io.smoothdeploy.api.Operation.values().length, reader.get("operations").size());
        assertEquals(true, approver.get("operations").get("completeDeployment").get("allowed").asBoolean());
        assertTrue(approver.get("operations").get("acceptDataLoss").get("allowed").asBoolean());
        assertTrue(approver.get("operations").get("completeDeployment").path("reason").isMissingNode());
        assertEquals(false, approver.get("operations").get("putEnvironment").get("allowed").asBoolean());
    }

    @Test
    void theOpenApiDocumentStaysPublic() {
        java.net.http.HttpResponse<String> answer = sendToLocalHost("/openapi.json", null, "User-Agent", "curl/8.0");
        assertEquals(200, answer.statusCode());
    }

    @Test
    void approversMustBeObjectIdsAndARefusedRegistrationWritesNothing() {
        // Arrange
        String environment = "badapprovers-" + ENVIRONMENTS.incrementAndGet();
        String body = LocalHostHarness.environmentBody(false).replaceFirst("\\}$", ",\"approvers\":[\"release-team\"]}");
        Written before = written();

        // Act
        ApiResponse answer = platform.api.putEnvironment(environment, body, admin());

        // Assert
        assertEquals(400, answer.status(), answer.body());
        assertEquals("approvers[0]", PlatformApi.json(answer).get("field").asText());
        assertEquals(before, written());
        assertNotEquals(201, answer.status());
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, String> admin() {
        return PlatformApi.as("ada@example.com", OID, "Admin");
    }

    private static final Map<Fixture, Prepared> SHARED = new java.util.EnumMap<>(Fixture.class);

    /** One fixture of each kind for the requests that must change nothing; each stays as it was prepared. */
    private static synchronized Prepared shared(Fixture fixture) {
        return SHARED.computeIfAbsent(fixture, RolesTest::prepare);
    }

    private static Prepared prepare(Fixture fixture) {
        int n = ENVIRONMENTS.incrementAndGet();
        String environment = "roles-" + n;
        if (fixture == Fixture.NONE) {
            return new Prepared(environment, null);
        }
        ApiResponse registered = platform.api.putEnvironment(environment, host.environmentOnOwnSite(n), admin());
        assertEquals(201, registered.status(), registered.body());
        if (fixture == Fixture.SUCCEEDED_IN_WINDOW) {
            return new Prepared(environment, goLive(startAndAwait(environment)));
        }
        return new Prepared(environment, fixture == Fixture.AWAITING_VERIFICATION ? startAndAwait(environment)
                : fixture == Fixture.IN_PROGRESS ? startOnly(environment) : null);
    }

    /** A deployment started and left InProgress (no queue runs), for a cancel. */
    private static String startOnly(String environment) {
        ApiResponse started = platform.api.startDeployment(LocalHostHarness.startBody(environment,
                LocalHostHarness.NEW_PACKAGE, null), PlatformApi.as("dee@example.com", OID, "Deployer"));
        assertEquals(202, started.status(), started.body());
        return PlatformApi.json(started).get("id").asText();
    }

    /** Completes {@code id} and runs it live: Succeeded, with the rollback window open. */
    private static String goLive(String id) {
        ApiResponse completed = platform.api.completeDeployment(id, null, PlatformApi.as("abe@example.com", OID,
                "Approver"));
        assertEquals(202, completed.status(), completed.body());
        host.runQueues();
        JsonNode status = PlatformApi.json(platform.api.getDeployment(id, PlatformApi.as("rita@example.com", OID,
                "Reader")));
        assertEquals("Succeeded", status.get("status").asText(), status.toString());
        assertEquals("rollback", status.get("allowedActions").get(0).asText(), status.toString());
        return id;
    }

    private static String startAndAwait(String environment) {
        ApiResponse started = platform.api.startDeployment(LocalHostHarness.startBody(environment,
                LocalHostHarness.NEW_PACKAGE, null), PlatformApi.as("dee@example.com", OID, "Deployer"));
        assertEquals(202, started.status(), started.body());
        String id = PlatformApi.json(started).get("id").asText();
        host.runQueues();
        ApiResponse status = platform.api.getDeployment(id, PlatformApi.as("rita@example.com", OID, "Reader"));
        assertEquals("AwaitingVerification", PlatformApi.json(status).get("status").asText(), status.body());
        return id;
    }

    /** Every row of the state and index tables, and how many deployments there are. */
    record Written(int stateRows, int indexRows, int deployments) {
    }

    private static Written written() {
        String state = host.settings.get("StateTableName");
        return new Written(TestAzurite.countRows(state), TestAzurite.countRows(host.settings.get("DeploymentIndexTableName")),
                TestAzurite.countRows(state, "dep_"));
    }

    private static java.net.http.HttpResponse<String> sendToLocalHost(String path, String body, String header,
                                                                     String value) {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(host.stack.apiBase() + path)).header(header, value);
        request = body == null ? request.GET() : request.header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        try {
            return java.net.http.HttpClient.newHttpClient().send(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
