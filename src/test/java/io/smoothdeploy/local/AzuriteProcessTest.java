package io.smoothdeploy.local;

import io.smoothdeploy.state.TableDeploymentStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableItem;
import io.smoothdeploy.testing.TestAzurite;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Azurite child process that the state tests (and the local host) run Table storage on. */
class AzuriteProcessTest {

    /** The development account key: public, but it must still never reach a log or a message. */
    private static final String ACCOUNT_KEY_PART = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq";

    @TempDir
    Path temp;

    @Test
    void startedAzuriteServesTablesOnItsOwnPortAndCloseStopsIt() {
        // Arrange
        Azurite azurite = Azurite.start();
        String table = TestAzurite.uniqueTableName("lifecycle");

        // Act
        List<String> names;
        try {
            TableServiceClient client = new TableServiceClientBuilder()
                    .connectionString(azurite.connectionString()).buildClient();
            client.createTable(table);
            names = client.listTables().stream().map(TableItem::getName).toList();
        } finally {
            azurite.close();
        }

        // Assert
        assertTrue(names.contains(table));
        assertFalse(azurite.isRunning());
        assertFalse(accepts(azurite.port()), "nothing listens on the port after close()");
        azurite.close(); // closing twice is harmless
    }

    @Test
    void connectionStringPointsAtTheLoopbackTableEndpointAndToStringHidesTheKey() {
        // Arrange
        Azurite azurite = TestAzurite.azurite();

        // Act
        String connectionString = azurite.connectionString();

        // Assert
        assertTrue(connectionString.contains("AccountName=devstoreaccount1;"));
        assertTrue(connectionString.contains("TableEndpoint=http://127.0.0.1:" + azurite.port() + "/devstoreaccount1;"));
        assertFalse(azurite.toString().contains(ACCOUNT_KEY_PART), azurite.toString());
        assertTrue(azurite.toString().contains(azurite.tableEndpoint()));
    }

    @Test
    void missingInstallationFailsWithAHintToRunGenerateResources() {
        // Act
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Azurite.start(temp.resolve("nowhere"), Duration.ofSeconds(5)));

        // Assert
        assertTrue(e.getMessage().contains("mvn generate-resources"), e.getMessage());
    }

    @Test
    void azuriteThatDiesAtStartFailsWithTheTailOfItsOutput() throws IOException {
        // Arrange: a stand-in for Azurite's table entry point that fails the way a broken install would
        Path dir = fakeInstallation("console.error('boom: cannot load module'); process.exit(3);");

        // Act
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Azurite.start(dir, Duration.ofSeconds(20)));

        // Assert
        assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
        assertTrue(e.getMessage().contains("boom: cannot load module"), e.getMessage());
    }

    @Test
    void azuriteThatNeverListensTimesOutWithItsOutputAndIsStopped() throws IOException {
        // Arrange
        Path dir = fakeInstallation("console.log('starting slowly'); setInterval(() => {}, 1000);");

        // Act
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Azurite.start(dir, Duration.ofSeconds(2)));

        // Assert
        assertTrue(e.getMessage().contains("did not listen"), e.getMessage());
        assertTrue(e.getMessage().contains("starting slowly"), e.getMessage());
        assertTrue(ProcessHandle.current().children()
                .noneMatch(p -> p.info().commandLine().orElse("").contains(dir.toString())),
                "the stand-in process was stopped");
    }

    @Test
    void storeErrorsNeverCarryTheConnectionString() {
        // Arrange: an Azurite that has stopped, so every call fails
        Azurite stopped = Azurite.start();
        String connectionString = stopped.connectionString();
        stopped.close();

        // Act
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> TableDeploymentStore.connect(connectionString, "state", "index"));

        // Assert
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertFalse(trace.toString().contains(ACCOUNT_KEY_PART), trace.toString());
        assertFalse(trace.toString().contains("AccountKey"), trace.toString());
        assertTrue(e.getMessage().contains("create table state"), e.getMessage());
    }

    @Test
    void invalidConnectionStringIsRejectedWithoutQuotingIt() {
        // Act
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TableDeploymentStore.connect("not a connection string;AccountKey=" + ACCOUNT_KEY_PART, "s", "i"));

        // Assert
        assertFalse(e.getMessage().contains(ACCOUNT_KEY_PART), e.getMessage());
        assertEquals(null, e.getCause());
    }

    private Path fakeInstallation(String script) throws IOException {
        Path dir = temp.resolve("fake-azurite");
        Path main = dir.resolve("node_modules/azurite/dist/src/table/main.js");
        Files.createDirectories(main.getParent());
        Files.writeString(main, script);
        return dir;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
