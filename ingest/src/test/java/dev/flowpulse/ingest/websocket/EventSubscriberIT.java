package dev.flowpulse.ingest.websocket;

import static dev.flowpulse.ingest.IngestTestBed.ids;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.ingest.IngestConfig;
import dev.flowpulse.ingest.IngestMetrics;
import dev.flowpulse.ingest.IngestTestBed;
import dev.flowpulse.ingest.publish.RawEventPublisher;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import dev.flowpulse.testkit.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The subscriber against the Prefect simulator (the real websocket protocol), with Kafka replaced
 * by a {@link MockProducer}: handshake, backfill plus live delivery, reconnects, auth failures.
 * The mock producer completes every send at once, so its history is what was published.
 */
@Tag("integration")
@Timeout(value = 2, unit = MINUTES)
class EventSubscriberIT {

    private static final String AUTH_STRING = "admin:sim-pass-7f3e";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private PrefectSimulator simulator;
    private EventSubscriber subscriber;

    @AfterEach
    void stop() {
        if (subscriber != null) {
            subscriber.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    private EventSubscriber subscriber(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("PREFECT_API_URL", simulator.apiUrl().toString());
        env.put("KAFKA_BOOTSTRAP_SERVERS", "unused:9092");
        env.put("FLOWPULSE_INGEST_RECONNECT_MIN", "20ms");
        env.put("FLOWPULSE_INGEST_RECONNECT_MAX", "300ms");
        env.putAll(overrides);
        IngestConfig config = IngestConfig.fromEnv(env);
        subscriber = new EventSubscriber(
                config,
                new RawEventPublisher(producer, config.topics(), config.workspace()),
                new IngestMetrics(registry),
                Clock.systemUTC());
        return subscriber;
    }

    private static Scenario scenario(long seed, int runs) {
        return IngestTestBed.recentScenario(seed, runs);
    }

    private List<String> publishedIds() {
        return producer.history().stream()
                .filter(r -> r.topic().equals(Topics.RAW_EVENTS))
                .map(r -> DeadLetters.get(r.headers(), HeaderNames.EVENT_ID))
                .toList();
    }

    private static ConditionFactory eventually() {
        return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20));
    }

    /** Connected again: the client counted a second subscription and the server has exactly one. */
    private void awaitResubscribed() {
        eventually().untilAsserted(() -> {
            assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isGreaterThanOrEqualTo(2);
            assertThat(subscriber.subscribed()).isTrue();
            assertThat(simulator.activeSubscribers()).isEqualTo(1);
        });
    }

    private void awaitPublished(List<ObjectNode> events) {
        eventually()
                .untilAsserted(() -> assertThat(Set.copyOf(publishedIds()))
                        .as("published event ids")
                        .isEqualTo(ids(events)));
    }

    private double connects(String outcome) {
        return IngestTestBed.connects(registry, outcome);
    }

    @Test
    void shouldPublishBackfilledAndLiveEventsOnce() throws Exception {
        simulator = PrefectSimulator.builder().authString(AUTH_STRING).build().start();
        List<ObjectNode> events = scenario(11, 8).events();
        int half = events.size() / 2;
        simulator.publish(events.subList(0, half));
        subscriber(Map.of("PREFECT_API_AUTH_STRING", AUTH_STRING)).start();

        eventually().untilAsserted(() -> {
            assertThat(subscriber.subscribed()).isTrue();
            assertThat(simulator.activeSubscribers()).isEqualTo(1);
        });
        simulator.publish(events.subList(half, events.size()));

        awaitPublished(events);
        assertThat(publishedIds()).hasSize(events.size());
        assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isEqualTo(1);
        assertThat(subscriber.url().toString())
                .isEqualTo(simulator.apiUrl().toString().replace("http://", "ws://") + "/events/out");
    }

    @Test
    void shouldResubscribeAfterADroppedConnectionWithoutRepublishing() throws Exception {
        simulator = PrefectSimulator.builder().authString(AUTH_STRING).build().start();
        List<ObjectNode> events = scenario(12, 9).events();
        int third = events.size() / 3;
        simulator.publish(events.subList(0, third));
        subscriber(Map.of("PREFECT_API_AUTH_STRING", AUTH_STRING)).start();
        awaitPublished(events.subList(0, third));

        simulator.dropConnections();
        simulator.publish(events.subList(third, 2 * third)); // while (probably) disconnected: comes by backfill
        awaitResubscribed();
        simulator.publish(events.subList(2 * third, events.size()));

        awaitPublished(events);
        // The replay from cursor - 1 min re-delivers the tail of the first third: skipped, not republished.
        assertThat(publishedIds()).hasSize(events.size());
    }

