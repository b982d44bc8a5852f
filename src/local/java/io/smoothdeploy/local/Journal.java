package io.smoothdeploy.local;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The newest entries of a record kept by a stand-in (deliveries, changing calls, requests), up to a limit: a
 * record for tests and diagnostics that a long-running local host cannot grow without bound. Not thread-safe:
 * its owner guards it with its own lock.
 */
public final class Journal<T> {

    /** The limit a new journal starts with. */
    public static final int DEFAULT_LIMIT = 10_000;

    private final ArrayDeque<T> entries = new ArrayDeque<>();
    private int limit = DEFAULT_LIMIT;

    /** Adds {@code entry} as the newest, dropping the oldest past the limit. */
    public void add(T entry) {
        entries.addLast(entry);
        trim();
    }

    /** Keeps only the newest {@code newLimit} entries from now on (at least 1). */
    public void limit(int newLimit) {
        if (newLimit < 1) {
            throw new IllegalArgumentException("the journal limit must be at least 1, not " + newLimit);
        }
        limit = newLimit;
        trim();
    }

    /** The entries, oldest first. */
    public List<T> entries() {
        return List.copyOf(entries);
    }

    public int size() {
        return entries.size();
    }

    public void clear() {
        entries.clear();
    }

    private void trim() {
        while (entries.size() > limit) {
            entries.removeFirst();
        }
    }
}
