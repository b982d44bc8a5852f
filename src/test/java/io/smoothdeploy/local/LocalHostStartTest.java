package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A local host that cannot start says why and exits, instead of hanging. */
class LocalHostStartTest {

    @Test
    void aTakenPortEndsTheLocalHostWithExitOneAndTheReason() throws Exception {
        // Arrange: something already listens on the port
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "-Dport=" + taken.getLocalPort(), LocalHost.class.getName())).redirectErrorStream(true);

            // Act
            Process process = builder.start();
            boolean ended = process.waitFor(20, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            // Assert
            assertTrue(ended, "the local host exits on its own: " + output);
            assertEquals(1, process.exitValue(), output);
            assertTrue(output.contains("port " + taken.getLocalPort() + " is taken"), output);
            assertTrue(output.contains("-Dport="), output);
        }
    }
}
