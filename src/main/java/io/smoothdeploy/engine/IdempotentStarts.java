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
        if (started.perWebAppPackages() || request.perWebAppPackages()) {
            Optional<String> packages = packagesDifference(started, request);
            if (packages.isPresent()) {
                return packages;
            }
        } else if (!withoutQuery(started.packageUri()).equals(withoutQuery(request.packageUri()))) {
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

    /** How the packages per web app differ: a web app given another package, or one given a package only once. */
    private static Optional<String> packagesDifference(Deployment started, StartRequest request) {
        if (started.perWebAppPackages() != request.perWebAppPackages()) {
            return Optional.of(started.perWebAppPackages() ? "a package per web app, not one package for all"
                    : "one package for all, not a package per web app");
        }
        java.util.Set<String> names = new java.util.TreeSet<>(request.packages().keySet());
        started.packages().forEach((name, pkg) -> {
            if (!pkg.kept()) {
                names.add(name);
            }
        });
        for (String name : names) {
            Optional<WebAppPackage> before = started.packageFor(name).filter(p -> !p.kept());
            Optional<WebAppPackage> now = request.packageFor(name);
            if (before.isEmpty() || now.isEmpty()) {
                return Optional.of("web app " + name + " " + (before.isEmpty() ? "given no package" : "given package "
                        + before.get().shown()) + ", not " + now.map(p -> "package " + p.shown()).orElse("none"));
            }
            if (!before.get().samePackageAs(now.get())) {
                return Optional.of("web app " + name + " given package " + before.get().shown() + " (SHA-256 "
                        + before.get().sha256() + "), not " + now.get().shown() + " (SHA-256 " + now.get().sha256()
                        + ")");
            }
        }
        return Optional.empty();
    }

    private static String withoutQuery(String uri) {
        String shown = Redact.uri(uri);
        return shown.endsWith("?<redacted>") ? shown.substring(0, shown.length() - "?<redacted>".length()) : shown;
    }
}
