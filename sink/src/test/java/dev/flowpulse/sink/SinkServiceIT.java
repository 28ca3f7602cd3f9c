package dev.flowpulse.sink;

import static dev.flowpulse.sink.SampleSeries.adHoc;
import static dev.flowpulse.sink.SampleSeries.deployed;
import static dev.flowpulse.sink.SampleSeries.durations;
import static dev.flowpulse.sink.SampleSeries.finished;
import static dev.flowpulse.sink.SampleSeries.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.FinishedTotal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** The sink against a real broker: compacted totals topics in, exact samples out over HTTP. */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SinkServiceIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String DEPLOYED = "deployment=\"hourly-sync\",flow=\"etl-orders\"";
    private static final String AD_HOC = "deployment=\"\",flow=\"etl-orders\"";
    private static final String K8S = "work_pool=\"k8s-prod\",workspace=\"prod\"";

    private static EmbeddedKafkaBroker broker;

    private String stateTotals;
    private String finishedTotals;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(Path.of("target", "kafka-it", "sink-" + UUID.randomUUID()));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private void createTopics(TestInfo test, int statePartitions, int finishedPartitions) {
        String prefix = test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID();
        stateTotals = prefix + ".state-totals";
        finishedTotals = prefix + ".finished-totals";
        broker.createTopic(stateTotals, statePartitions, TotalsRecords.COMPACTED);
        broker.createTopic(finishedTotals, finishedPartitions, TotalsRecords.COMPACTED);
    }

    @Test
    void shouldServeTheLatestTotalsAndServeTheSameAfterARestart(TestInfo test) throws Exception {
        createTopics(test, 3, 2);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(TotalsRecords.state(stateTotals, state(deployed("Scheduled")), 1));
        records.add(TotalsRecords.state(stateTotals, state(deployed("Running")), 1));
        records.add(TotalsRecords.state(stateTotals, state(deployed("Completed")), 1));
        records.add(TotalsRecords.state(stateTotals, state(adHoc("Running")), 1));
        records.add(TotalsRecords.state(stateTotals, state(deployed("Running")), 2)); // the same key, updated
        records.add(new ProducerRecord<>(
                stateTotals,
                TotalsRecords.state(stateTotals, state(deployed("Failed")), 1).key(),
                "{\"count\": ".getBytes(StandardCharsets.UTF_8))); // truncated JSON
        records.add(TotalsRecords.finished(
                finishedTotals, new FinishedTotal(finished(deployed("Completed")), durations(42.0))));
        records.add(TotalsRecords.finished(
                finishedTotals, new FinishedTotal(finished(deployed("Failed")), durations(90.25))));
        records.add(TotalsRecords.finished(
                finishedTotals,
                new FinishedTotal(finished(deployed("Completed")), durations(42.0, 3600.5)))); // updated
        records.add(new ProducerRecord<>(
                finishedTotals,
                "garbage".getBytes(StandardCharsets.UTF_8),
                TotalsRecords.finished(finishedTotals, new FinishedTotal(finished(deployed("Failed")), durations(1.0)))
                        .value()));
        TotalsRecords.produceInTransaction(broker, records);

        List<String> expected = List.of(
                "prefect_flow_run_states_total{" + DEPLOYED + ",state=\"Scheduled\",state_type=\"SCHEDULED\"," + K8S
                        + "} 1.0",
                "prefect_flow_run_states_total{" + DEPLOYED + ",state=\"Running\",state_type=\"RUNNING\"," + K8S
                        + "} 2.0",
                "prefect_flow_run_states_total{" + DEPLOYED + ",state=\"Completed\",state_type=\"COMPLETED\"," + K8S
                        + "} 1.0",
                "prefect_flow_run_states_total{" + AD_HOC
                        + ",state=\"Running\",state_type=\"RUNNING\",work_pool=\"\",workspace=\"prod\"} 1.0",
                "prefect_flow_runs_finished_total{" + DEPLOYED + ",state_type=\"COMPLETED\"," + K8S + "} 2.0",
                "prefect_flow_runs_finished_total{" + DEPLOYED + ",state_type=\"FAILED\"," + K8S + "} 1.0",
                "prefect_flow_run_duration_seconds_bucket{" + DEPLOYED + ",state_type=\"COMPLETED\"," + K8S
                        + ",le=\"30.0\"} 0",
                "prefect_flow_run_duration_seconds_bucket{" + DEPLOYED + ",state_type=\"COMPLETED\"," + K8S
                        + ",le=\"60.0\"} 1",
                "prefect_flow_run_duration_seconds_bucket{" + DEPLOYED + ",state_type=\"COMPLETED\"," + K8S
                        + ",le=\"3600.0\"} 1",
                "prefect_flow_run_duration_seconds_bucket{" + DEPLOYED + ",state_type=\"COMPLETED\"," + K8S
                        + ",le=\"7200.0\"} 2",
                "prefect_flow_run_duration_seconds_bucket{" + DEPLOYED + ",state_type=\"COMPLETED\"," + K8S
                        + ",le=\"+Inf\"} 2",
                "prefect_flow_run_duration_seconds_count{" + DEPLOYED + ",state_type=\"COMPLETED\"," + K8S + "} 2",
                "prefect_flow_run_duration_seconds_sum{" + DEPLOYED + ",state_type=\"COMPLETED\"," + K8S + "} 3642.5",
                "prefect_flow_run_duration_seconds_bucket{" + DEPLOYED + ",state_type=\"FAILED\"," + K8S
                        + ",le=\"120.0\"} 1",
                "prefect_flow_run_duration_seconds_sum{" + DEPLOYED + ",state_type=\"FAILED\"," + K8S + "} 90.25",
                "flowpulse_sink_records_consumed_total{topic=\"" + stateTotals + "\"} 6.0",
                "flowpulse_sink_records_consumed_total{topic=\"" + finishedTotals + "\"} 4.0",
                "flowpulse_sink_records_rejected_total{reason=\"unreadable_value\",topic=\"" + stateTotals + "\"} 1.0",
                "flowpulse_sink_records_rejected_total{reason=\"unreadable_key\",topic=\"" + finishedTotals + "\"} 1.0",
                "flowpulse_sink_series{family=\"prefect_flow_run_states_total\"} 4.0",
                "flowpulse_sink_caught_up 1.0");

        String firstScrape;
        try (SinkHarness first = SinkHarness.start(broker, stateTotals, finishedTotals, Map.of())) {
            firstScrape = first.awaitLines(expected, DEADLINE);
            first.awaitHealthy(DEADLINE);
            assertThat(first.service().caughtUp()).isTrue();
        }
        assertThat(firstScrape).doesNotContain("state=\"Failed\"");

        // A new sink rebuilds the same values from the compacted topics alone.
        try (SinkHarness second = SinkHarness.start(broker, stateTotals, finishedTotals, Map.of())) {
            second.awaitLines(expected, DEADLINE);
            second.awaitHealthy(DEADLINE);
        }
    }

    @Test
    void shouldReadPartitionsAddedWhileRunning(TestInfo test) throws Exception {
        createTopics(test, 1, 1);
        TotalsRecords.produceInTransaction(
                broker, List.of(TotalsRecords.state(stateTotals, state(deployed("Running")), 1)));

        try (SinkHarness sink = SinkHarness.start(
                broker, stateTotals, finishedTotals, Map.of("FLOWPULSE_SINK_PARTITION_CHECK_INTERVAL", "500ms"))) {
            sink.awaitLines(
                    List.of("prefect_flow_run_states_total{" + DEPLOYED + ",state=\"Running\",state_type=\"RUNNING\","
                            + K8S + "} 1.0"),
                    DEADLINE);
            try (Admin admin = Admin.create(broker.clientProperties())) {
                admin.createPartitions(Map.of(stateTotals, NewPartitions.increaseTo(2)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            ProducerRecord<byte[], byte[]> completed =
                    TotalsRecords.state(stateTotals, state(deployed("Completed")), 3);
            TotalsRecords.produceInTransaction(
                    broker, List.of(new ProducerRecord<>(stateTotals, 1, completed.key(), completed.value())));

            sink.awaitLines(
                    List.of(
                            "prefect_flow_run_states_total{" + DEPLOYED
                                    + ",state=\"Completed\",state_type=\"COMPLETED\"," + K8S + "} 3.0",
                            "flowpulse_sink_series{family=\"prefect_flow_run_states_total\"} 2.0"),
                    DEADLINE);
        }
    }
}
