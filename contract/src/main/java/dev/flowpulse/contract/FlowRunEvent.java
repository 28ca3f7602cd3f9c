package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One Prefect flow-run state-change event, reduced to what flowpulse computes with. Built by
 * {@link FlowRunEventParser} from a {@code prefect.flow-run.<State name>} ReceivedEvent.
 *
 * @param workspace     the Prefect workspace the event came from (ingest's {@code flowpulse.workspace} header)
 * @param eventId       the event id; equals the id of the new state, so it is the dedupe key
 * @param flowRunId     the run, from {@code prefect.resource.id = prefect.flow-run.<id>}
 * @param stateType     {@code prefect.state-type}
 * @param stateName     {@code prefect.state-name} (display text: {@code Late}, {@code AwaitingRetry}, ...)
 * @param occurred      the new state's timestamp: the event time used for windows
 * @param runCount      {@code prefect.run-count} after this transition
 * @param previousType  {@code payload.intended.from}: the state type the run left, null for the first state
 * @param follows       id of the event known to precede this one, when Prefect sets it
 * @param tags          the {@code tag} related resources, sorted as Prefect sends them
 */
public record FlowRunEvent(
        String workspace,
        String eventId,
        String flowRunId,
        String flowRunName,
        StateType stateType,
        String stateName,
        Instant occurred,
        Instant received,
        int runCount,
        StateType previousType,
        String follows,
        ResourceRef flow,
        ResourceRef deployment,
        ResourceRef workQueue,
        ResourceRef workPool,
        List<String> tags) {

    public FlowRunEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(flowRunId, "flowRunId");
        Objects.requireNonNull(stateType, "stateType");
        Objects.requireNonNull(occurred, "occurred");
        workspace = workspace == null ? "" : workspace;
        flowRunName = flowRunName == null ? "" : flowRunName;
        stateName = stateName == null ? "" : stateName;
        flow = flow == null ? ResourceRef.NONE : flow;
        deployment = deployment == null ? ResourceRef.NONE : deployment;
        workQueue = workQueue == null ? ResourceRef.NONE : workQueue;
        workPool = workPool == null ? ResourceRef.NONE : workPool;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    @JsonIgnore
    public boolean isTerminal() {
        return stateType.isTerminal();
    }

    /**
     * An entry into RUNNING that is a retry: {@code run_count} above 1 counts a new attempt, and only
     * a resume from PAUSED enters RUNNING without incrementing it (reference §1.3).
     */
    @JsonIgnore
    public boolean isRetry() {
        return stateType == StateType.RUNNING && runCount > 1 && previousType != StateType.PAUSED;
    }
}
