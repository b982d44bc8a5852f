package io.smoothdeploy.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in a fixed number of buckets, each 1% wider than the one before, from 1 microsecond to about
 * 20 minutes: a percentile is exact to within 1%, and the memory does not grow with the number of samples (the
 * bench measures the heap, so it must not keep one value per request). Safe for concurrent recording.
 */
final class LatencyHistogram {

    private static final double GROWTH = 1.01;
    private static final double LOG_GROWTH = Math.log(GROWTH);
    private static final long FLOOR_NANOS = 1_000;
    private static final int BUCKETS = 2_100;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(long nanos) {
        counts.incrementAndGet(bucket(nanos));
    }

    static int bucket(long nanos) {
        if (nanos <= FLOOR_NANOS) {
            return 0;
        }
        int index = 1 + (int) (Math.log((double) nanos / FLOOR_NANOS) / LOG_GROWTH);
        return Math.min(BUCKETS - 1, index);
    }

    /** The upper bound of a bucket: every value in it is at most this, and above the bound of the one before. */
    static long upperBound(int bucket) {
        return bucket == 0 ? FLOOR_NANOS : (long) Math.ceil(FLOOR_NANOS * Math.pow(GROWTH, bucket));
    }

    long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /**
     * The {@code percent}-th percentile (nearest rank), as the upper bound of the bucket that holds it: within 1%
     * above the true value. 0 when nothing was recorded.
     */
    long percentile(int percent) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
    }

    void clear() {
        for (int i = 0; i < BUCKETS; i++) {
            counts.set(i, 0);
        }
    }
}
