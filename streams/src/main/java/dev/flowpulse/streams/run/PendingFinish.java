package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FlowRunEvent;

/**
 * A run's first terminal state whose finish is held back because its history is incomplete
 * ({@link HistoryGap}); part of {@link RunHistory} in the {@code flow-run-state} store.
 *
 * @param terminal          the terminal state change the finish is about
 * @param sinceWallClockMs  wall-clock time it became pending, for the settle timeout
 */
public record PendingFinish(FlowRunEvent terminal, long sinceWallClockMs) {}
