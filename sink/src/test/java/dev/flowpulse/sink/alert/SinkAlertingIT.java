package dev.flowpulse.sink.alert;

import static dev.flowpulse.testkit.AlertmanagerFixture.labels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.sink.SinkConfig;
import dev.flowpulse.sink.SinkService;
import dev.flowpulse.testkit.AlertmanagerFixture;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The running sink's alerting end to end: {@link WindowStats} records as the topology writes them
 * (contract types, {@code Json.mapper()}, committed transactions) on a real broker, the production
 * {@link SinkService} (window consumer, {@link WindowTable}, {@link KafkaAlertStateStore}) and the
 * real Alertmanager from Debian with a webhook receiver. Every wait is on the webhook or the topic.
 */
@Tag("integration")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SinkAlertingIT {

    /** The bound: a firing alert within 30 s of the data reaching the topic. */
    private static final Duration FIRE_WITHIN = Duration.ofSeconds(30);

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration SLICE = Duration.ofMinutes(5);
    private static final String DEPLOYMENT_RULE = "DeploymentFailureRatioHigh";
    private static final String TEAM_RULE = "TeamFailureRatioHigh";
    private static final String RULES = """
            rules:
              - name: DeploymentFailureRatioHigh
                kind: failure_ratio
                by: deployment
                window: 15m
                threshold: 0.5
                min_finished: 3
                severity: page
                labels: {team: data-platform}
                annotations: {summary: "{{ .deployment }} fails {{ .value }} of its runs"}
              - name: TeamFailureRatioHigh
                kind: failure_ratio
                by: team
                window: 15m
                threshold: 0.5
                min_finished: 3
                severity: ticket
            """;

    private static final String FLOW_ID = "3b212781-78ed-4463-b3bd-e3a35f088caf";
    private static final String DEPLOYMENT_ID = "aee50b18-a03c-49e4-883a-5acadf5c8614";
    private static final String RUN_ID = "019df237-3ef6-7325-90c1-a510f37f3369";

    private static EmbeddedKafkaBroker broker;

    private final List<SinkService> sinks = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private Topics topics;
    private Instant sliceStart;
    private AlertmanagerFixture alertmanager;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(Path.of("target", "kafka-it", "alerting-" + UUID.randomUUID()));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void setUp(TestInfo test) throws IOException {
        alertmanager = AlertmanagerFixture.start("alertname");
        String prefix = test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID() + ".";
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        for (String name : List.of(
                "STATE_TOTALS",
                "FINISHED_TOTALS",
                "WINDOW_STATS",
                "WINDOW_STATS_FINAL",
                "IN_PROGRESS_RUNS",
                "ALERT_STATE")) {
            env.put("FLOWPULSE_TOPIC_" + name, prefix + name.toLowerCase(java.util.Locale.ROOT));
        }
        topics = Topics.fromEnv(new dev.flowpulse.contract.EnvReader(env));
        for (var d : topics.descriptors()) {
            if (env.containsValue(d.name())) {
                broker.createTopic(d.name(), 3, d.configs());
            }
        }
        Path rules = Path.of("target", "alert-rules-it", UUID.randomUUID() + ".yml");
        Files.createDirectories(rules.getParent());
        Files.writeString(rules, RULES);
        env.put("FLOWPULSE_ALERT_RULES", rules.toString());
        env.put("FLOWPULSE_ALERTMANAGER_URLS", alertmanager.baseUri().toString());
        env.put("FLOWPULSE_ALERT_EVALUATION_INTERVAL", "200ms");
        // long enough that Alertmanager never resolves by endsAt during the test: a resolve must be sent
        env.put("FLOWPULSE_ALERT_RESEND_INTERVAL", "10m");
        env.put("FLOWPULSE_ALERTMANAGER_TIMEOUT", "2s");
        env.put("FLOWPULSE_PREFECT_UI_URL", "http://prefect.test:4200");
        env.put("FLOWPULSE_SINK_POLL_TIMEOUT", "100ms");
        long size = SLICE.toMillis();
        sliceStart = Instant.ofEpochMilli(Math.floorDiv(System.currentTimeMillis(), size) * size);
    }

    @AfterEach
    void tearDown() {
        sinks.forEach(SinkService::close);
        alertmanager.close();
    }

    @Test
    void shouldFireFromWindowStatsNotPageAgainAfterARestartAndDeliverTheLaterResolve() {
        PrometheusMeterRegistry first = startSink();
        runOnceInProgress(); // the deployment's ids, for generatorURL: known after the run's tombstone too
        await().atMost(WAIT).until(() -> windowRecordsApplied(first) >= 2);
        produce(4, 3);

        await().atMost(FIRE_WITHIN)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> firing(DEPLOYMENT_RULE) == 1 && firing(TEAM_RULE) == 1);
        JsonNode alert = alertmanager.firstAlert("firing", DEPLOYMENT_RULE);
        // a deployment scope carries its windows' work pool
        assertThat(labels(alert))
                .isEqualTo(Map.of(
                        "alertname", DEPLOYMENT_RULE,
                        "severity", "page",
                        "flow", "etl-orders",
                        "deployment", "hourly-sync",
                        "work_pool", "k8s-prod",
                        "workspace", "prod",
                        "team", "data-platform"));
        assertThat(alert.path("annotations").path("summary").asText()).isEqualTo("hourly-sync fails 75% of its runs");
        assertThat(alert.path("generatorURL").asText())
                .isEqualTo("http://prefect.test:4200/deployments/deployment/" + DEPLOYMENT_ID);
        assertThat(labels(alertmanager.firstAlert("firing", TEAM_RULE)))
                .isEqualTo(Map.of("alertname", TEAM_RULE, "severity", "ticket", "team", "data", "workspace", "prod"));
        await().atMost(WAIT).until(() -> storedFiring().size() == 2);

        sinks.remove(0).close(); // the sink restarts: a new process, state only in Kafka
        PrometheusMeterRegistry second = startSink();
        await().atMost(WAIT).until(() -> pushes(second, "success") >= 1); // re-sent what it loaded
        produce(5, 1); // ratio 0.2: the condition stops holding

        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> resolved(DEPLOYMENT_RULE) >= 1 && resolved(TEAM_RULE) >= 1);
        JsonNode resolved = alertmanager.firstAlert("resolved", DEPLOYMENT_RULE);
        assertThat(labels(resolved)).isEqualTo(labels(alert));
        assertThat(resolved.path("startsAt").asText())
                .as("the restarted sink kept the original startsAt")
                .isEqualTo(alert.path("startsAt").asText());
        assertThat(firing(DEPLOYMENT_RULE))
                .as("no second page after the restart")
                .isEqualTo(1);
        assertThat(firing(TEAM_RULE)).isEqualTo(1);
        await().atMost(WAIT).until(() -> storedStates().isEmpty()); // tombstoned once delivered
    }

    @Test
    void shouldDeliverAResolveThatHappenedWhileTheSinkWasDown() {
        startSink();
        produce(4, 4);
        await().atMost(FIRE_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> firing(DEPLOYMENT_RULE) == 1);
        await().atMost(WAIT).until(() -> storedFiring().size() == 2);

        sinks.remove(0).close();
        produce(8, 0); // the deployment recovers while no sink runs
        startSink();

        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> resolved(DEPLOYMENT_RULE) >= 1);
        assertThat(firing(DEPLOYMENT_RULE)).isEqualTo(1);
        await().atMost(WAIT).until(() -> storedStates().isEmpty());
    }

    @Test
    void shouldPageOnceFromTwoReplicasThatFollowEachOthersStateAndResolveOnce() {
        PrometheusMeterRegistry first = startSink();
        PrometheusMeterRegistry second = startSink();
        produce(4, 3);

        await().atMost(FIRE_WITHIN)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> firing(DEPLOYMENT_RULE) == 1 && firing(TEAM_RULE) == 1);
        // both replicas hold (and push) the same two states: the topic's last record of each alert
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(notifierStates(0)).hasSize(2).isEqualTo(notifierStates(1));
            assertThat(notifierStates(0).values()).allMatch(AlertState::firing);
            assertThat(notifierStates(0)).isEqualTo(storedStates());
        });
        await().atMost(WAIT).until(() -> pushes(first, "success") >= 1 && pushes(second, "success") >= 1);
        JsonNode alert = alertmanager.firstAlert("firing", DEPLOYMENT_RULE);
        // Alertmanager drops empty labels (none here: the deployment scope has its work pool)
        AlertState held = notifierStates(1).values().stream()
                .filter(s -> s.labels().entrySet().stream()
                        .filter(e -> !e.getValue().isEmpty())
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))
                        .equals(labels(alert)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the alert Alertmanager notified is not the replicas' alert"));
        assertThat(held.alert().annotations()).isEqualTo(Map.of("summary", "hourly-sync fails 75% of its runs"));
        assertThat(alert.path("annotations").path("summary").asText()).isEqualTo("hourly-sync fails 75% of its runs");

        produce(5, 1); // both replicas see the condition stop

        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> resolved(DEPLOYMENT_RULE) >= 1 && resolved(TEAM_RULE) >= 1);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(storedStates()).isEmpty();
            assertThat(notifierStates(0)).isEmpty();
            assertThat(notifierStates(1)).isEmpty();
        });
        assertThat(labels(alertmanager.firstAlert("resolved", DEPLOYMENT_RULE))).isEqualTo(labels(alert));
        assertThat(firing(DEPLOYMENT_RULE)).as("one page from two replicas").isEqualTo(1);
        assertThat(resolved(DEPLOYMENT_RULE))
                .as("one resolve from two replicas")
                .isEqualTo(1);
        assertThat(firing(TEAM_RULE)).isEqualTo(1);
        assertThat(resolved(TEAM_RULE)).isEqualTo(1);
    }

    @Test
    void shouldKeepResendingAndLaterResolveWhenTheReplicaThatFiredStops() {
        // endsAt is 4 intervals (8 s) ahead: without re-sends, Alertmanager would resolve it by itself
        env.put("FLOWPULSE_ALERT_RESEND_INTERVAL", "2s");
        startSink();
        produce(4, 3);
        await().atMost(FIRE_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> firing(DEPLOYMENT_RULE) == 1);
        await().atMost(WAIT).until(() -> storedFiring().size() == 2);
        PrometheusMeterRegistry survivor = startSink(); // started while the alert fires: it loads the state
        await().atMost(WAIT).untilAsserted(() -> assertThat(notifierStates(1)).isEqualTo(notifierStates(0)));
        Map<Map<String, String>, AlertState> fired = notifierStates(0);

        sinks.remove(0).close(); // the replica that fired the alert goes away
        double before = pushes(survivor, "success");
        await().atMost(WAIT).until(() -> pushes(survivor, "success") >= before + 6); // > 12 s of re-sends
        assertThat(resolved(DEPLOYMENT_RULE))
                .as("re-sent by the survivor with endsAt ahead: Alertmanager did not time it out")
                .isZero();
        assertThat(notifierStates(0))
                .as("the survivor kept the original startsAt")
                .isEqualTo(fired);

        produce(5, 1);

        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> resolved(DEPLOYMENT_RULE) >= 1 && resolved(TEAM_RULE) >= 1);
        await().atMost(WAIT).until(() -> storedStates().isEmpty());
        assertThat(firing(DEPLOYMENT_RULE)).isEqualTo(1);
        assertThat(resolved(DEPLOYMENT_RULE)).isEqualTo(1);
    }

    private Map<Map<String, String>, AlertState> notifierStates(int sink) {
        return sinks.get(sink).alerting().orElseThrow().alerting().notifier().states();
    }

    private PrometheusMeterRegistry startSink() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SinkService sink = new SinkService(SinkConfig.fromEnv(env), registry);
        sinks.add(sink);
        sink.start();
        return registry;
    }

    /**
     * The current 5-minute slice of the deployment etl-orders/hourly-sync and of the tag
     * {@code team:data} now holds {@code finished} runs, {@code failed} of them FAILED, the rest
     * COMPLETED: the window-stats update records the topology writes, in one transaction.
     */
    private void produce(int finished, int failed) {
        WindowStats stats = WindowStats.empty();
        for (int i = 0; i < finished; i++) {
            StateType type = i < failed ? StateType.FAILED : StateType.COMPLETED;
            stats = stats.plusState(type, i < failed ? "Failed" : "Completed", false)
                    .plusFinish(type, 30.0 + i);
        }
        Instant end = sliceStart.plus(SLICE);
        long seconds = SLICE.toSeconds();
        WindowKey deployment = new WindowKey(
                "prod",
                WindowKey.DEPLOYMENT,
                Map.of("flow", "etl-orders", "deployment", "hourly-sync", "work_pool", "k8s-prod"),
                sliceStart,
                end,
                seconds,
                seconds);
        WindowKey team =
                new WindowKey("prod", WindowKey.TAG, Map.of("tag", "team:data"), sliceStart, end, seconds, seconds);
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "alerting-it-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (WindowKey key : List.of(deployment, team)) {
                producer.send(new ProducerRecord<>(topics.windowStats(), json(key), json(stats)));
            }
            producer.commitTransaction();
        }
    }

    /**
     * A run of etl-orders/hourly-sync in progress, then finished: the in-progress record the topology
     * writes (with the flow's and deployment's ids) and its tombstone, in one transaction.
     */
    private void runOnceInProgress() {
        Instant since = Instant.now().minusSeconds(30);
        dev.flowpulse.contract.InProgressRun run = new dev.flowpulse.contract.InProgressRun(
                "prod",
                RUN_ID,
                "crimson-fox",
                new dev.flowpulse.contract.ResourceRef(FLOW_ID, "etl-orders"),
                new dev.flowpulse.contract.ResourceRef(DEPLOYMENT_ID, "hourly-sync"),
                new dev.flowpulse.contract.ResourceRef("645bacf1-9d84-4c32-ba3e-f71c73a26e7a", "k8s-prod"),
                List.of(),
                StateType.RUNNING,
                "Running",
                since,
                since,
                1,
                false,
                3600);
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "alerting-it-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            byte[] key = RUN_ID.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topics.inProgressRuns(), key, json(run)));
            producer.send(new ProducerRecord<>(topics.inProgressRuns(), key, null));
            producer.commitTransaction();
        }
    }

    private static double windowRecordsApplied(PrometheusMeterRegistry registry) {
        var counter = registry.find("flowpulse.sink.window.records_applied").functionCounter();
        return counter == null ? 0 : counter.count();
    }

    private static byte[] json(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<Map<String, String>, AlertState> storedStates() {
        try (KafkaAlertStateStore store = new KafkaAlertStateStore(topics.alertState(), broker.clientProperties())) {
            return store.load();
        }
    }

    private List<AlertState> storedFiring() {
        return storedStates().values().stream().filter(AlertState::firing).toList();
    }

    private int firing(String alertname) {
        return alertmanager.count("firing", alertname);
    }

    private int resolved(String alertname) {
        return alertmanager.count("resolved", alertname);
    }

    private double pushes(PrometheusMeterRegistry registry, String outcome) {
        return AlertPushes.pushes(registry, alertmanager.baseUri().toString(), outcome);
    }
}
