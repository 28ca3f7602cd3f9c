package dev.flowpulse.local;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.runtime.MeterRegistries;
import dev.flowpulse.runtime.MetricsHttpServer;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import dev.flowpulse.sink.SinkConfig;
import dev.flowpulse.sink.SinkService;
import dev.flowpulse.testkit.CommittedRecords;
import dev.flowpulse.testkit.PrometheusText;
import dev.flowpulse.testkit.PrometheusText.Sample;
import dev.flowpulse.testkit.Promtool;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.data.Offset;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The whole path on real parts: the Prefect simulator (real websocket protocol) → ingest → an
 * in-process Kafka broker → the streams topology (exactly once) → sink → HTTP scrape of /metrics.
 * The expected values come from the simulator's seeded run plans, not from the events.
 *
 * <pre>
 * time ──▶ stored (backfill) │ live │ socket dropped │ live after reconnect ║ all counted
 *          │ redelivered terminal event + 2 poison records on the raw topic (one key, in this order)
 *          ║ dead letters committed ⇒ the redelivery's outputs committed: none ║ a new sink rebuilds the same totals
 * </pre>
 *
 * Every wait is on the thing asserted: a scrape of /metrics, or records a read_committed consumer
 * sees. The streams counters move when a record is processed; its outputs become visible when the
 * exactly-once transaction commits, later.
 */
@Tag("integration")
@Tag("e2e")
@Timeout(value = 10, unit = MINUTES)
class PipelineEndToEndIT {

    private static final long SEED = 20261125L;
    private static final int RUNS = 40;
    /** Per wait; about 65 s are needed on a loaded 2-core machine (load average 20) for the whole scenario. */
    private static final Duration DEADLINE = Duration.ofMinutes(4);

