package dev.flowpulse.ingest;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.Json;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole service: Prefect simulator → websocket → a real broker's raw topic. Waits are on what
 * is asserted: records on the topic, or the metric itself (the producer's callback moves the
 * publish metrics, possibly after a consumer already sees the record).
 */
@Tag("integration")
@Timeout(value = 3, unit = MINUTES)
class IngestServiceIT {

    private static final String AUTH_STRING = "admin:it-pass-55aa";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static EmbeddedKafkaBroker broker;

    private final String rawTopic = "raw-" + UUID.randomUUID();
    private final String deadLetterTopic = "dlq-" + UUID.randomUUID();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private PrefectSimulator simulator;
    private IngestService service;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(Path.of("target", "kafka-it-" + UUID.randomUUID()));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void createTopics() {
        broker.createTopic(rawTopic, 3, Map.of());
        broker.createTopic(deadLetterTopic, 1, Map.of());
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    private IngestService service(String authString) {
        return service(authString, Map.of());
    }

    private IngestService service(String authString, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("PREFECT_API_URL", simulator.apiUrl() + "/");
        env.put("PREFECT_API_AUTH_STRING", authString);
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("KAFKA_LINGER_MS", "5");
        env.put("FLOWPULSE_TOPIC_RAW_EVENTS", rawTopic);
        env.put("FLOWPULSE_TOPIC_DEAD_LETTERS", deadLetterTopic);
        env.put("FLOWPULSE_INGEST_RECONNECT_MIN", "20ms");
        env.put("FLOWPULSE_INGEST_RECONNECT_MAX", "300ms");
        env.putAll(overrides);
        service = new IngestService(IngestConfig.fromEnv(env), registry);
        return service;
    }

    private static ConditionFactory eventually() {
        return await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50));
    }

    private double connects(String outcome) {
        return registry.get("flowpulse.ingest.connects")
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    @Test
    void shouldPublishEveryEventKeyedByFlowRunAcrossADroppedConnection() throws Exception {
        simulator = PrefectSimulator.builder().authString(AUTH_STRING).build().start();
        Scenario scenario =
                Scenario.generate(21, 12, Instant.now().minus(Scenario.SPAN).minusSeconds(30));
        List<ObjectNode> events = scenario.events();
        Set<String> ids = events.stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        int third = events.size() / 3;
        simulator.publish(events.subList(0, third));
        service(AUTH_STRING).start();

        try (RawTopicReader reader = new RawTopicReader(rawTopic)) {
            eventually().untilAsserted(() -> assertThat(reader.poll()).hasSizeGreaterThanOrEqualTo(third));
            assertThat(service.health().up()).isTrue();
            eventually()
                    .untilAsserted(() -> assertThat(registry.get("flowpulse.ingest.connected")
                                    .gauge()
                                    .value())
                            .isEqualTo(1));

            simulator.dropConnections();
            simulator.publish(events.subList(third, 2 * third));
            eventually().untilAsserted(() -> {
                assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isGreaterThanOrEqualTo(2);
                assertThat(simulator.activeSubscribers()).isEqualTo(1);
            });
            simulator.publish(events.subList(2 * third, events.size()));

            eventually()
                    .untilAsserted(() -> assertThat(reader.eventIds())
                            .as("event ids on the topic")
                            .isEqualTo(ids));
            // What the server sent, field for field (the simulator stamps 'received' itself).
            Map<String, ObjectNode> byId = simulator.storedEvents().stream()
                    .collect(Collectors.toMap(e -> e.get("id").asText(), Function.identity()));
            for (ConsumerRecord<String, byte[]> record : reader.records()) {
                JsonNode value = Json.prefect().readTree(record.value());
                String id = value.get("id").asText();
                assertThat(value).isEqualTo(byId.get(id));
                assertThat(record.key())
                        .isEqualTo(FlowRunEventParser.flowRunId(value).orElseThrow());
                assertThat(record.timestamp())
                        .isEqualTo(Instant.parse(value.get("occurred").asText()).toEpochMilli());
                assertThat(DeadLetters.get(record.headers(), HeaderNames.SOURCE))
                        .isEqualTo("websocket");
                assertThat(DeadLetters.get(record.headers(), HeaderNames.WORKSPACE))
                        .isEqualTo("127.0.0.1:" + simulator.apiUrl().getPort());
                assertThat(DeadLetters.get(record.headers(), HeaderNames.EVENT_ID))
                        .isEqualTo(id);
            }
        }
        // Moved by the send callbacks, which may run after a consumer sees the records.
        eventually().untilAsserted(() -> {
            assertThat(registry.get("flowpulse.ingest.events.published")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(events.size());
            assertThat(registry.get("flowpulse.ingest.last.event.occurred.seconds")
                            .gauge()
                            .value())
                    .isEqualTo(scenario.end().toEpochMilli() / 1000.0);
        });
        assertThat(registry.scrape()).contains("kafka_producer_record_send_total");
    }

    @Test
    void shouldPublishNothingWithAWrongAuthStringAndNeverLogIt() throws Exception {
        simulator = PrefectSimulator.builder().authString(AUTH_STRING).build().start();
        simulator.publish(
                Scenario.generate(22, 3, Instant.now().minus(Scenario.SPAN)).events());
        String wrong = "admin:definitely-wrong-0c1d";

        try (LogCapture logs = new LogCapture();
                RawTopicReader reader = new RawTopicReader(rawTopic)) {
            service(wrong).start();
            eventually().untilAsserted(() -> {
                assertThat(connects(IngestMetrics.CONNECT_AUTH_FAILED)).isGreaterThanOrEqualTo(2);
                assertThat(logs.text()).contains("Prefect rejected the event websocket credential");
            });

            assertThat(reader.endOffsetSum()).isZero();
            assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isZero();
            // Never subscribed: DOWN, with a reason that names no credential.
            assertThat(service.health().up()).isFalse();
            assertThat(service.health().detail()).contains("not yet subscribed").doesNotContain("definitely-wrong");
            service.close();
            String text = logs.text();
            assertThat(text)
                    .contains("Prefect rejected the event websocket credential")
                    .doesNotContain(wrong, "definitely-wrong");
            assertThat(registry.scrape()).doesNotContain("definitely-wrong");
        }
    }

    @Test
    void shouldReplayEventsWhoseSendsFailedWhileKafkaWasDown() throws Exception {
        simulator = PrefectSimulator.builder().authString(AUTH_STRING).build().start();
        List<ObjectNode> events = Scenario.generate(
                        23, 9, Instant.now().minus(Scenario.SPAN).minusSeconds(30))
                .events();
        Set<String> ids = events.stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        int third = events.size() / 3;
        simulator.publish(events.subList(0, third));
        service(
                        AUTH_STRING,
                        Map.of(
                                "KAFKA_DELIVERY_TIMEOUT_MS", "1500",
                                "KAFKA_REQUEST_TIMEOUT_MS", "1000",
                                "KAFKA_MAX_BLOCK_MS", "1000",
                                "KAFKA_RECONNECT_BACKOFF_MAX_MS", "200"))
                .start();
        try (RawTopicReader reader = new RawTopicReader(rawTopic)) {
            eventually().untilAsserted(() -> assertThat(reader.poll()).hasSizeGreaterThanOrEqualTo(third));
        }

        broker.stop();
        try {
            simulator.publish(events.subList(third, 2 * third)); // delivered live, but Kafka is down
            eventually()
                    .untilAsserted(() -> assertThat(registry.get("flowpulse.ingest.publish.errors")
                                    .counter()
                                    .count())
                            .as("failed sends")
                            .isGreaterThanOrEqualTo(1));
        } finally {
            broker.restart();
        }
        simulator.publish(events.subList(2 * third, events.size()));

        try (RawTopicReader reader = new RawTopicReader(rawTopic)) {
            eventually()
                    .untilAsserted(() -> assertThat(reader.eventIds())
                            .as("event ids on the topic")
                            .isEqualTo(ids));
        }
        // The failed sends made the subscriber resubscribe from before them.
        assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isGreaterThanOrEqualTo(2);
    }

    /**
     * Reads a topic from the beginning with a plain consumer (no group). Ingest's producer is
     * idempotent, not transactional: read_uncommitted sees exactly what was acknowledged.
     */
    private static final class RawTopicReader implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final List<TopicPartition> partitions = new ArrayList<>();
        private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

        RawTopicReader(String topic) {
            Properties props = new Properties();
            props.putAll(broker.clientProperties());
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer = new KafkaConsumer<>(props);
            for (int p = 0; p < 3; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        }

        List<ConsumerRecord<String, byte[]>> poll() {
            if (consumer.assignment().isEmpty()) {
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
            }
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            return records;
        }

        List<ConsumerRecord<String, byte[]>> records() {
            return records;
        }

        Set<String> eventIds() {
            return poll().stream()
                    .map(r -> DeadLetters.get(r.headers(), HeaderNames.EVENT_ID))
                    .collect(Collectors.toSet());
        }

        long endOffsetSum() {
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
