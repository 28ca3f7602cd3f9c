package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.testkit.Promtool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real {@code promtool check metrics} (Debian package {@code prometheus}) accepts, without a
 * single lint remark, both the golden file and what a running sink serves over HTTP.
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PromtoolIT {

    @Test
    void shouldFindPromtoolOnPath() {
        // Fails with the package to install, never skips.
        assertThat(Promtool.executable()).isExecutable();
    }

    @Test
    void shouldAcceptTheGoldenFile() throws IOException {
        assertClean(Promtool.checkMetrics(golden()));
    }

    @Test
    void shouldAcceptTheTopologyGoldenFile() throws IOException {
        assertClean(Promtool.checkMetrics(TopologyCollectorTest.golden()));
    }

    @Test
    void shouldAcceptEverythingARunningSinkServes() throws Exception {
        String prefix = "promtool-" + UUID.randomUUID();
        String stateTotals = prefix + ".state-totals";
        String finishedTotals = prefix + ".finished-totals";
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of("target", "kafka-it", prefix))) {
            broker.createTopic(stateTotals, 2, TotalsRecords.COMPACTED);
            broker.createTopic(finishedTotals, 2, TotalsRecords.COMPACTED);
            TotalsTable golden = SampleSeries.goldenTable();
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (Map.Entry<StateSeries, Long> e : golden.stateCounts().entrySet()) {
                records.add(TotalsRecords.state(stateTotals, e.getKey(), e.getValue()));
            }
            for (FinishedTotal total : golden.finishedTotals().values()) {
                records.add(TotalsRecords.finished(finishedTotals, total));
            }
            // a key without the series fields (compacted topics refuse null keys outright)
            records.add(new ProducerRecord<>(
                    stateTotals, "{}".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8)));
            TotalsRecords.produceInTransaction(broker, records);

            try (SinkHarness sink = SinkHarness.start(broker, stateTotals, finishedTotals, Map.of())) {
                sink.awaitHealthy(Duration.ofSeconds(60));
                String scraped = sink.awaitLines(
                        List.of("flowpulse_sink_records_rejected_total{reason=\"unreadable_key\",topic=\"" + stateTotals
                                + "\"} 1.0"),
                        Duration.ofSeconds(60));

                assertThat(scraped)
                        .contains(
                                "prefect_flow_run_states_total{",
                                "prefect_flow_runs_finished_total{",
                                "prefect_flow_run_duration_seconds_bucket{",
                                "flowpulse_sink_caught_up 1.0");
                assertClean(Promtool.checkMetrics(scraped));
            }
        }
    }

    private static void assertClean(Promtool.Result result) {
        assertThat(result.output()).as("promtool lint output").isEmpty();
        assertThat(result.exitCode()).as("promtool exit code").isZero();
    }

    private static String golden() throws IOException {
        try (InputStream in = PromtoolIT.class.getResourceAsStream("/golden/metrics.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
