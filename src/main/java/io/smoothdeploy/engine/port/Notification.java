package io.smoothdeploy.engine.port;

import java.time.Instant;
import java.util.List;

/**
 * What a webhook receives about a stuck environment, as JSON.
 *
 * @param event         always {@code staleMaintenance}
 * @param kind          FailedInMaintenance, VerificationOverdue or NoProgress
 * @param environment   the environment
 * @param deploymentId  the deployment concerned
 * @param status        its status
 * @param inMaintenance the web apps in maintenance
 * @param message       the warning
 * @param action        what the timer does about it: Nothing, Resume or Reset (the staleness policy), or
 *                      Notify or Reset for an overdue verification (the verification policy)
 * @param at            when it was found
 */
public record Notification(String event, String kind, String environment, String deploymentId, String status,
                           List<String> inMaintenance, String message, String action, Instant at) {
}
