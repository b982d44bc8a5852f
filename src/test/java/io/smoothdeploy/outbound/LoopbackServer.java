package io.smoothdeploy.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bare HTTP/1.1 server on 127.0.0.1 for the guarded client's tests: each connection's request head is recorded
 * and the handler writes whatever answer it likes (an endless body, a trickle, a redirect), counting what it wrote.
 */
final class LoopbackServer implements AutoCloseable {

    @FunctionalInterface
    interface Handler {
        void answer(String requestHead, OutputStream out, AtomicLong written) throws IOException;
    }

    private final ServerSocket server;
    private final Thread thread;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicLong bodyBytesWritten = new AtomicLong();

    LoopbackServer(Handler handler) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    String head = head(socket.getInputStream());
                    requests.add(head);
                    handler.answer(head, socket.getOutputStream(), bodyBytesWritten);
                } catch (IOException e) {
                    // the client went away (as it should, at a cap) or the server closed
                }
            }
        }, "loopback-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The base URL under a name the test maps to 127.0.0.1. */
    String url(String host, String path) {
        return "http://" + host + ":" + port() + path;
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
            if (matched == 4) {
                break;
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return text + new String(body, StandardCharsets.UTF_8);
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
