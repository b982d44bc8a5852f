package io.smoothdeploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a pipeline step runs it after {@code az login}: a child process whose only Azure sign-in is the Azure
 * CLI, here a fake {@code az} first on its PATH. azure-identity's AzureCliCredential runs
 * {@code az account get-access-token --output json --resource <audience>} through {@code /bin/sh -c} and reads
 * {@code accessToken} and {@code expires_on} (epoch seconds; {@code expiresOn} as local time for older az) from its
 * JSON, the output documented for the command
 * (https://learn.microsoft.com/cli/azure/account#az-account-get-access-token); with no session az exits non-zero
 * saying "Please run 'az login' to setup account.", which the credential takes as "unavailable". The API is a
 * {@link RecordingApi} on loopback.
 */
class AzureCliSignInTest {

    private static final String AUDIENCE = "api://smoothdeploy-test";
    private static final String TOKEN_PREFIX = "eyJ0eXAi.fake-az-token-";

    @TempDir
    Path dir;

    @Test
    void aCommandGetsItsTokenFromAzOnceAndSendsItAsBearer() throws Exception {
        // Arrange
        Path bin = fakeAz(3600, true);
        try (RecordingApi api = new RecordingApi(n -> RecordingApi.Answer.deployment("InProgress"))) {
            // Act
            Run run = cli(bin, api, "status", "--id", "d1");

            // Assert
            assertEquals(DeployCli.OK, run.code(), run.output());
            assertEquals(List.of("account get-access-token --output json --resource " + AUDIENCE), calls(bin));
            assertEquals(1, api.requests().size());
            assertEquals("Bearer " + TOKEN_PREFIX + "1", api.requests().get(0).authorization());
            assertNull(api.requests().get(0).functionsKey());
            assertFalse(run.output().contains(TOKEN_PREFIX), "the token was printed: " + run.output());
            assertFalse(run.output().contains("Azure Identity"), "the SDK's log lines stay off: " + run.output());
        }
    }

    @Test
    void aLongWaitRenewsTheTokenBeforeItExpiresAndNotOnEveryPoll() throws Exception {
        // Arrange: az hands out tokens that are due for renewal 4 seconds after they are made (renewal comes
        // AccessTokens.RENEW_BEFORE ahead of expiry); wait polls every second, ten times
        Path bin = fakeAz(AccessTokens.RENEW_BEFORE.toSeconds() + 4, true);
        try (RecordingApi api = new RecordingApi(n -> RecordingApi.Answer.deployment(n < 10 ? "InProgress"
                : "AwaitingVerification"))) {
            // Act
            Run run = cli(bin, api, "wait", "--id", "d1", "--until", "AwaitingVerification", "--timeout", "2m",
                    "--poll", "1s");

            // Assert
            assertEquals(DeployCli.OK, run.code(), run.output());
            List<String> sent = api.requests().stream().map(RecordingApi.Request::authorization).toList();
            List<String> tokens = new ArrayList<>(new LinkedHashSet<>(sent));
            assertTrue(tokens.size() >= 2, "renewed during the wait: " + sent);
            for (int i = 0; i < tokens.size(); i++) {
                assertEquals("Bearer " + TOKEN_PREFIX + (i + 1), tokens.get(i), "in the order az made them: " + sent);
            }
            int used = 0;
            for (String token : tokens) {
                int from = sent.indexOf(token);
                int to = sent.lastIndexOf(token);
                assertEquals(to - from + 1, (int) sent.stream().filter(token::equals).count(),
                        "a token is not taken up again once renewed: " + sent);
                used += to - from + 1;
            }
            assertEquals(sent.size(), used);
            assertEquals(tokens.size(), calls(bin).size(), "az is asked once per token");
            assertTrue(calls(bin).size() < sent.size(), "not once per request: " + sent);
            assertFalse(run.output().contains(TOKEN_PREFIX), "a token was printed: " + run.output());
        }
    }

    @Test
    void withNoAzSessionTheCliSaysToRunAzLoginAndSendsNothing() throws Exception {
        // Arrange
        Path bin = fakeAz(3600, false);
        try (RecordingApi api = new RecordingApi(n -> RecordingApi.Answer.deployment("InProgress"))) {
            // Act
            Run run = cli(bin, api, "status", "--id", "d1");

            // Assert
            assertEquals(DeployCli.API_ERROR, run.code(), run.output());
            assertTrue(run.output().contains("Sign-in error: no access token for the API"), run.output());
            assertTrue(run.output().contains("no Azure sign-in was found to get a token for " + AUDIENCE),
                    run.output());
            assertTrue(run.output().contains("run az login"), run.output());
            assertEquals(1, calls(bin).size(), "az was asked");
            assertEquals(List.of(), api.requests());
        }
    }

    /** A fake az in a folder of its own: tokens valid for {@code lifetime} seconds, or no session. */
    private Path fakeAz(long lifetime, boolean signedIn) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String script = String.join("\n",
                "#!/bin/sh",
                "dir=$(dirname \"$0\")",
                "echo \"$*\" >> \"$dir/calls\"",
                signedIn ? "" : "echo \"ERROR: Please run 'az login' to setup account.\" >&2; exit 1",
                "n=$(wc -l < \"$dir/calls\" | tr -d ' ')",
                "exp=$(( $(date +%s) + " + lifetime + " ))",
                "local=$(date -d \"@$exp\" '+%Y-%m-%d %H:%M:%S.000000')",
                "printf '{\"accessToken\": \"" + TOKEN_PREFIX + "%s\", \"expiresOn\": \"%s\", \"expires_on\": %s,"
                        + " \"subscription\": \"00000000-0000-0000-0000-000000000000\","
                        + " \"tenant\": \"11111111-1111-1111-1111-111111111111\", \"tokenType\": \"Bearer\"}\\n'"
                        + " \"$n\" \"$local\" \"$exp\"",
                "");
        Path az = bin.resolve("az");
        Files.writeString(az, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(az, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private static List<String> calls(Path bin) throws IOException {
        Path calls = bin.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls, StandardCharsets.UTF_8) : List.of();
    }

    /** The CLI in a child JVM whose environment holds only PATH (the fake az first), HOME and the API's settings. */
    private Run cli(Path bin, RecordingApi api, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), DeployCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("HOME", dir.toString());
        env.put(DeployCli.ENV_API, api.base());
        env.put(DeployCli.ENV_AUDIENCE, AUDIENCE);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the CLI ended");
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private record Run(int code, String output) {
    }
}
