package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One failing deployment per known cause, each reproduced on the real Azure path (the ARM adapter against the
 * local Azure emulator, packages running in loopback slots): the status and the diagnosis endpoint name the
 * cause, quote the real error as evidence, and give the advice.
 */
class FailureDiagnosisTest {

    private static final SamplePackage OLD = SamplePackage.of("cms", "1.0");
    private static final SamplePackage NEW = SamplePackage.of("cms", "2.0");

    private EmulatorHarness azure;

    @AfterEach
    void stop() {
        if (azure != null) {
            azure.close();
        }
    }

    /**
     * @param cause    the expected diagnosis
     * @param quote    text of the real error that some evidence line must quote
     * @param advice   the expected advice
     * @param old      the package production runs
     * @param next     the package deployed
     * @param mode     the deployment mode
     * @param arrange  faults injected before the start
     */
    record Case(String cause, String quote, String advice, SamplePackage old, SamplePackage next, String mode,
                Consumer<EmulatorHarness> arrange) {

        @Override
        public String toString() {
            return cause;
        }
    }

    static Stream<Arguments> causes() {
        String startup = "System.InvalidOperationException: Unable to resolve service for type 'ICache'";
        return Stream.of(
                new Case("ReadOnlyNotSupported", "HTTP 500 Database is in read-only mode", "RetrySamePackage",
                        SamplePackage.of("cms", "1.0").supportsReadOnly(false), NEW, "ReadOnly", h -> { }),
                new Case("WarmUpFailed", "HTTP 503 Service Unavailable: warming up", "RetrySamePackage",
                        OLD, SamplePackage.of("cms", "2.0").coldStartSeconds(600), "ReadOnly", h -> { }),
                new Case("StartupError", "HTTP 500 " + startup, "DeployFixedPackage",
                        OLD, SamplePackage.of("cms", "2.0").startupFailure(startup), "ReadOnly", h -> { }),
                new Case("IpFilter", "HTTP 403 Forbidden: IP address not allowed", "RetrySamePackage",
                        OLD, SamplePackage.of("cms", "2.0").ipFilter("X-Azure-FDID", "front-door-id"), "ReadOnly",
                        h -> { }),
                new Case("MigrationFailure", "Migration 42 failed: cannot drop column Title", "DeployFixedPackage",
                        OLD, SamplePackage.of("cms", "2.0").migrationFailure("Migration 42 failed: cannot drop column Title"),
                        "ReadOnly", h -> { }),
                new Case("DeploymentCredentials", "HTTP 503", "RetrySamePackage", OLD, NEW, "ReadOnly",
                        h -> h.emulator.failNextTokenRequests(50, 503)),
                new Case("PackageMismatch", "SHA-256", "DeployFixedPackage", OLD, NEW, "ReadOnly",
                        h -> h.emulator.tamperPackage("cms-2.0.zip"))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("causes")
    void eachCauseIsDiagnosedWithTheRealErrorAsEvidenceAndItsAdvice(Case example) {
        // Arrange
        azure = new EmulatorHarness(example.old(), example.next());
        azure.environmentExtras = ",\"transientRetryLimit\":2";
        example.arrange().accept(azure);
        String id = azure.start("cms-2.0.zip", example.mode());

        // Act
        azure.runQueues();
        JsonNode status = azure.http.get("/deployments/" + id).json();
        JsonNode answer = azure.http.get("/deployments/" + id + "/diagnosis").json();

        // Assert
        assertEquals("Failed", status.get("status").asText(), status.toString());
        JsonNode diagnosis = answer.get("diagnosis");
        assertEquals(example.cause(), diagnosis.get("cause").asText(), diagnosis.toString());
        assertEquals(example.advice(), diagnosis.get("advice").asText(), diagnosis.toString());
        List<String> evidence = new ArrayList<>();
        diagnosis.get("evidence").forEach(e -> evidence.add(e.asText()));
        assertTrue(evidence.stream().anyMatch(e -> e.contains(example.quote())),
                "some evidence quotes '" + example.quote() + "': " + evidence);
        assertEquals(diagnosis, status.get("diagnosis"), "the status carries the same diagnosis");
        assertTrue(diagnosis.get("fix").asText().length() > 20, diagnosis.toString());
        assertEquals("cms/1.0", azure.productionPackage(), "production still runs the old package");
    }

    /**
     * Issue 14: the diagnosis reads fields, not words. The same failures run again with every log line and error
     * the steps write stored in other words (each reversed, so no phrase of the old wording survives); the
     * diagnosis gives the same cause, advice, summary, fix and affected web apps, and quotes as many lines.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("causes")
    void rewordingEveryLineTheStepsWriteLeavesTheDiagnosisAsItWas(Case example) {
        JsonNode plain = diagnosisOf(example, java.util.function.UnaryOperator.identity());
        JsonNode reworded = diagnosisOf(example, store -> new io.smoothdeploy.testing.FaultyStore(store)
                .rewordCommits(FailureDiagnosisTest::reworded));

        assertEquals(example.cause(), plain.get("cause").asText(), plain.toString());
        for (String field : List.of("cause", "advice", "summary", "fix", "affectedWebApps")) {
            assertEquals(plain.get(field), reworded.get(field), field + " with the log reworded: " + reworded);
        }
        assertEquals(plain.get("evidence").size(), reworded.get("evidence").size(), reworded.toString());
        assertTrue(reworded.get("evidence").get(0).asText().contains(REWORDED),
                "the evidence quotes the reworded text, so the rewording took effect: " + reworded);
    }

    private static final String REWORDED = "\u00a7";

    private static String reworded(String text) {
        return text.startsWith(REWORDED) ? text : REWORDED + new StringBuilder(text).reverse();
    }

    private JsonNode diagnosisOf(Case example,
                                 java.util.function.UnaryOperator<io.smoothdeploy.engine.port.DeploymentStore> store) {
        try (EmulatorHarness run = new EmulatorHarness(store, Map.of(), null, example.old(), example.next())) {
            run.environmentExtras = ",\"transientRetryLimit\":2";
            example.arrange().accept(run);
            String id = run.start("cms-2.0.zip", example.mode());
            run.runQueues();
            JsonNode status = run.http.get("/deployments/" + id).json();
            assertEquals("Failed", status.get("status").asText(), status.toString());
            return run.http.get("/deployments/" + id + "/diagnosis").json().get("diagnosis");
        }
    }

    @Test
    void transientCredentialFailureTwiceSucceedsOnTheThirdTryWithTwoRetryLines() {
        // Arrange: the managed-identity token endpoint fails twice, then answers
        azure = new EmulatorHarness(OLD, NEW);
        azure.environmentExtras = ",\"transientRetryLimit\":2";
        azure.emulator.failNextTokenRequests(2, 503);
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();

        // Assert
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("AwaitingVerification", status.get("status").asText(), status.toString());
        List<String> retries = retryLines(id);
        assertEquals(2, retries.size(), retries.toString());
        assertTrue(retries.get(0).contains("retry 1 of 2") && retries.get(1).contains("retry 2 of 2"), retries.toString());
        assertEquals(2, azure.http.get("/deployments/" + id + "/timeline").json().get("retries").asInt(),
                "the timeline counts the retries from the lines' event, not their words");
    }

    @Test
    void credentialFailurePastTheLimitFailsWithDeploymentCredentialsAndRetrySamePackage() {
        // Arrange: one failure more than the environment's two retries allow
        azure = new EmulatorHarness(OLD, NEW);
        azure.environmentExtras = ",\"transientRetryLimit\":2";
        azure.emulator.failNextTokenRequests(3, 503);
        String id = azure.start("cms-2.0.zip", "ReadOnly");

        // Act
        azure.runQueues();

        // Assert
        JsonNode status = azure.http.get("/deployments/" + id).json();
        assertEquals("Failed", status.get("status").asText(), status.toString());
        assertEquals("CREDENTIALS", status.get("errors").get(0).get("kind").asText());
        assertEquals("DeploymentCredentials", status.get("diagnosis").get("cause").asText());
        assertEquals("RetrySamePackage", status.get("diagnosis").get("advice").asText());
        assertEquals(2, retryLines(id).size());
    }

    private List<String> retryLines(String id) {
        List<String> lines = new ArrayList<>();
        azure.http.get("/deployments/" + id + "/log").json().get("lines").forEach(l -> {
            if (l.get("message").asText().startsWith("Transient failure in ")) {
                lines.add(l.get("message").asText());
            }
        });
        return lines;
    }
}
