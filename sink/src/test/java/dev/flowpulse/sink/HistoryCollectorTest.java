package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.testkit.PrometheusText;
import dev.flowpulse.testkit.PrometheusText.Sample;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The history gauges from the cells ingest writes for the real history response sample. */
class HistoryCollectorTest {

    private static final Path ACTUAL = Path.of("target", "golden-actual", "history-metrics.txt");
    private static final String TOPIC = "flowpulse.flow-run-history";
    private static final Map<String, String> COMPLETED =
            Map.of("workspace", "prod", "state_type", "COMPLETED", "state", "Completed");
    private static final Map<String, String> FAILED =
            Map.of("workspace", "prod", "state_type", "FAILED", "state", "Failed");

    private final HistoryTable table = new HistoryTable();
    private final AtomicBoolean caughtUp = new AtomicBoolean(true);
    private final HistoryConsumer consumer = new HistoryConsumer(table);
    private long offset;

    @Test
    void shouldSumTheCellsOfEachStateOverTheRange() throws IOException {
        HistoryRecords.sampleCells().forEach(c -> apply(c[0], c[1]));

        String scraped = scrape();
        List<Sample> samples = PrometheusText.parse(scraped);

        // Completed in the 08:00 .. 12:00 buckets: 1 + 2 + 1 + 1 + 1 runs
        assertThat(PrometheusText.value(samples, "prefect_flow_run_history_runs", COMPLETED))
                .hasValue(6.0);
        assertThat(PrometheusText.value(samples, "prefect_flow_run_history_run_time_seconds", COMPLETED))
                .hasValue(888.636561); // 139.80412 + 303.443701 + 148.115003 + 147.360011 + 149.913726, summed exactly
        assertThat(PrometheusText.value(samples, "prefect_flow_run_history_lateness_seconds", FAILED))
                .hasValue(3.210774);
        assertThat(PrometheusText.named(samples, "prefect_flow_run_history_runs"))
                .extracting(s -> s.labels().get("state"))
                .containsExactlyInAnyOrder("Completed", "Failed", "Crashed", "Cancelled", "Scheduled");
        assertGolden(scraped);
    }

    @Test
    void shouldTakeATombstonedCellOutAndDropASeriesWithoutCells() {
        HistoryRecords.sampleCells().forEach(c -> apply(c[0], c[1]));

        apply(HistoryRecords.key("2026-05-04T10:00:00Z", "FAILED", "Failed"), null);
        apply(HistoryRecords.key("2026-05-04T09:00:00Z", "COMPLETED", "Completed"), null);

        List<Sample> samples = PrometheusText.parse(scrape());
        assertThat(PrometheusText.value(samples, "prefect_flow_run_history_runs", COMPLETED))
                .hasValue(4.0);
        assertThat(PrometheusText.value(samples, "prefect_flow_run_history_runs", FAILED))
                .isEmpty();
        assertThat(PrometheusText.value(samples, "prefect_flow_run_history_run_time_seconds", FAILED))
                .isEmpty();
    }

    @Test
    void shouldReplaceACellByItsLatestValue() {
        HistoryRecords.sampleCells().forEach(c -> apply(c[0], c[1]));
        byte[][] first = HistoryRecords.sampleCells().get(0); // 08:00 Completed, 1 run
        apply(
                first[0],
                new String(first[1], StandardCharsets.UTF_8)
                        .replace("\"count_runs\":1", "\"count_runs\":3")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(PrometheusText.value(PrometheusText.parse(scrape()), "prefect_flow_run_history_runs", COMPLETED))
                .hasValue(8.0);
    }

    @Test
    void shouldSkipAndCountUnreadableRecordsAndServeNothingBeforeCaughtUp() {
        apply("{}".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        byte[][] cell = HistoryRecords.sampleCells().get(0);
        apply(
                cell[0],
                new String(cell[1], StandardCharsets.UTF_8)
                        .replace("\"schema_version\":1", "\"schema_version\":2")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(consumer.rejected()).isEqualTo(2);
        assertThat(table.size()).isZero();

        apply(cell[0], cell[1]);
        caughtUp.set(false);
        assertThat(scrape()).doesNotContain("prefect_flow_run_history");
    }

    private void apply(byte[] key, byte[] value) {
        consumer.apply(HistoryRecords.consumerRecord(TOPIC, offset++, key, value));
    }

    private String scrape() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.getPrometheusRegistry().register(new HistoryCollector(table, SeriesLimits.defaults(), caughtUp::get));
        return registry.scrape();
    }

    private static void assertGolden(String scraped) throws IOException {
        String golden;
        try (InputStream in = HistoryCollectorTest.class.getResourceAsStream("/golden/history-metrics.txt")) {
            golden = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!scraped.equals(golden)) {
            // diff src/test/resources/golden/history-metrics.txt target/golden-actual/history-metrics.txt
            Files.createDirectories(ACTUAL.getParent());
            Files.writeString(ACTUAL, scraped, StandardCharsets.UTF_8);
        }
        assertThat(scraped).isEqualTo(golden);
    }
}
