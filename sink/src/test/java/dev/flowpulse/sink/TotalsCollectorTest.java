package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TotalsCollectorTest {

    private static final Path ACTUAL = Path.of("target", "golden-actual", "metrics.txt");

    @Test
    void shouldRenderTheGoldenExpositionForAKnownTable() throws IOException {
        String scraped = scrape(SampleSeries.goldenTable());

        String golden = golden();
        if (!scraped.equals(golden)) {
            // for a reviewable diff: diff src/test/resources/golden/metrics.txt target/golden-actual/metrics.txt
            Files.createDirectories(ACTUAL.getParent());
            Files.writeString(ACTUAL, scraped, StandardCharsets.UTF_8);
        }
        assertThat(scraped).isEqualTo(golden);
    }

    @Test
    void shouldKeepItsSnapshotsUntilTheTableChanges() {
        TotalsTable table = SampleSeries.goldenTable();
        TotalsCollector collector = new TotalsCollector(table);
        var first = collector.collect();

        assertThat(collector.collect()).isSameAs(first); // the endpoint serves its rendered text again

        var series = SampleSeries.state(SampleSeries.deployed("Completed"));
        long held = table.stateCounts().get(series);
        table.putStateCount(series, held + 5);
        var changed = collector.collect();

        assertThat(changed).isNotSameAs(first);
        assertThat(changed.stream()
                        .filter(f -> f.getMetadata().getName().equals(TotalsCollector.STATES))
                        .flatMap(f -> f.getDataPoints().stream())
                        .map(p -> ((CounterSnapshot.CounterDataPointSnapshot) p).getValue()))
                .contains((double) held + 5);
    }

    @Test
    void shouldAccumulatePerBucketCountsIntoCumulativeLeBuckets() {
        TotalsTable table = new TotalsTable();
        // one run per region of the bounds: <= 1 s, (30, 60], (3600, 7200], and above the largest bound
        table.putFinished(
                SampleSeries.finished(SampleSeries.deployed("Completed")),
                SampleSeries.durations(0.2, 45.0, 5000.0, 100000.0));

        String scraped = scrape(table);

        String series =
                "deployment=\"hourly-sync\",flow=\"etl-orders\",state_type=\"COMPLETED\",work_pool=\"k8s-prod\",workspace=\"prod\"";
        assertThat(scraped)
                .contains(
                        "prefect_flow_run_duration_seconds_bucket{" + series + ",le=\"1.0\"} 1\n",
                        "prefect_flow_run_duration_seconds_bucket{" + series + ",le=\"30.0\"} 1\n",
                        "prefect_flow_run_duration_seconds_bucket{" + series + ",le=\"60.0\"} 2\n",
                        "prefect_flow_run_duration_seconds_bucket{" + series + ",le=\"3600.0\"} 2\n",
                        "prefect_flow_run_duration_seconds_bucket{" + series + ",le=\"7200.0\"} 3\n",
                        "prefect_flow_run_duration_seconds_bucket{" + series + ",le=\"86400.0\"} 3\n",
                        "prefect_flow_run_duration_seconds_bucket{" + series + ",le=\"+Inf\"} 4\n",
                        "prefect_flow_run_duration_seconds_count{" + series + "} 4\n",
                        "prefect_flow_run_duration_seconds_sum{" + series + "} 105045.2\n",
                        "prefect_flow_runs_finished_total{" + series + "} 4.0\n");
    }

    @Test
    void shouldRenderMissingDeploymentAndWorkPoolAsEmptyLabels() {
        TotalsTable table = new TotalsTable();
        table.putStateCount(SampleSeries.state(SampleSeries.adHoc("Crashed")), 2);

        assertThat(scrape(table))
                .contains("prefect_flow_run_states_total{deployment=\"\",flow=\"etl-orders\","
                        + "state=\"Crashed\",state_type=\"CRASHED\",work_pool=\"\",workspace=\"prod\"} 2.0\n");
    }

    @Test
    void shouldServeTheTableAsItIsAtScrapeTime() {
        TotalsTable table = new TotalsTable();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.getPrometheusRegistry().register(new TotalsCollector(table));
        assertThat(registry.scrape()).doesNotContain("prefect_flow_run_states_total{");

        table.putStateCount(SampleSeries.state(SampleSeries.deployed("Running")), 7);

        assertThat(registry.scrape())
                .contains("state=\"Running\",state_type=\"RUNNING\",work_pool=\"k8s-prod\",workspace=\"prod\"} 7.0\n");
    }

    private static String golden() throws IOException {
        try (InputStream in = TotalsCollectorTest.class.getResourceAsStream("/golden/metrics.txt")) {
            assertThat(in).as("golden/metrics.txt on the test classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String scrape(TotalsTable table) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.getPrometheusRegistry().register(new TotalsCollector(table));
        return registry.scrape();
    }
}
