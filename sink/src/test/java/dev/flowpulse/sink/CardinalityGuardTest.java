package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.SeriesLabels;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.testkit.PrometheusText;
import dev.flowpulse.testkit.PrometheusText.Sample;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CardinalityGuardTest {

    private static final String OVERFLOW = SeriesLimits.OVERFLOW;

    @Test
    void shouldCapTenThousandAdHocFlowNamesAndKeepTheTotalsExact() {
        // 10,500 ad-hoc flows, one COMPLETED run of i seconds each; 3 Running entries per flow
        TotalsTable table = new TotalsTable();
        long expectedStates = 0;
        double expectedSeconds = 0;
        for (int i = 1; i <= 10_500; i++) {
            SeriesLabels labels = new SeriesLabels("prod", "adhoc-" + i, "", "");
            table.putStateCount(new StateSeries(labels, StateType.RUNNING, "Running"), 3);
            table.putFinished(new FinishedSeries(labels, StateType.COMPLETED), SampleSeries.durations(i));
            expectedStates += 3;
            expectedSeconds += i;
        }
        TotalsCollector collector = collector(table, limits(Map.of()));

        List<Sample> samples = PrometheusText.parse(scrape(collector));

        List<Sample> states = PrometheusText.named(samples, "prefect_flow_run_states_total");
        List<Sample> finished = PrometheusText.named(samples, "prefect_flow_runs_finished_total");
        assertThat(states).hasSize(10_001);
        assertThat(finished).hasSize(10_001);
        assertThat(PrometheusText.named(samples, "prefect_flow_run_duration_seconds_count"))
                .hasSize(10_001);
        assertThat(states.stream().mapToDouble(Sample::value).sum()).isEqualTo(expectedStates);
        assertThat(finished.stream().mapToDouble(Sample::value).sum()).isEqualTo(10_500);
        assertThat(PrometheusText.named(samples, "prefect_flow_run_duration_seconds_sum").stream()
                        .mapToDouble(Sample::value)
                        .sum())
                .isEqualTo(expectedSeconds);
        Map<String, String> overflowStates = Map.of(
                "flow",
                OVERFLOW,
                "deployment",
                OVERFLOW,
                "work_pool",
                OVERFLOW,
                "state",
                OVERFLOW,
                "state_type",
                "RUNNING",
                "workspace",
                "prod");
        assertThat(PrometheusText.value(samples, "prefect_flow_run_states_total", overflowStates))
                .hasValue(1_500.0);
        assertThat(PrometheusText.value(
                        samples,
                        "prefect_flow_runs_finished_total",
                        Map.of(
                                "flow",
                                OVERFLOW,
                                "deployment",
                                OVERFLOW,
                                "work_pool",
                                OVERFLOW,
                                "state_type",
                                "COMPLETED",
                                "workspace",
                                "prod")))
                .hasValue(500.0);
        assertThat(collector.folded("prefect_flow_run_states_total")).isEqualTo(500);
        assertThat(collector.folded("prefect_flow_run_duration_seconds")).isEqualTo(500);
        assertThat(collector.servedSeries("prefect_flow_runs_finished_total")).isEqualTo(10_001);
    }

    @Test
    void shouldNeverMoveAFoldedSeriesBackSoTheOverflowNeverGoesDown() {
        TotalsTable table = new TotalsTable();
        TotalsCollector collector = collector(table, limits(Map.of("FLOWPULSE_SINK_MAX_SERIES", "1")));
        table.putStateCount(running("a"), 1);
        table.putStateCount(running("b"), 5);
        List<Sample> first =
                PrometheusText.named(PrometheusText.parse(scrape(collector)), "prefect_flow_run_states_total");
        String own = first.stream()
                .map(s -> s.labels().get("flow"))
                .filter(f -> !f.equals(OVERFLOW))
                .findFirst()
                .orElseThrow(); // a or b holds the one slot, the other is folded
        assertThat(first).hasSize(2);

        table.putStateCount(running("a"), 10);
        table.putStateCount(running("b"), 50);
        table.putStateCount(running("c"), 2);

        List<Sample> second =
                PrometheusText.named(PrometheusText.parse(scrape(collector)), "prefect_flow_run_states_total");
        double ownValue = own.equals("a") ? 10 : 50;
        assertThat(second)
                .extracting(s -> s.labels().get("flow"), Sample::value)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(own, ownValue),
                        org.assertj.core.groups.Tuple.tuple(OVERFLOW, 62 - ownValue));
        assertThat(collector.folded("prefect_flow_run_states_total")).isEqualTo(2);
    }

    @Test
    void shouldFoldValuesRefusedByAllowAndDenyPatterns() {
        TotalsTable table = new TotalsTable();
        table.putStateCount(running("etl-orders"), 4);
        table.putStateCount(running("etl-tmp-123"), 2);
        table.putStateCount(running("scratch"), 1);
        TotalsCollector collector = collector(
                table, limits(Map.of("FLOWPULSE_SINK_ALLOW_FLOW", "etl-.*", "FLOWPULSE_SINK_DENY_FLOW", ".*-tmp-.*")));

        List<Sample> samples = PrometheusText.parse(scrape(collector));

        assertThat(PrometheusText.named(samples, "prefect_flow_run_states_total"))
                .extracting(s -> s.labels().get("flow"), s -> s.labels().get("deployment"), Sample::value)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("etl-orders", "hourly-sync", 4.0),
                        org.assertj.core.groups.Tuple.tuple(OVERFLOW, "hourly-sync", 3.0));
        assertThat(collector.folded("prefect_flow_run_states_total")).isEqualTo(2);
    }

    @Test
    void shouldSumAwayLabelsLeftOutOfTheLabelSetWithoutCountingThemAsFolded() {
        TotalsTable table = new TotalsTable();
        table.putStateCount(new StateSeries(new SeriesLabels("prod", "etl", "d", "p"), StateType.SCHEDULED, "Late"), 2);
        table.putStateCount(
                new StateSeries(new SeriesLabels("prod", "etl", "d", "p"), StateType.SCHEDULED, "Scheduled"), 5);
        table.putFinished(
                new FinishedSeries(new SeriesLabels("prod", "etl", "d", "p1"), StateType.FAILED),
                SampleSeries.durations(3));
        table.putFinished(
                new FinishedSeries(new SeriesLabels("prod", "etl", "d", "p2"), StateType.FAILED),
                SampleSeries.durations(4));
        TotalsCollector collector = collector(table, limits(Map.of("FLOWPULSE_SINK_SERIES_LABELS", "flow,deployment")));

        List<Sample> samples = PrometheusText.parse(scrape(collector));

        assertThat(PrometheusText.named(samples, "prefect_flow_run_states_total"))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.labels())
                            .isEqualTo(Map.of(
                                    "workspace", "prod", "flow", "etl", "deployment", "d", "state_type", "SCHEDULED"));
                    assertThat(s.value()).isEqualTo(7.0);
                });
        assertThat(PrometheusText.value(
                        samples,
                        "prefect_flow_run_duration_seconds_sum",
                        Map.of("workspace", "prod", "flow", "etl", "deployment", "d", "state_type", "FAILED")))
                .hasValue(7.0);
        assertThat(collector.folded("prefect_flow_run_states_total")).isZero();
    }

    @Test
    void shouldReportBadLimitsAtOnce() {
        EnvReader reader = new EnvReader(Map.of(
                "FLOWPULSE_SINK_MAX_SERIES", "0",
                "FLOWPULSE_SINK_SERIES_LABELS", "flow,tenant",
                "FLOWPULSE_SINK_DENY_STATE", "(["));
        SeriesLimits.read(reader);

        assertThatThrownBy(reader::check)
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "FLOWPULSE_SINK_MAX_SERIES must be >= 1, got 0",
                                        "FLOWPULSE_SINK_SERIES_LABELS: unknown label 'tenant' (known: flow, deployment,"
                                                + " work_pool, state)",
                                        "FLOWPULSE_SINK_DENY_STATE is not a valid regex: Unclosed character class"));
    }

    @Test
    void shouldExposeFoldedAndServedSeriesAsSinkMetrics() {
        TotalsTable table = new TotalsTable();
        table.putFinished(
                new FinishedSeries(new SeriesLabels("prod", "a", "", ""), StateType.COMPLETED),
                DurationHistogram.empty().plus(1));
        table.putFinished(
                new FinishedSeries(new SeriesLabels("prod", "b", "", ""), StateType.COMPLETED),
                DurationHistogram.empty().plus(1));
        TotalsCollector collector = collector(table, limits(Map.of("FLOWPULSE_SINK_MAX_SERIES", "1")));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SinkMetrics metrics = new SinkMetrics(registry, List.of("t"), collector, () -> true, () -> 0);

        String scraped = registry.scrape();

        assertThat(scraped)
                .contains("flowpulse_sink_series_folded_total{family=\"prefect_flow_runs_finished_total\"} 1.0")
                .contains("flowpulse_sink_series_folded_total{family=\"prefect_flow_run_states_total\"} 0.0")
                .contains("flowpulse_sink_series{family=\"prefect_flow_run_duration_seconds\"} 2.0");
        metrics.close();
    }

    private static StateSeries running(String flow) {
        return new StateSeries(new SeriesLabels("prod", flow, "hourly-sync", "k8s"), StateType.RUNNING, "Running");
    }

    private static TotalsCollector collector(TotalsTable table, SeriesLimits limits) {
        return new TotalsCollector(table, limits, () -> true);
    }

    private static SeriesLimits limits(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        SeriesLimits limits = SeriesLimits.read(reader);
        reader.check();
        return limits;
    }

    private static String scrape(TotalsCollector collector) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.getPrometheusRegistry().register(collector);
        return registry.scrape();
    }
}
