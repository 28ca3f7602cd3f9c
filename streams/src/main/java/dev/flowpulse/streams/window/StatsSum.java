package dev.flowpulse.streams.window;

import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.WindowStats;
import java.util.Map;
import java.util.TreeMap;

/**
 * A mutable sum of {@link WindowStats} of one group (a hopping window from its slices): the same
 * result as folding {@link WindowStats#plus} from {@link WindowStats#empty()} over the same values
 * in the same order (the duration sum adds in that order too), without a new value per step.
 *
 * <p>Not thread safe; one per sum.
 */
final class StatsSum {

    private final TreeMap<String, Long> stateCounts = new TreeMap<>();
    private final TreeMap<String, Long> stateNameCounts = new TreeMap<>();
    private final TreeMap<String, Long> finishedCounts = new TreeMap<>();
    private final long[] buckets = new long[DurationHistogram.BOUNDS.size() + 1];
    private long retries;
    private long durationCount;
    private double durationSum;
    private Double min;
    private Double max;
    private long unknown;

    StatsSum add(WindowStats s) {
        merge(stateCounts, s.stateCounts());
        merge(stateNameCounts, s.stateNameCounts());
        merge(finishedCounts, s.finishedCounts());
        retries += s.retries();
        DurationHistogram d = s.durations();
        durationCount += d.count();
        durationSum += d.sumSeconds();
        long[] counts = d.counts();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += counts[i];
        }
        min = pick(min, s.minDurationSeconds(), true);
        max = pick(max, s.maxDurationSeconds(), false);
        unknown += s.unknownDurationCount();
        return this;
    }

    WindowStats result(boolean closed) {
        return new WindowStats(
                stateCounts,
                stateNameCounts,
                finishedCounts,
                retries,
                new DurationHistogram(durationCount, durationSum, buckets.clone()),
                min,
                max,
                unknown,
                closed);
    }

    private static void merge(TreeMap<String, Long> into, Map<String, Long> counts) {
        counts.forEach((k, v) -> into.merge(k, v, Long::sum));
    }

    private static Double pick(Double current, Double other, boolean lowest) {
        if (current == null) {
            return other;
        }
        if (other == null) {
            return current;
        }
        return Double.valueOf(lowest ? Math.min(current, other) : Math.max(current, other));
    }
}
