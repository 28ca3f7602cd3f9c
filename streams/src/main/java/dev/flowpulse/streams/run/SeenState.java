package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.StateType;
import java.time.Instant;

/**
 * One state a flow run entered, as remembered in the {@code flow-run-state} store: enough to
 * recognise a redelivery ({@code eventId}), replay Prefect's timing rules ({@code type},
 * {@code occurred}), prove a predecessor missing ({@code follows}, {@code previousType} =
 * {@code payload.intended.from}, {@code runCount}) and, for a terminal state, whether its finish
 * was published.
 */
public record SeenState(
        String eventId,
        StateType type,
        String name,
        Instant occurred,
        int runCount,
        StateType previousType,
        String follows,
        boolean finishPublished) {

    public static SeenState of(FlowRunEvent event) {
        return new SeenState(
                event.eventId(),
                event.stateType(),
                event.stateName(),
                event.occurred(),
                event.runCount(),
                event.previousType(),
                event.follows(),
                false);
    }

    public boolean isTerminal() {
        return type.isTerminal();
    }

    /** A terminal state whose finish is not published yet. */
    public boolean awaitsFinish() {
        return type.isTerminal() && !finishPublished;
    }

    SeenState published() {
        return new SeenState(eventId, type, name, occurred, runCount, previousType, follows, true);
    }
}
