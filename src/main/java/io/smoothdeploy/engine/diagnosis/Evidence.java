package io.smoothdeploy.engine.diagnosis;

import io.smoothdeploy.engine.DeploymentError;
import io.smoothdeploy.engine.FailureKind;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.Stage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks the lines a {@link Diagnosis} quotes: the error messages, then the log lines that show how the failure
 * came about (the warm-up rounds before a warm-up failure, the transient failures before a credential failure).
 *
 * <p>Lines are quoted verbatim and never reworded, because the point of evidence is that the reader can check the
 * diagnosis against it. A log of a long warm-up repeats the same round many times, so repeated text is quoted once
 * (its latest occurrence), and the newest lines win when there is no room for all.
 */
final class Evidence {

    private Evidence() {
    }

    /**
     * @param errors          the errors to quote, the deciding one first
     * @param cause           the classified cause, which decides which informational log lines matter
     * @param kind            the deciding error's kind, which does too where the cause is {@link Cause#UNKNOWN}
     * @param stage           the deciding error's stage: the lines its deliveries wrote tell the story of the failure
     * @param webApps         the affected web apps: only their log lines are considered
     * @param deploymentLevel true when the deciding error is not about one web app: lines without a web app count
     * @param log             the deployment's log, oldest first
     */
    static List<String> gather(List<DeploymentError> errors, Cause cause, FailureKind kind, Stage stage,
                               Set<String> webApps, boolean deploymentLevel, List<LogLine> log) {
        List<String> lines = new ArrayList<>();
        List<String> quoted = new ArrayList<>();
        for (DeploymentError error : errors) {
            if (lines.size() == Classifier.MAX_ERROR_LINES) {
                break;
            }
            lines.add(format(error.at(), error.webApp(), error.message()));
            if (error.message() != null && !error.message().isEmpty()) {
                quoted.add(error.message());
            }
        }
        int room = Classifier.MAX_EVIDENCE - lines.size();
        List<String> picked = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = log.size() - 1; i >= 0 && picked.size() < room; i--) {
            LogLine line = log.get(i);
            String message = line.message();
            if (message == null || !inScope(line, webApps, deploymentLevel) || !relevant(line, cause, kind, stage)) {
                continue;
            }
            // The failure line of the log repeats an error message that is already quoted.
            if (quoted.stream().anyMatch(message::contains)) {
                continue;
            }
            if (seen.add(line.webApp() + "\n" + message)) {
                picked.add(format(line.at(), line.webApp(), message));
            }
        }
        Collections.reverse(picked);
        lines.addAll(picked);
        return lines;
    }

    private static boolean inScope(LogLine line, Set<String> webApps, boolean deploymentLevel) {
        return line.webApp() == null ? deploymentLevel : webApps.contains(line.webApp());
    }

    /**
     * A warning is always worth a look; an informational line only when it belongs to the story of this cause
     * (the warm-up rounds of a slot that never got warm, the package lines of a package failure: the lines the
     * failing stage wrote; the retries before a credential failure). Error lines are the failure itself, already
     * quoted from the errors, or generic ("Deployment failed"). Decided on the line's fields, never its words.
     */
    private static boolean relevant(LogLine line, Cause cause, FailureKind kind, Stage stage) {
        if (line.level() == LogLine.Level.WARNING) {
            return true;
        }
        if (line.level() == LogLine.Level.ERROR) {
            return false;
        }
        boolean sameStage = stage != null && line.stage() == stage;
        if (kind == FailureKind.PACKAGE) {
            return sameStage;
        }
        switch (cause) {
            case READ_ONLY_NOT_SUPPORTED:
            case WARM_UP_FAILED:
            case STARTUP_ERROR:
            case IP_FILTER:
            case MIGRATION_FAILURE:
                return sameStage;
            case DEPLOYMENT_CREDENTIALS:
                return line.retry();
            default:
                return false;
        }
    }

    /** {@code 2026-11-23T09:01:00Z cms: message}, leaving out the time or the web app when it is not known. */
    static String format(Instant at, String webApp, String message) {
        StringBuilder text = new StringBuilder();
        if (at != null) {
            text.append(at).append(' ');
        }
        if (webApp != null) {
            text.append(webApp).append(": ");
        }
        return text.append(message == null ? "" : message).toString();
    }
}
