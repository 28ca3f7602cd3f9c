package dev.flowpulse.streams;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.LateRecord;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.runtime.TopicProvisioner;
import dev.flowpulse.testkit.CommittedRecords;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances of the service in one group on a real broker, three partitions: instance A is a
 * separate JVM ({@code StreamsMain}) killed with SIGKILL while it processes (no close, no commit of
 * its open transaction), instance B (in this JVM) takes over A's tasks, then A is started again on
 * its state directory and takes tasks back. Exactly once means the committed outputs are exactly
 * those of one clean run: every transition once, every finish once, exact totals, one final result
 * per window.
 */
@Tag("integration")
@Timeout(value = 6, unit = MINUTES)
class StreamsTakeoverIT {

    private static final Duration DEADLINE = Duration.ofMinutes(4);
    /** Runs per batch; each run is {@link SampleEvents#retriedRun}: Running, AwaitingRetry, Retrying, Completed. */
    private static final int RUNS_PER_BATCH = 60;

    private static final int BATCHES = 3;
    /** The last run's Completed, 135 s after its Running, which is ten seconds after the previous run's. */
    private static final long LAST_EVENT_OFFSET_S = 10L * (BATCHES * RUNS_PER_BATCH - 1) + 135;
    /**
     * Event time an hour before now, not a fixed date: the topology stamps its outputs with event
     * time and the output topics delete by time (7 days), so with older events the broker's retention
     * check (by default 30 s after its start, then every 5 minutes) deleted committed outputs while the test was
     * waiting for them (the "partition 1 made no more progress" of the first version of this test).
     * At second 54 of a minute, so the last event of all ({@link #LAST_EVENT_OFFSET_S} after it) is at
     * second 59: the last window then closes one second plus the grace after the pipeline went idle.
     */
    private static final Instant T0 = Instant.now()
            .truncatedTo(ChronoUnit.MINUTES)
            .minus(Duration.ofHours(1))
            .plusSeconds(59 - LAST_EVENT_OFFSET_S % 60);

    private static EmbeddedKafkaBroker broker;
    private static Path dir;

