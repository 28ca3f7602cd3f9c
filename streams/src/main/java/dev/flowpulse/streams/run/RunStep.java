package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunTransition;

/**
 * What accepting one new state change did to a run: the run's next history, the transition to
 * publish and, when the run's finish can be published now, the finished run. The finish may be
 * about this transition (a terminal state with a complete history) or about an earlier terminal
 * state held back until this event filled the gap.
 *
 * <p>Only travels in memory inside the per-run processor; never serialized.
 *
 * @param finished the finished run to publish now, or null
 */
public record RunStep(RunHistory history, FlowRunTransition transition, FinishedFlowRun finished) {

    public boolean emitsFinish() {
        return finished != null;
    }

    /** This transition is the run's first terminal state, but its finish waits for missing states. */
    public boolean holdsFinishBack() {
        return transition.finishesRun() && finished == null;
    }

    /** This transition filled the gap of a terminal state held back before. */
    public boolean releasesHeldFinish() {
        return finished != null && !transition.finishesRun();
    }
}
