package dev.flowpulse.ingest;

import static dev.flowpulse.ingest.IngestTestBed.ids;
import static dev.flowpulse.ingest.IngestTestBed.recentScenario;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.Json;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import dev.flowpulse.testkit.BrokerExtension;
import dev.flowpulse.testkit.LogCapture;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension("ingest-it");

    private final String suffix = UUID.randomUUID().toString();
    private final String rawTopic = "raw-" + suffix;
    private final String deadLetterTopic = "dlq-" + suffix;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private PrefectSimulator simulator;
    private IngestService service;

    @BeforeEach
    void createTopics() {
        KAFKA.broker().createTopic(rawTopic, 3, Map.of());
        KAFKA.broker().createTopic(deadLetterTopic, 1, Map.of());
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
        // A trailing slash on the API URL is accepted.
        Map<String, String> env =
                IngestTestBed.env(URI.create(simulator.apiUrl() + "/"), authString, KAFKA.broker(), suffix);
        env.putAll(overrides);
        service = new IngestService(IngestConfig.fromEnv(env), registry);
        return service;
    }

    private static ConditionFactory eventually() {
        return await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50));
    }

    private double connects(String outcome) {
        return IngestTestBed.connects(registry, outcome);
    }

    @Test
    void shouldPublishEveryEventKeyedByFlowRunAcrossADroppedConnection() throws Exception {
        simulator = PrefectSimulator.builder().authString(AUTH_STRING).build().start();
        Scenario scenario = recentScenario(21, 12);
        List<ObjectNode> events = scenario.events();
        Set<String> ids = ids(events);
        int third = events.size() / 3;
        simulator.publish(events.subList(0, third));
        service(AUTH_STRING).start();

        try (RawRecords reader = new RawRecords(KAFKA.broker(), rawTopic)) {
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
                    .untilAsserted(() -> assertThat(reader.distinctEventIds())
                            .as("event ids on the topic")
                            .isEqualTo(ids));
            // What the server sent, field for field (the simulator stamps 'received' itself).
            Map<String, ObjectNode> byId = simulator.storedEvents().stream()
                    .collect(Collectors.toMap(e -> e.get("id").asText(), Function.identity()));
            for (ConsumerRecord<String, byte[]> record : reader.poll()) {
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
                RawRecords reader = new RawRecords(KAFKA.broker(), rawTopic)) {
            service(wrong).start();
            eventually().untilAsserted(() -> {
                assertThat(connects(IngestMetrics.CONNECT_AUTH_FAILED)).isGreaterThanOrEqualTo(2);
                assertThat(logs.text()).contains("Prefect rejected the event websocket credential");
            });

            assertThat(reader.poll()).isEmpty();
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
        List<ObjectNode> events = recentScenario(23, 9).events();
        Set<String> ids = ids(events);
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
        try (RawRecords reader = new RawRecords(KAFKA.broker(), rawTopic)) {
            eventually().untilAsserted(() -> assertThat(reader.poll()).hasSizeGreaterThanOrEqualTo(third));
        }

        KAFKA.broker().stop();
        try {
            simulator.publish(events.subList(third, 2 * third)); // delivered live, but Kafka is down
            eventually()
                    .untilAsserted(() -> assertThat(registry.get("flowpulse.ingest.publish.errors")
                                    .counter()
                                    .count())
                            .as("failed sends")
                            .isGreaterThanOrEqualTo(1));
        } finally {
            KAFKA.broker().restart();
        }
        simulator.publish(events.subList(2 * third, events.size()));

        try (RawRecords reader = new RawRecords(KAFKA.broker(), rawTopic)) {
            eventually()
                    .untilAsserted(() -> assertThat(reader.distinctEventIds())
                            .as("event ids on the topic")
                            .isEqualTo(ids));
        }
        // The failed sends made the subscriber resubscribe from before them.
        assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isGreaterThanOrEqualTo(2);
    }
}
