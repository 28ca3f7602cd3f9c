package dev.flowpulse.sink;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Serves the {@link HistoryTable} (Prefect's {@code POST /api/flow_runs/history}, polled by ingest)
 * as gauges, the seed exporter's view done right:
 * <ul>
 *   <li>{@code prefect_flow_run_history_runs{workspace,state_type,state}}: Σ {@code count_runs};</li>
 *   <li>{@code prefect_flow_run_history_run_time_seconds{…}}: Σ {@code sum_estimated_run_time};</li>
 *   <li>{@code prefect_flow_run_history_lateness_seconds{…}}: Σ {@code sum_estimated_lateness};</li>
 * </ul>
 * summed over the cells of the range ingest polls that are in the topic now. Nothing is served
 * until {@code caughtUp} holds. Series pass one {@link CardinalityGuard} (the {@code state} label
 * obeys {@code FLOWPULSE_SINK_ALLOW_STATE}/{@code _DENY_STATE} and the cap). Thread safe.
 */
public final class HistoryCollector implements MultiCollector {

    static final String RUNS = "prefect_flow_run_history_runs";
    static final String RUN_TIME = "prefect_flow_run_history_run_time_seconds";
    static final String LATENESS = "prefect_flow_run_history_lateness_seconds";

    private final HistoryTable table;
    private final BooleanSupplier caughtUp;
    private final CardinalityGuard guard;

    public HistoryCollector(HistoryTable table, SeriesLimits limits, BooleanSupplier caughtUp) {
        this.table = Objects.requireNonNull(table, "table");
        this.caughtUp = Objects.requireNonNull(caughtUp, "caughtUp");
        this.guard = new CardinalityGuard(limits);
    }

    @Override
    public MetricSnapshots collect() {
        if (!caughtUp.getAsBoolean()) {
            return MetricSnapshots.of();
        }
        Map<Labels, HistoryTable.Cell> sums = new HashMap<>();
        table.sums().forEach((series, cell) -> sums.merge(route(series), cell, HistoryTable.Cell::plus));
        return MetricSnapshots.of(
                gauge(
                        RUNS,
                        "Flow runs Prefect's flow-run history puts in this state now, over the polled range"
                                + " (FLOWPULSE_HISTORY_RANGE)",
                        sums,
                        c -> (double) c.countRuns()),
                gauge(
                        RUN_TIME,
                        "Sum of Prefect's estimated run time of those runs (sum_estimated_run_time)",
                        sums,
                        c -> c.sumEstimatedRunTime().doubleValue()),
                gauge(
                        LATENESS,
                        "Sum of Prefect's estimated start lateness of those runs (sum_estimated_lateness)",
                        sums,
                        c -> c.sumEstimatedLateness().doubleValue()));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(RUNS, RUN_TIME, LATENESS);
    }

    private Labels route(HistoryTable.Series s) {
        return guard.route(s, "workspace", s.workspace(), "state_type", s.stateType(), "state", s.stateName());
    }

    private static GaugeSnapshot gauge(
            String name, String help, Map<Labels, HistoryTable.Cell> sums, Function<HistoryTable.Cell, Double> value) {
        GaugeSnapshot.Builder family = GaugeSnapshot.builder().name(name).help(help);
        if (name.endsWith("_seconds")) {
            family.unit(Unit.SECONDS);
        }
        sums.forEach((labels, cell) -> family.dataPoint(GaugeDataPointSnapshot.builder()
                .labels(labels)
                .value(value.apply(cell))
                .build()));
        return family.build();
    }
}
