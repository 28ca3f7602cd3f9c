package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;

/**
 * A cumulative histogram of run durations with fixed bucket bounds, immutable: {@link #plus}
 * returns a new value. {@code counts[i]} counts observations {@code <= BOUNDS[i]} and
 * {@code > BOUNDS[i-1]} (not cumulative); the last slot counts those above the largest bound.
 *
 * @param counts per-bucket counts, {@code BOUNDS.size() + 1} long
 */
public record DurationHistogram(long count, double sumSeconds, long[] counts) {

    /** Upper bounds in seconds: a second to a day, the spread of real flow runs. */
    public static final List<Double> BOUNDS =
            List.of(1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 14400.0, 43200.0, 86400.0);

    public DurationHistogram {
        if (counts == null || counts.length != BOUNDS.size() + 1) {
            throw new IllegalArgumentException("counts must have " + (BOUNDS.size() + 1) + " slots");
        }
    }

    public static DurationHistogram empty() {
        return new DurationHistogram(0, 0.0, new long[BOUNDS.size() + 1]);
    }

    public DurationHistogram plus(double seconds) {
        long[] next = counts.clone();
        next[bucketOf(seconds)]++;
        return new DurationHistogram(count + 1, sumSeconds + seconds, next);
    }

    /** The sum of two histograms (same fixed bounds). */
    public DurationHistogram plus(DurationHistogram other) {
        long[] next = counts.clone();
        for (int i = 0; i < next.length; i++) {
            next[i] += other.counts[i];
        }
        return new DurationHistogram(count + other.count, sumSeconds + other.sumSeconds, next);
    }

    /** Written to JSON so consumers need no out-of-band knowledge of the bucket layout. */
    @JsonProperty(value = "bounds_seconds", access = JsonProperty.Access.READ_ONLY)
    public List<Double> bounds() {
        return BOUNDS;
    }

    static int bucketOf(double seconds) {
        for (int i = 0; i < BOUNDS.size(); i++) {
            if (seconds <= BOUNDS.get(i)) {
                return i;
            }
        }
        return BOUNDS.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DurationHistogram h
                && h.count == count
                && Double.compare(h.sumSeconds, sumSeconds) == 0
                && Arrays.equals(h.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(count) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "DurationHistogram[count=" + count + ", sumSeconds=" + sumSeconds + ", counts=" + Arrays.toString(counts)
                + "]";
    }
}
