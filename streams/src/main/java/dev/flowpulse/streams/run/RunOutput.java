package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunTransition;

/**
 * One record the per-run processor forwards: either a distinct transition (record timestamp: its
 * {@code occurred}) or a run's finish (record timestamp: the terminal state's {@code occurred}).
 * The topology splits them into the transition and finish streams.
 *
 * <p>Only travels in memory to the next DSL step; never serialized. Exactly one field is non-null.
 */
public record RunOutput(FlowRunTransition transition, FinishedFlowRun finished) {

    public static RunOutput of(FlowRunTransition transition) {
        return new RunOutput(transition, null);
    }

    public static RunOutput of(FinishedFlowRun finished) {
        return new RunOutput(null, finished);
    }

    public boolean isFinish() {
        return finished != null;
    }
}
