package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Value of the late-records topic: a contribution the topology dropped from an output because it
 * came too late, with the reason, so nothing disappears silently (also counted in
 * {@code flowpulse_streams_late_records_total{output}}). Key: the flow-run id.
 *
 * @param output      the output that dropped it ({@code window-stats})
 * @param reason      {@code window-closed}: its window's final result was already emitted
 * @param occurred    the event time of the dropped state entry or finish
 * @param kind        {@code state} (a state entry) or {@code finish}
 * @param window      the window that refused it
 * @param closedUntil every window of that task ending at or before this instant was already closed
 */
public record LateRecord(
        String output,
        String reason,
        String flowRunId,
        Instant occurred,
        String kind,
        StateType stateType,
        String stateName,
        WindowKey window,
        Instant closedUntil) {

    public static final String WINDOW_STATS = "window-stats";
    public static final String WINDOW_CLOSED = "window-closed";

    @JsonProperty(value = "schema_version", access = JsonProperty.Access.READ_ONLY)
    public int schemaVersion() {
        return SchemaVersion.CURRENT;
    }
}
