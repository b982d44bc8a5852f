package io.smoothdeploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI jar that {@code package} writes runs with {@code java -jar} alone: copied into an empty directory,
 * with an empty environment, it prints its usage, refuses a bad command line with exit code 2, and runs
 * azure-identity's sign-ins for {@code --audience}.
 */
class CliJarIT {

    @Test
    void theCliJarHoldsOnlyTheCliAndJsonOfOurOwnClassesAndNoLocalTooling() throws Exception {
        Path built = Path.of(System.getProperty("cliJar", "target/smooth-deploy-cli.jar"));
        assertTrue(Files.isRegularFile(built), "package writes " + built);
        java.util.List<String> own = new java.util.ArrayList<>();
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(built.toFile())) {
            jar.stream().map(java.util.jar.JarEntry::getName)
                    .filter(n -> n.startsWith("io/smoothdeploy/") && n.endsWith(".class")).forEach(own::add);
        }
        assertTrue(own.stream().anyMatch(n -> n.startsWith("io/smoothdeploy/cli/")), "no CLI class in " + built);
        assertTrue(own.stream().anyMatch(n -> n.startsWith("io/smoothdeploy/json/")), "no Json class in " + built);
        assertEquals(java.util.List.of(), own.stream()
                        .filter(n -> !n.startsWith("io/smoothdeploy/cli/") && !n.startsWith("io/smoothdeploy/json/")).toList(),
                "the CLI jar holds classes beyond the CLI and Json (the local tooling among them?)");
    }

    @Test
    void theCliJarRunsWithNoOtherFile(@TempDir Path empty) throws Exception {
        // Arrange
        Path built = Path.of(System.getProperty("cliJar", "target/smooth-deploy-cli.jar"));
        assertTrue(Files.isRegularFile(built), "package writes " + built);
        Path jar = Files.copy(built, empty.resolve("deploy.jar"), StandardCopyOption.REPLACE_EXISTING);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        // Act
        Run help = run(empty, java, "-jar", jar.toString(), "--help");
        Run bad = run(empty, java, "-jar", jar.toString(), "complete");

        // Assert
        assertEquals(0, help.code(), help.output());
        assertTrue(help.output().contains("Usage: deploy <command>"), help.output());
        assertTrue(help.output().contains("--accept-data-loss"), help.output());
        assertEquals(DeployCli.USAGE, bad.code(), bad.output());
        assertTrue(bad.output().contains("--api"), bad.output());
    }

    @Test
    void everyCommandsHelpTheVersionAndTheCompletionScriptComeFromTheJarAlone(@TempDir Path empty) throws Exception {
        // Arrange
        Path built = Path.of(System.getProperty("cliJar", "target/smooth-deploy-cli.jar"));
        assertTrue(Files.isRegularFile(built), "package writes " + built);
        Path jar = Files.copy(built, empty.resolve("deploy.jar"), StandardCopyOption.REPLACE_EXISTING);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> commands = List.of("start", "status", "wait", "complete", "reset", "cancel", "rollback", "log",
                "diagnosis", "timeline", "support-bundle", "environment", "environments", "deployments", "register",
                "delete-environment", "whoami", "completion", "help");

        // Act
        Run version = run(empty, java, "-jar", jar.toString(), "--version");
        Run completion = run(empty, java, "-jar", jar.toString(), "completion", "bash");

        // Assert
        for (String command : commands) {
            Run help = run(empty, java, "-jar", jar.toString(), command, "--help");
            assertEquals(0, help.code(), command + ": " + help.output());
            assertTrue(help.output().startsWith("Usage: deploy " + command), command + ": " + help.output());
            assertTrue(completion.output().contains(" " + command + " ") || completion.output().contains(" " + command
                    + "\""), command + " in the completion script");
        }
        assertEquals(0, version.code(), version.output());
        assertEquals("smooth-deploy " + System.getProperty("projectVersion", "0.1.0-SNAPSHOT"), version.output().strip());
        assertEquals(0, completion.code(), completion.output());
        assertTrue(completion.output().contains("complete -F _complete_deploy"), completion.output());
    }

    @Test
    void theTokenSignInRunsFromTheJarAloneAndSaysWhatToDoWithNoAzureSignIn(@TempDir Path empty) throws Exception {
        // Arrange: no variables at all, so no az on a PATH and no environment credential
        Path built = Path.of(System.getProperty("cliJar", "target/smooth-deploy-cli.jar"));
        assertTrue(Files.isRegularFile(built), "package writes " + built);
        Path jar = Files.copy(built, empty.resolve("deploy.jar"), StandardCopyOption.REPLACE_EXISTING);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        // Act: azure-identity (shaded into the jar) tries the sign-ins before any request is sent
        Run run = run(empty, java, "-jar", jar.toString(), "status", "--id", "d1", "--api",
                "https://127.0.0.1:1/api", "--audience", "api://smoothdeploy-test");

        // Assert
        assertEquals(DeployCli.API_ERROR, run.code(), run.output());
        assertTrue(run.output().startsWith("Sign-in error: no access token for the API"), run.output());
        assertTrue(run.output().contains("run az login"), run.output());
        assertTrue(run.output().contains("AzureCliCredential"), "the chain ran: " + run.output());
        assertFalse(run.output().contains("SLF4J"), "no logging notice: " + run.output());
        assertFalse(run.output().contains("NoClassDefFound") || run.output().contains("ClassNotFound"), run.output());
    }

    private static Run run(Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the CLI ended");
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private record Run(int code, String output) {
    }
}
