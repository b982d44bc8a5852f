package io.smoothdeploy.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The API's OpenAPI 3.1 document, as kept in the repository ({@code src/main/resources/openapi.json}) and
 * packed into the app's jar. It is read once, on first use, and served as it is.
 */
public final class OpenApiDocument {

    /** Where the document is on the class path. */
    public static final String RESOURCE = "/openapi.json";

    private OpenApiDocument() {
    }

    /** The document's text. */
    public static String json() {
        return Holder.TEXT;
    }

    /** The answer of {@code GET /api/openapi.json}: 200, {@code application/json}, the document. */
    public static ApiResponse response() {
        return new ApiResponse(200, Map.of("Content-Type", "application/json"), json());
    }

    /** Loaded on first use (class initialisation is thread-safe and happens once). */
    private static final class Holder {
        private static final String TEXT = load();

        private static String load() {
            try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the class path; it is packed from "
                            + "src/main/resources");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + RESOURCE, e);
            }
        }
    }
}
