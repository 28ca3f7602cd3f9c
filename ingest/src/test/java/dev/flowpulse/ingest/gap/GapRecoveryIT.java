package dev.flowpulse.ingest.gap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.ingest.IngestConfig;
import dev.flowpulse.ingest.IngestService;
import dev.flowpulse.ingest.publish.RawEventPublisher;
import dev.flowpulse.ingest.resume.ResumePoint;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every event Prefect stored reaches the raw topic although the websocket's backfill reaches back
 * only 60 s: on a first start with a longer lookback, across an ingest restart (resume point read
 * from Kafka), across a Prefect restart, and when Prefect's live queue drops events. Real broker,
 * Prefect simulator; the raw topic is read with {@code read_committed}.
 */
@Tag("integration")
@Timeout(180)
class GapRecoveryIT {

    private static final String AUTH = "admin:gap-it-pass-1b2c";
    private static final Duration BACKFILL = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static EmbeddedKafkaBroker broker;

    private final String suffix = UUID.randomUUID().toString();
    private final String rawTopic = "raw-" + suffix;
    private final String cursorTopic = "cursor-" + suffix;
    private PrefectSimulator simulator;
    private IngestService service;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(Path.of("target", "kafka-gap-it-" + UUID.randomUUID()));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
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

    private PrefectSimulator simulator(int port, int backlog) throws Exception {
        return PrefectSimulator.builder()
                .authString(AUTH)
                .port(port)
                .backfillWindow(BACKFILL)
                .subscriberBacklog(backlog)
                .build()
                .start();
    }

    private IngestService service(SimpleMeterRegistry registry, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("PREFECT_API_URL", simulator.apiUrl().toString());
        env.put("PREFECT_API_AUTH_STRING", AUTH);
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("KAFKA_LINGER_MS", "5");
        env.put("FLOWPULSE_TOPIC_RAW_EVENTS", rawTopic);
        env.put("FLOWPULSE_TOPIC_DEAD_LETTERS", "dlq-" + suffix);
        env.put("FLOWPULSE_TOPIC_INGEST_CURSOR", cursorTopic);
        env.put("FLOWPULSE_TOPIC_FLOW_RUN_HISTORY", "history-" + suffix);
        env.put("FLOWPULSE_INGEST_CURSOR_COMMIT_INTERVAL", "200ms");
        env.put("FLOWPULSE_INGEST_GAP_FIRST_EVENT_WAIT", "1s");
        env.put("FLOWPULSE_INGEST_RECONNECT_MIN", "20ms");
        env.put("FLOWPULSE_INGEST_RECONNECT_MAX", "300ms");
        env.put("FLOWPULSE_INGEST_REST_BACKOFF_MIN", "20ms");
        env.put("FLOWPULSE_INGEST_REST_BACKOFF_MAX", "200ms");
        env.putAll(overrides);
        IngestService s = new IngestService(IngestConfig.fromEnv(env), registry);
        s.start();
        return s;
    }

    private static Set<String> ids(List<ObjectNode> events) {
        return events.stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    private static Instant newest(List<ObjectNode> events) {
        return events.stream()
                .map(e -> Instant.parse(e.get("occurred").asText()))
                .max(Instant::compareTo)
                .orElseThrow();
    }

    private static double fills(SimpleMeterRegistry registry, String reason) {
        return registry.get("flowpulse.ingest.gap.fills")
                .tag("reason", reason)
                .tag("outcome", "success")
                .counter()
                .count();
    }

    private Optional<ResumePoint> storedPoint(TopicRecords cursor) {
        List<ConsumerRecord<String, byte[]>> records = cursor.poll();
        return records.isEmpty()
                ? Optional.empty()
                : ResumePoint.fromJson(records.get(records.size() - 1).value());
    }

    @Test
    void shouldRecoverEverythingOlderThanTheBackfillWindowOnAFirstStartWithALongerLookback() throws Exception {
        simulator = simulator(0, 256);
        List<ObjectNode> events = Scenario.generate(
                        41, 20, Instant.now().minus(Scenario.SPAN).minusSeconds(30))
                .events();
        simulator.publish(events);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        service = service(registry, Map.of("FLOWPULSE_INGEST_LOOKBACK", "2h"));

        try (TopicRecords raw = new TopicRecords(broker, rawTopic)) {
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(raw.distinctEventIds()).isEqualTo(ids(events)));
            assertThat(raw.eventIds()).hasSize(events.size()); // nothing twice
            assertThat(raw.fromSource(RawEventPublisher.SOURCE_EVENTS_FILTER)).isPositive();
        }
        assertThat(fills(registry, GapMetrics.START)).isEqualTo(1);
    }

    @Test
    void shouldResumeFromTheCursorInKafkaAfterAnOutageLongerThanTheBackfillWindow() throws Exception {
        simulator = simulator(0, 256);
        List<ObjectNode> events = Scenario.generate(
                        42, 24, Instant.now().minus(Scenario.SPAN).minusSeconds(30))
                .events();
        List<ObjectNode> before = events.subList(0, events.size() / 3);
        List<ObjectNode> during = events.subList(events.size() / 3, events.size());
        simulator.publish(before);

        try (TopicRecords raw = new TopicRecords(broker, rawTopic);
                TopicRecords cursor = new TopicRecords(broker, cursorTopic)) {
            service = service(new SimpleMeterRegistry(), Map.of("FLOWPULSE_INGEST_LOOKBACK", "30m"));
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(raw.distinctEventIds()).isEqualTo(ids(before)));
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(storedPoint(cursor).map(ResumePoint::occurred))
                            .contains(newest(before)));
            service.close();

