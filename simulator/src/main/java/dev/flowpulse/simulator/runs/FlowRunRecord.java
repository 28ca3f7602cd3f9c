package dev.flowpulse.simulator.runs;

import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Instant;
import java.util.List;

/**
 * A flow run's server-side columns, derived by replaying its state changes with Prefect's rules
 * (reference §1.4, {@code global_policy.py}). Durations are kept in microseconds. Immutable.
 *
 * @param expectedStartTime timestamp of the first known state (the scheduled time of a Scheduled
 *                          state is not in the event, so its timestamp stands in for it)
 * @param created           received time of the first event; {@code updated} of the last
 */
public record FlowRunRecord(
        RunFacts facts,
        StateEntry state,
        int runCount,
        Instant expectedStartTime,
        Instant startTime,
        Instant endTime,
        long totalRunTimeMicros,
        Instant created,
        Instant updated) {

    /**
     * Replays the states (sorted by timestamp) into the run's columns.
     *
     * @param states at least one state, ascending by timestamp
     */
    public static FlowRunRecord replay(RunFacts facts, List<StateEntry> states, Instant created, Instant updated) {
        Instant start = null;
        Instant end = null;
        long total = 0;
        StateEntry previous = null;
        for (StateEntry s : states) {
            if (previous != null && previous.isRunning()) {
                total += PrefectTime.microsBetween(previous.timestamp(), s.timestamp());
            }
            if (s.isRunning() && start == null) {
                start = s.timestamp();
            }
            if (s.isTerminal()) {
                if (end == null) {
                    end = s.timestamp();
                }
                if (start == null) {
                    start = end;
                }
            } else {
                end = null; // forced out of a terminal state
            }
            previous = s;
        }
        StateEntry current = states.get(states.size() - 1);
        return new FlowRunRecord(
                facts, current, current.runCount(), states.get(0).timestamp(), start, end, total, created, updated);
    }

    /** {@code Run.estimated_run_time}: total run time, plus the current RUNNING span. */
    public long estimatedRunTimeMicros(Instant now) {
        if (state.isRunning()) {
            return totalRunTimeMicros + Math.max(0, PrefectTime.microsBetween(state.timestamp(), now));
        }
        return totalRunTimeMicros;
    }

    /** {@code Run.estimated_start_time_delta}: how late the run started, or is, if it has not started yet. */
    public long estimatedStartTimeDeltaMicros(Instant now) {
        if (startTime != null) {
            return Math.max(0, PrefectTime.microsBetween(expectedStartTime, startTime));
        }
        if (!state.isTerminal() && expectedStartTime.isBefore(now)) {
            return PrefectTime.microsBetween(expectedStartTime, now);
        }
        return 0;
    }
}
