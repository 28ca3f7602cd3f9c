package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Output of the topology's per-run step: one distinct, accepted state change of a flow run (a
 * redelivered event never produces a second one), with what the run's history so far implies.
 *
 * <p>{@code finishesRun} is a fact about this transition, not a promise that a
 * {@link FinishedFlowRun} was published with it: each finish is published separately, once, either
 * together with this transition or later, when the states its history proves missing have arrived,
 * or once its settle time has passed (then with an unknown duration). Count finishes from the
 * finished-totals topic, not from this flag.
 *
 * @param event               the state change
 * @param totalRunTimeSeconds Prefect's {@code total_run_time} for the run after this transition:
 *                            time spent in RUNNING, replayed from the states seen so far (may be
 *                            short if earlier states arrive later; the finished run carries the
 *                            value once the history is complete)
 * @param finishesRun         true on every terminal state: each entry into a terminal state is a finish
 *                            of the run (a run retried after a terminal state finishes again)
 */
public record FlowRunTransition(FlowRunEvent event, double totalRunTimeSeconds, boolean finishesRun) {

    @JsonProperty(value = "schema_version", access = JsonProperty.Access.READ_ONLY)
    public int schemaVersion() {
        return SchemaVersion.CURRENT;
    }
}
