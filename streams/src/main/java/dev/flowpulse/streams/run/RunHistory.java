package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.StateType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the topology remembers about one flow run (value of the {@code flow-run-state} store), and
 * the pure rules that turn the next state change into a transition: dedupe by event id, order by
 * {@code occurred}, Prefect's {@code total_run_time} replay, and "the first terminal state
 * finishes the run, once its history is complete" ({@link HistoryGap}).
 *
 * <p>Immutable; every method is pure, so the rules are unit-tested without Kafka.
 *
 * @param states                the states seen, ordered by {@code occurred} (arrival order on ties)
 * @param finished              whether the run's finish was published
 * @param lastSeenWallClockMs   wall-clock time of the last accepted event, for retention
 * @param firstRunning          earliest entry into RUNNING seen, or null; survives trimming
 * @param trimmedRunTimeSeconds RUNNING time of the oldest states dropped to respect the per-run cap
 * @param trimmedRunningEntries RUNNING states among those dropped, for the run-count rule
 * @param pendingFinish         the first terminal state, while its finish is held back; else null
 */
public record RunHistory(
        List<SeenState> states,
        boolean finished,
        long lastSeenWallClockMs,
        Instant firstRunning,
        double trimmedRunTimeSeconds,
        int trimmedRunningEntries,
        PendingFinish pendingFinish) {

    public RunHistory {
        states = states == null ? List.of() : List.copyOf(states);
    }

    public static RunHistory empty() {
        return new RunHistory(List.of(), false, 0L, null, 0.0, 0, null);
    }

    /** True if a state with this event id is remembered: the event is a redelivery. */
    public boolean hasSeen(String eventId) {
        return states.stream().anyMatch(s -> s.eventId().equals(eventId));
    }

    /** True if no event reached this run for longer than {@code retention} of wall-clock time. */
    public boolean expired(long nowMs, Duration retention) {
        return nowMs - lastSeenWallClockMs > retention.toMillis();
    }

    public boolean hasPendingFinish() {
        return pendingFinish != null;
    }

    /** What still keeps the pending finish back; empty when there is none or the history is complete. */
    public Optional<HistoryGap> pendingGap() {
        return pendingFinish == null
                ? Optional.empty()
                : HistoryGap.before(pendingFinish.terminal(), states, trimmedRunningEntries);
    }

    /**
     * Accepts a state change this run has not seen: empty for a redelivery, otherwise the step
     * with the new history (at most {@code maxStates} states kept), the transition and, if the
     * run's first terminal state is known and its history complete, the finished run. A first
     * terminal state with a {@link HistoryGap} becomes the pending finish instead.
     */
    public Optional<RunStep> accept(FlowRunEvent event, long nowMs, int maxStates) {
        if (hasSeen(event.eventId())) {
            return Optional.empty();
        }
        List<SeenState> next = insertByOccurred(states, SeenState.of(event));
        double totalRunTime = totalRunTimeUntil(next, trimmedRunTimeSeconds, event.occurred());
        boolean firstTerminal = event.isTerminal() && !finished && pendingFinish == null;
        RunHistory history = new RunHistory(
                next,
                finished,
                nowMs,
                earliestRunning(firstRunning, event),
                trimmedRunTimeSeconds,
                trimmedRunningEntries,
                firstTerminal ? new PendingFinish(event, nowMs) : pendingFinish);
        FlowRunTransition transition = new FlowRunTransition(event, totalRunTime, firstTerminal);
        // Checked before trimming: the cap must not hide the state a terminal's follows names.
        if (history.hasPendingFinish() && history.pendingGap().isEmpty()) {
            return Optional.of(
                    new RunStep(history.finishPublished().trimmedTo(maxStates), transition, history.finishedRun()));
        }
        return Optional.of(new RunStep(history.trimmedTo(maxStates), transition, null));
    }

    /**
     * The finished run of the pending terminal state, with what is known now (used when its
     * history is complete, or when the settle timeout forces it): Prefect's rules, {@code start_time}
     * = first entry into RUNNING (or {@code end_time} if the run never ran before it), {@code end_time}
     * = the terminal's {@code occurred}, {@code total_run_time} up to that {@code occurred}.
     */
    public FinishedFlowRun finishedRun() {
        FlowRunEvent terminal =
                Objects.requireNonNull(pendingFinish, "no pending finish").terminal();
        Instant end = terminal.occurred();
        Instant start = firstRunning == null || firstRunning.isAfter(end) ? end : firstRunning;
        return new FinishedFlowRun(
                terminal.workspace(),
                terminal.flowRunId(),
                terminal.flowRunName(),
                terminal.flow(),
                terminal.deployment(),
                terminal.workPool(),
                terminal.tags(),
                terminal.stateType(),
                terminal.stateName(),
                start,
                end,
                totalRunTimeUntil(end),
                terminal.runCount());
    }

    /** This history once the finish was published: finished, nothing pending. */
    public RunHistory finishPublished() {
        return new RunHistory(
                states, true, lastSeenWallClockMs, firstRunning, trimmedRunTimeSeconds, trimmedRunningEntries, null);
    }

    /** Prefect's {@code total_run_time} as of {@code until}: over the states seen so far. */
    public double totalRunTimeUntil(Instant until) {
        return totalRunTimeUntil(states, trimmedRunTimeSeconds, until);
    }

    /**
     * Sum of {@code next.occurred - this.occurred} over consecutive states where {@code this} is
     * RUNNING, counting only spans that ended by {@code until}: what Prefect's column held right
     * after the transition at {@code until} (global_policy.py adds the span on leaving RUNNING).
     */
    static double totalRunTimeUntil(List<SeenState> ordered, double carried, Instant until) {
        double total = carried;
        for (int i = 0; i + 1 < ordered.size(); i++) {
            SeenState current = ordered.get(i);
            SeenState next = ordered.get(i + 1);
            if (next.occurred().isAfter(until)) {
                break;
            }
            if (current.type() == StateType.RUNNING) {
                total += seconds(current.occurred(), next.occurred());
            }
        }
        return total;
    }

    static List<SeenState> insertByOccurred(List<SeenState> ordered, SeenState state) {
        int at = ordered.size();
        while (at > 0 && ordered.get(at - 1).occurred().isAfter(state.occurred())) {
            at--;
        }
        List<SeenState> next = new ArrayList<>(ordered);
        next.add(at, state);
        return next;
    }

    /** Drops the oldest states beyond {@code maxStates}, carrying their RUNNING time and entries forward. */
    RunHistory trimmedTo(int maxStates) {
        if (states.size() <= maxStates) {
            return this;
        }
        List<SeenState> kept = new ArrayList<>(states);
        double carried = trimmedRunTimeSeconds;
        int runningEntries = trimmedRunningEntries;
        while (kept.size() > maxStates) {
            SeenState dropped = kept.remove(0);
            if (dropped.type() == StateType.RUNNING) {
                carried += seconds(dropped.occurred(), kept.get(0).occurred());
                runningEntries++;
            }
        }
        return new RunHistory(
                kept, finished, lastSeenWallClockMs, firstRunning, carried, runningEntries, pendingFinish);
    }

    private static Instant earliestRunning(Instant known, FlowRunEvent event) {
        if (event.stateType() != StateType.RUNNING) {
            return known;
        }
        return known == null || event.occurred().isBefore(known) ? event.occurred() : known;
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1_000_000_000.0;
    }
}
