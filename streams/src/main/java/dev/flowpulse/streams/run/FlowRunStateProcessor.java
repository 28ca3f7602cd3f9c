package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.streams.StreamsCounters;
import dev.flowpulse.streams.TopologySettings;
import dev.flowpulse.streams.state.HotValues;
import dev.flowpulse.streams.time.PipelineClock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each flow run's {@link RunHistory} in a key-value store keyed by flow-run id and applies its
 * rules to every state change the run has not seen (redeliveries are dropped and counted) and to
 * every due timer. Timers live in a second, time-ordered store ({@code run-timers}: key
 * {@code <due ms, 19 digits>|<kind>|<flow-run id>}), so a punctuation reads only what is due, in
 * order, at most {@link #MAX_TIMERS_PER_PUNCTUATION} entries: never the whole run store. The same
 * store keeps the task's durable event time ({@link #CLOCK_KEY}) for the {@link PipelineClock}.
 *
 * <p>Timers are lazy ({@link RunTimers}): a step writes an index entry only when a deadline is
 * earlier than the entry the run already has of that kind, never deletes one; an entry is deleted
 * when it fires, and a firing that finds nothing due is a no-op that registers the run's deadlines
 * again. So most events (whose deadlines only move later) write nothing to the index. A run's
 * recorded entry counts as still in the index only if it is due after {@link #FIRED_THROUGH_KEY}:
 * so a firing need not rewrite the history of a run it did nothing to.
 *
 * <p>One instance per task, driven by that task's stream thread only.
 */
public final class FlowRunStateProcessor implements Processor<String, FlowRunEvent, String, RunOutput> {

    /** Key of the task's event time in the timers store; sorts after every timer key. */
    public static final String CLOCK_KEY = "~event-time";
    /**
     * Key of the due time up to which entries have fired (the latest fired entry's, never lower):
     * an entry due later is certainly still in the index. Sorts after every timer key.
     */
    public static final String FIRED_THROUGH_KEY = "~fired-through";
    /** Bounds the work (and the transaction) of one punctuation; the rest is due at the next. */
    static final int MAX_TIMERS_PER_PUNCTUATION = 2_000;
    /** Deserialized run histories kept in memory (the runs in flight). */
    static final int HOT_RUNS = 20_000;
    /** Digits of the due time at the start of a timer key. */
    private static final int DUE_DIGITS = 19;

    private static final Logger log = LoggerFactory.getLogger(FlowRunStateProcessor.class);

    private final String runStoreName;
    private final String timerStoreName;
    private final TopologySettings settings;
    private final StreamsCounters counters;
    private ProcessorContext<String, RunOutput> context;
    /** The runs in flight, deserialized; every write goes through to the {@code flow-run-state} store. */
    private HotValues<String, RunHistory> runs;

    private KeyValueStore<String, String> timers;
    private PipelineClock clock;
    /** Due time of the latest entry fired (durable); entries due later are all still in the index. */
    private long firedThroughMs;

    /**
     * @param runStoreName   flow-run id → {@link RunHistory}
     * @param timerStoreName time-ordered timer index plus the task's event time
     */
    public FlowRunStateProcessor(
            String runStoreName, String timerStoreName, TopologySettings settings, StreamsCounters counters) {
        this.runStoreName = runStoreName;
        this.timerStoreName = timerStoreName;
        this.settings = settings;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, RunOutput> context) {
        this.context = context;
        KeyValueStore<String, RunHistory> runStore = context.getStateStore(runStoreName);
        // A new cache on every init: Streams initializes the processor again after a task revival.
        this.runs = new HotValues<>(runStore, HOT_RUNS);
        this.timers = context.getStateStore(timerStoreName);
        String eventTime = timers.get(CLOCK_KEY);
        clock = new PipelineClock(
                eventTime == null ? Long.MIN_VALUE : Long.parseLong(eventTime), context.currentSystemTimeMs());
        String firedThrough = timers.get(FIRED_THROUGH_KEY);
        firedThroughMs = firedThrough == null ? Long.MIN_VALUE : Long.parseLong(firedThrough);
        context.schedule(settings.timerInterval(), PunctuationType.WALL_CLOCK_TIME, this::fireDueTimers);
    }

    @Override
    public void process(Record<String, FlowRunEvent> record) {
        String runId = record.key();
        FlowRunEvent event = record.value();
        if (clock.observe(event.occurred().toEpochMilli(), context.currentSystemTimeMs())) {
            timers.put(CLOCK_KEY, Long.toString(clock.eventTimeMs()));
        }
        long now = clock.nowMs(context.currentSystemTimeMs());
        RunHistory before = runs.get(runId);
        Optional<RunStep> step = (before == null ? RunHistory.empty() : before).accept(event, now, settings);
        if (step.isEmpty()) {
            counters.duplicateDropped();
            return;
        }
        apply(runId, before, step.get(), now);
    }

    /**
     * Fires every index entry due by pipeline time, oldest first, at most a bounded number: deletes
     * them, then applies to each of their runs what is actually due.
     */
    void fireDueTimers(long wallMs) {
        long now = clock.nowMs(wallMs);
        if (now == Long.MIN_VALUE) {
            return;
        }
        Set<String> dueRuns = new LinkedHashSet<>();
        List<String> dueKeys = new ArrayList<>();
        try (KeyValueIterator<String, String> due = timers.range(timerKey(0, "", ""), timerKey(now, "~", ""))) {
            while (due.hasNext() && dueKeys.size() < MAX_TIMERS_PER_PUNCTUATION) {
                KeyValue<String, String> entry = due.next();
                dueKeys.add(entry.key);
                dueRuns.add(entry.value);
            }
        }
        if (dueKeys.isEmpty()) {
            return;
        }
        // put(key, null) deletes without reading the old value back (delete reads it to return it).
        dueKeys.forEach(key -> timers.put(key, null));
        long lastFired = Long.parseLong(dueKeys.get(dueKeys.size() - 1).substring(0, DUE_DIGITS));
        if (lastFired > firedThroughMs) {
            firedThroughMs = lastFired;
            timers.put(FIRED_THROUGH_KEY, Long.toString(firedThroughMs));
        }
        for (String runId : dueRuns) {
            RunHistory before = runs.get(runId);
            if (before != null) {
                apply(runId, before, before.onTimer(now, settings), now);
            }
        }
    }

    /**
     * Publishes the step's outputs, registers its deadlines and stores (or forgets) the run; a step
     * that changed nothing (an early firing) stores nothing.
     *
     * @param before the stored history (null for a new run)
     */
    private void apply(String runId, RunHistory before, RunStep step, long nowMs) {
        if (step.transition() != null) {
            context.forward(new Record<>(
                    runId,
                    RunOutput.of(step.transition()),
                    step.transition().event().occurred().toEpochMilli()));
        }
        for (FinishedFlowRun finish : step.finishes()) {
            context.forward(new Record<>(
                    runId, RunOutput.finish(finish), finish.terminalTime().toEpochMilli()));
            if (finish.finishNumber() > 1) {
                counters.runRefinished();
            }
            if (!finish.durationKnown()) {
                counters.finishForced();
                log.info(
                        "Finished flow run {} ({} {}) with an unknown duration: states before it still missing "
                                + "after the settle time of {}",
                        runId,
                        finish.flowRunName(),
                        finish.stateType(),
                        settings.finishSettleTimeout());
            }
        }
        if (step.currentFinish() != null) {
            context.forward(new Record<>(
                    runId,
                    RunOutput.currentFinish(step.currentFinish()),
                    step.currentFinish().terminalTime().toEpochMilli()));
        }
        if (step.inProgress() != null) {
            context.forward(new Record<>(runId, RunOutput.inProgress(step.inProgress()), nowMs));
        } else if (step.inProgressEnded()) {
            context.forward(new Record<>(runId, RunOutput.inProgress(null), nowMs));
        }
        if (step.stuckFlagged()) {
            counters.runStuck();
        }
        RunTimers registered = before == null ? RunTimers.EMPTY : before.timers();
        if (step.purged()) {
            // The entries certainly still in the index; any other fires as a no-op.
            for (RunTimers.Kind kind : RunTimers.Kind.values()) {
                if (registered.pending(kind, firedThroughMs)) {
                    timers.put(timerKey(registered.due(kind), kind.key(), runId), null);
                }
            }
            runs.delete(runId);
            counters.runsPurged(1);
            return;
        }
        RunHistory after = step.history().withTimers(register(runId, registered, step.history()));
        if (!after.equals(before)) {
            runs.put(runId, after);
        }
    }

    /**
     * Writes an index entry for each deadline earlier than the run's entry of its kind (or with none):
     * a later deadline keeps the earlier entry, which fires early and registers it again.
     */
    private RunTimers register(String runId, RunTimers registered, RunHistory history) {
        RunTimers actual = history.dueTimers(settings);
        RunTimers next = registered;
        for (RunTimers.Kind kind : RunTimers.Kind.values()) {
            long due = actual.due(kind);
            if (!registered.covers(kind, due, firedThroughMs)) {
                timers.put(timerKey(due, kind.key(), runId), runId);
                next = next.with(kind, due);
            }
        }
        return next;
    }

    /** Zero-padded so that the store's byte order is time order. */
    static String timerKey(long dueMs, String kind, String runId) {
        return zeroPadded(Math.max(0L, dueMs)) + "|" + kind + "|" + runId;
    }

    /** {@code value} in 19 digits, as {@code %019d} (without the cost of a Formatter per record). */
    public static String zeroPadded(long value) {
        String digits = Long.toString(value);
        return "0".repeat(Math.max(0, DUE_DIGITS - digits.length())) + digits;
    }
}
