package dev.flowpulse.ingest.websocket;

import static dev.flowpulse.ingest.IngestTestBed.ids;
import static dev.flowpulse.ingest.IngestTestBed.recentScenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.ingest.IngestConfig;
import dev.flowpulse.ingest.IngestMetrics;
import dev.flowpulse.ingest.IngestService;
import dev.flowpulse.ingest.IngestTestBed;
import dev.flowpulse.ingest.RawRecords;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import dev.flowpulse.testkit.BrokerExtension;
import dev.flowpulse.testkit.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ingest against every fault the Prefect simulator produces, with a real broker: the service
 * survives each one (reconnects with backoff, logs it, counts it) and the raw topic, read
 * {@code read_committed}, holds each expected event exactly once.
 */
@Tag("integration")
@Timeout(120)
class PrefectFaultsIT {

    private static final String AUTH_STRING = "admin:faults-pass-3d9a";
    private static final Duration RECONNECT_MAX = Duration.ofMillis(400);

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension("faults-it");

    private final String suffix = UUID.randomUUID().toString();
    private final String rawTopic = "raw-" + suffix;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private PrefectSimulator simulator;
    private RawRecords topic;

    @BeforeEach
    void createTopics() {
        KAFKA.broker().createTopic(rawTopic, 3, Map.of());
        topic = new RawRecords(KAFKA.broker(), rawTopic);
        resources.add(topic);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {401, 403})
    void shouldBackOffFromARefusedUpgradeThenSubscribeOnceItIsAccepted(int status) throws Exception {
        simulator(PrefectSimulator.builder().authString(AUTH_STRING));
        List<ObjectNode> events = recentScenario(31, 4).events();
        simulator.publish(events);
        simulator.faults().rejectUpgrades(status);

        try (LogCapture logs = new LogCapture()) {
            service(Map.of());
            waiting().until(() -> simulator.faults().rejectedUpgrades() >= 1);
            long firstSeen = System.nanoTime();
            waiting().until(() -> simulator.faults().rejectedUpgrades() >= 4);
            Duration threeRetries = Duration.ofNanos(System.nanoTime() - firstSeen);

            // An auth failure waits the full reconnect maximum each time: no tight loop.
            assertThat(threeRetries)
                    .isGreaterThanOrEqualTo(RECONNECT_MAX.multipliedBy(3).minusMillis(100));
            assertThat(connects(IngestMetrics.CONNECT_AUTH_FAILED)).isGreaterThanOrEqualTo(3);
            assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isZero();
            assertThat(topic.distinctEventIds()).isEmpty();
            assertThat(logs.text())
                    .contains("Prefect rejected the event websocket credential (PREFECT_API_AUTH_STRING)")
                    .contains("websocket upgrade answered HTTP " + status)
                    .doesNotContain(AUTH_STRING, "faults-pass");
        }

        simulator.faults().acceptUpgrades();
        awaitExactlyOnce(ids(events));
        assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isEqualTo(1);
    }

    @Test
    void shouldResubscribeAfterAnAbruptDropAndPublishEveryEventOnce() throws Exception {
        simulator(PrefectSimulator.builder().authString(AUTH_STRING));
        List<ObjectNode> events = recentScenario(32, 9).events();
        int third = events.size() / 3;
        simulator.publish(events.subList(0, third));
        service(Map.of());
        waiting().until(() -> topic.distinctEventIds().size() == third);

        try (LogCapture logs = new LogCapture()) {
            simulator.faults().dropConnections();
            simulator.publish(events.subList(third, 2 * third)); // stored while ingest reconnects
            awaitResubscribed(2);
            assertThat(logs.text()).contains("reconnecting in");
        }
        simulator.publish(events.subList(2 * third, events.size()));

        awaitExactlyOnce(ids(events));
    }

    @Test
    void shouldResubscribeAfterACleanClose() throws Exception {
        simulator(PrefectSimulator.builder().authString(AUTH_STRING));
        List<ObjectNode> events = recentScenario(33, 6).events();
        int half = events.size() / 2;
        simulator.publish(events.subList(0, half));
        service(Map.of());
        waiting().until(() -> topic.distinctEventIds().size() == half);

        try (LogCapture logs = new LogCapture()) {
            simulator.faults().closeConnections(1000, "server shutting down");
            awaitResubscribed(2);
            assertThat(logs.text()).contains("Prefect closed the event websocket (code 1000, server shutting down)");
        }
        simulator.publish(events.subList(half, events.size()));

        awaitExactlyOnce(ids(events));
    }

    @Test
    void shouldDetectASilentServerByItsMissingPongsAndResubscribeOnceItSpeaks() throws Exception {
        simulator(PrefectSimulator.builder().authString(AUTH_STRING));
        List<ObjectNode> events = recentScenario(34, 9).events();
        int third = events.size() / 3;
        simulator.publish(events.subList(0, third));
        service(Map.of("FLOWPULSE_INGEST_PING_INTERVAL", "300ms"));
        waiting().until(() -> topic.distinctEventIds().size() == third);

        try (LogCapture logs = new LogCapture()) {
            simulator.faults().goSilent();
            simulator.publish(events.subList(third, 2 * third)); // stored, but the silent socket sends nothing
            waiting().until(() -> gauge("flowpulse.ingest.connected") == 0);
            // Reconnects get the upgrade but never an auth_success while the server stays silent.
            waiting().until(() -> connects(IngestMetrics.CONNECT_ERROR) >= 2);
            assertThat(logs.text()).contains("Event websocket ping timeout: nothing received for 600 ms");
        }
        assertThat(topic.distinctEventIds()).hasSize(third);

        simulator.faults().speakAgain();
        awaitResubscribed(2);
        simulator.publish(events.subList(2 * third, events.size()));

        awaitExactlyOnce(ids(events));
    }