            // Ingest is down while Prefect stores the rest, most of it older than the 60 s backfill.
            simulator.publish(during);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            // A lookback of 1 s: only the stored resume point can bring back what happened meanwhile.
            service = service(registry, Map.of("FLOWPULSE_INGEST_LOOKBACK", "1s"));

            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(raw.distinctEventIds()).isEqualTo(ids(events)));
            assertThat(raw.eventIds()).hasSize(events.size()); // the re-read resume window was deduplicated
            assertThat(fills(registry, GapMetrics.START)).isEqualTo(1);
            assertThat(registry.get("flowpulse.ingest.gap.fill.events")
                            .tag("reason", GapMetrics.START)
                            .counter()
                            .count())
                    .isPositive();
        }
    }

    @Test
    void shouldRecoverAfterPrefectRestartsWithEventsBeyondItsBackfill() throws Exception {
        simulator = simulator(0, 256);
        int port = simulator.apiUrl().getPort();
        List<ObjectNode> events = Scenario.generate(
                        43, 18, Instant.now().minus(Scenario.SPAN).minusSeconds(30))
                .events();
        List<ObjectNode> before = events.subList(0, events.size() / 2);
        simulator.publish(before);

        try (TopicRecords raw = new TopicRecords(broker, rawTopic)) {
            service = service(new SimpleMeterRegistry(), Map.of("FLOWPULSE_INGEST_LOOKBACK", "30m"));
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(raw.distinctEventIds()).isEqualTo(ids(before)));

            simulator.close();
            simulator = simulator(port, 256);
            simulator.publish(events); // the restarted server's database holds everything

            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(raw.distinctEventIds()).isEqualTo(ids(events)));
            assertThat(raw.eventIds()).hasSize(events.size());
        }
    }

    @Test
    void shouldRepairEventsPrefectsLiveQueueDropped() throws Exception {
        simulator = simulator(0, 1); // a one-event subscriber queue: a burst overflows it
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        service = service(
                registry,
                Map.of(
                        "FLOWPULSE_INGEST_REREAD_INTERVAL", "300ms",
                        "FLOWPULSE_INGEST_REREAD_LAG", "0s",
                        "FLOWPULSE_INGEST_REREAD_MAX_LAG", "1h"));
        await().atMost(WAIT).until(() -> simulator.activeSubscribers() == 1 && fills(registry, GapMetrics.START) == 1);
        List<ObjectNode> events = Scenario.generate(
                        44, 60, Instant.now().minus(Scenario.SPAN).minusSeconds(5))
                .events();

        simulator.publish(events);

        try (TopicRecords raw = new TopicRecords(broker, rawTopic)) {
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(raw.distinctEventIds()).isEqualTo(ids(events)));
            assertThat(raw.eventIds()).hasSize(events.size());
            if (simulator.droppedEvents() > 0) {
                assertThat(raw.fromSource(RawEventPublisher.SOURCE_EVENTS_FILTER))
                        .isPositive();
            }
        }
        System.out.println("queue overflow test: Prefect dropped " + simulator.droppedEvents() + " of " + events.size()
                + " live events");
    }

    @Test
    void shouldPublishAnOversizeEventTruncatedInsteadOfLosingIt() throws Exception {
        simulator = simulator(0, 256);
        ObjectNode huge = Scenario.generate(45, 1, Instant.now().minusSeconds(30))
                .events()
                .get(0)
                .deepCopy();
        String message = "x".repeat(1_400_000); // Prefect accepts events up to 1.5 MB; Kafka records 1 MB
        ((ObjectNode) huge.get("resource")).put("prefect.state-message", message);
        simulator.publish(huge);

        service = service(new SimpleMeterRegistry(), Map.of());

        try (TopicRecords raw = new TopicRecords(broker, rawTopic)) {
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(raw.distinctEventIds())
                            .containsExactly(huge.get("id").asText()));
            ConsumerRecord<String, byte[]> record = raw.poll().get(0);
            assertThat(dev.flowpulse.contract.DeadLetters.get(record.headers(), RawEventPublisher.TRUNCATED_HEADER))
                    .isEqualTo("true");
            assertThat(record.value().length).isLessThan(1_048_576);
        }
    }

    @Test
    void shouldRecoverATwentyMinuteOutageFromTheStoredResumePoint() throws Exception {
        simulator = simulator(0, 256);
        Instant outageStart = Instant.now().minus(Duration.ofMinutes(21));
        // A busy workspace: ~2 000 state changes in the 20 minutes ingest was away.
        List<ObjectNode> events = new java.util.ArrayList<>(
                Scenario.generate(46, 200, outageStart).events());
        events.addAll(
                Scenario.generate(47, 200, outageStart.plus(Scenario.SPAN)).events());
        simulator.publish(events);
        String workspace = "127.0.0.1:" + simulator.apiUrl().getPort();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
                broker.clientProperties(),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            cursorTopic, workspace, new ResumePoint(outageStart, List.of()).toJson()))
                    .get();
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (TopicRecords raw = new TopicRecords(broker, rawTopic)) {
            long started = System.nanoTime();
            service = service(registry, Map.of("FLOWPULSE_INGEST_LOOKBACK", "1s"));
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(raw.distinctEventIds()).isEqualTo(ids(events)));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(raw.eventIds()).hasSize(events.size());
            System.out.println("20-minute outage: " + events.size() + " events recovered in " + took.toMillis()
                    + " ms, "
                    + registry.get("flowpulse.ingest.prefect.requests")
                            .tag("endpoint", "events_filter_next")
                            .tag("status", "200")
                            .counter()
                            .count()
                    + " next-page requests");
        }
    }
}
