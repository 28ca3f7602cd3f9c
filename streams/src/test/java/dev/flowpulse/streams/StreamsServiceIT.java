package dev.flowpulse.streams;

import static dev.flowpulse.streams.SampleEvents.crimsonFoxLifecycle;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.SeriesLabels;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.runtime.TopicProvisioner;
import dev.flowpulse.testkit.CommittedRecords;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
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
 * The service against a real single-node broker, exactly once, end to end through the
 * repartitions: every output is read with {@code read_committed}, as the sink reads the totals.
 */
@Tag("integration")
@Timeout(value = 6, unit = MINUTES)
class StreamsServiceIT {

    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final SeriesLabels ETL = new SeriesLabels("it", "etl-orders", "hourly-sync", "k8s-prod");

    private static final byte[] MALFORMED =
            "{\"occurred\": \"2026-05-04T09:05:09Z\", \"event\"".getBytes(StandardCharsets.UTF_8);

    private static EmbeddedKafkaBroker broker;
    private static Path dir;

    @BeforeAll
    static void startBroker() {
        dir = Path.of("target", "it", "streams-service-" + UUID.randomUUID());
        // The samples' events are from May 2026, older than the output topics' retention, and outputs
        // carry their event time: no retention check (the first runs 30 s after start) may delete them.
        broker = EmbeddedKafkaBroker.start(
                dir.resolve("broker"),
                Map.of("log.initial.task.delay.ms", "3600000", "log.retention.check.interval.ms", "3600000"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * Raw partition (one key, one partition), in this order: the five lifecycle events, the Completed
     * again, a malformed record. The malformed record's dead letter is written by the task that
     * drops the redelivery, after it: once that dead letter is committed, so is everything the
     * lifecycle and the redelivery caused in that task.
     */
    @Test
    void shouldCountTheCrimsonFoxLifecycleOnceThoughItsTerminalEventArrivesTwice() throws Exception {
        String id = "streams-it-" + UUID.randomUUID();
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("FLOWPULSE_STREAMS_APPLICATION_ID", id);
        env.put("FLOWPULSE_STATE_DIR", dir.resolve(id).toString());
        env.put("FLOWPULSE_TOPIC_RAW_EVENTS", id + ".raw");
        env.put("FLOWPULSE_TOPIC_DEAD_LETTERS", id + ".dead-letters");
        env.put("FLOWPULSE_TOPIC_STATES", id + ".states");
        env.put("FLOWPULSE_TOPIC_FINISHED_RUNS", id + ".finished-runs");
        env.put("FLOWPULSE_TOPIC_STATE_TOTALS", id + ".state-totals");
        env.put("FLOWPULSE_TOPIC_FINISHED_TOTALS", id + ".finished-totals");
        env.put("FLOWPULSE_TOPIC_WINDOW_STATS", id + ".window-stats");
        StreamsServiceConfig config = StreamsServiceConfig.fromEnv(env);
        Topics topics = config.topics();
        TopicProvisioner.ensure(
                broker.clientProperties(),
                TopicProvisioner.plan(topics, 1, (short) 1, Duration.ofDays(7).toMillis()));
        List<ObjectNode> lifecycle = new ArrayList<>(crimsonFoxLifecycle());
        lifecycle.add(lifecycle.get(4)); // redelivered Completed
        List<byte[]> raw = new ArrayList<>();
        lifecycle.forEach(e -> raw.add(SampleEvents.bytes(e)));
        raw.add(MALFORMED);
        produceInOrder(topics.rawEvents(), SampleEvents.CRIMSON_FOX, raw);

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StreamsService service = new StreamsService(config, registry);
        try (service) {
            assertThat(service.health().up()).isFalse();
            service.start();
            await().atMost(DEADLINE)
                    .untilAsserted(() -> assertThat(service.health().up())
                            .as("streams UP: %s", service.health())
                            .isTrue());

            try (CommittedRecords<byte[], byte[]> deadLetters =
                    CommittedRecords.open(broker.clientProperties(), topics.deadLetters())) {
                List<ConsumerRecord<byte[], byte[]>> dead = deadLetters.awaitUntil(
                        DEADLINE, records -> assertThat(records).hasSize(1));
                assertThat(dead.get(0).value()).isEqualTo(MALFORMED);
                assertThat(DeadLetters.get(dead.get(0).headers(), HeaderNames.DLQ_REASON))
                        .isEqualTo("malformed-json");
            }
            // Counted when processed, before the dead letter's transaction committed.
            assertThat(registry.get("flowpulse.streams.duplicates.dropped")
                            .counter()
                            .count())
                    .as("the redelivered Completed dropped")
                    .isEqualTo(1.0);
            assertThat(settledValues(topics.states(), FlowRunTransition.class))
                    .extracting(t -> t.event().stateName())
                    .as("one transition per distinct state, none for the redelivery")
                    .containsExactly("Scheduled", "Pending", "Submitting", "Running", "Completed");
            List<FinishedFlowRun> finishes = settledValues(topics.finishedRuns(), FinishedFlowRun.class);
            assertThat(finishes).hasSize(1);

            FinishedSeries completed = new FinishedSeries(ETL, StateType.COMPLETED);
            StateSeries completedState = new StateSeries(ETL, StateType.COMPLETED, "Completed");
            Map<Object, Object> totals;
            try (CommittedRecords<byte[], byte[]> reader =
                    CommittedRecords.open(broker.clientProperties(), topics.stateTotals(), topics.finishedTotals())) {
                reader.awaitUntil(
                        DEADLINE,
                        records -> assertThat(latestTotals(records, topics)).containsKeys(completed, completedState));
                totals = latestTotals(reader.awaitSettled(DEADLINE), topics);
            }

            assertThat(totals).as("five state series and one finished series").hasSize(6);
            FinishedTotal finished = (FinishedTotal) totals.get(completed);
            assertThat(finished.count()).isEqualTo(1);
            // Completed 09:07:42.315502 - Running 09:05:09.874120 = 152.441382 s
            assertThat(finished.histogram().sumSeconds()).isCloseTo(152.441382, within(1e-6));
            assertThat(totals.values())
                    .filteredOn(v -> v instanceof StateTotal)
                    .extracting(v -> ((StateTotal) v).count())
                    .containsOnly(1L)
                    .hasSize(5);
            assertThat(registry.scrape()).contains("kafka_stream_");
        }
        assertThat(service.health().up()).isFalse();
    }

    /** The latest value per key of the totals topics, decoded: the table the sink would serve. */
    private static Map<Object, Object> latestTotals(List<ConsumerRecord<byte[], byte[]>> records, Topics topics) {
        Map<Object, Object> totals = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.topic().equals(topics.finishedTotals())) {
                totals.put(
                        JsonSerde.of(FinishedSeries.class).deserialize(r.topic(), r.key()),
                        JsonSerde.of(FinishedTotal.class).deserialize(r.topic(), r.value()));
            } else {
                totals.put(
                        JsonSerde.of(StateSeries.class).deserialize(r.topic(), r.key()),
                        JsonSerde.of(StateTotal.class).deserialize(r.topic(), r.value()));
            }
        }
        return totals;
    }

    /** Every committed value of a streams output topic, once no transaction is open on it. */
    private static <T> List<T> settledValues(String topic, Class<T> type) {
        try (CommittedRecords<byte[], byte[]> reader = CommittedRecords.open(broker.clientProperties(), topic)) {
            return reader.awaitSettled(DEADLINE).stream()
                    .map(r -> JsonSerde.of(type).deserialize(topic, r.value()))
                    .toList();
        }
    }

    /** One idempotent producer, each send acknowledged before the next: this order on the key's partition. */
    private static void produceInOrder(String topic, String key, List<byte[]> values) throws Exception {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
                record.headers().add(HeaderNames.WORKSPACE, "it".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
        }
    }
}
