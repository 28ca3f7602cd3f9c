package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.InProgressRun;

/**
 * One record the per-run processor forwards; the topology splits them by {@link Kind}.
 *
 * <p>Only travels in memory to the next DSL step; never serialized.
 *
 * @param transition a distinct state change (record timestamp: its {@code occurred})
 * @param finish     a finish, to count (FINISH) or the run's current finish for the table (CURRENT_FINISH)
 * @param inProgress the run's in-progress record; null with IN_PROGRESS is the tombstone of a finished run
 */
public record RunOutput(Kind kind, FlowRunTransition transition, FinishedFlowRun finish, InProgressRun inProgress) {

    public enum Kind {
        TRANSITION,
        FINISH,
        CURRENT_FINISH,
        IN_PROGRESS
    }

    public static RunOutput of(FlowRunTransition transition) {
        return new RunOutput(Kind.TRANSITION, transition, null, null);
    }

    public static RunOutput finish(FinishedFlowRun finish) {
        return new RunOutput(Kind.FINISH, null, finish, null);
    }

    public static RunOutput currentFinish(FinishedFlowRun finish) {
        return new RunOutput(Kind.CURRENT_FINISH, null, finish, null);
    }

    /** {@code run} null: the tombstone of a run that left the in-progress table. */
    public static RunOutput inProgress(InProgressRun run) {
        return new RunOutput(Kind.IN_PROGRESS, null, null, run);
    }

    public boolean is(Kind expected) {
        return kind == expected;
    }
}
