package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * One finish of a flow run: the run entered a terminal state (COMPLETED, FAILED, CRASHED,
 * CANCELLED). A run retried after a terminal state (automation, UI) finishes again; each finish is
 * numbered ({@code finishNumber}, 1 for the first by {@code occurred}). Value of the finished-runs
 * topic, which is a table keyed by flow-run id: its latest record is the run's <em>current</em>
 * finish, Prefect's current state (the terminal state latest by {@code occurred}), also when the
 * finishes arrived out of order. Record timestamp: the terminal state's {@code occurred}.
 *
 * <p>A finish is published once the states before it are known (or the settle time has passed by
 * pipeline time, see {@code streams/README.md}): {@code totalRunTimeSeconds} is then Prefect's
 * {@code total_run_time} at that terminal state, or {@code null} when states that start or end a
 * RUNNING span are still missing: the duration is unknown. {@code knownRunTimeSeconds} is then what
 * the states seen add up to, for diagnosis only (too short if a RUNNING state is missing, too long
 * if the state that ended a RUNNING span is).
 *
 * @param startTime           first entry into RUNNING; equals {@code endTime} if the run never ran (Prefect's rule)
 * @param endTime             when the run entered the terminal state (the first of a streak of terminal states,
 *                            Prefect sets {@code end_time} only if unset)
 * @param terminalTime        the {@code occurred} of this terminal state (the record timestamp)
 * @param totalRunTimeSeconds time spent in RUNNING (Prefect's {@code total_run_time}); null when unknown
 * @param knownRunTimeSeconds RUNNING time the states seen add up to (equals {@code totalRunTimeSeconds} when known)
 * @param finishNumber        1 for the run's first terminal state by {@code occurred}, 2 for the next, ...
 */
public record FinishedFlowRun(
        String workspace,
        String flowRunId,
        String flowRunName,
        ResourceRef flow,
        ResourceRef deployment,
        ResourceRef workPool,
        List<String> tags,
        StateType stateType,
        String stateName,
        Instant startTime,
        Instant endTime,
        Instant terminalTime,
        Double totalRunTimeSeconds,
        double knownRunTimeSeconds,
        int runCount,
        int finishNumber) {

    public FinishedFlowRun {
        tags = tags == null ? List.of() : List.copyOf(tags);
        terminalTime = terminalTime == null ? endTime : terminalTime;
    }

    /** A first finish with a known duration. */
    public FinishedFlowRun(
            String workspace,
            String flowRunId,
            String flowRunName,
            ResourceRef flow,
            ResourceRef deployment,
            ResourceRef workPool,
            List<String> tags,
            StateType stateType,
            String stateName,
            Instant startTime,
            Instant endTime,
            double totalRunTimeSeconds,
            int runCount) {
        this(
                workspace,
                flowRunId,
                flowRunName,
                flow,
                deployment,
                workPool,
                tags,
                stateType,
                stateName,
                startTime,
                endTime,
                endTime,
                totalRunTimeSeconds,
                totalRunTimeSeconds,
                runCount,
                1);
    }

    @JsonProperty(value = "duration_known", access = JsonProperty.Access.READ_ONLY)
    public boolean durationKnown() {
        return totalRunTimeSeconds != null;
    }

    @JsonProperty(value = "schema_version", access = JsonProperty.Access.READ_ONLY)
    public int schemaVersion() {
        return SchemaVersion.CURRENT;
    }
}
