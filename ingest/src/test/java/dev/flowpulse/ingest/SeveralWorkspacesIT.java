package dev.flowpulse.ingest;

import static dev.flowpulse.ingest.IngestTestBed.ids;
import static dev.flowpulse.ingest.IngestTestBed.newest;
import static dev.flowpulse.ingest.IngestTestBed.recentScenario;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.ingest.resume.ResumePoint;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import dev.flowpulse.testkit.BrokerExtension;
import dev.flowpulse.testkit.CommittedRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One ingest process, two Prefect sources ({@code FLOWPULSE_SOURCES=alpha,beta}, each its own
 * simulator and credential) whose stores hold flows of the same name: every event reaches the raw
 * topic exactly once with its own {@code flowpulse.workspace}, each workspace keeps its own resume
 * point, and a source answering 401/500s, down, or never reachable does not stop the other. Real
 * broker; the topics are read with {@code read_committed}.
 */
@Tag("integration")
@Timeout(value = 4, unit = MINUTES)
class SeveralWorkspacesIT {

    private static final String AUTH_ALPHA = "admin:alpha-pass-7f1e";
    private static final String AUTH_BETA = "admin:beta-pass-8e2d";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension("several-it");

    private final String suffix = UUID.randomUUID().toString();
    private final String rawTopic = "raw-several-" + suffix;
    private final String cursorTopic = "cursor-several-" + suffix;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private PrefectSimulator alpha;
    private PrefectSimulator beta;
    private IngestService service;

    @BeforeEach
    void createTopics() {
        KAFKA.broker().createTopic(rawTopic, 3, Map.of());
        KAFKA.broker()
                .createTopic(
                        cursorTopic, 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        for (PrefectSimulator s : new PrefectSimulator[] {alpha, beta}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static PrefectSimulator simulator(String auth) throws IOException {
        return PrefectSimulator.builder().authString(auth).build().start();
    }

    private IngestService start(String betaUrl) {
        // Kafka, topics (raw-several-<suffix>, …) and timings shared by both sources.
        Map<String, String> env = IngestTestBed.sharedEnv(KAFKA.broker(), "several-" + suffix);
        env.put("FLOWPULSE_SOURCES", "alpha,beta");
        env.put("FLOWPULSE_SOURCE_ALPHA_PREFECT_API_URL", alpha.apiUrl().toString());
        env.put("FLOWPULSE_SOURCE_ALPHA_PREFECT_API_AUTH_STRING", AUTH_ALPHA);
        env.put("FLOWPULSE_SOURCE_BETA_PREFECT_API_URL", betaUrl);
        env.put("FLOWPULSE_SOURCE_BETA_PREFECT_API_AUTH_STRING", AUTH_BETA);
        env.put("FLOWPULSE_HISTORY_ENABLED", "false");
        env.put("FLOWPULSE_INGEST_LOOKBACK", "30m");
        env.put("FLOWPULSE_INGEST_REST_AUTH_RETRY", "300ms");
        service = new IngestService(IngestSources.fromEnv(env), registry);
        service.start();
        return service;
    }

    private static CommittedRecords<byte[], byte[]> reader(String topic) {
        return CommittedRecords.open(KAFKA.broker().clientProperties(), topic);
    }

    private static Scenario scenario(long seed) {
        return recentScenario(seed, 15);
    }

    private static Set<String> flows(Scenario scenario) {
        return scenario.expectedStateEntries().keySet().stream()
                .map(Scenario.StateKey::flow)
                .collect(Collectors.toSet());
    }

    /** Event ids on the raw topic per {@code flowpulse.workspace} header. */
    private static Map<String, Set<String>> idsByWorkspace(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Set<String>> byWorkspace = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            byWorkspace
                    .computeIfAbsent(DeadLetters.get(r.headers(), HeaderNames.WORKSPACE), w -> new HashSet<>())
                    .add(DeadLetters.get(r.headers(), HeaderNames.EVENT_ID));
        }
        return byWorkspace;
    }

    /** The latest resume point per workspace (the cursor topic's key). */
    private static Map<String, Instant> points(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Instant> latest = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ResumePoint.fromJson(r.value())
                    .ifPresent(p -> latest.put(new String(r.key(), StandardCharsets.UTF_8), p.occurred()));
        }
        return latest;
    }

    private double counter(String name, String workspace, String tag, String value) {
        return registry.get(name)
                .tag(IngestService.WORKSPACE_TAG, workspace)
                .tag(tag, value)
                .counter()
                .count();
    }

    @Test
    void shouldPublishEveryEventOfEachWorkspaceOnceWithItsOwnHeaderAndResumePoint() throws Exception {
        alpha = simulator(AUTH_ALPHA);
        beta = simulator(AUTH_BETA);
        Scenario a = scenario(61);
        Scenario b = scenario(62);
        assertThat(flows(a)).as("flows of the same name in both workspaces").containsAnyElementsOf(flows(b));
        alpha.publish(a.events());
        beta.publish(b.events());

        start(beta.apiUrl().toString());

        try (var raw = reader(rawTopic);
                var cursor = reader(cursorTopic)) {
            raw.awaitUntil(
                    WAIT,
                    records -> assertThat(idsByWorkspace(records))
                            .isEqualTo(Map.of("alpha", ids(a.events()), "beta", ids(b.events()))));
            cursor.awaitUntil(
                    WAIT,
                    records -> assertThat(points(records))
                            .isEqualTo(Map.of("alpha", newest(a.events()), "beta", newest(b.events()))));
            // Both resume points cover every event: whatever was sent is on the topic by now.
            assertThat(raw.awaitSettled(WAIT))
                    .hasSize(a.events().size() + b.events().size());
        }
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(service.health().up())
                        .as(service.health().detail())
                        .isTrue());
        assertThat(registry.get("flowpulse.ingest.events.published")
                        .tag(IngestService.WORKSPACE_TAG, "alpha")
                        .counter()
                        .count())
                .isEqualTo(a.events().size());
        assertThat(registry.get("flowpulse.ingest.events.published")
                        .tag(IngestService.WORKSPACE_TAG, "beta")
                        .counter()
                        .count())
                .isEqualTo(b.events().size());
    }

