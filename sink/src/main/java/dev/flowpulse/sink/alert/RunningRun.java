package dev.flowpulse.sink.alert;

import java.time.Instant;
import java.util.Objects;

/** A flow run that is RUNNING right now, since {@code runningSince} (its latest RUNNING state). */
public record RunningRun(String flowRunId, String flowRunName, Instant runningSince) {

    public RunningRun {
        Objects.requireNonNull(flowRunId, "flowRunId");
        flowRunName = flowRunName == null ? "" : flowRunName;
        Objects.requireNonNull(runningSince, "runningSince");
    }
}
