package io.smoothdeploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesAreWithinOnePercentAboveTheNearestRankValue() {
        // Arrange: 1 ms, 2 ms, ..., 1000 ms
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 1; i <= 1_000; i++) {
            histogram.record(i * 1_000_000L);
        }

        // Act
        long median = histogram.percentile(50);
        long p99 = histogram.percentile(99);

        // Assert: nearest rank gives 500 ms and 990 ms
        assertEquals(1_000, histogram.count());
        assertTrue(median >= 500_000_000L && median <= 505_000_000L, "median " + median);
        assertTrue(p99 >= 990_000_000L && p99 <= 999_900_000L, "p99 " + p99);
    }

    @Test
    void anEmptyHistogramHasNoPercentileAndClearForgetsEverything() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertEquals(0, histogram.percentile(50));

        histogram.record(5);
        histogram.record(Long.MAX_VALUE);
        assertEquals(2, histogram.count());
        histogram.clear();

        assertEquals(0, histogram.count());
        assertEquals(0, histogram.percentile(99));
    }
}