    @Test
    void shouldRecoverEventsDroppedFromAFullSubscriberBacklogOnTheNextBackfill() throws Exception {
        simulator(PrefectSimulator.builder().authString(AUTH_STRING).subscriberBacklog(4));
        List<ObjectNode> events = recentScenario(35, 4).events().subList(0, 10); // ascending by occurred
        service(Map.of());
        awaitResubscribed(1);
        // Past its backfill: an event published during the backfill may be sent in it, which the
        // stall does not hold (then all ten arrive at once and nothing is dropped for ingest to miss).
        waiting().until(() -> simulator.liveSubscribers() == 1);

        simulator.faults().stallDelivery();
        simulator.publish(events);
        assertThat(simulator.droppedEvents())
                .as("Prefect drops what exceeds the backlog")
                .isEqualTo(6);
        simulator.faults().resumeDelivery();
        waiting().until(() -> topic.distinctEventIds().equals(ids(events.subList(0, 4))));

        // Ingest cannot see Prefect's silent drops; the next subscription's backfill (from the
        // cursor, one minute behind the last event) brings them back.
        simulator.faults().dropConnections();
        awaitResubscribed(2);
        awaitExactlyOnce(ids(events));
    }

    @Test
    void shouldRecoverWhatLiesBeyondTheServersBackfillDepthThroughEventsFilter() throws Exception {
        simulator(PrefectSimulator.builder().authString(AUTH_STRING).backfillWindow(Duration.ofMinutes(20)));
        Instant now = Instant.now();
        List<ObjectNode> tooOld =
                Scenario.generate(36, 4, now.minus(Duration.ofMinutes(45))).events(); // 45–35 min ago
        List<ObjectNode> recent = recentScenario(37, 4).events(); // 10.5–0.5 min ago
        simulator.publish(tooOld);
        simulator.publish(recent);

        service(Map.of("FLOWPULSE_INGEST_LOOKBACK", "60m")); // asks for more than the websocket gives

        Set<String> all = new java.util.HashSet<>(ids(tooOld));
        all.addAll(ids(recent));
        awaitExactlyOnce(all);
        // The websocket's backfill stops at the server's depth (ascending: anything older would
        // have come first); what lies beyond it came from /api/events/filter.
        assertThat(counter("flowpulse.ingest.messages.received")).isEqualTo(1 + recent.size());
        assertThat(registry.find("flowpulse.ingest.gap.fill.events").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum())
                .isGreaterThanOrEqualTo(tooOld.size());
    }

    @Test
    void shouldResubscribeAfterTheServerRestartsOnTheSamePort() throws Exception {
        simulator(PrefectSimulator.builder().authString(AUTH_STRING));
        List<ObjectNode> events = recentScenario(38, 9).events();
        int third = events.size() / 3;
        simulator.publish(events.subList(0, third));
        service(Map.of());
        waiting().until(() -> topic.distinctEventIds().size() == third);

        try (LogCapture logs = new LogCapture()) {
            simulator.faults().stopServer();
            simulator.publish(events.subList(third, 2 * third)); // kept by the simulator while it is down
            waiting().until(() -> connects(IngestMetrics.CONNECT_ERROR) >= 2);
            assertThat(logs.text()).contains("Event websocket connect failed");
        }
        simulator.faults().startServer();
        awaitResubscribed(2);
        simulator.publish(events.subList(2 * third, events.size()));

        awaitExactlyOnce(ids(events));
    }

    // --- fixtures ---

    private static ConditionFactory waiting() {
        return await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(25));
    }

    private void simulator(PrefectSimulator.Builder builder) throws Exception {
        simulator = builder.build().start();
        resources.add(simulator);
    }

    private void service(Map<String, String> overrides) {
        Map<String, String> env = IngestTestBed.env(simulator.apiUrl(), AUTH_STRING, KAFKA.broker(), suffix);
        env.put("FLOWPULSE_INGEST_RECONNECT_MAX", RECONNECT_MAX.toMillis() + "ms");
        env.putAll(overrides);
        IngestService service = new IngestService(IngestConfig.fromEnv(env), registry);
        resources.add(service);
        service.start();
    }

    private void awaitResubscribed(int subscriptions) {
        waiting()
                .until(() ->
                        connects(IngestMetrics.CONNECT_SUCCESS) >= subscriptions && simulator.activeSubscribers() == 1);
    }

    /** Waits until the topic holds exactly these ids, then checks none of them came twice. */
    private void awaitExactlyOnce(Set<String> expected) {
        waiting().until(() -> topic.distinctEventIds().equals(expected));
        assertThat(topic.eventIds()).hasSameSizeAs(expected);
    }

    private double connects(String outcome) {
        return IngestTestBed.connects(registry, outcome);
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }
}
