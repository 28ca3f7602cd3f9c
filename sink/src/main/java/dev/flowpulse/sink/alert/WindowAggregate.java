package dev.flowpulse.sink.alert;

import dev.flowpulse.contract.DurationHistogram;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What finished in one scope during one window: the numbers the windowed alert kinds compare.
 * Immutable; {@link #failureRatio()} and {@link #durationQuantile} are pure.
 *
 * @param finished           runs whose first terminal state fell in the window
 * @param failed             of those, the FAILED and CRASHED ones
 * @param durations          their time spent RUNNING, in {@link DurationHistogram#BOUNDS} buckets
 * @param maxDurationSeconds the longest of them (0 if none)
 */
public record WindowAggregate(long finished, long failed, DurationHistogram durations, double maxDurationSeconds) {

    public WindowAggregate {
        Objects.requireNonNull(durations, "durations");
        if (failed < 0 || finished < failed) {
            throw new IllegalArgumentException("need 0 <= failed <= finished, got " + failed + "/" + finished);
        }
    }

    public static WindowAggregate empty() {
        return new WindowAggregate(0, 0, DurationHistogram.empty(), 0);
    }

    /** failed / finished, or empty when nothing finished (no ratio rather than a fake 0). */
    public OptionalDouble failureRatio() {
        return finished == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) failed / finished);
    }

    /**
     * The {@code q}-quantile of the durations, estimated from the buckets exactly as Prometheus'
     * {@code histogram_quantile} does: linear interpolation inside the bucket holding the rank, the
     * first bucket starting at 0, and the largest finite bound when the rank falls above it.
     */
    public OptionalDouble durationQuantile(double q) {
        long total = durations.count();
        if (total == 0) {
            return OptionalDouble.empty();
        }
        List<Double> bounds = DurationHistogram.BOUNDS;
        long[] counts = durations.counts();
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < bounds.size(); i++) {
            if (below + counts[i] >= rank && counts[i] > 0) {
                double start = i == 0 ? 0 : bounds.get(i - 1);
                double end = bounds.get(i);
                return OptionalDouble.of(start + (end - start) * (rank - below) / counts[i]);
            }
            below += counts[i];
        }
        return OptionalDouble.of(bounds.get(bounds.size() - 1));
    }
}
