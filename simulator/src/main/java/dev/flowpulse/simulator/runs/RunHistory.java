package dev.flowpulse.simulator.runs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /flow_runs/history} bucket math (reference §3.2, {@code run_history.py}): buckets from
 * {@code start} stepping by the interval while the bucket start is before {@code end} (at most 500;
 * the last may end after {@code end}); a run belongs to the bucket holding its expected start time;
 * within a bucket runs are grouped by their CURRENT (state type, state name) with summed
 * non-negative estimated run time and lateness.
 *
 * <p>Pure and stateless.
 */
public final class RunHistory {

    public static final int MAX_BUCKETS = 500;

    private RunHistory() {}

    /** One {@code HistoryResponseState}; durations in microseconds. */
    public record StateCount(
            String stateType,
            String stateName,
            long countRuns,
            long sumEstimatedRunTimeMicros,
            long sumEstimatedLatenessMicros) {}

    /** One {@code HistoryResponse}: states in a stable (type, name) order, empty when no run falls in it. */
    public record Bucket(Instant intervalStart, Instant intervalEnd, List<StateCount> states) {}

    public static List<Bucket> buckets(
            List<FlowRunRecord> runs, Instant start, Instant end, long intervalMicros, Instant now) {
        if (intervalMicros <= 0) {
            throw new IllegalArgumentException("interval must be positive");
        }
        List<Bucket> buckets = new ArrayList<>();
        Instant bucketStart = start;
        while (bucketStart.isBefore(end) && buckets.size() < MAX_BUCKETS) {
            Instant bucketEnd = bucketStart.plusNanos(intervalMicros * 1000);
            buckets.add(bucket(runs, bucketStart, bucketEnd, now));
            bucketStart = bucketEnd;
        }
        return buckets;
    }

    private static Bucket bucket(List<FlowRunRecord> runs, Instant from, Instant to, Instant now) {
        Map<String, long[]> sums = new TreeMap<>();
        Map<String, String[]> keys = new TreeMap<>();
        for (FlowRunRecord run : runs) {
            Instant expected = run.expectedStartTime();
            if (expected == null || expected.isBefore(from) || !expected.isBefore(to)) {
                continue;
            }
            String key = run.state().type() + "\u0000" + run.state().name();
            keys.putIfAbsent(key, new String[] {run.state().type(), run.state().name()});
            long[] s = sums.computeIfAbsent(key, k -> new long[3]);
            s[0]++;
            s[1] += Math.max(0, run.estimatedRunTimeMicros(now));
            s[2] += Math.max(0, run.estimatedStartTimeDeltaMicros(now));
        }
        List<StateCount> states = new ArrayList<>();
        sums.forEach((key, s) -> states.add(new StateCount(keys.get(key)[0], keys.get(key)[1], s[0], s[1], s[2])));
        states.sort(Comparator.comparing(StateCount::stateType).thenComparing(StateCount::stateName));
        return new Bucket(from, to, List.copyOf(states));
    }
}
