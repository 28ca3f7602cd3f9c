package dev.flowpulse.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ExpositionTextTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<MetricSnapshots> held = new AtomicReference<>(families(7));
    private final AtomicLong live = new AtomicLong(1);

    ExpositionTextTest() {
        Counter.builder("flowpulse.test.records")
                .tag("topic", "a\"b\\c")
                .register(registry)
                .increment(3);
        Gauge.builder("flowpulse.test.live", live, AtomicLong::doubleValue).register(registry);
        DistributionSummary.builder("flowpulse.test.size")
                .serviceLevelObjectives(1, 10)
                .register(registry)
                .record(4);
        registry.getPrometheusRegistry().register(new MultiCollector() {
            @Override
            public MetricSnapshots collect() {
                return held.get();
            }

            @Override
            public List<String> getPrometheusNames() {
                return List.of(
                        "prefect_test_states",
                        "prefect_test_duration_seconds",
                        "prefect_test_window",
                        "prefect_test_gauge");
            }
        });
    }

    @Test
    void shouldServeExactlyWhatTheRegistryWrites() {
        ExpositionText page = new ExpositionText(registry);

        assertThat(text(page)).isEqualTo(registry.scrape()).contains("prefect_test_states_total{");
    }

    @Test
    void shouldKeepLiveFamiliesLiveWhileReusingAnUnchangedSnapshot() {
        ExpositionText page = new ExpositionText(registry);
        text(page);

        live.set(42);
        String second = text(page);

        assertThat(second).isEqualTo(registry.scrape()).contains("flowpulse_test_live 42.0");
    }

    @Test
    void shouldRenderANewSnapshotOfACachedFamily() {
        ExpositionText page = new ExpositionText(registry);
        assertThat(text(page)).contains("prefect_test_states_total{flow=\"f\\\"1\",state=\"x\"} 7.0");

        held.set(families(8));

        assertThat(text(page))
                .isEqualTo(registry.scrape())
                .contains("prefect_test_states_total{flow=\"f\\\"1\",state=\"x\"} 8.0")
                .doesNotContain("} 7.0");
    }

    private static String text(ExpositionText page) {
        return new String(page.scrape(), StandardCharsets.UTF_8);
    }

    /** A counter, a classic histogram and a gauge histogram, with a label value that needs escaping. */
    private static MetricSnapshots families(long count) {
        Labels labels = Labels.of("flow", "f\"1", "state", "x");
        return MetricSnapshots.of(
                CounterSnapshot.builder()
                        .name("prefect_test_states")
                        .help("states")
                        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                                .labels(labels)
                                .value(count)
                                .build())
                        .build(),
                HistogramSnapshot.builder()
                        .name("prefect_test_duration_seconds")
                        .help("durations")
                        .unit(Unit.SECONDS)
                        .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                                .labels(labels)
                                .classicHistogramBuckets(ClassicHistogramBuckets.of(
                                        new double[] {1, Double.POSITIVE_INFINITY}, new long[] {count, 1}))
                                .sum(2.5)
                                .build())
                        .build(),
                HistogramSnapshot.builder()
                        .name("prefect_test_window")
                        .help("window")
                        .gaugeHistogram(true)
                        .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                                .labels(labels)
                                .classicHistogramBuckets(ClassicHistogramBuckets.of(
                                        new double[] {Double.POSITIVE_INFINITY}, new long[] {count}))
                                .sum(1)
                                .build())
                        .build(),
                GaugeSnapshot.builder()
                        .name("prefect_test_gauge")
                        .help("gauge")
                        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                                .labels(labels)
                                .value(count)
                                .build())
                        .build());
    }
}
