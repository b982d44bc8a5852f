package io.smoothdeploy.local.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import io.smoothdeploy.local.Journal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The emulator's stand-in for App Service's managed-identity endpoint, at {@link AzureEmulator#TOKEN_PATH}:
 * {@code GET} or {@code POST ?resource=…} answers {@code {"access_token", "expires_on" (epoch seconds),
 * "resource", "token_type": "Bearer"}} with a fresh opaque token that lives {@link #LIFETIME} on the emulator's
 * clock. It also decides what the ARM routes make of an {@code Authorization} header ({@link #refusal}): a
 * request without one is served (the emulator predates tokens, and most tests need none), one with a token
 * this endpoint issued and that has not expired is served, anything else is refused with a 401 as ARM does.
 *
 * <p>Faults: {@link #failNext} makes the next requests answer an error status, as an identity endpoint that
 * is down or refuses the app does. Every request is recorded, with operation {@code getToken}.
 *
 * <p>Thread-safe: one monitor guards the issued tokens, the faults and the log.
 */
final class TokenEndpoint implements HttpHandler {

    static final Duration LIFETIME = Duration.ofHours(1);
    static final String OPERATION = "getToken";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    /** Why ARM refuses a request's token: its 401 error code and message. */
    record Refusal(String code, String message) {
    }

    private final AzureEmulator emulator;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> issued = new HashMap<>();
    private final Deque<Integer> faults = new ArrayDeque<>();
    private final Journal<RecordedRequest> requests = new Journal<>();

    TokenEndpoint(AzureEmulator emulator) {
        this.emulator = emulator;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String query = exchange.getRequestURI().getRawQuery();
            String resource = queryParameter(query, "resource");
            int status;
            ObjectNode body = JSON.createObjectNode();
            synchronized (this) {
                Integer fault = faults.poll();
                if (!method.equals("GET") && !method.equals("POST")) {
                    status = 405;
                    body.put("error", "invalid_request").put("error_description", "Use GET or POST.");
                } else if (fault != null) {
                    status = fault;
                    body.put("error", status >= 500 ? "service_unavailable" : "invalid_request")
                            .put("error_description", "Injected fault on " + OPERATION);
                } else if (resource == null || resource.isBlank()) {
                    status = 400;
                    body.put("error", "invalid_request").put("error_description", "The resource parameter is required.");
                } else {
                    status = 200;
                    Instant expiresOn = emulator.clock.instant().plus(LIFETIME);
                    byte[] secret = new byte[16];
                    random.nextBytes(secret);
                    String token = "emulator-token-" + HEX.formatHex(secret);
                    issued.put(token, expiresOn);
                    body.put("access_token", token)
                            .put("expires_on", Long.toString(expiresOn.getEpochSecond()))
                            .put("resource", resource)
                            .put("token_type", "Bearer");
                }
                requests.add(new RecordedRequest(method, exchange.getRequestURI().getPath(),
                        queryParameter(query, "api-version"), OPERATION, status));
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            // a fresh connection each time: on a kept-alive one the body would wait for a delayed ACK (see ArmRouter)
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * Why ARM would refuse a request with this {@code Authorization} header, or null to serve it: no header,
     * or a bearer token this endpoint issued that has not expired on the emulator's clock.
     */
    synchronized Refusal refusal(String authorization) {
        if (authorization == null) {
            return null;
        }
        String[] parts = authorization.strip().split("\\s+", 2);
        Instant expiresOn = parts.length == 2 && parts[0].equalsIgnoreCase("Bearer") ? issued.get(parts[1]) : null;
        if (expiresOn == null) {
            return new Refusal("InvalidAuthenticationToken", "The access token is invalid.");
        }
        Instant now = emulator.clock.instant();
        if (!now.isBefore(expiresOn)) {
            return new Refusal("ExpiredAuthenticationToken", "The access token expiry UTC time '" + expiresOn
                    + "' is earlier than current UTC time '" + now + "'.");
        }
        return null;
    }

    synchronized void failNext(int times, int httpStatus) {
        for (int i = 0; i < times; i++) {
            faults.add(httpStatus);
        }
    }

    synchronized List<RecordedRequest> requests() {
        return requests.entries();
    }

    synchronized void journalLimit(int limit) {
        requests.limit(limit);
    }

    synchronized void clearRequests() {
        requests.clear();
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (key.equalsIgnoreCase(name)) {
                return equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
