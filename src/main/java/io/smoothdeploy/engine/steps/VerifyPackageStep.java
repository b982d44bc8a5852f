package io.smoothdeploy.engine.steps;

import io.smoothdeploy.cloud.CloudException;
import io.smoothdeploy.cloud.PackageDigest;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.Redact;
import io.smoothdeploy.engine.StepOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Reads the package and checks its bytes against the SHA-256 the caller gave, before anything in the cloud
 * changes: a package that was replaced, truncated or mixed up with another build fails here, with every site
 * still as it was. It runs first in every run and again after a roll forward (a new package).
 */
final class VerifyPackageStep implements StageStep {

    private final PackageDigest packages;
    private final Clock clock;

    VerifyPackageStep(PackageDigest packages, Clock clock) {
        this.packages = packages;
        this.clock = clock;
    }

    @Override
    public StepOutcome run(StepContext context) {
        Deployment deployment = context.deployment();
        String shown = Redact.uri(deployment.packageUri());
        Instant started = clock.instant();
        String actual;
        try {
            actual = packages.sha256(deployment.packageUri()).toLowerCase(Locale.ROOT);
        } catch (CloudException e) {
            if (e.isTransient()) {
                throw e;
            }
            return StepOutcome.fail(FailureKind.PACKAGE, "package " + shown + " could not be read (" + e.code()
                    + ": " + e.getMessage() + "); nothing was changed. Check that the URI is right and its SAS "
                    + "grants read access and has not expired, then start again");
        }
        String expected = deployment.packageSha256().toLowerCase(Locale.ROOT);
        if (!expected.equals(actual)) {
            return StepOutcome.fail(FailureKind.PACKAGE, "package " + shown + " has SHA-256 " + actual
                    + " but the deployment was started with " + expected + "; nothing was changed. Upload the "
                    + "package again, or start with the SHA-256 of the package that is there");
        }
        long seconds = Duration.between(started, clock.instant()).toSeconds();
        return StepOutcome.advance("Package " + shown + " matches its SHA-256 " + actual + " (read in " + seconds
                + " s)");
    }
}
