package dev.flowpulse.sink;

import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.sink.alert.WindowTable;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * {@code prefect_flow_run_window_duration_seconds}: the known durations of the runs that finished in
 * the trailing {@code window} (each size of {@code FLOWPULSE_WINDOWS}), per group of every window
 * dimension the topology keeps: {@code by="flow"} (label {@code flow}), {@code by="deployment"}
 * ({@code flow}, {@code deployment}, {@code work_pool}), {@code by="work_pool"} ({@code work_pool})
 * and {@code by="tag"} ({@code tag}: the tags of {@code FLOWPULSE_WINDOW_TAG_PREFIXES}, e.g. teams);
 * the labels a dimension does not have are {@code ""}, so every series has the same label names.
 * A window is not cumulative, so the family is a <em>gauge histogram</em>: buckets that go down as
 * the window moves ({@code histogram_quantile} works on them directly, {@code rate} does not).
 * Same buckets as {@code prefect_flow_run_duration_seconds}. A run is in several dimensions:
 * never sum across {@code by}. Series pass one {@link CardinalityGuard}; nothing is served until
 * {@code caughtUp}. Thread safe.
 */
public final class WindowDurationCollector implements MultiCollector {

    static final String NAME = "prefect_flow_run_window_duration_seconds";
    private static final List<String> DIMENSIONS =
            List.of(WindowKey.FLOW, WindowKey.DEPLOYMENT, WindowKey.WORK_POOL, WindowKey.TAG);

    private final WindowTable table;
    private final List<Duration> windows;
    private final BooleanSupplier caughtUp;
    private final Clock clock;
    private final SnapshotCache cache = new SnapshotCache();
    private final CardinalityGuard guard;

    public WindowDurationCollector(
            WindowTable table, List<Duration> windows, SeriesLimits limits, BooleanSupplier caughtUp, Clock clock) {
        this.table = Objects.requireNonNull(table, "table");
        this.windows = List.copyOf(windows);
        this.caughtUp = Objects.requireNonNull(caughtUp, "caughtUp");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.guard = new CardinalityGuard(limits);
    }

    @Override
    public MetricSnapshots collect() {
        if (!caughtUp.getAsBoolean()) {
            return MetricSnapshots.of();
        }
        Instant now = clock.instant();
        // read before building: a record applied meanwhile makes the next scrape build again
        return cache.get(List.of(table.changes(), table.slicesHolding(now)), () -> build(now));
    }

    private MetricSnapshots build(Instant now) {
        Map<Labels, DurationHistogram> sums = new HashMap<>();
        for (Duration window : windows) {
            String w = TopologyCollector.window(window);
            for (String dimension : DIMENSIONS) {
                table.trailing(dimension, now, window).forEach((group, stats) -> {
                    Map<String, String> g = group.labels();
                    String[] labels = {
                        "workspace", group.workspace(),
                        "by", dimension,
                        "flow", g.getOrDefault("flow", ""),
                        "deployment", g.getOrDefault("deployment", ""),
                        "work_pool", g.getOrDefault("work_pool", ""),
                        "tag", g.getOrDefault("tag", ""),
                        "window", w
                    };
                    sums.merge(guard.route(List.of(labels), labels), stats.durations(), TotalsCollector::add);
                });
            }
        }
        HistogramSnapshot.Builder family = HistogramSnapshot.builder()
                .name(NAME)
                .help("Time the flow runs that finished in the trailing window spent RUNNING (known durations),"
                        + " per flow, deployment, work pool or tag (by)")
                .unit(Unit.SECONDS)
                .gaugeHistogram(true);
        sums.forEach((labels, h) -> family.dataPoint(TotalsCollector.histogramPoint(labels, h)));
        return MetricSnapshots.of(family.build());
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(NAME);
    }
}
