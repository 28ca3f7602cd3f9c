package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Aggregate of the state entries and finishes of one group in one event-time window (the window
 * is in the {@link WindowKey}). Immutable; {@link #plusState} folds in one distinct state entry,
 * {@link #plusFinish} one finish, {@link #plus} merges two windows (hopping windows are sums of
 * their tumbling slices). A finish falls in the window of its terminal state's {@code occurred},
 * also when it is published later.
 *
 * @param stateCounts          distinct state entries by state type
 * @param stateNameCounts      distinct state entries by state name ({@code Late}, {@code AwaitingRetry}, ...)
 * @param finishedCounts       finishes by terminal state type
 * @param retries              entries into RUNNING that are retries: {@code run_count > 1}, not a resume from PAUSED
 * @param durations            known durations ({@code total_run_time}) of the finishes
 * @param minDurationSeconds   shortest known duration, null when none
 * @param maxDurationSeconds   longest known duration, null when none
 * @param unknownDurationCount finishes whose duration is unknown (not in {@code durations})
 * @param closed               true on the final result (emitted once, when the window closed), false on updates
 */
public record WindowStats(
        Map<String, Long> stateCounts,
        Map<String, Long> stateNameCounts,
        Map<String, Long> finishedCounts,
        long retries,
        DurationHistogram durations,
        Double minDurationSeconds,
        Double maxDurationSeconds,
        long unknownDurationCount,
        boolean closed) {

    public WindowStats {
        stateCounts = sortedCopy(stateCounts);
        stateNameCounts = sortedCopy(stateNameCounts);
        finishedCounts = sortedCopy(finishedCounts);
        durations = durations == null ? DurationHistogram.empty() : durations;
    }

    public static WindowStats empty() {
        return new WindowStats(EMPTY, EMPTY, EMPTY, 0, DurationHistogram.empty(), null, null, 0, false);
    }

    /** Counts one distinct state entry of a run. */
    public WindowStats plusState(FlowRunEvent event) {
        return plusState(event.stateType(), event.stateName(), event.isRetry());
    }

    /** Counts one finish. */
    public WindowStats plusFinish(FinishedFlowRun finish) {
        return plusFinish(finish.stateType(), finish.totalRunTimeSeconds());
    }

    /** Counts one distinct state entry of a run (a transition), finishing or not. */
    public WindowStats plusState(StateType type, String name, boolean retry) {
        return new WindowStats(
                increment(stateCounts, type.name()),
                increment(stateNameCounts, name),
                finishedCounts,
                retries + (retry ? 1 : 0),
                durations,
                minDurationSeconds,
                maxDurationSeconds,
                unknownDurationCount,
                closed);
    }

    /** Counts one finish with its duration; {@code seconds} null means unknown: counted apart. */
    public WindowStats plusFinish(StateType terminal, Double seconds) {
        Map<String, Long> finished = increment(finishedCounts, terminal.name());
        if (seconds == null) {
            return new WindowStats(
                    stateCounts,
                    stateNameCounts,
                    finished,
                    retries,
                    durations,
                    minDurationSeconds,
                    maxDurationSeconds,
                    unknownDurationCount + 1,
                    closed);
        }
        return new WindowStats(
                stateCounts,
                stateNameCounts,
                finished,
                retries,
                durations.plus(seconds),
                min(minDurationSeconds, seconds),
                max(maxDurationSeconds, seconds),
                unknownDurationCount,
                closed);
    }

    /** The sum of two windows of the same group (a hopping window from its slices). */
    public WindowStats plus(WindowStats other) {
        return new WindowStats(
                sum(stateCounts, other.stateCounts),
                sum(stateNameCounts, other.stateNameCounts),
                sum(finishedCounts, other.finishedCounts),
                retries + other.retries,
                durations.plus(other.durations),
                min(minDurationSeconds, other.minDurationSeconds),
                max(maxDurationSeconds, other.maxDurationSeconds),
                unknownDurationCount + other.unknownDurationCount,
                closed);
    }

    /** This window as its final result. */
    public WindowStats asClosed() {
        return new WindowStats(
                stateCounts,
                stateNameCounts,
                finishedCounts,
                retries,
                durations,
                minDurationSeconds,
                maxDurationSeconds,
                unknownDurationCount,
                true);
    }

    @JsonProperty(value = "finished_total", access = JsonProperty.Access.READ_ONLY)
    public long finishedTotal() {
        return finishedCounts.values().stream().mapToLong(Long::longValue).sum();
    }

    @JsonProperty(value = "failed_total", access = JsonProperty.Access.READ_ONLY)
    public long failedTotal() {
        return finishedCounts.getOrDefault(StateType.FAILED.name(), 0L)
                + finishedCounts.getOrDefault(StateType.CRASHED.name(), 0L);
    }

    /** (FAILED + CRASHED) / finished; null when nothing finished (no ratio, rather than a fake 0). */
    @JsonProperty(value = "failure_ratio", access = JsonProperty.Access.READ_ONLY)
    public Double failureRatio() {
        long finished = finishedTotal();
        return finished == 0 ? null : (double) failedTotal() / finished;
    }

    @JsonProperty(value = "schema_version", access = JsonProperty.Access.READ_ONLY)
    public int schemaVersion() {
        return SchemaVersion.CURRENT;
    }

    /**
     * The count maps are immutable and sorted: copied once when a value is built, never again when
     * it is read, and Jackson writes a sorted map without sorting it again
     * ({@code ORDER_MAP_ENTRIES_BY_KEYS}).
     */
    private static Map<String, Long> sortedCopy(Map<String, Long> counts) {
        if (counts == null || counts.isEmpty()) {
            return EMPTY;
        }
        if (counts.getClass() == UNMODIFIABLE_SORTED) {
            return counts;
        }
        TreeMap<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, java.util.Objects.requireNonNull(v, k)));
        return Collections.unmodifiableSortedMap(copy);
    }

    private static final Map<String, Long> EMPTY = Collections.unmodifiableSortedMap(new TreeMap<>());
    private static final Class<?> UNMODIFIABLE_SORTED = EMPTY.getClass();

    private static Map<String, Long> increment(Map<String, Long> counts, String key) {
        TreeMap<String, Long> next = new TreeMap<>(counts);
        next.merge(key, 1L, Long::sum);
        return Collections.unmodifiableSortedMap(next);
    }

    private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        TreeMap<String, Long> next = new TreeMap<>(a);
        b.forEach((k, v) -> next.merge(k, v, Long::sum));
        return Collections.unmodifiableSortedMap(next);
    }

    private static Double min(Double a, Double b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Double.valueOf(Math.min(a, b));
    }

    private static Double max(Double a, Double b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Double.valueOf(Math.max(a, b));
    }
}
