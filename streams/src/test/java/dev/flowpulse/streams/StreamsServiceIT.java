package dev.flowpulse.streams;

import static dev.flowpulse.streams.SampleEvents.crimsonFoxLifecycle;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.SeriesLabels;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.runtime.TopicProvisioner;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service against a real single-node broker, exactly once, end to end through the
 * repartitions: the totals are read with {@code read_committed}, as the sink reads them.
 */
@Tag("integration")
class StreamsServiceIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final SeriesLabels ETL = new SeriesLabels("etl-orders", "hourly-sync", "k8s-prod");

    private static final byte[] MALFORMED =
            "{\"occurred\": \"2026-05-04T09:05:09Z\", \"event\"".getBytes(StandardCharsets.UTF_8);

    private static EmbeddedKafkaBroker broker;
    private static Path dir;

    @BeforeAll
    static void startBroker() {
        dir = Path.of("target", "it", "streams-service-" + System.nanoTime());
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Timeout(120)
    void shouldCountTheCrimsonFoxLifecycleOnceThoughItsTerminalEventArrivesTwice() throws Exception {
        Topics topics = Topics.defaults();
        TopicProvisioner.ensure(
                broker.clientProperties(),
                TopicProvisioner.plan(topics, 1, (short) 1, Duration.ofDays(7).toMillis()));
        List<ObjectNode> lifecycle = new ArrayList<>(crimsonFoxLifecycle());
        lifecycle.add(lifecycle.get(4)); // redelivered Completed
        produce(topics.rawEvents(), SampleEvents.CRIMSON_FOX, MALFORMED);
        produce(topics.rawEvents(), lifecycle);

        StreamsServiceConfig config = StreamsServiceConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "FLOWPULSE_STREAMS_APPLICATION_ID", "flowpulse-it-" + System.nanoTime(),
                "FLOWPULSE_STATE_DIR", dir.resolve("state").toString()));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StreamsService service = new StreamsService(config, registry);
        try (service) {
            assertThat(service.health().up()).isFalse();
            service.start();
            awaitTrue(() -> service.health().up(), "streams RUNNING");

            Map<Object, Object> totals = new HashMap<>();
            List<String> deadLetterReasons = new ArrayList<>();
            FinishedSeries completed = new FinishedSeries(ETL, StateType.COMPLETED);
            StateSeries completedState = new StateSeries(ETL, StateType.COMPLETED, "Completed");
            try (KafkaConsumer<byte[], byte[]> consumer = readCommitted()) {
                consumer.subscribe(List.of(topics.finishedTotals(), topics.stateTotals(), topics.deadLetters()));
                awaitTrue(
                        () -> {
                            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                                if (r.topic().equals(topics.deadLetters())) {
                                    assertThat(r.value()).isEqualTo(MALFORMED);
                                    deadLetterReasons.add(DeadLetters.get(r.headers(), HeaderNames.DLQ_REASON));
                                } else if (r.topic().equals(topics.finishedTotals())) {
                                    totals.put(
                                            JsonSerde.of(FinishedSeries.class).deserialize(r.topic(), r.key()),
                                            JsonSerde.of(FinishedTotal.class).deserialize(r.topic(), r.value()));
                                } else {
                                    totals.put(
                                            JsonSerde.of(StateSeries.class).deserialize(r.topic(), r.key()),
                                            JsonSerde.of(StateTotal.class).deserialize(r.topic(), r.value()));
                                }
                            }
                            return totals.containsKey(completed)
                                    && totals.containsKey(completedState)
                                    && totals.size() == 6
                                    && !deadLetterReasons.isEmpty();
                        },
                        "finished and state totals");
            }
            awaitTrue(
                    () -> registry.find("flowpulse.streams.duplicates.dropped")
                                    .counter()
                                    .count()
                            == 1.0,
                    "the redelivered Completed dropped");

            FinishedTotal finished = (FinishedTotal) totals.get(completed);
            assertThat(finished.count()).isEqualTo(1);
            // Completed 09:07:42.315502 - Running 09:05:09.874120 = 152.441382 s
            assertThat(finished.histogram().sumSeconds())
                    .isCloseTo(152.441382, org.assertj.core.api.Assertions.within(1e-6));
            assertThat(totals.values())
                    .filteredOn(v -> v instanceof StateTotal)
                    .extracting(v -> ((StateTotal) v).count())
                    .containsOnly(1L)
                    .hasSize(5);
            assertThat(deadLetterReasons).containsExactly("malformed-json");
            assertThat(registry.scrape()).contains("kafka_stream_");
        }
        assertThat(service.health().up()).isFalse();
    }

    private static void produce(String topic, List<ObjectNode> events) throws Exception {
        for (ObjectNode event : events) {
            produce(topic, SampleEvents.runId(event), SampleEvents.bytes(event));
        }
    }

    private static void produce(String topic, String key, byte[] value) throws Exception {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            record.headers().add(HeaderNames.WORKSPACE, "it".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }

    private static KafkaConsumer<byte[], byte[]> readCommitted() {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "streams-it-reader-" + System.nanoTime());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Not reached within " + DEADLINE + ": " + what);
            }
            Thread.sleep(100);
        }
    }
}
