package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.InProgressRun;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.streams.TopologySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the topology remembers about one flow run (value of the {@code flow-run-state} store), and
 * the pure rules that turn the next state change, or the passing of pipeline time, into outputs:
 * dedupe by event id, order by {@code occurred}, Prefect's {@code total_run_time} replay, one finish
 * per terminal state once the RUNNING time before it is known ({@link HistoryGap}) or its settle
 * time has passed, the in-progress record and its stuck flag, and when a finished run is forgotten.
 * The rules are written down in {@code streams/README.md} §2.
 *
 * <p>Immutable; every method is pure (time comes in as pipeline time), so the rules are unit-tested
 * without Kafka.
 *
 * @param states                the states seen, ordered by {@code occurred} (arrival order on ties)
 * @param labels                the run's latest event by {@code occurred}: names, flow, deployment, pool, tags
 * @param firstRunning          earliest entry into RUNNING seen, or null; survives trimming
 * @param trimmedStates         states dropped to respect the per-run cap (the oldest)
 * @param trimmedRunTimeSeconds RUNNING time of the dropped states
 * @param trimmedRunningEntries RUNNING states among the dropped ones, for the run-count rule
 * @param trimmedTerminals      terminal states among the dropped ones, for finish numbers
 * @param stuck                 the current state was flagged stuck
 * @param inProgressPublished   the in-progress table holds a record of this run
 * @param timers                the entries this run wrote to the {@code run-timers} index
 *                              ({@link RunTimers}; the processor keeps them, the rules pass them
 *                              through unchanged); its actual deadlines are {@link #dueTimers}
 */
public record RunHistory(
        List<SeenState> states,
        FlowRunEvent labels,
        Instant firstRunning,
        int trimmedStates,
        double trimmedRunTimeSeconds,
        int trimmedRunningEntries,
        int trimmedTerminals,
        boolean stuck,
        boolean inProgressPublished,
        RunTimers timers) {

    public RunHistory {
        states = states == null ? List.of() : List.copyOf(states);
        timers = timers == null ? RunTimers.EMPTY : timers;
    }

    public static RunHistory empty() {
        return new RunHistory(List.of(), null, null, 0, 0.0, 0, 0, false, false, RunTimers.EMPTY);
    }

    /** True if a state with this event id is remembered: the event is a redelivery. */
    public boolean hasSeen(String eventId) {
        return states.stream().anyMatch(s -> s.eventId().equals(eventId));
    }

    /** The run's current state: the latest by {@code occurred} (Prefect's current state), or null. */
    public SeenState current() {
        return states.isEmpty() ? null : states.get(states.size() - 1);
    }

    /**
     * Accepts a state change: empty for a redelivery, otherwise the step with the transition and
     * whatever the new state makes publishable at pipeline time {@code nowMs}.
     */
    public Optional<RunStep> accept(FlowRunEvent event, long nowMs, TopologySettings rules) {
        if (hasSeen(event.eventId())) {
            return Optional.empty();
        }
        List<SeenState> next = insertByOccurred(states, SeenState.of(event));
        FlowRunEvent latest = labels == null || !event.occurred().isBefore(labels.occurred()) ? event : labels;
        RunHistory history = new RunHistory(
                next,
                latest,
                earliestRunning(firstRunning, event),
                trimmedStates,
                trimmedRunTimeSeconds,
                trimmedRunningEntries,
                trimmedTerminals,
                stuck,
                inProgressPublished,
                timers);
        FlowRunTransition transition = new FlowRunTransition(
                event, totalRunTimeUntil(next, trimmedRunTimeSeconds, event.occurred()), event.isTerminal());
        return Optional.of(history.advance(nowMs, rules, current(), transition));
    }

    /**
     * The step when one of this run's index entries fires at pipeline time {@code nowMs}: whatever is
     * actually due by then. An entry may fire early (its deadline moved later); then nothing is due
     * and the step has no output and a history equal to this one.
     */
    public RunStep onTimer(long nowMs, TopologySettings rules) {
        SeenState current = current();
        if (current != null
                && current.isTerminal()
                && earliestAwaitingFinishMs() == RunTimers.NONE
                && current.occurred().toEpochMilli() + rules.runStateRetention().toMillis() <= nowMs) {
            return new RunStep(null, null, List.of(), 0, null, null, false, false);
        }
        return advance(nowMs, rules, current, null);
    }

    /** Publishes what is due, updates the in-progress record and the timers. */
    private RunStep advance(long nowMs, TopologySettings rules, SeenState currentBefore, FlowRunTransition accepted) {
        List<SeenState> next = new ArrayList<>(states);
        List<FinishedFlowRun> finishes = new ArrayList<>();
        int forced = 0;
        long settleMs = rules.finishSettleTimeout().toMillis();
        for (int i = 0; i < next.size(); i++) {
            SeenState state = next.get(i);
            if (!state.awaitsFinish()) {
                continue;
            }
            boolean known = gapBefore(next, i).isEmpty();
            if (known || state.occurred().toEpochMilli() + settleMs <= nowMs) {
                next.set(i, state.published());
                finishes.add(finishOf(next, i, known));
                forced += known ? 0 : 1;
            }
        }
        RunHistory published = withStates(next);
        FinishedFlowRun currentFinish = published.currentFinish(finishes, accepted);

        SeenState current = published.current();
        boolean changed = currentBefore == null || !currentBefore.eventId().equals(current.eventId());
        boolean nowStuck = !changed && stuck;
        boolean flagged = false;
        InProgressRun inProgress = null;
        boolean ended = false;
        boolean inProgressNow = inProgressPublished;
        Duration stuckAfter = rules.stuckAfter(published.labels.deployment().name());
        if (!current.isTerminal()) {
            if (!nowStuck
                    && canBeStuck(current)
                    && current.occurred().toEpochMilli() + stuckAfter.toMillis() <= nowMs) {
                nowStuck = true;
                flagged = true;
            }
            if (changed || flagged) {
                inProgress = published.inProgressRecord(current, nowStuck, stuckAfter);
                inProgressNow = true;
            }
        } else if (inProgressPublished) {
            ended = true;
            inProgressNow = false;
        }
        RunHistory after = new RunHistory(
                        next,
                        labels,
                        firstRunning,
                        trimmedStates,
                        trimmedRunTimeSeconds,
                        trimmedRunningEntries,
                        trimmedTerminals,
                        nowStuck,
                        inProgressNow,
                        timers)
                .trimmedTo(rules.maxStatesPerRun());
        return new RunStep(after, accepted, finishes, forced, currentFinish, inProgress, ended, flagged);
    }

    /**
     * The finished-runs table record (the run's current finish: its latest published terminal state
     * by {@code occurred}), recomputed from what is known now; null when it did not change.
     */
    private FinishedFlowRun currentFinish(List<FinishedFlowRun> publishedNow, FlowRunTransition accepted) {
        int latest = -1;
        for (int i = states.size() - 1; i >= 0; i--) {
            if (states.get(i).isTerminal() && states.get(i).finishPublished()) {
                latest = i;
                break;
            }
        }
        if (latest < 0) {
            return null;
        }
        boolean historyBeforeItChanged = accepted != null
                && !accepted.event().occurred().isAfter(states.get(latest).occurred());
        if (publishedNow.isEmpty() && !historyBeforeItChanged) {
            return null;
        }
        return finishOf(states, latest, gapBefore(states, latest).isEmpty());
    }

    /** What still makes the RUNNING time up to the state at {@code index} unknown, if anything. */
    public Optional<HistoryGap> gapBefore(List<SeenState> ordered, int index) {
        return HistoryGap.before(ordered, index, trimmedRunningEntries, trimmedStates > 0);
    }

    /**
     * The finish of the terminal state at {@code index}, by Prefect's rules: {@code start_time} =
     * first entry into RUNNING (or {@code end_time} if the run never ran before it), {@code end_time}
     * = the first state of the streak of terminal states it ends, {@code total_run_time} = RUNNING
     * time up to it (null when {@code known} is false), finish number = terminal states up to it.
     */
    FinishedFlowRun finishOf(List<SeenState> ordered, int index, boolean known) {
        SeenState terminal = ordered.get(index);
        int streakStart = index;
        while (streakStart > 0 && ordered.get(streakStart - 1).isTerminal()) {
            streakStart--;
        }
        Instant end = ordered.get(streakStart).occurred();
        Instant start = firstRunning == null || firstRunning.isAfter(end) ? end : firstRunning;
        double runTime = totalRunTimeUntil(ordered, trimmedRunTimeSeconds, terminal.occurred());
        int finishNumber = trimmedTerminals
                + (int) ordered.subList(0, index + 1).stream()
                        .filter(SeenState::isTerminal)
                        .count();
        return new FinishedFlowRun(
                labels.workspace(),
                labels.flowRunId(),
                labels.flowRunName(),
                labels.flow(),
                labels.deployment(),
                labels.workPool(),
                labels.tags(),
                terminal.type(),
                terminal.name(),
                start,
                end,
                terminal.occurred(),
                known ? runTime : null,
                runTime,
                terminal.runCount(),
                finishNumber);
    }

    private InProgressRun inProgressRecord(SeenState current, boolean isStuck, Duration stuckAfter) {
        return new InProgressRun(
                labels.workspace(),
                labels.flowRunId(),
                labels.flowRunName(),
                labels.flow(),
                labels.deployment(),
                labels.workPool(),
                labels.tags(),
                current.type(),
                current.name(),
                current.occurred(),
                firstRunning,
                current.runCount(),
                isStuck,
                stuckAfter.toSeconds());
    }

    /** The deadlines this history actually has, by pipeline time ({@link RunTimers#NONE}: none of a kind). */
    RunTimers dueTimers(TopologySettings rules) {
        long awaiting = earliestAwaitingFinishMs();
        long settle = awaiting == RunTimers.NONE
                ? RunTimers.NONE
                : awaiting + rules.finishSettleTimeout().toMillis();
        SeenState current = current();
        long stuckDue = RunTimers.NONE;
        long purge = RunTimers.NONE;
        if (current != null && !current.isTerminal() && !stuck && canBeStuck(current)) {
            stuckDue = current.occurred().toEpochMilli()
                    + rules.stuckAfter(labels.deployment().name()).toMillis();
        }
        if (current != null && current.isTerminal() && settle == RunTimers.NONE) {
            purge = current.occurred().toEpochMilli()
                    + rules.runStateRetention().toMillis();
        }
        return new RunTimers(settle, stuckDue, purge);
    }

    /**
     * {@code occurred} (epoch ms) of the earliest terminal state whose finish is unpublished, or
     * {@link RunTimers#NONE}: the states are ordered by {@code occurred}, so the first one found.
     */
    private long earliestAwaitingFinishMs() {
        for (SeenState state : states) {
            if (state.awaitsFinish()) {
                return state.occurred().toEpochMilli();
            }
        }
        return RunTimers.NONE;
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

    /**
     * Drops the oldest states beyond {@code maxStates}, carrying their RUNNING time, RUNNING entries
     * and terminal count forward; never a terminal state whose finish is still unpublished.
     */
    RunHistory trimmedTo(int maxStates) {
        if (states.size() <= maxStates) {
            return this;
        }
        List<SeenState> kept = new ArrayList<>(states);
        int dropped = trimmedStates;
        double carried = trimmedRunTimeSeconds;
        int runningEntries = trimmedRunningEntries;
        int terminals = trimmedTerminals;
        while (kept.size() > maxStates && !kept.get(0).awaitsFinish()) {
            SeenState oldest = kept.remove(0);
            dropped++;
            if (oldest.type() == StateType.RUNNING) {
                carried += seconds(oldest.occurred(), kept.get(0).occurred());
                runningEntries++;
            }
            if (oldest.isTerminal()) {
                terminals++;
            }
        }
        return new RunHistory(
                kept,
                labels,
                firstRunning,
                dropped,
                carried,
                runningEntries,
                terminals,
                stuck,
                inProgressPublished,
                timers);
    }

    RunHistory withTimers(RunTimers next) {
        return new RunHistory(
                states,
                labels,
                firstRunning,
                trimmedStates,
                trimmedRunTimeSeconds,
                trimmedRunningEntries,
                trimmedTerminals,
                stuck,
                inProgressPublished,
                next);
    }

    private RunHistory withStates(List<SeenState> next) {
        return new RunHistory(
                next,
                labels,
                firstRunning,
                trimmedStates,
                trimmedRunTimeSeconds,
                trimmedRunningEntries,
                trimmedTerminals,
                stuck,
                inProgressPublished,
                timers);
    }

    /** Prefect's RUNNING and PENDING states are the ones a run can hang in (PAUSED and SCHEDULED wait by design). */
    private static boolean canBeStuck(SeenState state) {
        return state.type() == StateType.RUNNING || state.type() == StateType.PENDING;
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
