package dev.flowpulse.contract;

import java.time.Instant;
import java.util.List;

/**
 * A flow run that reached a terminal state, published once per run to the finished-runs topic.
 *
 * @param startTime           first entry into RUNNING; equals {@code endTime} if the run never ran (Prefect's rule)
 * @param totalRunTimeSeconds time spent in RUNNING (Prefect's {@code total_run_time})
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
        double totalRunTimeSeconds,
        int runCount) {}
