package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.streams.StreamsCounters;
import dev.flowpulse.streams.TopologySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * Keeps each flow run's {@link RunHistory} in a key-value store keyed by flow-run id and turns
 * every state change the run has not seen into a transition; redeliveries are dropped and counted.
 * A run's finish is forwarded separately, once: with its first terminal state when the history is
 * complete, else as soon as a later event fills the gap ({@link HistoryGap}), else when the settle
 * timeout forces it. Held-back finishes are also indexed by flow-run id in a small second store
 * (value: wall-clock time they became pending), so the frequent settle punctuator scans only those.
 * A slow punctuator forgets runs idle for longer than the run-state retention (forcing a pending
 * finish first), so the store holds the active runs, not every run ever seen.
 *
 * <p>One instance per task, driven by that task's stream thread only.
 */
public final class FlowRunStateProcessor implements Processor<String, FlowRunEvent, String, RunOutput> {

    private static final Logger log = LoggerFactory.getLogger(FlowRunStateProcessor.class);

    private final String runStoreName;
    private final String pendingStoreName;
    private final TopologySettings settings;
    private final StreamsCounters counters;
    private ProcessorContext<String, RunOutput> context;
    private KeyValueStore<String, RunHistory> runs;
    private KeyValueStore<String, Long> pending;

    /**
     * @param runStoreName     flow-run id → {@link RunHistory}
     * @param pendingStoreName flow-run id → wall-clock ms its finish became pending
     */
    public FlowRunStateProcessor(
            String runStoreName, String pendingStoreName, TopologySettings settings, StreamsCounters counters) {
        this.runStoreName = runStoreName;
        this.pendingStoreName = pendingStoreName;
        this.settings = settings;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, RunOutput> context) {
        this.context = context;
        this.runs = context.getStateStore(runStoreName);
        this.pending = context.getStateStore(pendingStoreName);
        context.schedule(settings.purgeInterval(), PunctuationType.WALL_CLOCK_TIME, this::purgeExpired);
        context.schedule(settings.settleCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::forceSettled);
    }

    @Override
    public void process(Record<String, FlowRunEvent> record) {
        String runId = record.key();
        RunHistory before = runs.get(runId);
        Optional<RunStep> accepted = (before == null ? RunHistory.empty() : before)
                .accept(record.value(), context.currentSystemTimeMs(), settings.maxStatesPerRun());
        if (accepted.isEmpty()) {
            counters.duplicateDropped();
            return;
        }
        RunStep step = accepted.get();
        runs.put(runId, step.history());
        context.forward(record.withValue(RunOutput.of(step.transition())));
        if (step.holdsFinishBack()) {
            pending.put(runId, step.history().pendingFinish().sinceWallClockMs());
            log.debug(
                    "Holding back the finish of flow run {}: {}",
                    runId,
                    step.history().pendingGap().orElse(null));
        } else if (step.releasesHeldFinish()) {
            pending.delete(runId);
        }
        if (step.emitsFinish()) {
            forwardFinish(runId, step.finished());
        }
    }

    /** Forces the pending finishes that waited the settle timeout. Collects first: no writes while iterating. */
    void forceSettled(long nowMs) {
        long timeoutMs = settings.finishSettleTimeout().toMillis();
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = pending.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                if (nowMs - entry.value >= timeoutMs) {
                    due.add(entry.key);
                }
            }
        }
        for (String runId : due) {
            pending.delete(runId);
            RunHistory history = runs.get(runId);
            if (history != null && history.hasPendingFinish()) {
                runs.put(runId, forceFinish(runId, history, "the settle timeout of " + settings.finishSettleTimeout()));
            }
        }
    }

    /** Forgets idle runs; a pending finish is forced first, never purged silently. Collects first, deletes after. */
    void purgeExpired(long nowMs) {
        List<KeyValue<String, RunHistory>> expired = new ArrayList<>();
        try (KeyValueIterator<String, RunHistory> all = runs.all()) {
            while (all.hasNext()) {
                KeyValue<String, RunHistory> entry = all.next();
                if (entry.value.expired(nowMs, settings.runStateRetention())) {
                    expired.add(entry);
                }
            }
        }
        for (KeyValue<String, RunHistory> run : expired) {
            if (run.value.hasPendingFinish()) {
                pending.delete(run.key);
                forceFinish(run.key, run.value, "the run-state retention of " + settings.runStateRetention());
            }
            runs.delete(run.key);
        }
        if (!expired.isEmpty()) {
            counters.runsPurged(expired.size());
            log.info("Forgot {} flow runs idle for more than {}", expired.size(), settings.runStateRetention());
        }
    }

    /** Publishes the pending finish with what is known; returns the history to keep. */
    private RunHistory forceFinish(String runId, RunHistory history, String after) {
        FinishedFlowRun run = history.finishedRun();
        forwardFinish(runId, run);
        counters.finishForced();
        log.info(
                "Forced the finish of flow run {} ({} {}) after {}, history still incomplete ({}): total_run_time {} s",
                runId,
                run.flowRunName(),
                run.stateType(),
                after,
                history.pendingGap().map(Enum::name).orElse("none"),
                run.totalRunTimeSeconds());
        return history.finishPublished();
    }

    /** Finishes are windowed by the terminal state: the record timestamp is its occurred. */
    private void forwardFinish(String runId, FinishedFlowRun run) {
        context.forward(new Record<>(runId, RunOutput.of(run), run.endTime().toEpochMilli()));
    }
}
