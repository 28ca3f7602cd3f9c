package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunTransition;

/**
 * What accepting one new state change did to a run: the run's next history, the transition to
 * publish, and, on the run's first terminal state only, the finished run.
 *
 * <p>Only travels in memory between the per-run processor and the next DSL steps; never serialized.
 *
 * @param finished the finished run, or null when this transition does not finish the run
 */
public record RunStep(RunHistory history, FlowRunTransition transition, FinishedFlowRun finished) {

    public boolean finishesRun() {
        return finished != null;
    }
}
