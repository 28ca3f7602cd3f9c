package dev.flowpulse.streams.run;

import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.streams.StreamsCounters;
import java.time.Duration;
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
 * every state change the run has not seen into one {@link RunStep}; redeliveries are dropped and
 * counted. A wall-clock punctuator forgets runs idle for longer than the run-state retention, so
 * the store holds the active runs, not every run ever seen.
 *
 * <p>One instance per task, driven by that task's stream thread only.
 */
public final class FlowRunStateProcessor implements Processor<String, FlowRunEvent, String, RunStep> {

    private static final Logger log = LoggerFactory.getLogger(FlowRunStateProcessor.class);

    private final String storeName;
    private final Duration retention;
    private final Duration purgeInterval;
    private final int maxStatesPerRun;
    private final StreamsCounters counters;
    private ProcessorContext<String, RunStep> context;
    private KeyValueStore<String, RunHistory> store;

    public FlowRunStateProcessor(String storeName, Duration retention, Duration purgeInterval, int maxStatesPerRun,
            StreamsCounters counters) {
        this.storeName = storeName;
        this.retention = retention;
        this.purgeInterval = purgeInterval;
        this.maxStatesPerRun = maxStatesPerRun;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, RunStep> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purgeExpired);
    }

    @Override
    public void process(Record<String, FlowRunEvent> record) {
        RunHistory history = store.get(record.key());
        Optional<RunStep> step = (history == null ? RunHistory.empty() : history)
                .accept(record.value(), context.currentSystemTimeMs(), maxStatesPerRun);
        if (step.isEmpty()) {
            counters.duplicateDropped();
            return;
        }
        store.put(record.key(), step.get().history());
        context.forward(record.withValue(step.get()));
    }

    /** Collects first, deletes after: no writes while the store iterator is open. */
    void purgeExpired(long nowMs) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, RunHistory> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, RunHistory> entry = all.next();
                if (entry.value.expired(nowMs, retention)) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(store::delete);
        if (!expired.isEmpty()) {
            counters.runsPurged(expired.size());
            log.info("Forgot {} flow runs idle for more than {}", expired.size(), retention);
        }
    }
}