    @Test
    void shouldKeepFollowingOneWorkspaceWhileTheOtherAnswers401And500OrIsDown() throws Exception {
        alpha = simulator(AUTH_ALPHA);
        beta = simulator(AUTH_BETA);
        List<ObjectNode> a = scenario(63).events();
        List<ObjectNode> b = scenario(64).events();
        int third = a.size() / 3;
        List<ObjectNode> a1 = a.subList(0, third);
        List<ObjectNode> a2 = a.subList(third, 2 * third);
        List<ObjectNode> a3 = a.subList(2 * third, a.size());
        List<ObjectNode> b1 = b.subList(0, b.size() / 2);
        alpha.publish(a1);
        beta.publish(b1);
        start(beta.apiUrl().toString());

        try (var raw = reader(rawTopic)) {
            raw.awaitUntil(
                    WAIT,
                    records ->
                            assertThat(idsByWorkspace(records)).isEqualTo(Map.of("alpha", ids(a1), "beta", ids(b1))));

            // beta: websocket refused with 401, every REST call a 500, the live socket dropped.
            beta.faults().rejectUpgrades(401);
            beta.faults().failNextRequests(100_000, 500, null);
            beta.faults().dropConnections();
            beta.publish(b.subList(b.size() / 2, b.size()));
            alpha.publish(a2);
            raw.awaitUntil(
                    WAIT,
                    records ->
                            assertThat(idsByWorkspace(records).get("alpha")).isEqualTo(ids(a.subList(0, 2 * third))));
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(counter(
                                    "flowpulse.ingest.connects", "beta", "outcome", IngestMetrics.CONNECT_AUTH_FAILED))
                            .isPositive());

            // beta's server gone altogether.
            beta.faults().stopServer();
            alpha.publish(a3);
            raw.awaitUntil(
                    WAIT,
                    records -> assertThat(idsByWorkspace(records).get("alpha")).isEqualTo(ids(a)));

            // beta back: what it stored meanwhile arrives, nothing twice in either workspace.
            beta.faults().clear();
            beta.faults().startServer();
            raw.awaitUntil(
                    WAIT,
                    records -> assertThat(idsByWorkspace(records)).isEqualTo(Map.of("alpha", ids(a), "beta", ids(b))));
            assertThat(raw.records()).hasSize(a.size() + b.size());
        }
        assertThat(counter("flowpulse.ingest.connects", "alpha", "outcome", IngestMetrics.CONNECT_AUTH_FAILED))
                .isZero();
    }

    @Test
    void shouldReportTheUnreachableSourceOnHealthWhileTheOtherDelivers() throws Exception {
        alpha = simulator(AUTH_ALPHA);
        List<ObjectNode> a = scenario(65).events();
        alpha.publish(a);
        try (Socket reserved = new Socket()) {
            // Bound, never listening: every connect to it is refused.
            reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            start("http://127.0.0.1:" + reserved.getLocalPort() + "/api");

            try (var raw = reader(rawTopic)) {
                raw.awaitUntil(
                        WAIT, records -> assertThat(idsByWorkspace(records)).isEqualTo(Map.of("alpha", ids(a))));
            }
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(counter(
                                    "flowpulse.ingest.connects", "beta", "outcome", IngestMetrics.CONNECT_ERROR))
                            .isPositive());
            var health = service.health();
            assertThat(health.up()).isFalse();
            assertThat(health.detail())
                    .startsWith("workspace beta: not yet subscribed")
                    .doesNotContain("workspace alpha", "beta-pass");
        }
    }
}
