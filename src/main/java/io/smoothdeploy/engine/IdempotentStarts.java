package io.smoothdeploy.engine;

import java.util.Optional;

/**
 * Whether a start request carrying an idempotency key is the request that key first started. The package is
 * compared without its query string: a re-run that renews the SAS of the same blob sends the same request. The
 * package's SHA-256 and the mode must match too.
 */
final class IdempotentStarts {

    private IdempotentStarts() {
    }

    /** What differs, in words that hold no secret, or empty when the request is the one that started it. */
    static Optional<String> difference(Deployment started, StartRequest request) {
        if (!withoutQuery(started.packageUri()).equals(withoutQuery(request.packageUri()))) {
            return Optional.of("package " + Redact.uri(started.packageUri()) + ", not " + Redact.uri(request.packageUri()));
        }
        if (started.packageSha256() != null && request.packageSha256() != null
                && !started.packageSha256().equalsIgnoreCase(request.packageSha256())) {
            return Optional.of("a package whose SHA-256 is " + started.packageSha256() + ", not "
                    + request.packageSha256());
        }
        if (started.mode() != request.mode()) {
            return Optional.of("mode " + started.mode().wireName() + ", not " + request.mode().wireName());
        }
        return Optional.empty();
    }

    private static String withoutQuery(String uri) {
        String shown = Redact.uri(uri);
        return shown.endsWith("?<redacted>") ? shown.substring(0, shown.length() - "?<redacted>".length()) : shown;
    }
}
