package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.StateType;
import java.util.List;
import java.util.Optional;

/**
 * The pure rule that decides whether a run's terminal state may be finished yet: the terminal
 * event itself proves that an earlier state has not arrived (Prefect's events are not guaranteed
 * to arrive in order: websocket backfill vs live, reconnects, gap filling). Finishing then would
 * publish a {@code total_run_time} that is too short and, counters being monotonic, never corrected.
 *
 * <p>Only proofs carried by the terminal event count; an absent event nothing points at (a
 * scheduler-made run has no Scheduled event at all) never holds a finish back.
 */
public enum HistoryGap {

    /** Its {@code follows} names a state no seen event has: Prefect sets it only when that state happened first. */
    FOLLOWED_STATE_UNSEEN,
    /** It left RUNNING ({@code payload.intended.from}), yet no RUNNING state is seen before it. */
    RUNNING_UNSEEN,
    /**
     * Fewer RUNNING entries before it than its {@code run_count}: every entry into RUNNING except a
     * resume from pause increments the count (reference §1.3), so a complete history has at least
     * {@code run_count} of them (a retried run ends with run_count 2 after Running and Retrying).
     */
    RUNNING_ENTRIES_MISSING;

    /**
     * The first gap in the history before {@code terminal}, or empty when it is complete.
     *
     * @param states                the run's states ordered by {@code occurred} (may include the terminal itself)
     * @param trimmedRunningEntries RUNNING entries already dropped by the per-run cap: the oldest, so before the terminal
     */
    public static Optional<HistoryGap> before(
            FlowRunEvent terminal, List<SeenState> states, int trimmedRunningEntries) {
        if (terminal.follows() != null
                && states.stream().noneMatch(s -> s.eventId().equals(terminal.follows()))) {
            return Optional.of(FOLLOWED_STATE_UNSEEN);
        }
        long runningBefore = trimmedRunningEntries
                + states.stream()
                        .filter(s ->
                                s.type() == StateType.RUNNING && s.occurred().isBefore(terminal.occurred()))
                        .count();
        if (terminal.previousType() == StateType.RUNNING && runningBefore == 0) {
            return Optional.of(RUNNING_UNSEEN);
        }
        if (runningBefore < terminal.runCount()) {
            return Optional.of(RUNNING_ENTRIES_MISSING);
        }
        return Optional.empty();
    }
}
