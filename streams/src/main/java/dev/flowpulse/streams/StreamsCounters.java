package dev.flowpulse.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/**
 * The topology's own counters, named {@code flowpulse_streams_*} in Prometheus. Kafka Streams'
 * engine metrics (rates, lag, dropped records) come separately from Micrometer's
 * {@code KafkaStreamsMetrics} binder.
 *
 * <p>Created once per topology; thread safe (Micrometer counters are), shared by all stream threads.
 */
public final class StreamsCounters {

    static final String DEAD_LETTERS = "flowpulse.streams.dead.letters";

    /**
     * Streams-config key under which the service passes this instance to the exception handlers,
     * which Kafka Streams instantiates and configures with the config's originals.
     */
    public static final String CONFIG_KEY = "flowpulse.streams.counters";

    private final MeterRegistry registry;
    private final Counter ignored;
    private final Counter duplicates;
    private final Counter purgedRuns;
    private final Counter forcedFinishes;
    private final Counter refinished;
    private final Counter stuck;

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
                .description(
                        "Finished runs forgotten by the flow-run-state store after the run-state retention (pipeline time)")
                .register(registry);
        this.forcedFinishes = Counter.builder("flowpulse.streams.finishes.forced")
                .description("Finishes published when their settle time had passed by pipeline time while states "
                        + "before them were still missing: their duration is unknown and counted apart")
                .register(registry);
        this.refinished = Counter.builder("flowpulse.streams.runs.refinished")
                .description("Finishes of runs that had finished before (retried after a terminal state, or moved "
                        + "from one terminal state to another): counted again under their new terminal state")
                .register(registry);
        this.stuck = Counter.builder("flowpulse.streams.runs.stuck")
                .description("Runs flagged stuck: RUNNING or PENDING for longer than their stuck threshold")
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

    public void runRefinished() {
        refinished.increment();
    }

    public void runStuck() {
        stuck.increment();
    }

    /** A contribution an output dropped as too late ({@code output}: a fixed name; {@code window}: a configured size). */
    public void lateRecord(String output, String window) {
        Counter.builder("flowpulse.streams.late.records")
                .description("Records an output dropped because they came too late (also written to the late-records "
                        + "topic), by output and window size")
                .tag("output", output)
                .tag("window", window)
                .register(registry)
                .increment();
    }

    /** The instance passed in a streams config under {@link #CONFIG_KEY}, or null. */
    public static StreamsCounters from(Map<String, ?> configs) {
        return configs.get(CONFIG_KEY) instanceof StreamsCounters counters ? counters : null;
    }

    /** Reasons are the parser's fixed set, {@code key-mismatch} and the handlers' two: a bounded label. */
    public void deadLettered(String reason) {
        Counter.builder(DEAD_LETTERS)
                .description(
                        "Records set aside on the dead-letter topic, by reason (parse rejects, deserialization and processing errors)")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