    @BeforeAll
    static void startBroker() {
        dir = Path.of("target", "it", "streams-takeover-" + UUID.randomUUID()).toAbsolutePath();
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldPublishExactlyOneCleanRunsOutputsThoughAnInstanceIsKilledMidStream() throws Exception {
        String id = "takeover-it-" + UUID.randomUUID();
        Map<String, String> env = environment(id);
        StreamsServiceConfig configB = StreamsServiceConfig.fromEnv(withStateDir(env, "b"));
        Topics topics = configB.topics();
        TopicProvisioner.ensure(
                broker.clientProperties(),
                TopicProvisioner.plan(topics, 3, (short) 1, Duration.ofDays(7).toMillis()));

        produce(topics.rawEvents(), batch(0));
        Process a = startInstanceA(withStateDir(env, "a"), "a1");
        try (StreamsService b = new StreamsService(configB, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            b.start();
            // Both instances work: committed finishes appear (from whichever owns their partition).
            awaitFinishedRuns(topics, 1);
            produce(topics.rawEvents(), batch(1));
            awaitFinishedRuns(topics, RUNS_PER_BATCH + 1);
            // Mid-stream: A is processing (or about to process) its share of the second batch.
            a.destroyForcibly();
            assertThat(a.waitFor(1, TimeUnit.MINUTES)).as("instance A killed").isTrue();

            // B takes A's tasks over once A's session expires and finishes the first two batches.
            awaitFinishedRuns(topics, 2 * RUNS_PER_BATCH);

            a = startInstanceA(withStateDir(env, "a"), "a2");
            produce(topics.rawEvents(), batch(2));
            awaitFinishedRuns(topics, BATCHES * RUNS_PER_BATCH);
            assertEveryRunPublishedOnce(topics, BATCHES * RUNS_PER_BATCH);
        } finally {
            a.destroyForcibly();
            a.waitFor(1, TimeUnit.MINUTES);
        }
    }

    /**
     * The broker goes away while the instance is working through a batch, for longer than its
     * producer's delivery timeout: whatever the stream thread had sent or was about to commit fails
     * (a batch expires, the open transaction is aborted by its timeout). The stream thread fails at
     * the commit or at a send, {@code StreamsService} replaces it (or Kafka Streams re-initializes
     * the tasks), the client never stops, and every run is published once. Without the replacement
     * the client stopped in each of the three runs tried (two with {@link OneFlushPerCommit}, one
     * with Kafka Streams' own per-task flushes).
     */
    @Test
    void shouldPublishExactlyOneCleanRunsOutputsThoughTheBrokerIsAwayMidStream() throws Exception {
        // Failed sends come back within the outage (the defaults would wait 2 minutes).
        brokerAwayMidStream(
                "outage-it-",
                Map.of("KAFKA_PRODUCER_REQUEST_TIMEOUT_MS", "2000", "KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS", "4000"));
    }

    /**
     * The same outage, but what times out is the commit, not the sends: the producer waits at most 2 s
     * ({@code max.block.ms}) for the broker's answer to {@code sendOffsetsToTransaction} or {@code
     * commitTransaction}, while its batches may wait a minute. Kafka Streams marks the tasks corrupted
     * on such a timeout and restores their stores, while the timed-out commit is still pending and
     * completes once the broker is back: without {@link OneFlushPerCommit}'s wait for the answer, the
     * state totals ended 4 to 5 short of 180 per state in 2 of 3 runs (their repartition topic held
     * every entry, their changelog did not).
     */
    @Test
    void shouldPublishExactlyOneCleanRunsOutputsThoughACommitTimesOutMidStream() throws Exception {
        brokerAwayMidStream(
                "commit-timeout-it-",
                Map.of("KAFKA_PRODUCER_MAX_BLOCK_MS", "2000", "KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS", "60000"));
    }

    private static void brokerAwayMidStream(String prefix, Map<String, String> producerSettings) throws Exception {
        String id = prefix + UUID.randomUUID();
        Map<String, String> env = withStateDir(environment(id), "b");
        env.putAll(producerSettings);
        StreamsServiceConfig config = StreamsServiceConfig.fromEnv(env);
        Topics topics = config.topics();
        TopicProvisioner.ensure(
                broker.clientProperties(),
                TopicProvisioner.plan(topics, 3, (short) 1, Duration.ofDays(7).toMillis()));

        produce(topics.rawEvents(), batch(0));
        try (StreamsService service =
                new StreamsService(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            service.start();
            awaitFinishedRuns(topics, 1);
            produce(topics.rawEvents(), batch(1));
            // Mid-stream: the instance is processing (or about to process) the second batch.
            broker.stop();
            try {
                // The outage itself: longer than the timeouts and the transaction timeout (10 s).
                Thread.sleep(Duration.ofSeconds(15).toMillis());
            } finally {
                broker.restart();
            }
            produce(topics.rawEvents(), batch(2));
            awaitFinishedRuns(topics, BATCHES * RUNS_PER_BATCH);
            assertEveryRunPublishedOnce(topics, BATCHES * RUNS_PER_BATCH);
            assertThat(service.failure())
                    .as("the stream thread survived the outage")
                    .isEmpty();
            assertThat(service.health().up())
                    .as("streams UP: %s", service.health())
                    .isTrue();
        }
    }

    /**
     * Every state entry and finish once, totals and final windows exact: what a clean run of all
     * batches publishes, read with {@code read_committed} once the topics are settled.
     */
    private static void assertEveryRunPublishedOnce(Topics topics, int runs) {

        assertThat(settled(topics.states()).stream()
                        .map(r -> JsonSerde.of(FlowRunTransition.class).deserialize(r.topic(), r.value()))
                        .collect(Collectors.groupingBy(t -> t.event().eventId(), Collectors.counting())))
                .as("every state entry published once, none twice")
                .hasSize(4 * runs)
                .allSatisfy((eventId, count) -> assertThat(count).isEqualTo(1L));
        assertThat(settled(topics.finishedRuns()))
                .as("one finish record per run")
                .hasSize(runs)
                .extracting(r -> JsonSerde.of(FinishedFlowRun.class)
                        .deserialize(r.topic(), r.value())
                        .finishNumber())
                .containsOnly(1);
        // The totals are aggregated behind a repartition, after the finishes: wait for them.
        awaitLatest(
                topics.stateTotals(),
                StreamsTakeoverIT::stateTotalsByName,
                Map.of(
                        "Running", (long) runs,
                        "AwaitingRetry", (long) runs,
                        "Retrying", (long) runs,
                        "Completed", (long) runs),
                "state totals by state name");
        awaitLatest(
                topics.finishedTotals(),
                StreamsTakeoverIT::finishedTotals,
                Map.of(StateType.COMPLETED, (long) runs),
                "finished totals: all COMPLETED, each duration known");

        // Windows close by pipeline time (10 s grace), the last ones once the pipeline is idle. A
        // finish behind its window task's pipeline time by more than the grace (the killed
        // instance's partitions lag) is a late record instead: each finish in exactly one of both.
        try (CommittedRecords<byte[], byte[]> windows =
                CommittedRecords.open(broker.clientProperties(), topics.windowStatsFinal(), topics.lateRecords())) {
            windows.awaitUntil(
                    DEADLINE,
                    records ->
                            assertThat(finishesInFlowWindows(records, topics)).isEqualTo(runs));
            List<ConsumerRecord<byte[], byte[]>> all = windows.awaitSettled(DEADLINE);
            assertThat(all.stream()
                            .filter(r -> r.topic().equals(topics.windowStatsFinal()))
                            .map(r -> new String(r.key(), StandardCharsets.UTF_8)))
                    .as("one final result per window")
                    .doesNotHaveDuplicates();
            assertThat(finishesInFlowWindows(all, topics)).isEqualTo(runs);
        }
    }

    private static Map<String, String> environment(String id) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("FLOWPULSE_STREAMS_APPLICATION_ID", id);
        for (String topic : List.of(
                "RAW_EVENTS",
                "DEAD_LETTERS",
                "STATES",
                "FINISHED_RUNS",
                "STATE_TOTALS",
                "FINISHED_TOTALS",
                "WINDOW_STATS",
                "WINDOW_STATS_FINAL",
                "IN_PROGRESS_RUNS",
                "LATE_RECORDS")) {
            env.put("FLOWPULSE_TOPIC_" + topic, id + "." + topic.toLowerCase(java.util.Locale.ROOT));
        }
        env.put("FLOWPULSE_TOPIC_PARTITIONS", "3");
        env.put("FLOWPULSE_WINDOWS", "1m");
        env.put("FLOWPULSE_HOPPING_WINDOW", "0");
        env.put("FLOWPULSE_WINDOW_GRACE", "10s");
        // A killed member leaves the group after its session timeout (the broker's minimum).
        env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        env.put("FLOWPULSE_STREAMS_HTTP_HOST", "127.0.0.1");
        env.put("FLOWPULSE_STREAMS_HTTP_PORT", "0");
        env.put("FLOWPULSE_LOG_LEVEL", "warn");
        return env;
    }

    private static Map<String, String> withStateDir(Map<String, String> env, String instance) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(
                "FLOWPULSE_STATE_DIR",
                dir.resolve(env.get("FLOWPULSE_STREAMS_APPLICATION_ID") + "-" + instance)
                        .toString());
        return copy;
    }

    /** {@code StreamsMain} in its own JVM on this test's class path; its output beside the broker's data. */
    private static Process startInstanceA(Map<String, String> env, String name) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx384m",
                "-Djava.io.tmpdir=" + dir,
                "-cp",
                System.getProperty("java.class.path"),
                StreamsMain.class.getName());
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("PREFECT_") || k.startsWith("FLOWPULSE_"));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true)
                .redirectOutput(dir.resolve("instance-" + name + ".log").toFile());
        return builder.start();
    }

    /** Batch {@code n}: {@link #RUNS_PER_BATCH} retried runs, ten seconds of event time apart. */
    private static List<ObjectNode> batch(int n) {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < RUNS_PER_BATCH; i++) {
            int run = n * RUNS_PER_BATCH + i;
            String runId = String.format("019df300-%04d-7000-8000-00000000beef", run);
            events.addAll(SampleEvents.retriedRun(runId, 10_000 + run * 4, T0.plusSeconds(10L * run)));
        }
        return events;
    }

    private static void awaitFinishedRuns(Topics topics, int atLeast) {
        try (CommittedRecords<byte[], byte[]> reader =
                CommittedRecords.open(broker.clientProperties(), topics.finishedRuns())) {
            reader.awaitUntil(DEADLINE, records -> assertThat(records).hasSizeGreaterThanOrEqualTo(atLeast));
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> settled(String topic) {
        try (CommittedRecords<byte[], byte[]> reader = CommittedRecords.open(broker.clientProperties(), topic)) {
            return reader.awaitSettled(DEADLINE);
        }
    }

    /**
     * Waits until {@code view} of the committed records of {@code topic} is {@code expected}, then
     * checks it again once the topic is settled (no later record changes it).
     */
    private static <T> void awaitLatest(
            String topic, Function<List<ConsumerRecord<byte[], byte[]>>, T> view, T expected, String description) {
        try (CommittedRecords<byte[], byte[]> reader = CommittedRecords.open(broker.clientProperties(), topic)) {
            reader.awaitUntil(
                    DEADLINE,
                    records -> assertThat(view.apply(records)).as(description).isEqualTo(expected));
            assertThat(view.apply(reader.awaitSettled(DEADLINE)))
                    .as(description + ", settled")
                    .isEqualTo(expected);
        }
    }

    /** The latest count per state-totals series, summed by state name. */
    private static Map<String, Long> stateTotalsByName(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<StateSeries, Long> latest = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            latest.put(
                    JsonSerde.of(StateSeries.class).deserialize(r.topic(), r.key()),
                    JsonSerde.of(StateTotal.class)
                            .deserialize(r.topic(), r.value())
                            .count());
        }
        return latest.entrySet().stream()
                .collect(Collectors.groupingBy(e -> e.getKey().state(), Collectors.summingLong(Map.Entry::getValue)));
    }

    /** The latest finished total per series, summed by terminal type (known durations only). */
    private static Map<StateType, Long> finishedTotals(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<FinishedSeries, FinishedTotal> latest = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            latest.put(
                    JsonSerde.of(FinishedSeries.class).deserialize(r.topic(), r.key()),
                    JsonSerde.of(FinishedTotal.class).deserialize(r.topic(), r.value()));
        }
        return latest.entrySet().stream()
                .collect(Collectors.groupingBy(
                        e -> e.getKey().stateType(),
                        Collectors.summingLong(e -> e.getValue().histogram().count())));
    }

    /** Finishes in the final results of the flow dimension's windows plus those refused by them as late. */
    private static long finishesInFlowWindows(List<ConsumerRecord<byte[], byte[]>> records, Topics topics) {
        long finishes = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.topic().equals(topics.lateRecords())) {
                LateRecord late = JsonSerde.of(LateRecord.class).deserialize(r.topic(), r.value());
                finishes += "finish".equals(late.kind())
                                && WindowKey.FLOW.equals(late.window().dimension())
                        ? 1
                        : 0;
                continue;
            }
            WindowKey key = JsonSerde.of(WindowKey.class).deserialize(r.topic(), r.key());
            if (WindowKey.FLOW.equals(key.dimension())) {
                finishes += JsonSerde.of(WindowStats.class)
                        .deserialize(r.topic(), r.value())
                        .finishedTotal();
            }
        }
        return finishes;
    }

    private static void produce(String topic, List<ObjectNode> events) throws Exception {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            // Each send acknowledged before the next: an unchecked send can fail unseen (a first
            // test version lost records to OUT_OF_ORDER_SEQUENCE_NUMBER with many batches in flight).
            for (ObjectNode event : events) {
                ProducerRecord<String, byte[]> record =
                        new ProducerRecord<>(topic, SampleEvents.runId(event), SampleEvents.bytes(event));
                record.headers().add(HeaderNames.WORKSPACE, "it".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
        }
    }
}
