package dev.flowpulse.streams.window;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.ResourceRef;
import dev.flowpulse.contract.WindowStats;

/**
 * What one record adds to the window statistics: a distinct state entry (from a transition) or a
 * run's finish (published once per run, possibly later than its terminal transition). Carrying
 * either in one value lets both streams share one repartition and one window store per dimension.
 * Value of the {@code window-stats-by-*} repartition topics (JSON). Exactly one field is non-null.
 * The field {@code event} keeps the name it had in the {@code FlowRunTransition} these topics
 * carried before, so records in flight across an upgrade still count as state entries.
 *
 * <p>Immutable.
 *
 * @param event  the state change, for {@link WindowStats#plusState}
 * @param finish the finished run, for {@link WindowStats#plusFinish}
 */
public record WindowContribution(FlowRunEvent event, FinishedFlowRun finish) {

    public static WindowContribution ofState(FlowRunEvent event) {
        return new WindowContribution(event, null);
    }

    public static WindowContribution ofFinish(FinishedFlowRun finish) {
        return new WindowContribution(null, finish);
    }

    public ResourceRef flow() {
        return event != null ? event.flow() : finish.flow();
    }

    public ResourceRef deployment() {
        return event != null ? event.deployment() : finish.deployment();
    }

    public WindowStats addTo(WindowStats stats) {
        return event != null ? stats.plusState(event) : stats.plusFinish(finish);
    }
}