    @Test
    void shouldReconnectWhenTheServerClosesCleanly() throws Exception {
        simulator = PrefectSimulator.builder().build().start();
        List<ObjectNode> events = scenario(13, 3).events();
        subscriber(Map.of()).start();
        eventually().untilAsserted(() -> {
            assertThat(subscriber.subscribed()).isTrue();
            assertThat(simulator.activeSubscribers()).isEqualTo(1);
        });

        simulator.closeConnections(1000, "server shutting down");

        awaitResubscribed();
        simulator.publish(events);
        awaitPublished(events);
        assertThat(publishedIds()).hasSize(events.size());
    }

    @Test
    void shouldStayConnectedWhileTheServerAnswersPings() throws Exception {
        simulator = PrefectSimulator.builder().build().start();
        subscriber(Map.of("FLOWPULSE_INGEST_PING_INTERVAL", "500ms")).start();
        eventually().untilAsserted(() -> {
            assertThat(subscriber.subscribed()).isTrue();
            assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isEqualTo(1);
        });

        // Six ping intervals with nothing but pongs coming in: the silence limit is two (1 s).
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(subscriber.subscribed())
                        .as("still subscribed")
                        .isTrue());

        assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isEqualTo(1);
        assertThat(connects(IngestMetrics.CONNECT_ERROR)).isZero();
    }

    @Test
    void shouldKeepRetryingAWrongAuthStringWithoutLoggingIt() throws Exception {
        simulator = PrefectSimulator.builder().authString(AUTH_STRING).build().start();
        simulator.publish(scenario(14, 2).events());
        String wrong = "admin:wrong-secret-91c2";
        String wrongBase64 = Base64.getEncoder().encodeToString(wrong.getBytes(StandardCharsets.UTF_8));

        try (LogCapture logs = new LogCapture()) {
            subscriber(Map.of("PREFECT_API_AUTH_STRING", wrong)).start();
            eventually().untilAsserted(() -> {
                assertThat(connects(IngestMetrics.CONNECT_AUTH_FAILED)).isGreaterThanOrEqualTo(3);
                assertThat(logs.text())
                        .contains("Prefect rejected the event websocket credential (PREFECT_API_AUTH_STRING)");
            });
            subscriber.close();

            assertThat(producer.history()).isEmpty();
            assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isZero();
            assertThat(subscriber.subscribed()).isFalse();
            assertThat(logs.text())
                    .contains("Prefect rejected the event websocket credential (PREFECT_API_AUTH_STRING)")
                    .doesNotContain(wrong, wrongBase64, "wrong-secret");
        }
    }

    @Test
    void shouldTreatAnAuthFailureMessageAsARejectedKey() throws Exception {
        simulator = PrefectSimulator.builder()
                .apiKey("pnu_the-right-key-000")
                .build()
                .start();
        String wrongKey = "pnu_wrong-key-4b8d1";

        try (LogCapture logs = new LogCapture()) {
            subscriber(Map.of("PREFECT_API_KEY", wrongKey)).start();
            eventually().untilAsserted(() -> {
                assertThat(connects(IngestMetrics.CONNECT_AUTH_FAILED)).isGreaterThanOrEqualTo(2);
                assertThat(logs.text()).contains("Prefect rejected the event websocket credential (PREFECT_API_KEY)");
            });
            subscriber.close();

            assertThat(connects(IngestMetrics.CONNECT_SUCCESS)).isZero();
            assertThat(logs.text())
                    .contains("Prefect rejected the event websocket credential (PREFECT_API_KEY)")
                    .doesNotContain(wrongKey, "wrong-key");
        }
    }

    @Test
    void shouldSubscribeWithTheRightApiKey() throws Exception {
        simulator = PrefectSimulator.builder()
                .apiKey("pnu_the-right-key-000")
                .build()
                .start();
        List<ObjectNode> events = scenario(15, 2).events();
        simulator.publish(events);

        subscriber(Map.of("PREFECT_API_KEY", "pnu_the-right-key-000")).start();

        awaitPublished(events);
        assertThat(connects(IngestMetrics.CONNECT_AUTH_FAILED)).isZero();
    }
}
