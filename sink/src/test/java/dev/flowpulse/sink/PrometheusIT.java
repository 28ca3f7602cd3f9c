package dev.flowpulse.sink;

import static dev.flowpulse.sink.SampleSeries.deployed;
import static dev.flowpulse.sink.SampleSeries.durations;
import static dev.flowpulse.sink.SampleSeries.finished;
import static dev.flowpulse.sink.SampleSeries.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.sink.alert.WindowSamples;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real Prometheus from Debian scraping a running sink on a real broker: PromQL over its HTTP
 * API returns the totals, a window failure ratio, the history gauges and a deployment's info series; {@code up} is 1; a sink
 * restarted mid-way (with totals that moved on while it was down) produces no counter reset.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PrometheusIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(Path.of("target", "kafka-it", "prometheus-" + UUID.randomUUID()));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldAnswerPromqlWithTheSinksValuesAndSeeNoCounterResetAcrossASinkRestart() throws IOException {
        Map<String, String> env = new HashMap<>();
        String prefix = "prometheus-it-" + UUID.randomUUID() + ".";
        for (String name : List.of(
                "STATE_TOTALS",
                "FINISHED_TOTALS",
                "WINDOW_STATS",
                "WINDOW_STATS_FINAL",
                "IN_PROGRESS_RUNS",
                "ALERT_STATE",
                "FINISHED_RUNS",
                "FLOW_RUN_HISTORY")) {
            env.put("FLOWPULSE_TOPIC_" + name, prefix + name.toLowerCase(Locale.ROOT));
        }
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        Topics topics = Topics.fromEnv(new EnvReader(env));
        for (var d : topics.descriptors()) {
            if (env.containsValue(d.name())) {
                broker.createTopic(d.name(), 3, d.configs());
            }
        }
        String history = env.get("FLOWPULSE_TOPIC_FLOW_RUN_HISTORY");
        broker.createTopic(history, 3, TotalsRecords.COMPACTED);
        int sinkPort = PrometheusProcess.freePort();
        env.put("FLOWPULSE_SINK_HTTP_PORT", Integer.toString(sinkPort));

        // 4 Running entries; 3 COMPLETED finishes (one of unknown duration) and 1 FAILED; in the
        // current minute (inside the trailing hour) hourly-sync finished 4 runs, 1 of them FAILED
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(TotalsRecords.state(topics.stateTotals(), state(deployed("Running")), 4));
        records.add(TotalsRecords.finished(topics.finishedTotals(), completed(2, 1)));
        records.add(TotalsRecords.finished(
                topics.finishedTotals(), new FinishedTotal(finished(deployed("Failed")), durations(90.25))));
        records.add(window(topics.windowStats(), WindowSamples.finishes(4, 1)));
        HistoryRecords.sampleCells().forEach(c -> records.add(HistoryRecords.producerRecord(history, c[0], c[1])));
        records.add(
                new ProducerRecord<>( // the finish the real topology writes for the samples' run
                        topics.finishedRuns(),
                        "019df237-run".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.nio.file.Files.readAllBytes(Path.of(
                                "..", "contract", "src", "test", "resources", "golden", "finished-flow-run.json"))));
        TotalsRecords.produceInTransaction(broker, records);

        Path dir = Path.of("target", "prometheus-it", UUID.randomUUID().toString());
        SinkHarness sink = SinkHarness.start(broker, topics.stateTotals(), topics.finishedTotals(), env);
        try (PrometheusProcess prometheus = PrometheusProcess.scraping(dir, "127.0.0.1:" + sinkPort)) {
            awaitValue(prometheus, "up{job=\"flowpulse-sink\"}", 1.0);
            awaitValue(prometheus, "sum(prefect_flow_run_states_total{workspace=\"prod\",state=\"Running\"})", 4.0);
            awaitValue(prometheus, "prefect_flow_runs_finished_total{state_type=\"COMPLETED\"}", 3.0);
            awaitValue(prometheus, "prefect_flow_run_duration_seconds_count{state_type=\"COMPLETED\"}", 2.0);
            awaitValue(
                    prometheus,
                    "prefect_flow_run_window_failure_ratio{window=\"1h\",deployment=\"hourly-sync\","
                            + "work_pool=\"k8s-prod\"}",
                    0.25);
            awaitValue(prometheus, "prefect_flow_run_history_runs{state=\"Completed\"}", 6.0);
            awaitValue(
                    prometheus,
                    "prefect_deployment_info{deployment=\"hourly-sync\",work_pool=\"k8s-prod\","
                            + "deployment_id=\"aee50b18-a03c-49e4-883a-5acadf5c8614\"}",
                    1.0);

            // the sink goes away; the topology finishes one more run meanwhile; a new sink rebuilds
            sink.close();
            TotalsRecords.produceInTransaction(
                    broker, List.of(TotalsRecords.finished(topics.finishedTotals(), completed(3, 1))));
            sink = SinkHarness.start(broker, topics.stateTotals(), topics.finishedTotals(), env);

            awaitValue(prometheus, "prefect_flow_runs_finished_total{state_type=\"COMPLETED\"}", 4.0);
            awaitValue(prometheus, "up{job=\"flowpulse-sink\"}", 1.0);
            assertThat(prometheus.query("sum(resets(prefect_flow_runs_finished_total[10m]))"))
                    .containsExactly(0.0);
            assertThat(prometheus.query("sum(resets(prefect_flow_run_states_total[10m]))"))
                    .containsExactly(0.0);
            assertThat(prometheus.query("sum(resets(prefect_flow_run_duration_seconds_count[10m]))"))
                    .containsExactly(0.0);
            assertThat(prometheus.query(
                            "sum(changes(prefect_flow_runs_finished_total{state_type=\"COMPLETED\"}[10m]))"))
                    .as("the counter went 3 -> 4 and nothing else")
                    .containsExactly(1.0);
        } finally {
            sink.close();
        }
    }

    private static FinishedTotal completed(int known, int unknown) {
        double[] seconds = new double[known];
        java.util.Arrays.fill(seconds, 42.0);
        return new FinishedTotal(finished(deployed("Completed")), durations(seconds), unknown);
    }

    /** The current one-minute slice of the samples' deployment, as the topology writes it. */
    private static ProducerRecord<byte[], byte[]> window(String topic, WindowStats stats) {
        Instant minute = Instant.ofEpochMilli(Math.floorDiv(System.currentTimeMillis(), 60_000L) * 60_000L);
        WindowKey key = WindowSamples.deploymentWindow(minute, Duration.ofMinutes(1));
        return new ProducerRecord<>(
                topic,
                JsonSerde.of(WindowKey.class).serialize(topic, key),
                JsonSerde.of(WindowStats.class).serialize(topic, stats));
    }

    private static void awaitValue(PrometheusProcess prometheus, String promql, double expected) {
        await("Prometheus answering " + promql + " with " + expected)
                .atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(prometheus.query(promql)).containsExactly(expected));
    }
}
