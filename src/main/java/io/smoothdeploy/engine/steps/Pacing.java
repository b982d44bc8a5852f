package io.smoothdeploy.engine.steps;

import java.time.Duration;

/**
 * How often long work is checked again, and how long it may take.
 *
 * @param databasePoll    between checks of a database copy or restore
 * @param warmUpPoll      between warm-up rounds
 * @param databaseTimeout how long a copy or restore may take before the deployment fails
 * @param swapPoll        between checks of a slot swap, and after a busy refusal (another operation in progress)
 * @param swapTimeout     how long a swap (or a site busy with another operation) may keep a stage waiting before
 *                        the deployment fails; App Service swaps can take many minutes
 */
public record Pacing(Duration databasePoll, Duration warmUpPoll, Duration databaseTimeout, Duration swapPoll,
                     Duration swapTimeout) {

    public static final Duration DEFAULT_SWAP_POLL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_SWAP_TIMEOUT = Duration.ofMinutes(30);

    public static final Pacing DEFAULT = new Pacing(Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofHours(2));

    /** With the default swap pacing ({@link #DEFAULT_SWAP_POLL}, {@link #DEFAULT_SWAP_TIMEOUT}). */
    public Pacing(Duration databasePoll, Duration warmUpPoll, Duration databaseTimeout) {
        this(databasePoll, warmUpPoll, databaseTimeout, DEFAULT_SWAP_POLL, DEFAULT_SWAP_TIMEOUT);
    }
}
