package io.smoothdeploy.local.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a load run saw: every request's start, latency and outcome, and figures over them. */
public final class LoadReport {

    /** One request: when it started, how long it took, its status (0 for no answer). */
    public record Sample(Instant startedAt, Duration latency, int status) {
        public boolean failed() {
            return status < 200 || status > 299;
        }
    }

    private final List<Sample> samples;

    public LoadReport(List<Sample> samples) {
        this.samples = samples.stream().sorted(Comparator.comparing(Sample::startedAt)).toList();
    }

    public int sent() {
        return samples.size();
    }

    public long failed() {
        return samples.stream().filter(Sample::failed).count();
    }

    /** The {@code quantile} (0..1) of latency over all requests, or zero when there are none. */
    public Duration percentile(double quantile) {
        return percentile(samples, quantile);
    }

    /** The {@code quantile} of latency over requests started within {@code halfWidth} of {@code around}. */
    public Duration percentileAround(Instant around, Duration halfWidth, double quantile) {
        return percentile(within(around, halfWidth), quantile);
    }

    public int countAround(Instant around, Duration halfWidth) {
        return within(around, halfWidth).size();
    }

    /** The first request that started at or after {@code instant}. */
    public Optional<Sample> firstAfter(Instant instant) {
        return samples.stream().filter(s -> !s.startedAt().isBefore(instant)).findFirst();
    }

    private List<Sample> within(Instant around, Duration halfWidth) {
        Instant from = around.minus(halfWidth);
        Instant to = around.plus(halfWidth);
        return samples.stream().filter(s -> !s.startedAt().isBefore(from) && !s.startedAt().isAfter(to)).toList();
    }

    static Duration percentile(List<Sample> samples, double quantile) {
        if (samples.isEmpty()) {
            return Duration.ZERO;
        }
        List<Duration> sorted = new ArrayList<>(samples.stream().map(Sample::latency).sorted().toList());
        int index = (int) Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static String millis(Duration duration) {
        return String.format(Locale.ROOT, "%.1f ms", duration.toNanos() / 1_000_000.0);
    }
}
