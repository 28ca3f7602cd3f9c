package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.StateType;
import java.time.Instant;

/**
 * One state a flow run entered, as remembered in the {@code flow-run-state} store: enough to
 * recognise a redelivery ({@code eventId}) and to replay Prefect's timing rules ({@code type},
 * {@code occurred}).
 */
public record SeenState(String eventId, StateType type, String name, Instant occurred) {

    public static SeenState of(FlowRunEvent event) {
        return new SeenState(event.eventId(), event.stateType(), event.stateName(), event.occurred());
    }
}
