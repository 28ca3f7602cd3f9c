package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.contract.InProgressRun;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.sink.alert.MutableClock;
import dev.flowpulse.sink.alert.WindowSamples;
import dev.flowpulse.sink.alert.WindowTable;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The families served from the window and in-progress topics, pinned by a golden exposition file. */
class TopologyCollectorTest {

    private static final Path ACTUAL = Path.of("target", "golden-actual", "topology-metrics.txt");
    static final Instant NOW = Instant.parse("2026-05-04T09:12:30Z");
    static final List<Duration> WINDOWS = WindowSamples.SIZES;

    @Test
    void shouldRenderTheGoldenExpositionForKnownWindowsAndRuns() throws IOException {
        String scraped = scrape(goldenTable(), () -> true);

        String golden = golden();
        if (!scraped.equals(golden)) {
            // diff src/test/resources/golden/topology-metrics.txt target/golden-actual/topology-metrics.txt
            Files.createDirectories(ACTUAL.getParent());
            Files.writeString(ACTUAL, scraped, StandardCharsets.UTF_8);
        }
        assertThat(scraped).isEqualTo(golden);
    }

    @Test
    void shouldServeNothingBeforeTheWindowTopicsAreCaughtUp() {
        assertThat(scrape(goldenTable(), () -> false)).doesNotContain("prefect_");
    }

    @Test
    void shouldFoldSeriesBeyondTheCap() {
        WindowTable table = new WindowTable(WINDOWS, "team:");
        for (int i = 0; i < 5; i++) {
            table.putInProgress("run-" + i, run("run-" + i, "flow-" + i, StateType.RUNNING, false));
        }
        SeriesLimits limits =
                new SeriesLimits(2, java.util.Set.copyOf(SeriesLimits.OPTIONAL_LABELS), Map.of(), Map.of());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.getPrometheusRegistry()
                .register(new TopologyCollector(table, WINDOWS, limits, () -> true, Clock.fixed(NOW, ZoneOffset.UTC)));

        assertThat(registry.scrape())
                .contains("prefect_flow_runs_in_progress{deployment=\"__overflow__\",flow=\"__overflow__\","
                        + "state_type=\"RUNNING\",work_pool=\"__overflow__\",workspace=\"prod\"} 3.0");
    }

    @Test
    void shouldKeepItsSnapshotsUntilTheTableChangesOrTheCurrentSliceMoves() {
        WindowTable table = goldenTable();
        MutableClock clock = new MutableClock(NOW);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TopologyCollector collector = new TopologyCollector(table, WINDOWS, SeriesLimits.defaults(), () -> true, clock);
        registry.getPrometheusRegistry().register(collector);
        var first = collector.collect();

        clock.advance(Duration.ofSeconds(20)); // 09:12:50, still the slice of 09:12
        assertThat(collector.collect()).isSameAs(first);

        table.putInProgress("run-4", run("run-4", "etl-orders", StateType.RUNNING, false));
        var changed = collector.collect();
        assertThat(changed).isNotSameAs(first);
        assertThat(registry.scrape())
                .contains("prefect_flow_runs_in_progress{deployment=\"hourly-sync\",flow=\"etl-orders\","
                        + "state_type=\"RUNNING\",work_pool=\"k8s-prod\",workspace=\"prod\"} 3.0");

        // 09:13:05: the 1m window is the empty slice of 09:13 now, so its series leave the page
        clock.advance(Duration.ofSeconds(15));
        assertThat(collector.collect()).isNotSameAs(changed);
        assertThat(registry.scrape())
                .doesNotContain("window=\"1m\"")
                .contains("prefect_flow_run_window_finished{deployment=\"hourly-sync\",flow=\"etl-orders\","
                        + "state_type=\"FAILED\",window=\"5m\"");
    }

    static String scrape(WindowTable table, java.util.function.BooleanSupplier caughtUp) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        register(registry, table, caughtUp);
        return registry.scrape();
    }

    /** Both collectors of the window and in-progress topics, at {@link #NOW}. */
    static void register(
            PrometheusMeterRegistry registry, WindowTable table, java.util.function.BooleanSupplier caughtUp) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        registry.getPrometheusRegistry()
                .register(new TopologyCollector(table, WINDOWS, SeriesLimits.defaults(), caughtUp, clock));
        registry.getPrometheusRegistry()
                .register(new WindowDurationCollector(table, WINDOWS, SeriesLimits.defaults(), caughtUp, clock));
    }

    /**
     * Two running runs (one stuck), one pending; finishes of etl-orders/hourly-sync in three 1m
     * slices; the current minute of the flow and of the team tag too (their durations).
     */
    static WindowTable goldenTable() {
        WindowTable table = new WindowTable(WINDOWS, "team:");
        table.putInProgress("run-1", run("run-1", "etl-orders", StateType.RUNNING, false));
        table.putInProgress("run-2", run("run-2", "etl-orders", StateType.RUNNING, true));
        table.putInProgress("run-3", run("run-3", "etl-orders", StateType.PENDING, false));
        Instant minute = Instant.parse("2026-05-04T09:12:00Z");
        table.putWindow( // current minute: 2 runs started, both finished (one FAILED)
                slice(minute, Duration.ofMinutes(1)),
                finishes(2, 1)
                        .plusState(StateType.RUNNING, "Running", false)
                        .plusState(StateType.RUNNING, "Running", false)
                        .plusState(StateType.COMPLETED, "Completed", false)
                        .plusState(StateType.FAILED, "Failed", false));
        table.putWindow(slice(minute.minusSeconds(60), Duration.ofMinutes(1)), finishes(1, 1));
        table.putWindow(slice(minute.minusSeconds(600), Duration.ofMinutes(1)), finishes(3, 0)); // in 1h only
        table.putWindow(
                slice(Instant.parse("2026-05-04T09:10:00Z"), Duration.ofMinutes(5)), finishes(3, 2)); // not summed
        table.putWindow(
                WindowSamples.window(WindowKey.FLOW, Map.of("flow", "etl-orders"), minute, Duration.ofMinutes(1)),
                WindowStats.empty().plusFinish(StateType.COMPLETED, 42.0).plusFinish(StateType.FAILED, 700.0));
        table.putWindow(
                WindowSamples.window(WindowKey.TAG, Map.of("tag", "team:data"), minute, Duration.ofMinutes(1)),
                WindowStats.empty().plusFinish(StateType.COMPLETED, 42.0));
        return table;
    }

    private static InProgressRun run(String id, String flow, StateType type, boolean stuck) {
        return WindowSamples.run(id, flow, type, stuck, NOW.minusSeconds(120));
    }

    private static WindowKey slice(Instant start, Duration size) {
        return WindowSamples.deploymentWindow(start, size);
    }

    private static WindowStats finishes(int finished, int failed) {
        return WindowSamples.finishes(finished, failed);
    }

    static String golden() throws IOException {
        try (InputStream in = TopologyCollectorTest.class.getResourceAsStream("/golden/topology-metrics.txt")) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
