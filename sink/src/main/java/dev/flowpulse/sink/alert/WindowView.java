package dev.flowpulse.sink.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A consistent snapshot of the topology's window aggregates, as of {@link #asOf()}: everything
 * {@link AlertEvaluator} reads. The sink builds one from the window, in-progress and stuck-run
 * topics; tests build one by hand.
 *
 * <p>Contract for implementations: answers refer to the same instant {@link #asOf()} (event time
 * of the newest data the topology has processed, or wall-clock time, whichever the implementation
 * documents), and are immutable once handed to the evaluator. A scope returned by
 * {@link #scopes} may have an empty window: it still counts as seen (for {@code no_success}).
 */
public interface WindowView {

    /** The instant every answer refers to: windows end here, stuck and no-success ages are measured to here. */
    Instant asOf();

    /** Every scope of {@code dimension} with any data, in any order. */
    Collection<Scope> scopes(ScopeDimension dimension);

    /**
     * The runs of {@code scope} that finished in {@code (asOf - window, asOf]}; every window of
     * {@link AlertRules#windows()} must be answerable. Empty aggregate if none finished.
     */
    WindowAggregate window(Scope scope, Duration window);

    /** The runs of {@code scope} RUNNING at {@link #asOf()}. */
    List<RunningRun> running(Scope scope);

    /** When a run of {@code scope} last finished COMPLETED, if ever (since the topology's state began). */
    Optional<Instant> lastCompleted(Scope scope);

    /** When {@code scope} was first seen by the topology: the age of a scope that never completed. */
    Instant firstSeen(Scope scope);
}
