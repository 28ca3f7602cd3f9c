package dev.flowpulse.streams.run;

import dev.flowpulse.contract.StateType;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The pure rule that decides whether a run's RUNNING time up to a terminal state is known: no
 * state before it (by {@code occurred}) proves that a state which starts or ends a RUNNING span
 * has not arrived. Prefect's events are not guaranteed to arrive in order (websocket backfill vs
 * live, reconnects, gap filling), and every state says what came before it:
 * {@code payload.intended.from} is the type of the state it left and {@code follows} the id of that
 * state (when less than 5 minutes apart); {@code prefect.run-count} counts the entries into RUNNING
 * except resumes from PAUSED (reference §1.3, §1.4). Every state up to the terminal one is checked,
 * not only the terminal one.
 *
 * <p>A missing predecessor that can hide no RUNNING time (the bulk-inserted Scheduled state of a
 * scheduler-made run, which emits no event; a lost Pending between Scheduled and Submitting) does
 * not make the duration unknown.
 *
 * @param reason  which proof
 * @param eventId the state whose predecessor is missing (the terminal state for the run-count rule)
 */
public record HistoryGap(Reason reason, String eventId) {

    public enum Reason {
        /** A state left RUNNING ({@code intended.from}), yet the state seen before it is not RUNNING. */
        RUNNING_UNSEEN,
        /**
         * The state seen before is RUNNING, but this state's predecessor is another one ({@code follows}
         * unseen or {@code intended.from} differs): the RUNNING span ended earlier, at a state not seen.
         */
        RUNNING_SPAN_END_UNSEEN,
        /** The first state seen left a state that may follow RUNNING (PAUSED, CANCELLING). */
        PREDECESSOR_UNSEEN,
        /** Fewer RUNNING entries seen than the terminal state's {@code run_count}. */
        RUNNING_ENTRIES_MISSING
    }

    /** Types whose absence before a run's first seen state may hide RUNNING time. */
    private static final Set<StateType> MAY_FOLLOW_RUNNING =
            Set.of(StateType.RUNNING, StateType.PAUSED, StateType.CANCELLING);

    /**
     * The first gap in the history up to {@code states.get(terminalIndex)}, or empty when the
     * RUNNING time up to it is known.
     *
     * @param states                the run's states ordered by {@code occurred}
     * @param trimmedRunningEntries RUNNING entries already dropped by the per-run cap (the oldest states)
     * @param trimmed               whether older states were dropped: the first kept state's predecessor is then unknown
     */
    public static Optional<HistoryGap> before(
            List<SeenState> states, int terminalIndex, int trimmedRunningEntries, boolean trimmed) {
        for (int i = 0; i <= terminalIndex; i++) {
            SeenState state = states.get(i);
            SeenState previous = i == 0 ? null : states.get(i - 1);
            if (previous == null && trimmed) {
                continue;
            }
            Optional<Reason> reason = missingPredecessor(states, state, previous);
            if (reason.isPresent()) {
                return Optional.of(new HistoryGap(reason.get(), state.eventId()));
            }
        }
        SeenState terminal = states.get(terminalIndex);
        long running = trimmedRunningEntries
                + states.subList(0, terminalIndex + 1).stream()
                        .filter(s -> s.type() == StateType.RUNNING)
                        .count();
        if (running < terminal.runCount()) {
            return Optional.of(new HistoryGap(Reason.RUNNING_ENTRIES_MISSING, terminal.eventId()));
        }
        return Optional.empty();
    }

    private static Optional<Reason> missingPredecessor(List<SeenState> states, SeenState state, SeenState previous) {
        if (previous == null) {
            return state.previousType() != null && MAY_FOLLOW_RUNNING.contains(state.previousType())
                    ? Optional.of(Reason.PREDECESSOR_UNSEEN)
                    : Optional.empty();
        }
        boolean followedUnseen = state.follows() != null
                && !state.follows().equals(previous.eventId())
                && states.stream().noneMatch(s -> s.eventId().equals(state.follows()));
        boolean typeDiffers = state.previousType() != null && state.previousType() != previous.type();
        if (!followedUnseen && !typeDiffers) {
            return Optional.empty();
        }
        if (state.previousType() == StateType.RUNNING) {
            return Optional.of(Reason.RUNNING_UNSEEN);
        }
        if (previous.type() == StateType.RUNNING) {
            return Optional.of(Reason.RUNNING_SPAN_END_UNSEEN);
        }
        return Optional.empty();
    }
}
