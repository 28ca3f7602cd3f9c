package dev.flowpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.runtime.MeterRegistries;
import dev.flowpulse.runtime.MetricsHttpServer;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import dev.flowpulse.sink.SinkConfig;
import dev.flowpulse.sink.SinkService;
import dev.flowpulse.testkit.PrometheusText;
import dev.flowpulse.testkit.PrometheusText.Sample;
import dev.flowpulse.testkit.Promtool;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * time ──▶ stored (backfill) │ live │ socket dropped │ live after reconnect ║ all counted │ redelivered + bad records on raw topic
 * </pre>
 */
@Tag("e2e")
@Timeout(300)
class PipelineEndToEndIT {

    private static final long SEED = 20261125L;
    private static final int RUNS = 40;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldTurnPrefectEventsIntoExactRestartProofMetrics() throws Exception {
        Path dir = Path.of("target", "e2e-" + System.nanoTime()).toAbsolutePath();
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
            PrometheusMeterRegistry registry = MeterRegistries.prometheus(env);

            try (Pipeline pipeline = Pipeline.start(env, registry);
                    MetricsHttpServer http = MetricsHttpServer.start("127.0.0.1", 0, registry, pipeline::health)) {
                await("ingest subscribed", () -> prefect.activeSubscribers() == 1);
                prefect.publish(events.subList(third, 2 * third)); // live
                prefect.dropConnections(); // a network drop: ingest reconnects and replays from its cursor
                prefect.publish(events.subList(2 * third, events.size()));

                Map<String, Double> expected = expectedSamples(scenario);
                awaitMetrics(http.metricsUri(), expected);
                LoggerFactory.getLogger(PipelineEndToEndIT.class)
                        .info("All {} expected samples scraped", expected.size());

                // Once everything is counted: redeliver a terminal event straight to the raw topic
                // (as a producer retry or an ingest restart would) and add two poison records.
                redeliverAndPoisonTheRawTopic(broker, events);
                await(
                        "redelivery dropped",
                        () -> sum(scrape(http.metricsUri()), "flowpulse_streams_duplicates_dropped_total") >= 1);
                await(
                        "poison records dead-lettered",
                        () -> sum(scrape(http.metricsUri()), "flowpulse_streams_dead_letters_total") >= 2);
                String text = scrape(http.metricsUri());

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
                assertThat(deadLetterReasons(broker))
                        .containsExactlyInAnyOrder(
                                FlowRunEventParser.MALFORMED_JSON, FlowRunEventParser.UNKNOWN_STATE_TYPE);

                // A brand-new sink rebuilds the same totals from the compacted topics.
                PrometheusMeterRegistry fresh = MeterRegistries.prometheus(env);
                try (SinkService second = new SinkService(SinkConfig.fromEnv(env), fresh)) {
                    second.start();
                    await("second sink caught up", second::caughtUp);
                    assertSamplesEqual(fresh.scrape(), expected);
                }
            }
        }
    }

    /** Redelivers the last terminal event (as a producer retry or an ingest restart would) and adds two bad records. */
    private static void redeliverAndPoisonTheRawTopic(EmbeddedKafkaBroker broker, List<ObjectNode> events)
            throws Exception {
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
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.RAW_EVENTS, runId, value);
                record.headers().add(HeaderNames.SOURCE, "e2e-redelivery".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
        }
    }

    /** Every sample the scenario implies, keyed as {@code name{labels}}. */
    private static Map<String, Double> expectedSamples(Scenario scenario) {
        Map<String, Double> expected = new TreeMap<>();
        scenario.expectedStateEntries()
                .forEach((k, n) -> expected.put(
                        key(
                                "prefect_flow_run_states_total",
                                Map.of(
                                        "flow",
                                        k.flow(),
                                        "deployment",
                                        k.deployment(),
                                        "work_pool",
                                        k.workPool(),
                                        "state_type",
                                        k.stateType(),
                                        "state",
                                        k.stateName())),
                        n.doubleValue()));
        scenario.expectedFinished().forEach((k, n) -> {
            Map<String, String> labels = Map.of(
                    "flow",
                    k.flow(),
                    "deployment",
                    k.deployment(),
                    "work_pool",
                    k.workPool(),
                    "state_type",
                    k.stateType());
            expected.put(key("prefect_flow_runs_finished_total", labels), n.doubleValue());
            expected.put(key("prefect_flow_run_duration_seconds_count", labels), n.doubleValue());
        });
        assertThat(expected).isNotEmpty();
        return expected;
    }

    private static String scrape(URI metrics) {
        try {
            HttpResponse<String> response =
                    HTTP.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot scrape " + metrics, e);
        }
    }

    private static double sum(String text, String name) {
        return PrometheusText.named(PrometheusText.parse(text), name).stream()
                .mapToDouble(Sample::value)
                .sum();
    }

    private static String awaitMetrics(URI metrics, Map<String, Double> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String text;
        Map<String, Double> missing = expected;
        while (System.nanoTime() < deadline) {
            text = scrape(metrics);
            missing = mismatches(text, expected);
            if (missing.isEmpty()) {
                return text;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Metrics never matched the scenario; expected but not scraped: " + missing);
    }

    private static void assertSamplesEqual(String text, Map<String, Double> expected) {
        assertThat(mismatches(text, expected)).isEmpty();
    }

    private static Map<String, Double> mismatches(String text, Map<String, Double> expected) {
        Map<String, Double> actual = PrometheusText.parse(text).stream()
                .collect(Collectors.toMap(s -> key(s.name(), s.labels()), Sample::value, (a, b) -> a));
        Map<String, Double> missing = new TreeMap<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                missing.put(k, v);
            }
        });
        return missing;
    }

    private static void assertDurationSums(String text, Scenario scenario) {
        List<Sample> samples = PrometheusText.parse(text);
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
                    .hasValueSatisfying(v -> assertThat(v)
                            .isCloseTo(seconds, org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, seconds))));
        });
    }

    private static Set<String> prefectSeries(String text, String name) {
        return PrometheusText.named(PrometheusText.parse(text), name).stream()
                .map(s -> key(s.name(), s.labels()))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static Set<String> keysOf(Map<String, Double> expected, String name) {
        return expected.keySet().stream()
                .filter(k -> k.startsWith(name + "{"))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static String key(String name, Map<String, String> labels) {
        return name + new TreeMap<>(labels);
    }

    private static List<String> deadLetterReasons(EmbeddedKafkaBroker broker) {
        Properties p = broker.clientProperties();
        p.put("isolation.level", "read_committed");
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTERS).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(DeadLetters.get(r.headers(), HeaderNames.DLQ_STAGE))
                            .isEqualTo("streams");
                    assertThat(DeadLetters.get(r.headers(), HeaderNames.DLQ_SOURCE_TOPIC))
                            .isEqualTo(Topics.RAW_EVENTS);
                    reasons.add(DeadLetters.get(r.headers(), HeaderNames.DLQ_REASON));
                }
            }
        }
        return reasons;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
