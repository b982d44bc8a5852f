package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The smaller holes of issue 17, tried over raw HTTP against the local host: a Location built from the caller's Host
 * header, a body read whole before its size is checked, and principal headers trusted with no platform
 * authentication in front.
 */
class SmallHolesTest {

    private static final int LIMIT = 256 * 1024;

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void theLocationOfAStartedDeploymentNeverComesFromTheHostHeader() throws IOException {
        // Arrange
        assertEquals(201, host.put("/environments/cms", LocalHostHarness.environmentBody(false)).status());
        byte[] body = LocalHostHarness.startBody("cms", LocalHostHarness.NEW_PACKAGE, null)
                .getBytes(StandardCharsets.UTF_8);

        // Act
        String answer = exchange("POST /api/deployments HTTP/1.1\r\nHost: evil.example:1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n",
                body, 20_000);

        // Assert
        assertTrue(answer.startsWith("HTTP/1.1 202"), answer);
        String location = header(answer, "Location");
        assertTrue(location.startsWith(host.stack.apiBase() + "/deployments/"), answer);
        assertTrue(!answer.contains("evil.example"), answer);
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedWithoutWaitingForIt() throws IOException {
        // Act: a Content-Length of 1 GB, and only a few bytes sent
        String answer = exchange("PUT /api/environments/cms HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n",
                "{\"webApps\":".getBytes(StandardCharsets.UTF_8), 10_000);

        // Assert
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("application/problem+json"), answer);
        assertEquals(0, host.rowsWritten());
    }

    @Test
    void anEndlessChunkedBodyIsCutAtTheLimitAndAnswered413() throws IOException {
        // Arrange: chunks past the limit, and the final chunk never sent
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        byte[] chunk = new byte[16 * 1024];
        Arrays.fill(chunk, (byte) ' ');
        for (int sent = 0; sent <= LIMIT + chunk.length; sent += chunk.length) {
            chunks.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunks.write(chunk);
            chunks.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        // Act
        String answer = exchange("PUT /api/environments/cms HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", chunks.toByteArray(), 10_000);

        // Assert
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertEquals(0, host.rowsWritten());
    }

    @Test
    void aPrincipalNameHeaderIsNotTrustedWithoutPlatformAuthentication() throws IOException {
        // Arrange: a deployment awaiting verification
        String id = host.registerAndStart("cms", false);
        host.runQueues();
        int rowsBefore = host.rowsWritten();
        byte[] body = "{\"acceptDataLoss\":true}".getBytes(StandardCharsets.UTF_8);

        // Act: the forged header, terminal escapes included
        String answer = exchange("POST /api/deployments/" + id + "/complete HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-MS-CLIENT-PRINCIPAL-NAME: ceo@example.com\u001b[31m FAKE\u001b[0m\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n",
                body, 20_000);

        // Assert
        assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
        assertEquals(rowsBefore, host.rowsWritten(), "a refused request writes nothing");
        assertEquals("AwaitingVerification", host.get("/deployments/" + id).json().get("status").asText());
        assertTrue(!host.get("/deployments/" + id + "/log").body().contains("FAKE"));
    }

    /** Sends {@code head} and {@code body} on a raw connection and reads the answer (head and body as text). */
    private String exchange(String head, byte[] body, int timeoutMillis) throws IOException {
        URI base = URI.create(host.stack.apiBase());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), base.getPort())) {
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(body);
                out.flush();
            } catch (IOException closedEarly) {
                // the server may stop reading and close once it has answered: read what it said
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    answer.write(buffer, 0, read);
                    if (complete(answer.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                if (answer.size() == 0) {
                    throw new AssertionError("no answer within " + timeoutMillis + " ms: the server is still reading");
                }
            } catch (IOException reset) {
                if (answer.size() == 0) {
                    throw reset;
                }
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** True once the head and a body of its Content-Length have arrived. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String length = header(text.substring(0, end), "Content-Length");
        return length == null || text.length() - end - 4 >= Integer.parseInt(length.strip());
    }

    private static String header(String answer, String name) {
        for (String line : answer.split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }
}
