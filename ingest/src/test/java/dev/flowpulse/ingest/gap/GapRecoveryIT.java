package dev.flowpulse.ingest.gap;

import static dev.flowpulse.ingest.IngestTestBed.ids;
import static dev.flowpulse.ingest.IngestTestBed.newest;
import static dev.flowpulse.ingest.IngestTestBed.recentScenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.ingest.IngestConfig;
import dev.flowpulse.ingest.IngestService;
import dev.flowpulse.ingest.IngestTestBed;
import dev.flowpulse.ingest.RawRecords;
import dev.flowpulse.ingest.publish.RawEventPublisher;
import dev.flowpulse.ingest.resume.ResumePoint;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import dev.flowpulse.testkit.BrokerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension("gap-it");

    private final String suffix = UUID.randomUUID().toString();
    private final String rawTopic = "raw-" + suffix;
    private final String cursorTopic = "cursor-" + suffix;
    private PrefectSimulator simulator;
    private IngestService service;

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
        Map<String, String> env = IngestTestBed.env(simulator.apiUrl(), AUTH, KAFKA.broker(), suffix);
        env.putAll(overrides);
        IngestService s = new IngestService(IngestConfig.fromEnv(env), registry);
        s.start();
        return s;
    }

    private static double fills(SimpleMeterRegistry registry, String reason) {
        return registry.get("flowpulse.ingest.gap.fills")
                .tag("reason", reason)
                .tag("outcome", "success")
                .counter()
                .count();
    }

    private Optional<ResumePoint> storedPoint(RawRecords cursor) {
        List<ConsumerRecord<String, byte[]>> records = cursor.poll();
        return records.isEmpty()
                ? Optional.empty()
                : ResumePoint.fromJson(records.get(records.size() - 1).value());
    }

    @Test
    void shouldRecoverEverythingOlderThanTheBackfillWindowOnAFirstStartWithALongerLookback() throws Exception {
        simulator = simulator(0, 256);
        List<ObjectNode> events = recentScenario(41, 20).events();
        simulator.publish(events);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        service = service(registry, Map.of("FLOWPULSE_INGEST_LOOKBACK", "2h"));

        try (RawRecords raw = new RawRecords(KAFKA.broker(), rawTopic)) {
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
        List<ObjectNode> events = recentScenario(42, 24).events();
        List<ObjectNode> before = events.subList(0, events.size() / 3);
        List<ObjectNode> during = events.subList(events.size() / 3, events.size());
        simulator.publish(before);

        try (RawRecords raw = new RawRecords(KAFKA.broker(), rawTopic);
                RawRecords cursor = new RawRecords(KAFKA.broker(), cursorTopic)) {
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
        List<ObjectNode> events = recentScenario(43, 18).events();
        List<ObjectNode> before = events.subList(0, events.size() / 2);
        simulator.publish(before);

        try (RawRecords raw = new RawRecords(KAFKA.broker(), rawTopic)) {
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
    void shouldRecoverLateArrivalsPrefectsLiveQueueDroppedBehindTheReread() throws Exception {
        int backlog = 8;
        simulator = simulator(0, backlog);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // The re-read runs right behind now, so it has passed every event of the burst below before it is
        // published: a dropped one can only come back through the late-arrival check of the trailing 15 min.
        service = service(
                registry,
                Map.of(
                        "FLOWPULSE_INGEST_REREAD_INTERVAL", "300ms",
                        "FLOWPULSE_INGEST_REREAD_LAG", "0s",
                        "FLOWPULSE_INGEST_LATENESS", "15m"));
        await().atMost(WAIT).until(() -> simulator.activeSubscribers() == 1 && fills(registry, GapMetrics.START) == 1);
        // Late arrivals: every event occurred minutes before Prefect streams it live.
        List<ObjectNode> events = Scenario.generate(
                        44, 60, Instant.now().minus(Scenario.SPAN).minusSeconds(5))
                .events();

        // A reader too slow for the burst: the queue takes the first `backlog` events, Prefect drops the rest.
        simulator.faults().stallDelivery();
        simulator.publish(events);
        assertThat(simulator.droppedEvents()).isEqualTo(events.size() - backlog);
        simulator.faults().resumeDelivery();

        try (RawRecords raw = new RawRecords(KAFKA.broker(), rawTopic)) {
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(raw.distinctEventIds()).isEqualTo(ids(events)));
            assertThat(raw.eventIds()).hasSize(events.size()); // each exactly once
            assertThat(raw.fromSource(RawEventPublisher.SOURCE_EVENTS_FILTER)).isPositive();
        }
        assertThat(registry.get("flowpulse.ingest.gap.fill.events")
                        .tag("reason", GapMetrics.LATE)
                        .counter()
                        .count())
                .isPositive();
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

        try (RawRecords raw = new RawRecords(KAFKA.broker(), rawTopic)) {
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
                KAFKA.broker().clientProperties(),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            cursorTopic, workspace, new ResumePoint(outageStart, List.of()).toJson()))
                    .get();
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (RawRecords raw = new RawRecords(KAFKA.broker(), rawTopic)) {
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
