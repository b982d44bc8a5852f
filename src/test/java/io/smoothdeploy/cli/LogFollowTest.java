package io.smoothdeploy.cli;

import static io.smoothdeploy.cli.CliHarness.NEW_PACKAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.json.Json;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.local.SimulatedCloud;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code log --follow}: the entries as they are written, each once, until the deployment ends; the exit code as
 * {@code wait --until terminal} gives it.
 */
class LogFollowTest {

    private static final String SHA = SimulatedCloud.packageSha256(NEW_PACKAGE);

    private final CliHarness host = new CliHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void followsAFailingDeploymentToItsEndPrintingEachEntryOnceAndExitsOne() {
        // Arrange: a deployment that fails in DEPLOY_SLOT, not yet run
        host.register("prod");
        String id = start("follow-1", "ReadOnly");
        host.cloud.failNext("deployPackage", "cms-prod/staging", 1,
                new CloudException("Conflict", "the operation conflicts with another", false));
        int linesBefore = host.run("log", "--id", id).outLines().size();

        // Act
        CliHarness.Result followed = host.run("log", "--id", id, "--follow", "--poll", "10s", "--timeout", "2h");
        CliHarness.Result whole = host.run("log", "--id", id);

        // Assert
        assertEquals(DeployCli.DEPLOYMENT_FAILED, followed.code(), followed.toString());
        assertTrue(host.pauses > 1, "it polled while the deployment ran");
        assertTrue(whole.outLines().size() > linesBefore, "the deployment wrote while it was followed: " + whole);
        assertEquals(whole.outLines(), followed.outLines(), "every entry, once, in order");
        assertTrue(followed.out().contains("[cms]") && followed.out().contains("conflicts with another"),
                followed.toString());
        assertTrue(followed.err().contains("Deployment " + id + " ended Failed:"), followed.toString());
        assertTrue(followed.err().contains("error: kind=CLOUD_OPERATION"), followed.toString());
        assertFalse(followed.all().contains("NEWSECRET"), followed.toString());
    }

    @Test
    void followsACompletedDeploymentToSucceededAndExitsZero() {
        // Arrange
        host.register("prod");
        String id = start("follow-2", "ReadOnly");
        assertEquals(0, host.run("wait", "--id", id, "--until", "AwaitingVerification", "--poll", "5s",
                "--timeout", "2h").code());
        assertEquals(0, host.run("complete", "--id", id).code());

        // Act
        CliHarness.Result followed = host.run("log", "--id", id, "--follow", "--poll", "10s");
        CliHarness.Result whole = host.run("log", "--id", id);

        // Assert
        assertEquals(DeployCli.OK, followed.code(), followed.toString());
        assertEquals(whole.outLines(), followed.outLines(), followed.toString());
        assertTrue(followed.err().contains("Deployment " + id + " is Succeeded"), followed.toString());
    }

    @Test
    void followTimesOutWithExitFourWhenTheDeploymentDoesNotEnd() {
        // Arrange: the steps do not run, so the deployment stays where it is
        host.register("prod");
        String id = start("follow-3", "ReadOnly");
        host.queuesRun = false;

        // Act
        CliHarness.Result followed = host.run("log", "--id", id, "--follow", "--poll", "20s", "--timeout", "1m");

        // Assert
        assertEquals(DeployCli.TIMEOUT, followed.code(), followed.toString());
        assertTrue(followed.err().contains("Timed out after 1m00s: deployment " + id + " is InProgress"),
                followed.toString());
        assertEquals(3, host.pauses, "1 minute in pauses of 20 s");
        assertEquals(host.run("log", "--id", id).outLines(), followed.outLines(), followed.toString());
    }

    @Test
    void followInJsonModePrintsOneJsonObjectPerEntry() throws IOException {
        // Arrange
        host.register("prod");
        String id = start("follow-4", "ReadOnly");
        host.cloud.failNext("deployPackage", "cms-prod/staging", 1,
                new CloudException("Conflict", "the operation conflicts with another", false));

        // Act
        CliHarness.Result followed = host.run("log", "--id", id, "--follow", "--poll", "10s", "--timeout", "2h",
                "--output", "json");
        JsonNode whole = Json.mapper().readTree(host.run("log", "--id", id, "--output", "json").out());

        // Assert
        assertEquals(DeployCli.DEPLOYMENT_FAILED, followed.code(), followed.toString());
        List<JsonNode> entries = new ArrayList<>();
        for (String line : followed.outLines()) {
            entries.add(Json.mapper().readTree(line));
        }
        List<JsonNode> expected = new ArrayList<>();
        whole.path("lines").forEach(expected::add);
        assertEquals(expected, entries, followed.toString());
        assertTrue(followed.err().contains("ended Failed"), followed.toString());
    }

