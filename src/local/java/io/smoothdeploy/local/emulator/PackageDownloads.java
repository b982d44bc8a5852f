package io.smoothdeploy.local.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The emulator's stand-in for the blob storage that holds packages: {@code GET /_emulator/packages/<file>}
 * answers the bytes of {@code <file>} in the directory given to {@link AzureEmulator#servePackagesFrom}, the
 * same file a slot runs for a package URI with that last path segment. The query string (a SAS, in Azure) is
 * accepted and ignored, and never recorded: {@link RecordedRequest#path()} holds the path only.
 *
 * <p>Errors look like Azure Storage's: the status, an {@code x-ms-error-code} header and a small XML body.
 * Faults and latency come from the emulator's {@link #ROUTE} route; a {@link AzureEmulator#tamperPackage
 * tampered} file is served with its last byte flipped, as if the blob had been overwritten by another build (still
 * a zip, so it gets past the orchestrator's zip check and fails on its SHA-256).
 */
final class PackageDownloads implements HttpHandler {

    /** Where the route lives on the emulator's server. */
    static final String PREFIX = "/_emulator/packages/";

    /** The route's name, for {@link AzureEmulator#failNext} and {@link AzureEmulator#addLatency}. */
    static final String ROUTE = "downloadPackage";

    private final AzureEmulator emulator;

    PackageDownloads(AzureEmulator emulator) {
        this.emulator = emulator;
    }

    /** The route's URI for a package URI: its last path segment under {@link #PREFIX}, query string kept. */
    static URI downloadUri(URI endpoint, URI packageUri) {
        String file = SlotRuntime.fileName(packageUri.toString());
        try {
            // An unusable name maps to the bare prefix, which answers 404 as a missing blob would.
            String path = PREFIX + (file == null ? "" : file);
            URI base = new URI(endpoint.getScheme(), null, endpoint.getHost(), endpoint.getPort(), path, null, null);
            String query = packageUri.getRawQuery();
            return URI.create(base.toASCIIString() + (query == null ? "" : "?" + query));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot map a package URI to the emulator", e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getPath();
            exchange.getRequestBody().readAllBytes();
            try {
                Duration latency = emulator.latency(ROUTE);
                if (latency != null && !latency.isZero()) {
                    Thread.sleep(latency.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answerError(exchange, method, path, 500, "InternalError", "interrupted");
                return;
            }
            AzureEmulator.Fault fault = emulator.takeFault(ROUTE);
            if (fault != null) {
                answerError(exchange, method, path, fault.status(), fault.code(), "Injected fault on " + ROUTE);
                return;
            }
            if (!method.equals("GET")) {
                answerError(exchange, method, path, 405, "UnsupportedHttpVerb",
                        "The resource doesn't support the specified HTTP verb.");
                return;
            }
            Path file = file(path);
            if (file == null || !Files.isRegularFile(file)) {
                answerError(exchange, method, path, 404, "BlobNotFound", "The specified blob does not exist.");
                return;
            }
            long size = Files.size(file);
            boolean tampered = emulator.tampered(file.getFileName().toString());
            emulator.record(new RecordedRequest(method, path, null, ROUTE, 200));
            exchange.getResponseHeaders().set("Content-Type", "application/zip");
            exchange.sendResponseHeaders(200, tampered && size == 0 ? 1 : (size == 0 ? -1 : size));
            try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                if (tampered && size > 0) {
                    byte[] bytes = in.readAllBytes();
                    bytes[bytes.length - 1] ^= (byte) 0xFF;
                    out.write(bytes);
                } else if (tampered) {
                    out.write(0xFF);
                } else {
                    in.transferTo(out);
                }
            }
        }
    }

    /** The file a request path names in the package directory, or null (no directory, or not a plain name). */
    private Path file(String path) {
        Path directory = emulator.packageDirectory();
        if (directory == null || !path.startsWith(PREFIX)) {
            return null;
        }
        String name = path.substring(PREFIX.length());
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            return null;
        }
        return directory.resolve(name);
    }

    private void answerError(HttpExchange exchange, String method, String path, int status, String code,
                             String message) throws IOException {
        emulator.record(new RecordedRequest(method, path, null, ROUTE, status));
        byte[] body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>"
                + message + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("x-ms-error-code", code);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        if (method.equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
