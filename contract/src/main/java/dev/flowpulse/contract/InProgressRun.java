package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * Value of the in-progress-runs topic (a compacted table keyed by flow-run id): a run whose current
 * state (latest by {@code occurred}) is not terminal. Updated when the current state changes or the
 * run is flagged stuck; a tombstone (null value) follows when the run finishes, so the table holds
 * exactly the unfinished runs: in-progress gauges count its keys, stuck-run alerts read {@code stuck}.
 *
 * @param stateSince        {@code occurred} of the current state
 * @param startTime         first entry into RUNNING, or null if the run has not run yet
 * @param stuck             true once the run has been RUNNING or PENDING for longer than {@code stuckAfterSeconds}
 *                          (by pipeline time); false again when its state changes
 * @param stuckAfterSeconds the threshold that applies to this run (deployment override or default)
 */
public record InProgressRun(
        String workspace,
        String flowRunId,
        String flowRunName,
        ResourceRef flow,
        ResourceRef deployment,
        ResourceRef workPool,
        List<String> tags,
        StateType stateType,
        String stateName,
        Instant stateSince,
        Instant startTime,
        int runCount,
        boolean stuck,
        long stuckAfterSeconds) {

    public InProgressRun {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    @JsonProperty(value = "schema_version", access = JsonProperty.Access.READ_ONLY)
    public int schemaVersion() {
        return SchemaVersion.CURRENT;
    }
}
