package io.smoothdeploy.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * A count of the writes that reached a ReadWrite deployment's temporary database, as a step (or the timer) took
 * it, with when. A status poll shows this stored count and its time; it never asks SQL itself. Complete's
 * data-loss guard does not rely on it: it counts again, fresh.
 *
 * @param writes    how many writes reached the temporary database since the clone; null when they could not be
 *                  counted at that moment
 * @param countedAt when the count was taken
 */
public record CloneWriteCount(Long writes, Instant countedAt) {

    public CloneWriteCount {
        Objects.requireNonNull(countedAt, "countedAt");
        if (writes != null && writes < 0) {
            throw new IllegalArgumentException("a write count is never negative: " + writes);
        }
    }

    /** Whether this count says the same as {@code other} (the time apart). */
    public boolean sameWrites(CloneWriteCount other) {
        return other != null && Objects.equals(writes, other.writes);
    }
}
