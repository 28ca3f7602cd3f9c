package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;

/**
 * Aggregate of the state changes of one group in one event-time window (the window is in the key).
 * Immutable; {@link #plus} folds in one transition.
 *
 * @param stateCounts    distinct state entries by state type
 * @param finishedCounts runs that finished in the window, by terminal state type (each run once)
 * @param durations      time spent RUNNING by the runs that finished in the window
 */
public record WindowStats(Map<String, Long> stateCounts, Map<String, Long> finishedCounts, DurationHistogram durations,
        double maxDurationSeconds) {

    public WindowStats {
        stateCounts = stateCounts == null ? Map.of() : Map.copyOf(stateCounts);
        finishedCounts = finishedCounts == null ? Map.of() : Map.copyOf(finishedCounts);
        durations = durations == null ? DurationHistogram.empty() : durations;
    }

    public static WindowStats empty() {
        return new WindowStats(Map.of(), Map.of(), DurationHistogram.empty(), 0.0);
    }

    public WindowStats plus(FlowRunTransition t) {
        Map<String, Long> states = new TreeMap<>(stateCounts);
        states.merge(t.event().stateType().name(), 1L, Long::sum);
        if (!t.finishesRun()) {
            return new WindowStats(states, finishedCounts, durations, maxDurationSeconds);
        }
        Map<String, Long> finished = new TreeMap<>(finishedCounts);
        finished.merge(t.event().stateType().name(), 1L, Long::sum);
        double seconds = t.totalRunTimeSeconds();
        return new WindowStats(states, finished, durations.plus(seconds), Math.max(maxDurationSeconds, seconds));
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
}
