package dev.flowpulse.streams.window;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.WindowStats;

/**
 * What one record adds to the windows of every group it belongs to: a distinct state entry (from
 * a transition) or a finish (published once per terminal state, possibly later than its
 * transition). Small on purpose: it is the value of the one {@code window-contributions-by-group}
 * repartition (JSON), fanned out to one record per group before it.
 *
 * <p>Immutable. Exactly one of {@code stateType} and {@code finishedType} is non-null.
 *
 * @param occurredMs      event time: the state's {@code occurred}, or the terminal state's for a finish
 * @param retry           the state is an entry into RUNNING that is a retry ({@code run_count > 1}, not a resume from PAUSED)
 * @param durationSeconds a finish's {@code total_run_time}; null when unknown
 */
public record WindowContribution(
        String flowRunId,
        long occurredMs,
        StateType stateType,
        String stateName,
        boolean retry,
        StateType finishedType,
        Double durationSeconds) {

    public static WindowContribution ofState(FlowRunEvent event) {
        return new WindowContribution(
                event.flowRunId(),
                event.occurred().toEpochMilli(),
                event.stateType(),
                event.stateName(),
                event.isRetry(),
                null,
                null);
    }

    public static WindowContribution ofFinish(FinishedFlowRun finish) {
        return new WindowContribution(
                finish.flowRunId(),
                finish.terminalTime().toEpochMilli(),
                null,
                finish.stateName(),
                false,
                finish.stateType(),
                finish.totalRunTimeSeconds());
    }

    public boolean isFinish() {
        return finishedType != null;
    }

    public WindowStats addTo(WindowStats stats) {
        return isFinish()
                ? stats.plusFinish(finishedType, durationSeconds)
                : stats.plusState(stateType, stateName, retry);
    }
}