    private static ConditionFactory eventually() {
        return await().atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250));
    }

    @Test
    void shouldTurnPrefectEventsIntoExactRestartProofMetrics() throws Exception {
        String id = "e2e-" + UUID.randomUUID();
        Path dir = Path.of("target", id).toAbsolutePath();
        Instant start = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        Scenario scenario = Scenario.generate(SEED, RUNS, start);
        List<ObjectNode> events = scenario.events();
        assertThat(scenario.end()).isBefore(Instant.now());
        int third = events.size() / 3;

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"));
                PrefectSimulator prefect = PrefectSimulator.builder().build().start()) {
            prefect.publish(events.subList(0, third)); // stored before ingest connects: arrives by backfill
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            env.put("PREFECT_API_URL", prefect.apiUrl().toString());
            env.put("FLOWPULSE_STATE_DIR", dir.resolve("state").toString());
            env.put("FLOWPULSE_TOPIC_PARTITIONS", "3");
            env.put("FLOWPULSE_STREAMS_APPLICATION_ID", id);
            env.putAll(topicNames(id));
            Topics topics = Topics.fromEnv(new dev.flowpulse.contract.EnvReader(env));
            PrometheusMeterRegistry registry = MeterRegistries.prometheus(env);
            Map<String, Double> expected = expectedSamples(scenario);

            try (Pipeline pipeline = Pipeline.start(env, registry);
                    MetricsHttpServer http = MetricsHttpServer.start("127.0.0.1", 0, registry, pipeline::health)) {
                URI metrics = http.metricsUri();
                eventually()
                        .untilAsserted(() -> assertThat(prefect.activeSubscribers())
                                .as("subscribers of the simulator's event websocket")
                                .isEqualTo(1));
                prefect.publish(events.subList(third, 2 * third)); // live
                prefect.dropConnections(); // a network drop: ingest reconnects and replays from its cursor
                prefect.publish(events.subList(2 * third, events.size()));

                eventually()
                        .untilAsserted(() -> assertThat(mismatches(scrape(metrics), expected))
                                .as("expected samples not (yet) scraped")
                                .isEmpty());
                LoggerFactory.getLogger(PipelineEndToEndIT.class)
                        .info("All {} expected samples scraped", expected.size());
                double duplicatesBefore = sum(scrape(metrics), "flowpulse_streams_duplicates_dropped_total");

                // Once everything is counted: redeliver a terminal event straight to the raw topic
                // (as a producer retry or an ingest restart would), then two poison records, same key.
                redeliverAndPoisonTheRawTopic(broker, topics.rawEvents(), events);

                // The poison records follow the redelivery on its raw partition and are handled by the
                // same task, after it: once their dead letters are committed, so is all the redelivery caused.
                try (CommittedRecords<byte[], byte[]> deadLetters =
                        CommittedRecords.open(broker.clientProperties(), topics.deadLetters())) {
                    List<ConsumerRecord<byte[], byte[]>> dead = deadLetters.awaitUntil(
                            DEADLINE,
                            records -> assertThat(records)
                                    .extracting(r -> DeadLetters.get(r.headers(), HeaderNames.DLQ_REASON))
                                    .containsExactlyInAnyOrder(
                                            FlowRunEventParser.MALFORMED_JSON, FlowRunEventParser.UNKNOWN_STATE_TYPE));
                    assertThat(dead).allSatisfy(r -> {
                        assertThat(DeadLetters.get(r.headers(), HeaderNames.DLQ_STAGE))
                                .isEqualTo("streams");
                        assertThat(DeadLetters.get(r.headers(), HeaderNames.DLQ_SOURCE_TOPIC))
                                .isEqualTo(topics.rawEvents());
                    });
                }
                // ... and it caused nothing: one transition per declared step, one finish per finished run.
                List<FlowRunTransition> transitions = committedValues(broker, topics.states(), FlowRunTransition.class);
                assertThat(transitions)
                        .extracting(t -> t.event().eventId())
                        .doesNotHaveDuplicates()
                        .hasSize((int) total(scenario.expectedStateEntries()));
                List<FinishedFlowRun> finishes = committedValues(broker, topics.finishedRuns(), FinishedFlowRun.class);
                assertThat(finishes).hasSize((int) total(scenario.expectedFinished()));

                String text = scrape(metrics);
                assertThat(sum(text, "flowpulse_streams_duplicates_dropped_total"))
                        .as("the redelivery was seen and dropped")
                        .isGreaterThan(duplicatesBefore);
                assertThat(sum(text, "flowpulse_streams_dead_letters_total")).isGreaterThanOrEqualTo(2);
                assertSamplesEqual(text, expected);
                assertThat(prefectSeries(text, "prefect_flow_run_states_total"))
                        .as("no series beyond the scenario's")
                        .isEqualTo(keysOf(expected, "prefect_flow_run_states_total"));
                assertThat(prefectSeries(text, "prefect_flow_runs_finished_total"))
                        .isEqualTo(keysOf(expected, "prefect_flow_runs_finished_total"));
                assertDurationSums(text, scenario);
                Promtool.Result lint = Promtool.checkMetrics(text);
                assertThat(lint.exitCode()).as(lint.output()).isZero();
                assertThat(lint.output()).isBlank();

                // A brand-new sink rebuilds the same totals from the compacted topics: once it reports
                // caught up, it serves them all (never fewer: its /health turns UP on caughtUp).
                Map<String, String> secondEnv = new HashMap<>(env);
                secondEnv.put("KAFKA_CLIENT_ID", id + "-second-sink");
                PrometheusMeterRegistry fresh = MeterRegistries.prometheus(secondEnv);
                try (SinkService second = new SinkService(SinkConfig.fromEnv(secondEnv), fresh)) {
                    second.start();
                    eventually()
                            .untilAsserted(() -> assertThat(second.caughtUp())
                                    .as("second sink caught up: %s", second.health())
                                    .isTrue());
                    String rebuilt = fresh.scrape();
                    assertSamplesEqual(rebuilt, expected);
                    assertThat(prefectSeries(rebuilt, "prefect_flow_run_states_total"))
                            .isEqualTo(keysOf(expected, "prefect_flow_run_states_total"));
                }
            }
        }
    }

    /** Every topic of this run, named after it: nothing is shared with another run on the same broker. */
    private static Map<String, String> topicNames(String id) {
        Map<String, String> env = new HashMap<>();
        env.put("FLOWPULSE_TOPIC_RAW_EVENTS", id + ".prefect-events.raw");
        env.put("FLOWPULSE_TOPIC_DEAD_LETTERS", id + ".dead-letters");
        env.put("FLOWPULSE_TOPIC_STATES", id + ".flow-run-states");
        env.put("FLOWPULSE_TOPIC_FINISHED_RUNS", id + ".flow-runs-finished");
        env.put("FLOWPULSE_TOPIC_STATE_TOTALS", id + ".state-totals");
        env.put("FLOWPULSE_TOPIC_FINISHED_TOTALS", id + ".finished-totals");
        env.put("FLOWPULSE_TOPIC_WINDOW_STATS", id + ".window-stats");
        return env;
    }

    /** Redelivers the last terminal event (as a producer retry or an ingest restart would) and adds two bad records. */
    private static void redeliverAndPoisonTheRawTopic(
            EmbeddedKafkaBroker broker, String rawTopic, List<ObjectNode> events) throws Exception {
        ObjectNode terminal = events.stream()
                .filter(e -> Set.of("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
                        .contains(e.get("resource").get("prefect.state-type").asText()))
                .reduce((a, b) -> b)
                .orElseThrow();
        ObjectNode unknown = terminal.deepCopy();
        ((ObjectNode) unknown.get("resource")).put("prefect.state-type", "EXPLODED");
        unknown.put("id", "019df23b-0000-7000-8000-000000000001");
        String runId = FlowRunEventParser.flowRunId(terminal).orElseThrow();
        Properties p = broker.clientProperties();
        p.put("enable.idempotence", "true");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] value : List.of(
                    terminal.toString().getBytes(StandardCharsets.UTF_8),
                    "{\"occurred\": \"2026-".getBytes(StandardCharsets.UTF_8),
                    unknown.toString().getBytes(StandardCharsets.UTF_8))) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(rawTopic, runId, value);
                record.headers().add(HeaderNames.SOURCE, "e2e-redelivery".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get(); // one at a time: this order on the partition
            }
        }
    }

    /** Everything committed on a topic written by streams, once no transaction is open on it. */
    private static <T> List<T> committedValues(EmbeddedKafkaBroker broker, String topic, Class<T> type) {
        try (CommittedRecords<byte[], byte[]> reader = CommittedRecords.open(broker.clientProperties(), topic)) {
            return reader.awaitSettled(DEADLINE).stream()
                    .map(r -> JsonSerde.of(type).deserialize(topic, r.value()))
                    .toList();
        }
    }

    private static long total(Map<?, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<String, Double> expectedSamples(Scenario scenario) {
        return ScenarioMetrics.expectedSamples(scenario);
    }

    private static String scrape(URI metrics) {
        return ScenarioMetrics.scrape(metrics);
    }

    private static double sum(String text, String name) {
        return ScenarioMetrics.sum(text, name);
    }

    private static void assertSamplesEqual(String text, Map<String, Double> expected) {
        assertThat(mismatches(text, expected))
                .as("expected samples not scraped")
                .isEmpty();
    }

    private static Map<String, Double> mismatches(String text, Map<String, Double> expected) {
        return ScenarioMetrics.mismatches(text, expected);
    }

    private static void assertDurationSums(String text, Scenario scenario) {
        List<Sample> samples = ScenarioMetrics.parseOneWorkspace(text);
        scenario.expectedRunningSeconds().forEach((k, seconds) -> {
            Map<String, String> labels = Map.of(
                    "flow",
                    k.flow(),
                    "deployment",
                    k.deployment(),
                    "work_pool",
                    k.workPool(),
                    "state_type",
                    k.stateType());
            assertThat(PrometheusText.value(samples, "prefect_flow_run_duration_seconds_sum", labels))
                    .as("duration sum of %s", k)
                    .hasValueSatisfying(v ->
                            assertThat(v).isCloseTo(seconds, Offset.offset(1e-6 * Math.max(1, seconds))));
        });
    }

    private static Set<String> prefectSeries(String text, String name) {
        return PrometheusText.named(ScenarioMetrics.parseOneWorkspace(text), name).stream()
                .map(s -> key(s.name(), s.labels()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> keysOf(Map<String, Double> expected, String name) {
        return expected.keySet().stream()
                .filter(k -> k.startsWith(name + "{"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String key(String name, Map<String, String> labels) {
        return ScenarioMetrics.key(name, labels);
    }
}
