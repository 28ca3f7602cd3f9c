package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;

/**
 * Aggregate of the state changes and finished runs of one group in one event-time window (the
 * window is in the key). Immutable; {@link #plusState} folds in one distinct state entry,
 * {@link #plusFinish} one finished run. The two arrive separately because a run's finish may be
 * published later than its terminal transition (held back until the run's history is complete);
 * a finish still falls in the window of its terminal state's {@code occurred}.
 *
 * @param stateCounts    distinct state entries by state type
 * @param finishedCounts runs that finished in the window, by terminal state type (each run once)
 * @param durations      time spent RUNNING by the runs that finished in the window
 */
public record WindowStats(
        Map<String, Long> stateCounts,
        Map<String, Long> finishedCounts,
        DurationHistogram durations,
        double maxDurationSeconds) {

    public WindowStats {
        stateCounts = stateCounts == null ? Map.of() : Map.copyOf(stateCounts);
        finishedCounts = finishedCounts == null ? Map.of() : Map.copyOf(finishedCounts);
        durations = durations == null ? DurationHistogram.empty() : durations;
    }

    public static WindowStats empty() {
        return new WindowStats(Map.of(), Map.of(), DurationHistogram.empty(), 0.0);
    }

    /** Counts one distinct state entry of a run (a transition), finishing or not. */
    public WindowStats plusState(FlowRunEvent event) {
        Map<String, Long> states = new TreeMap<>(stateCounts);
        states.merge(event.stateType().name(), 1L, Long::sum);
        return new WindowStats(states, finishedCounts, durations, maxDurationSeconds);
    }

    /** Counts one finished run (published once per run) with its time spent RUNNING. */
    public WindowStats plusFinish(FinishedFlowRun run) {
        return plusFinished(run.stateType(), run.totalRunTimeSeconds());
    }

    private WindowStats plusFinished(StateType terminal, double seconds) {
        Map<String, Long> finished = new TreeMap<>(finishedCounts);
        finished.merge(terminal.name(), 1L, Long::sum);
        return new WindowStats(stateCounts, finished, durations.plus(seconds), Math.max(maxDurationSeconds, seconds));
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
