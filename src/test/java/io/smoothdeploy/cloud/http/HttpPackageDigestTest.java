package io.smoothdeploy.cloud.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.outbound.GuardedHttp;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.local.emulator.AzureEmulator;
import io.smoothdeploy.local.emulator.RecordedRequest;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package digest over real loopback HTTP: the emulator serves the package directory on its own server,
 * and {@link AzureEmulator#packageDownloadUri} rewrites each package URI (SAS included) to that route.
 */
class HttpPackageDigestTest {

    private static final String SECRET = "SECRET-signature-9f8e7d";
    private static final String SAS = "?sv=2024-05-04&se=2030-01-01&sp=r&sig=" + SECRET;
    private static final String BIG = "https://packages.example.com/releases/cms-big.zip" + SAS;
    private static final String CMS = "https://packages.example.com/releases/cms-1.0.zip" + SAS;
    private static final String MISSING = "https://packages.example.com/releases/missing.zip" + SAS;
    private static final int BIG_SIZE = 3 * 1024 * 1024 + 17;
    private static final HttpPackageDigest.Limits LIMITS = new HttpPackageDigest.Limits(64L * 1024 * 1024,
            Duration.ofSeconds(20), Duration.ofSeconds(5));

    @TempDir
    Path packages;

    private AzureEmulator emulator;
    private HttpPackageDigest digest;
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger logger = Logger.getLogger(HttpPackageDigest.class.getName());

    @BeforeEach
    void start() throws IOException {
        byte[] big = new byte[BIG_SIZE];
        new Random(42).nextBytes(big);
        System.arraycopy(new byte[] {'P', 'K', 3, 4}, 0, big, 0, 4); // a zip's local file header signature
        Files.write(packages.resolve("cms-big.zip"), big);
        SamplePackage.of("cms", "1.0").writeTo(packages.resolve("cms-1.0.zip"));
        emulator = AzureEmulator.start(new ManualClock());
        emulator.servePackagesFrom(packages);
        digest = new HttpPackageDigest(GuardedHttp.localHost(), emulator::packageDownloadUri, LIMITS, 1024 * 1024);
        logger.addHandler(capture);
        logger.setLevel(Level.ALL);
    }

    @AfterEach
    void stop() {
        logger.removeHandler(capture);
        logger.setLevel(null);
        emulator.close();
    }

    @Test
    void theDigestOfAServedPackageIsTheSha256OfItsBytes() throws Exception {
        // Act
        String cms = digest.sha256(CMS);
        String big = digest.sha256(BIG);

        // Assert
        assertEquals(sha256(packages.resolve("cms-1.0.zip")), cms);
        assertEquals(sha256(packages.resolve("cms-big.zip")), big);
        assertTrue(big.matches("[0-9a-f]{64}"), big);
        List<RecordedRequest> downloads = emulator.requests();
        assertEquals(List.of("/_emulator/packages/cms-1.0.zip", "/_emulator/packages/cms-big.zip"),
                downloads.stream().map(RecordedRequest::path).toList());
        assertTrue(downloads.stream().allMatch(r -> r.operation().equals("downloadPackage") && r.status() == 200));
    }

    @Test
    void aTamperedPackageGivesAnotherDigest() throws Exception {
        // Arrange
        String before = digest.sha256(CMS);

        // Act
        emulator.tamperPackage("cms-1.0.zip");
        String after = digest.sha256(CMS);

        // Assert
        String file = sha256(packages.resolve("cms-1.0.zip"));
        assertEquals(file, before);
        assertNotEquals(file, after, "the download differs from the file, which is unchanged");
        assertEquals(sha256(packages.resolve("cms-big.zip")), digest.sha256(BIG),
                "other packages are served as they are");
    }

    @Test
    void aMissingPackageIsAPermanentPackageNotFoundWithoutItsSas() {
        // Act
        CloudException e = assertThrows(CloudException.class, () -> digest.sha256(MISSING));

        // Assert
        assertEquals("PackageNotFound", e.code());
        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("https://packages.example.com/releases/missing.zip?<redacted>"),
                e.getMessage());
        assertTrue(e.getMessage().contains("is not reachable"), e.getMessage());
        assertFalse(e.getMessage().contains("BlobNotFound") || e.getMessage().contains("404"),
                "what answered is not quoted: " + e.getMessage());
        assertFalse(e.getMessage().contains("sig="), e.getMessage());
        assertEquals(404, emulator.requests().get(0).status());
    }

    @Test
    void anInjectedServiceUnavailableIsTransientAndTheNextTrySucceeds() throws Exception {
        // Arrange
        emulator.failNext("downloadPackage", 1, 503, "ServerBusy");

        // Act
        CloudException e = assertThrows(CloudException.class, () -> digest.sha256(CMS));
        String retried = digest.sha256(CMS);

        // Assert
        assertEquals("PackageNotReachable", e.code());
        assertTrue(e.isTransient());
        assertTrue(e.getMessage().contains("is not reachable for now"), e.getMessage());
        assertFalse(e.getMessage().contains("503") || e.getMessage().contains("ServerBusy"), e.getMessage());
        assertEquals(sha256(packages.resolve("cms-1.0.zip")), retried);
    }

    @Test
    void throttlingIsTransientAndOtherClientErrorsArePermanent() {
        // Arrange
        emulator.failNext("downloadPackage", 1, 429, "TooManyRequests");
        emulator.failNext("downloadPackage", 1, 400, "InvalidQueryParameterValue");

        // Act
        CloudException throttled = assertThrows(CloudException.class, () -> digest.sha256(CMS));
        CloudException invalid = assertThrows(CloudException.class, () -> digest.sha256(CMS));

        // Assert
        assertTrue(throttled.isTransient());
        assertEquals("PackageNotReachable", invalid.code());
        assertFalse(invalid.isTransient());
    }

    @Test
    void aForbiddenDownloadIsAPermanentAccessDeniedThatBlamesTheSas() {
        // Arrange
        emulator.failNext("downloadPackage", 1, 403, "AuthenticationFailed");

        // Act
        CloudException e = assertThrows(CloudException.class, () -> digest.sha256(CMS));

        // Assert
        assertEquals("PackageAccessDenied", e.code());
        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("SAS"), e.getMessage());
        assertFalse(e.getMessage().contains("AuthenticationFailed") || e.getMessage().contains("403"),
                e.getMessage());
    }

    @Test
    void aDownloadThatStallsFailsAsATransientTimeoutAfterTheIdleLimit() {
        // Arrange
        emulator.addLatency("downloadPackage", Duration.ofSeconds(3));
        HttpPackageDigest impatient = new HttpPackageDigest(GuardedHttp.localHost(), emulator::packageDownloadUri,
                new HttpPackageDigest.Limits(LIMITS.maxBytes(), Duration.ofSeconds(20), Duration.ofMillis(300)));

        // Act
        long started = System.nanoTime();
        CloudException e = assertThrows(CloudException.class, () -> impatient.sha256(CMS));
        long millis = (System.nanoTime() - started) / 1_000_000;

        // Assert
        assertEquals("PackageNotReachable", e.code());
        assertTrue(e.getMessage().contains("nothing arrived"), e.getMessage());
        assertTrue(e.isTransient());
        assertTrue(millis < 2500, "gave up after " + millis + " ms");
    }

    @Test
    void aRefusedConnectionIsTransient() throws IOException {
        // Arrange
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HttpPackageDigest nowhere = new HttpPackageDigest(GuardedHttp.localHost(),
                uri -> URI.create("http://127.0.0.1:" + closedPort + uri.getRawPath() + "?" + uri.getRawQuery()),
                LIMITS);

        // Act
        CloudException e = assertThrows(CloudException.class, () -> nowhere.sha256(CMS));

        // Assert
        assertEquals("PackageNotReachable", e.code());
        assertTrue(e.isTransient());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void aUriThatIsNotHttpIsAPermanentInvalidPackageUri() {
        // Act
        CloudException e = assertThrows(CloudException.class, () -> digest.sha256("ftp://files.example/cms.zip" + SAS));

        // Assert
        assertEquals("InvalidPackageUri", e.code());
        assertFalse(e.isTransient());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void theSasNeverReachesAMessageTheRequestLogOrALogLine() {
        // Arrange
        emulator.failNext("downloadPackage", 1, 503, "ServerBusy");
        emulator.failNext("downloadPackage", 1, 403, "AuthorizationPermissionMismatch");
        List<String> messages = new ArrayList<>();

        // Act
        for (String uri : List.of(BIG, BIG, MISSING, "not a uri " + SAS, "ftp://x.example/a.zip" + SAS)) {
            try {
                digest.sha256(uri);
            } catch (CloudException e) {
                messages.add(e.getMessage());
                assertEquals(null, e.getCause(), "a cause could carry the URI into a stack trace");
            }
        }
        digest.sha256(BIG);

        // Assert
        assertEquals(5, messages.size(), messages.toString());
        messages.forEach(m -> assertFalse(m.contains(SECRET), m));
        emulator.requests().forEach(r -> assertFalse(r.toString().contains(SECRET) || r.path().contains(SECRET)
                || String.valueOf(r.apiVersion()).contains(SECRET), r.toString()));
        List<String> lines = logged.stream().map(HttpPackageDigestTest::text).toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("Downloading package https://packages.example.com/"
                + "releases/cms-big.zip?<redacted>: 1 MB")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Downloaded package")), lines.toString());
        lines.forEach(l -> assertFalse(l.contains(SECRET) || l.contains("sig="), l));
    }

    private static String text(LogRecord record) {
        return record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown());
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
