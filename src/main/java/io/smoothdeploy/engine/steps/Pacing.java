package io.smoothdeploy.engine.steps;

import java.time.Duration;

/**
 * How often long work is checked again, and how long database work may take.
 *
 * @param databasePoll    between checks of a database copy or restore
 * @param warmUpPoll      between warm-up rounds
 * @param databaseTimeout how long a copy or restore may take before the deployment fails
 */
public record Pacing(Duration databasePoll, Duration warmUpPoll, Duration databaseTimeout) {

    public static final Pacing DEFAULT = new Pacing(Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofHours(2));
}
