package io.smoothdeploy.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A stand-in for the API behind App Service authentication, on loopback: it records the credential headers of every
 * request and answers {@code GET /api/deployments/d1} with what {@code answer} gives for the request's number
 * (0, 1, ...). It checks nothing itself: the tests assert on what it recorded.
 */
final class RecordingApi implements AutoCloseable {

    /** One request as it arrived. */
    record Request(String method, String path, String authorization, String functionsKey) {
    }

    /** An answer: status, content type, body. */
    record Answer(int status, String contentType, String body) {

        static Answer deployment(String status) {
            return new Answer(200, "application/json", "{\"id\":\"d1\",\"status\":\"" + status + "\",\"stage\":\""
                    + (status.equals("InProgress") ? "WarmUp" : "AwaitVerification") + "\",\"percentComplete\":"
                    + (status.equals("InProgress") ? 60 : 80) + ",\"webApps\":[],\"errors\":[],\"warnings\":[],"
                    + "\"validationLinks\":[\"https://cms-staging.azurewebsites.net\"],"
                    + "\"allowedActions\":[\"Complete\",\"Reset\"]}");
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();

    RecordingApi(IntFunction<Answer> answer) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api", exchange -> {
            int number;
            synchronized (requests) {
                number = requests.size();
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("x-functions-key")));
            }
            Answer reply = answer.apply(number);
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            if (reply.contentType() != null) {
                exchange.getResponseHeaders().add("Content-Type", reply.contentType());
            }
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
