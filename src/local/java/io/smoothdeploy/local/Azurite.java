package io.smoothdeploy.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The Azurite Table service (the Table storage emulator), run as a child process on a free loopback port
 * with in-memory persistence. Azurite is installed by {@code mvn generate-resources} (npm) under the
 * directory named by the system property {@code azurite.dir}, else {@code ./.tools/azurite}.
 *
 * <pre>{@code
 * try (Azurite azurite = Azurite.start()) {
 *     TableServiceClient tables = new TableServiceClientBuilder()
 *             .connectionString(azurite.connectionString()).buildClient();
 * }
 * }</pre>
 *
 * Azurite's own output is kept in memory (its tail goes into start-up errors), never printed. The
 * connection string carries the emulator's well-known development key: it is never logged, and
 * {@link #toString()} shows only the endpoint.
 */
public final class Azurite implements AutoCloseable {

    /** The system property naming Azurite's npm prefix directory. */
    public static final String DIR_PROPERTY = "azurite.dir";
    /** Optional system property: the node executable (default {@code node} on the PATH). */
    public static final String NODE_PROPERTY = "azurite.node";
    public static final Path DEFAULT_DIR = Paths.get(".tools", "azurite");
    public static final String ACCOUNT_NAME = "devstoreaccount1";
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    /** Azurite's documented development account key (public, the same for every installation). */
    private static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final String HOST = "127.0.0.1";
    private static final Path TABLE_MAIN = Paths.get("node_modules", "azurite", "dist", "src", "table", "main.js");
    private static final int START_ATTEMPTS = 3;
    private static final int TAIL_LINES = 40;
    private static final Logger LOG = Logger.getLogger(Azurite.class.getName());

    private final Process process;
    private final int port;
    private final Path workDir;
    private final OutputTail output;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private Azurite(Process process, int port, Path workDir, OutputTail output) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
        this.output = output;
        this.shutdownHook = new Thread(this::stop, "azurite-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts Azurite from the installation named by {@code azurite.dir} (else {@code ./.tools/azurite}). */
    public static Azurite start() {
        return start(locateInstallation(), DEFAULT_START_TIMEOUT);
    }

    /** Starts Azurite from the npm prefix directory {@code azuriteDir}, waiting up to {@code timeout}. */
    public static Azurite start(Path azuriteDir, Duration timeout) {
        Path script = azuriteDir.resolve(TABLE_MAIN);
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("Azurite is not installed in " + azuriteDir.toAbsolutePath()
                    + " (missing " + TABLE_MAIN + "): run `mvn generate-resources` to install it");
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(script, freePort(), timeout);
            } catch (PortTakenException e) {
                // Another process took the port between our probe and Azurite's bind: try another one.
                last = e;
            }
        }
        throw last;
    }

    /** The directory Azurite is installed in: the system property {@code azurite.dir}, else the default. */
    public static Path locateInstallation() {
        String configured = System.getProperty(DIR_PROPERTY);
        return configured == null || configured.isBlank() ? DEFAULT_DIR.toAbsolutePath() : Paths.get(configured);
    }

    private static Azurite startOnce(Path script, int port, Duration timeout) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("azurite-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a working directory for Azurite", e);
        }
        List<String> command = List.of(System.getProperty(NODE_PROPERTY, "node"), script.toString(),
                "--tableHost", HOST,
                "--tablePort", Integer.toString(port),
                "--inMemoryPersistence",
                "--skipApiVersionCheck",
                "--disableProductStyleUrl",
                "--disableTelemetry",
                "--silent");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            deleteQuietly(workDir);
            throw new IllegalStateException("cannot run node to start Azurite (is Node.js installed and on the "
                    + "PATH, or set -D" + NODE_PROPERTY + "?): " + e.getMessage(), e);
        }
        OutputTail output = new OutputTail(process.getInputStream(), "azurite-output-" + port);
        Azurite azurite = new Azurite(process, port, workDir, output);
        try {
            azurite.awaitListening(timeout);
            LOG.fine(() -> "Azurite Table service listening on " + HOST + ":" + port);
            return azurite;
        } catch (RuntimeException e) {
            azurite.close();
            throw e;
        }
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                output.awaitEnd();
                String tail = output.tail();
                if (tail.contains("EADDRINUSE")) {
                    throw new PortTakenException("Azurite could not listen on port " + port + ":\n" + tail);
                }
                throw new IllegalStateException("Azurite exited with code " + process.exitValue()
                        + " before listening on " + HOST + ":" + port + ". Its last output:\n" + tail);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 250);
                return;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Azurite did not listen on " + HOST + ":" + port + " within "
                        + timeout.toSeconds() + "s. Its last output:\n" + output.tail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Azurite to start", e);
            }
        }
    }

    /** The storage connection string of the emulator's development account. A secret in form: never log it. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT_NAME + ";AccountKey=" + ACCOUNT_KEY
                + ";TableEndpoint=" + tableEndpoint() + ";";
    }

    /** {@code http://127.0.0.1:<port>/devstoreaccount1}. */
    public String tableEndpoint() {
        return "http://" + HOST + ":" + port + "/" + ACCOUNT_NAME;
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return !closed && process.isAlive();
    }

    /** The last lines Azurite wrote (its access log is off; start-up messages and errors remain). */
    public String outputTail() {
        return output.tail();
    }

    /** Stops Azurite (its in-memory data is gone) and removes its working directory. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook runs (or ran) stop() anyway
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        deleteQuietly(workDir);
    }

    @Override
    public String toString() {
        return "Azurite[" + tableEndpoint() + (isRunning() ? "" : ", stopped") + "]";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(HOST, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port for Azurite", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary directory: best effort
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }

    /** Drains a process's output (so it never blocks on a full pipe) and keeps its last lines. */
    private static final class OutputTail {
        private final Deque<String> lines = new ArrayDeque<>();
        private final Thread reader;

        OutputTail(InputStream in, String threadName) {
            reader = new Thread(() -> drain(in), threadName);
            reader.setDaemon(true);
            reader.start();
        }

        private void drain(InputStream in) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.addLast(line);
                        if (lines.size() > TAIL_LINES) {
                            lines.removeFirst();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        void awaitEnd() {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String tail() {
            List<String> copy;
            synchronized (lines) {
                copy = new ArrayList<>(lines);
            }
            return copy.isEmpty() ? "(no output)" : String.join("\n", copy);
        }
    }
}