    @Test
    void anEntryCommittedBetweenTwoPrintedOnesIsPrintedTooAndEqualEntriesEachOnce() throws IOException {
        // Arrange: an API whose second log answer has an entry between two of the first answer's (a slower
        // writer's commit, as two step handlers may make), and a 503 in between that follow rides out
        String a = line("09:00:01", "first");
        String b = line("09:00:02", "late commit");
        String c = line("09:00:03", "same");
        List<String> logs = List.of("[" + a + "," + c + "," + c + "]", "[" + a + "," + b + "," + c + "," + c + "]");
        List<String> statuses = List.of("InProgress", "Failed");
        int[] polls = {0};
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/deployments/d1", exchange -> {
            boolean log = exchange.getRequestURI().getPath().endsWith("/log");
            int poll = polls[0];
            int status = 200;
            String body;
            if (!log && poll == 1) {
                status = 503;
                body = "{\"title\":\"Service unavailable\",\"status\":503,\"detail\":\"try again\"}";
                polls[0]++;
            } else if (log) {
                body = "{\"deploymentId\":\"d1\",\"lines\":" + logs.get(Math.min(poll, 2) / 2) + "}";
                polls[0]++;
            } else {
                body = "{\"id\":\"d1\",\"status\":\"" + statuses.get(Math.min(poll, 2) / 2) + "\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        try {
            // Act
            CliHarness.Result followed = host.run(Map.of(DeployCli.ENV_API, "http://127.0.0.1:"
                    + server.getAddress().getPort() + "/api"), "log", "--id", "d1", "--follow", "--poll", "1s");

            // Assert
            assertEquals(DeployCli.DEPLOYMENT_FAILED, followed.code(), followed.toString());
            assertEquals(List.of("2026-11-23T09:00:01Z INFO [cms] first", "2026-11-23T09:00:03Z INFO [cms] same",
                    "2026-11-23T09:00:03Z INFO [cms] same", "2026-11-23T09:00:02Z INFO [cms] late commit"),
                    followed.outLines(), followed.toString());
            assertTrue(followed.err().contains("warning: try again (1 in a row; still following)"),
                    followed.toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void followReadsALongLogAPageAtATimeAndEachPollOnlyFromShortlyBeforeWhereTheLastEnded() throws IOException {
        // Arrange: an API that pages: the first read has two pages (more, then not), the deployment ends on poll 2
        String a = line("09:00:01", "first");
        String b = line("09:00:02", "second");
        String c = line("09:30:00", "third");
        List<String> queries = new ArrayList<>();
        int[] statusReads = {0};
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/deployments/d1", exchange -> {
            String body;
            if (exchange.getRequestURI().getPath().endsWith("/log")) {
                String query = exchange.getRequestURI().getQuery();
                queries.add(query);
                if (query.equals("limit=100")) {
                    body = page("[" + a + "]", "2026-11-23T09:00:01.001Z", true);
                } else if (query.equals("limit=100&since=2026-11-23T09:00:01.001Z")) {
                    body = page("[" + b + "]", "2026-11-23T09:00:02.001Z", false);
                } else if (query.equals("limit=100&since=2026-11-23T08:55:02.001Z")) {
                    body = page("[" + a + "," + b + "," + c + "]", "2026-11-23T09:30:00.001Z", false);
                } else {
                    body = page("[]", null, false);
                }
            } else {
                body = "{\"id\":\"d1\",\"status\":\"" + (statusReads[0]++ == 0 ? "InProgress" : "Succeeded") + "\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        try {
            // Act
            CliHarness.Result followed = host.run(Map.of(DeployCli.ENV_API, "http://127.0.0.1:"
                    + server.getAddress().getPort() + "/api"), "log", "--id", "d1", "--follow", "--poll", "1s");

            // Assert: the second poll starts 5 minutes (the lock duration) before where the first ended
            assertEquals(DeployCli.OK, followed.code(), followed.toString());
            assertEquals(List.of("limit=100", "limit=100&since=2026-11-23T09:00:01.001Z",
                    "limit=100&since=2026-11-23T08:55:02.001Z"), queries);
            assertEquals(List.of("2026-11-23T09:00:01Z INFO [cms] first", "2026-11-23T09:00:02Z INFO [cms] second",
                    "2026-11-23T09:30:00Z INFO [cms] third"), followed.outLines(), followed.toString());
        } finally {
            server.stop(0);
        }
    }

    private static String page(String lines, String next, boolean more) {
        return "{\"deploymentId\":\"d1\",\"lines\":" + lines + ",\"next\":"
                + (next == null ? "null" : "\"" + next + "\"") + ",\"more\":" + more + "}";
    }

    private static String line(String time, String message) {
        return "{\"at\":\"2026-11-23T" + time + "Z\",\"level\":\"INFO\",\"webApp\":\"cms\","
                + "\"message\":\"" + message + "\"}";
    }

    private String start(String key, String mode) {
        CliHarness.Result started = host.run("start", "--environment", "prod", "--package", NEW_PACKAGE, "--sha256",
                SHA, "--mode", mode, "--idempotency-key", key);
        assertEquals(0, started.code(), started.toString());
        return started.out().strip();
    }
}
