package dev.flowpulse.streams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.InProgressRun;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.LateRecord;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * {@link FlowRunTopology} in a {@link TopologyTestDriver}, built with the service's real streams
 * properties (exactly once, explicit naming enforced), with typed access to every output topic.
 */
final class TopologyHarness implements AutoCloseable {

    /**
     * Wall clock of the driver: at the sample events' hour, as in live delivery (the pipeline's own
     * time is the events' time, plus only idle wall-clock time).
     */
    static final Instant WALL_CLOCK = Instant.parse("2026-05-04T09:00:00Z");
    /** A wall clock four weeks after the sample events: their delivery is a replay of history. */
    static final Instant REPLAY_WALL_CLOCK = Instant.parse("2026-06-01T00:00:00Z");

    final Topics topics = Topics.defaults();
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Topology topology;
    final TopologyTestDriver driver;
    private final Instant wallClock;
    private final org.apache.kafka.streams.TestInputTopic<String, byte[]> raw;

    TopologyHarness(Path stateDir) {
        this(stateDir, TopologySettings.defaults());
    }

    TopologyHarness(Path stateDir, TopologySettings settings) {
        this(stateDir, settings, WALL_CLOCK);
    }

    TopologyHarness(Path stateDir, TopologySettings settings, Instant wallClock) {
        this.wallClock = wallClock;
        Properties props = properties(stateDir);
        StreamsCounters counters = new StreamsCounters(registry);
        topology = new FlowRunTopology(topics, settings, props, counters).get();
        props.put(StreamsCounters.CONFIG_KEY, counters);
        driver = new TopologyTestDriver(topology, props, wallClock);
        raw = driver.createInputTopic(topics.rawEvents(), new StringSerializer(), new ByteArraySerializer());
    }

    static Properties properties(Path stateDir) {
        return StreamsProperties.of(StreamsServiceConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9",
                "FLOWPULSE_STREAMS_APPLICATION_ID", "flowpulse-topology-test",
                "FLOWPULSE_STATE_DIR", stateDir.toString())));
    }

    /** Pipes a Prefect event keyed by its flow-run id, with ingest's headers. */
    void pipe(JsonNode event) {
        pipe(SampleEvents.runId(event), SampleEvents.bytes(event), SampleEvents.occurred(event));
    }

    void pipeAll(List<? extends JsonNode> events) {
        events.forEach(this::pipe);
    }

    /** Raw bytes (e.g. not an event): timestamped with the wall clock. */
    void pipe(String key, byte[] value) {
        pipe(key, value, wallClock);
    }

    /** As ingest writes it: record timestamp = the event's occurred, ingest's headers. */
    void pipe(String key, byte[] value, Instant timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(HeaderNames.WORKSPACE, SampleEvents.WORKSPACE.getBytes(StandardCharsets.UTF_8));
        headers.add(HeaderNames.SOURCE, "websocket".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(new TestRecord<>(key, value, headers, timestamp));
    }

    void advanceWallClock(Duration by) {
        driver.advanceWallClockTime(by);
    }

    List<FlowRunTransition> transitions() {
        return driver.createOutputTopic(
                        topics.states(), new StringDeserializer(), JsonSerde.of(FlowRunTransition.class))
                .readValuesToList();
    }

    List<FinishedFlowRun> finishedRuns() {
        return driver.createOutputTopic(
                        topics.finishedRuns(), new StringDeserializer(), JsonSerde.of(FinishedFlowRun.class))
                .readValuesToList();
    }

    /** With record timestamps: a finish is windowed by its terminal state's occurred. */
    List<TestRecord<String, FinishedFlowRun>> finishedRunRecords() {
        return driver.createOutputTopic(
                        topics.finishedRuns(), new StringDeserializer(), JsonSerde.of(FinishedFlowRun.class))
                .readRecordsToList();
    }

    Map<StateSeries, StateTotal> stateTotals() {
        return driver.createOutputTopic(
                        topics.stateTotals(), JsonSerde.of(StateSeries.class), JsonSerde.of(StateTotal.class))
                .readKeyValuesToMap();
    }

    Map<FinishedSeries, FinishedTotal> finishedTotals() {
        return driver.createOutputTopic(
                        topics.finishedTotals(), JsonSerde.of(FinishedSeries.class), JsonSerde.of(FinishedTotal.class))
                .readKeyValuesToMap();
    }

    /** Latest update per window key. */
    Map<WindowKey, WindowStats> windowStats() {
        return driver.createOutputTopic(
                        topics.windowStats(), JsonSerde.of(WindowKey.class), JsonSerde.of(WindowStats.class))
                .readKeyValuesToMap();
    }

    /** Every final result in publication order (a window's final result is published once). */
    List<org.apache.kafka.streams.KeyValue<WindowKey, WindowStats>> windowFinals() {
        return driver.createOutputTopic(
                        topics.windowStatsFinal(), JsonSerde.of(WindowKey.class), JsonSerde.of(WindowStats.class))
                .readKeyValuesToList();
    }

    /** In-progress table changes in order; a null value is a tombstone. */
    List<org.apache.kafka.streams.KeyValue<String, InProgressRun>> inProgress() {
        return driver.createOutputTopic(
                        topics.inProgressRuns(), new StringDeserializer(), JsonSerde.of(InProgressRun.class))
                .readKeyValuesToList();
    }

    List<TestRecord<String, byte[]>> lateRecordBytes() {
        return driver.createOutputTopic(topics.lateRecords(), new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    List<LateRecord> lateRecords() {
        return driver.createOutputTopic(topics.lateRecords(), new StringDeserializer(), JsonSerde.of(LateRecord.class))
                .readValuesToList();
    }

    List<TestRecord<String, byte[]>> deadLetters() {
        return driver.createOutputTopic(topics.deadLetters(), new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    KeyValueStore<String, Object> runState() {
        return driver.getKeyValueStore(FlowRunTopology.FLOW_RUN_STATE_STORE);
    }

    KeyValueStore<String, Object> runTimers() {
        return driver.getKeyValueStore(FlowRunTopology.RUN_TIMERS_STORE);
    }

    double counter(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0.0 : counter.count();
    }

    @Override
    public void close() {
        driver.close();
        registry.close();
    }
}
