package dev.flowpulse.contract;

import java.time.Instant;
import java.util.List;

/**
 * A flow run that reached a terminal state, published once per run to the finished-runs topic,
 * with the record timestamp set to {@code endTime} (the terminal state's {@code occurred}). It may
 * be published later than the terminal transition: the topology waits until the run's history
 * is complete (or a settle timeout passes) so that {@code totalRunTimeSeconds} is final.
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
