package dev.flowpulse.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The topology's own counters, named {@code flowpulse_streams_*} in Prometheus. Kafka Streams'
 * engine metrics (rates, lag, dropped records) come separately from Micrometer's
 * {@code KafkaStreamsMetrics} binder.
 *
 * <p>Created once per topology; thread safe (Micrometer counters are), shared by all stream threads.
 */
public final class StreamsCounters {

    static final String DEAD_LETTERS = "flowpulse.streams.dead.letters";

    private final MeterRegistry registry;
    private final Counter ignored;
    private final Counter duplicates;
    private final Counter purgedRuns;
    private final Counter forcedFinishes;

    public StreamsCounters(MeterRegistry registry) {
        this.registry = registry;
        this.ignored = Counter.builder("flowpulse.streams.events.ignored")
                .description(
                        "Valid Prefect events that are not flow-run state changes (heartbeats, pull steps), skipped")
                .register(registry);
        this.duplicates = Counter.builder("flowpulse.streams.duplicates.dropped")
                .description("State-change events whose id the run had already seen (redeliveries), dropped")
                .register(registry);
        this.purgedRuns = Counter.builder("flowpulse.streams.runs.purged")
                .description("Runs forgotten by the flow-run-state store after the run-state retention")
                .register(registry);
        this.forcedFinishes = Counter.builder("flowpulse.streams.finishes.forced")
                .description("Finished runs published after the settle timeout (or retention) although their terminal "
                        + "event proved earlier states missing: their total_run_time may be short")
                .register(registry);
    }

    public void ignored() {
        ignored.increment();
    }

    public void duplicateDropped() {
        duplicates.increment();
    }

    public void runsPurged(int count) {
        purgedRuns.increment(count);
    }

    public void finishForced() {
        forcedFinishes.increment();
    }

    /** Reasons are the parser's fixed set plus {@code key-mismatch}: a bounded label. */
    public void deadLettered(String reason) {
        Counter.builder(DEAD_LETTERS)
                .description("Raw records set aside on the dead-letter topic, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
