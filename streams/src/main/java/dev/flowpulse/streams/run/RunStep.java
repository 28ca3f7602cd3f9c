package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.InProgressRun;
import java.util.List;

/**
 * What one new state change, or a due timer, did to a run: the run's next history and what to
 * publish. Only travels in memory inside the per-run processor; never serialized.
 *
 * @param history        the history to store; null when the run is forgotten (purged)
 * @param transition     the accepted state change, or null for a timer step
 * @param finishes       finishes published now, each counted once (in occurred order)
 * @param forcedFinishes how many of them were forced by the settle time with their duration unknown
 * @param currentFinish  the run's current finish for the finished-runs table, or null when unchanged
 * @param inProgress     the run's in-progress record, or null when unchanged (see {@code inProgressEnded})
 * @param inProgressEnded the run left the in-progress table: publish a tombstone
 * @param stuckFlagged   the run was flagged stuck in this step
 */
public record RunStep(
        RunHistory history,
        FlowRunTransition transition,
        List<FinishedFlowRun> finishes,
        int forcedFinishes,
        FinishedFlowRun currentFinish,
        InProgressRun inProgress,
        boolean inProgressEnded,
        boolean stuckFlagged) {

    public RunStep {
        finishes = List.copyOf(finishes);
    }

    public boolean purged() {
        return history == null;
    }
}
