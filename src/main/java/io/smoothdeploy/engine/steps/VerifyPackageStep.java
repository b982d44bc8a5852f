package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.PackageDigest;
import io.smoothdeploy.engine.port.SlotInfo;
import io.smoothdeploy.engine.port.SlotRef;
import io.smoothdeploy.engine.port.SlotSettingNames;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.MaintenancePackages;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.StepOutcome;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppPackage;
import io.smoothdeploy.engine.WebAppRole;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the package and checks its bytes against the SHA-256 the caller gave, before anything in the cloud
 * changes: a package that was replaced, truncated or mixed up with another build fails here, with every site
 * still as it was. It runs first in every run and again after a roll forward (a new package).
 *
 * <p>It also makes sure each main site's maintenance slot will get production's old code from a package someone
 * can name ({@link MaintenancePackages}): a production whose WEBSITE_RUN_FROM_PACKAGE is {@code 1} or unset, with
 * no package named at start, fails here as a configuration error that says to give {@code currentPackages.<name>},
 * before anything changes. The start does not read the cloud (it answers at once, and credential or throttling
 * trouble is ridden out by this stage's retries instead); this stage reads only production's settings.
 *
 * <p>And it reads each main site's slot-setting names: a database connection string or database-mode setting
 * marked as a slot setting is refused here too, before anything changes, as is, on every web app, a slot setting the
 * engine itself writes ({@link StartChecks}, which the dry run asks too).
 */
final class VerifyPackageStep implements StageStep {

    private final PackageDigest packages;
    private final AppServiceCloud appService;
    private final Clock clock;

    VerifyPackageStep(PackageDigest packages, AppServiceCloud appService, Clock clock) {
        this.packages = packages;
        this.appService = appService;
        this.clock = clock;
    }

    @Override
    public StepOutcome run(StepContext context) {
        Deployment deployment = context.deployment();
        List<WebAppPackage> given = deployment.givenPackages();
        // one package per run (each download may take up to PackageDownloadMaxSeconds, and a delivery's time budget
        // is far below the lock duration): the first not verified yet; the deployment records each one verified, so
        // a run delivered again, or after a transient failure, reads the package still to check
        List<WebAppPackage> toCheck = given.stream().filter(p -> !p.verified()).toList();
        int index = given.size() - toCheck.size();
        String verified = null;
        if (!toCheck.isEmpty()) {
            WebAppPackage pkg = toCheck.get(0);
            Instant started = clock.instant();
            Optional<StepOutcome> refused = verify(context, deployment, pkg);
            if (refused.isPresent()) {
                return refused.get();
            }
            long seconds = Duration.between(started, clock.instant()).toSeconds();
            verified = "Package " + pkg.shown() + forWebApps(deployment, pkg, context.environment()) + " matches its "
                    + "SHA-256 " + pkg.sha256() + " (read in " + seconds + " s)";
            if (toCheck.size() > 1) {
                return new StepOutcome.CheckAgain(Duration.ZERO, verified + " (" + (index + 1) + " of " + given.size()
                        + " packages); reading the next", false, StepOutcome.Preview.UNCHANGED, pkg);
            }
        }
        List<String> unnamed = StartChecks.problems(appService, deployment, context.environment());
        if (!unnamed.isEmpty()) {
            return StepOutcome.fail(FailureKind.CONFIGURATION, String.join("; ", unnamed));
        }
        StartChecks.Kept kept = StartChecks.keptPackages(appService, deployment, context.environment());
        String note = given.size() > 1 ? "Every package matches its SHA-256 (" + given.size() + " packages; last: "
                + verified + ")" : verified;
        if (!kept.named().isEmpty()) {
            List<String> parts = new ArrayList<>();
            new java.util.TreeMap<>(kept.named()).forEach((name, uri) -> parts.add(name + " " + Redact.uri(uri)));
            note = (note == null ? "" : note + "; ") + "given no package, these web apps keep the one production runs: "
                    + String.join(", ", parts);
        }
        return new StepOutcome.Advance(note, List.of(), List.of(), null, null, kept.named());
    }

    /** Reads {@code pkg} and compares its bytes' SHA-256; the failure when it cannot be read or does not match. */
    private Optional<StepOutcome> verify(StepContext context, Deployment deployment, WebAppPackage pkg) {
        String shown = pkg.shown() + forWebApps(deployment, pkg, context.environment());
        String actual;
        try {
            actual = packages.sha256(pkg.uri(), context.environment().allowedHosts()).toLowerCase(Locale.ROOT);
        } catch (CloudException e) {
            if (e.isTransient()) {
                throw e;
            }
            // The adapter's message says only what the user needs (not reachable, not a zip, over a cap).
            return Optional.of(StepOutcome.fail(FailureKind.PACKAGE, "package " + shown + " could not be read ("
                    + e.code() + ": " + e.getMessage() + "); nothing was changed. " + advice(e.code()),
                    io.smoothdeploy.engine.FailureEvidence.cloud(e.code(), e.isCredentialFailure())));
        }
        String expected = pkg.sha256().toLowerCase(Locale.ROOT);
        if (!expected.equals(actual)) {
            // The SHA-256 of what answered is not reported: it would tell a caller what some URL serves.
            return Optional.of(StepOutcome.fail(FailureKind.PACKAGE, "package " + shown + " does not match the SHA-256"
                    + " the deployment was started with (" + expected + "); nothing was changed. Upload the package"
                    + " again, or start with the SHA-256 of the package that is there",
                    io.smoothdeploy.engine.FailureEvidence.mismatch()));
        }
        return Optional.empty();
    }

    /** " (for cms, commerce)" when the deployment gives packages per web app, else nothing. */
    private static String forWebApps(Deployment deployment, WebAppPackage pkg, EnvironmentConfig environment) {
        if (!deployment.perWebAppPackages()) {
            return "";
        }
        List<String> names = environment.webApps().stream().map(WebAppConfig::name)
                .filter(name -> deployment.packageFor(name).map(pkg::sameAs).orElse(false)).sorted().toList();
        return " (for " + String.join(", ", names) + ")";
    }

    private static String advice(String code) {
        return switch (code) {
            case "PackageTooBig" -> "Make the package smaller, or raise the app setting PackageDownloadMaxMegabytes,"
                    + " then start again";
            case "PackageDownloadTooSlow" -> "Put the package where it downloads faster (the same region), or raise"
                    + " the app setting PackageDownloadMaxSeconds, then start again";
            case "PackageNotZip" -> "Point packageUri at the zip of the build (App Service runs a package from a"
                    + " zip), then start again";
            case "PackageUriRefused" -> "Use an https URI on a public host (and on the environment's allowedHosts,"
                    + " when it has them), then start again";
            default -> "Check that the URI is right and its SAS grants read access and has not expired, then start"
                    + " again";
        };
    }

}
