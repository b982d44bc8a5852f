package io.smoothdeploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What the CLI says about itself, with no API at all: help per command, the version, refusals of the new
 * options, and the bash completion script (generated, then run by bash where there is one).
 */
class HelpAndCompletionTest {

    /** An API that cannot answer: every case here is refused or answered before any request. */
    private static final Map<String, String> NO_API = Map.of(DeployCli.ENV_API, "http://127.0.0.1:1/api");

    @Test
    void everyCommandHasItsOwnHelpListingEachOfItsOptions() {
        for (Map.Entry<String, CommandLine> entry : DeployCli.commandLine().getSubcommands().entrySet()) {
            // Act
            Run help = run(entry.getKey(), "--help");
            Run viaHelp = run("help", entry.getKey());
            Run withDeploy = run("deploy", entry.getKey(), "-h");

            // Assert
            assertEquals(0, help.code(), help.toString());
            assertTrue(help.out().startsWith("Usage: deploy " + entry.getKey()), help.toString());
            for (OptionSpec option : entry.getValue().getCommandSpec().options()) {
                assertTrue(help.out().contains(option.longestName()), option.longestName() + " in " + help);
            }
            assertEquals(help.out(), viaHelp.out(), "help " + entry.getKey());
            assertEquals(help.out(), withDeploy.out(), "deploy " + entry.getKey() + " -h");
            assertEquals("", help.err(), help.toString());
        }
    }

    @Test
    void theOverviewNamesEveryCommandAndTheNewOptions() {
        // Act
        Run help = run("--help");
        Run bare = run("help");

        // Assert
        assertEquals(0, help.code(), help.toString());
        for (String command : DeployCli.commandLine().getSubcommands().keySet()) {
            assertTrue(help.out().contains("  " + command + " "), command + " in " + help);
        }
        for (String text : List.of("--output json|text", "--follow", "completion bash", "--version",
                "deploy <command> --help", "Exit codes:")) {
            assertTrue(help.out().contains(text), text + " in " + help);
        }
        assertEquals(help.out(), bare.out());
    }

    @Test
    void versionPrintsTheProjectVersionFromThePom() throws IOException {
        // Arrange: the version the pom declares for this project (the first <version> after its artifactId)
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher declared = Pattern.compile("<artifactId>smooth-deploy</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertTrue(declared.find(), "pom.xml declares the project's version");

        // Act
        Run version = run("--version");
        Run shortVersion = run("-V");

        // Assert
        assertEquals(0, version.code(), version.toString());
        assertEquals("smooth-deploy " + declared.group(1), version.out().strip());
        assertEquals(version.out(), shortVersion.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "status --id d1 --output xml",
        "log --id d1 --timeout 5m",
        "log --id d1 --poll 5s",
        "log --id d1 --follow --poll 0s",
        "log --id d1 --follow --timeout soon",
        "support-bundle --id d1 --file a.json --output b.json",
        "wait --id d1 --output",
        "completion fish",
        "completion bash --command-name a;b",
        "help frobnicate",
        "help status wait",
        "--output xml status --id d1",
        "STATUS"
    })
    void badUsageOfTheNewOptionsExitsTwoBeforeAnyRequest(String line) {
        // Act
        Run result = run(line.split(" "));

        // Assert
        assertEquals(DeployCli.USAGE, result.code(), result.toString());
        assertTrue(result.err().startsWith("deploy: "), result.toString());
        assertTrue(result.err().contains("deploy --help"), result.toString());
        assertFalse(result.err().contains("could not be reached"), "refused before any request: " + result);
        assertEquals("", result.out(), result.toString());
    }

    @Test
    void aRefusedCommandLineThatEchoesTheKeyShowsItMasked() {
        // Arrange: completion takes no --key, so picocli's refusal quotes the key given to it
        String key = "fk_echoed_on_refusal_7Hq2-KeY==";

        // Act
        Run refused = run("completion", "bash", "--key", key);
        Run attached = run("completion", "bash", "--key=" + key);

        // Assert
        for (Run result : List.of(refused, attached)) {
            assertEquals(DeployCli.USAGE, result.code(), result.toString());
            assertTrue(result.err().contains("--key"), result.toString());
            assertTrue(result.err().contains(Masking.KEY_MASK), "the refusal quotes it, masked: " + result);
            assertFalse(result.err().contains(key), "the key was printed: " + result);
        }
    }

    @Test
    void aRefusalInACommandPointsToThatCommandsHelp() {
        // Act
        Run result = run("wait", "--id", "d1", "--until", "Done");

        // Assert
        assertEquals(DeployCli.USAGE, result.code(), result.toString());
        assertTrue(result.err().contains("--until must be AwaitingVerification, Succeeded, Reset, Cancelled,"
                        + " RolledBack, AwaitingResetVerification or terminal"),
                result.toString());
        assertTrue(result.err().contains("Run 'deploy wait --help' for its options."), result.toString());
    }

    @Test
    void theCompletionScriptNamesEverySubcommandAndTheirOptions() {
        // Act
        Run script = run("completion", "bash");
        Run named = run("completion", "bash", "--command-name", "smooth-deploy");

        // Assert
        assertEquals(0, script.code(), script.toString());
        assertTrue(script.out().contains("complete -F _complete_deploy"), script.out());
        CommandLine cli = DeployCli.commandLine();
        String commands = cli.getSubcommands().keySet().stream().reduce((a, b) -> a + " " + b).orElseThrow();
        assertTrue(script.out().contains("local commands=\"" + commands + "\""), "every subcommand: " + commands);
        for (Map.Entry<String, CommandLine> entry : cli.getSubcommands().entrySet()) {
            String function = "function _picocli_deploy_" + entry.getKey().replace("-", "") + "()";
            assertTrue(script.out().contains(function), function);
            for (OptionSpec option : entry.getValue().getCommandSpec().options()) {
                assertTrue(script.out().contains("'" + option.longestName() + "'"),
                        entry.getKey() + " " + option.longestName());
            }
        }
        assertEquals(0, named.code(), named.toString());
        assertTrue(named.out().contains("complete -F _complete_smooth-deploy"), named.out());
    }

    @Test
    void bashCompletesCommandsOptionsAndValuesWithTheScript(@TempDir Path dir) throws Exception {
        // Arrange: the script as a user would source it
        Path bash = Path.of("/bin/bash");
        assumeTrue(Files.isExecutable(bash), "bash is installed");
        Path script = Files.writeString(dir.resolve("deploy-completion.bash"), run("completion", "bash").out());
        String probe = String.join("\n",
                "source " + script,
                "complete_line() { COMP_WORDS=($1); [ -n \"$2\" ] && COMP_WORDS+=(\"\");"
                        + " COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE=\"$1\"; COMP_POINT=${#COMP_LINE};"
                        + " COMPREPLY=(); _complete_deploy 2>/dev/null; echo \"${COMPREPLY[*]}\"; }",
                "complete_line 'deploy wa'",
                "complete_line 'deploy support'",
                "complete_line 'deploy log --fo'",
                "complete_line 'deploy wait --until' next",
                "complete_line 'deploy status --output' next",
                "complete_line 'deploy start --mode' next");

        // Act
        Process process = new ProcessBuilder(bash.toString(), "-c", probe).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "bash ended");

        // Assert
        assertEquals(List.of("wait", "support-bundle", "--follow",
                "AwaitingVerification Succeeded Reset Cancelled RolledBack AwaitingResetVerification terminal",
                "json text", "ReadOnly ReadWrite MaintenancePage"), out.lines().toList(), out);
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = DeployCli.run(args, o, e, NO_API);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }
}
