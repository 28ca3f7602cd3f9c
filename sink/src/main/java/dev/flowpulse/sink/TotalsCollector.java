package dev.flowpulse.sink;

import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.SeriesLabels;
import dev.flowpulse.contract.StateSeries;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders a {@link TotalsTable} as the Prometheus families flowpulse promises:
 * {@code prefect_flow_run_states_total}, {@code prefect_flow_runs_finished_total} and the
 * {@code prefect_flow_run_duration_seconds} histogram. The samples are the absolute totals read
 * from Kafka, so the collector builds snapshots at scrape time rather than incrementing meters.
 *
 * <p>Register it on {@code PrometheusMeterRegistry.getPrometheusRegistry()}. Thread safe: it only
 * reads the table.
 */
public final class TotalsCollector implements MultiCollector {

    /** Names as client_java wants them: counters without {@code _total}, which the writer adds. */
    static final String STATES = "prefect_flow_run_states";

    static final String FINISHED = "prefect_flow_runs_finished";
    static final String DURATION = "prefect_flow_run_duration_seconds";

    static final String STATES_HELP =
            "Flow-run state entries (distinct Prefect state-change events), by state type and state name";
    static final String FINISHED_HELP =
            "Flow runs that reached a terminal state type, each run counted once at its first terminal state";
    static final String DURATION_HELP =
            "Time finished flow runs spent RUNNING (Prefect's total_run_time), by terminal state type";

    /** {@link DurationHistogram#BOUNDS} plus {@code +Inf}: the {@code le} values of every histogram. */
    private static final double[] UPPER_BOUNDS = upperBounds();

    private final TotalsTable table;

    public TotalsCollector(TotalsTable table) {
        this.table = Objects.requireNonNull(table, "table");
    }

    @Override
    public MetricSnapshots collect() {
        return MetricSnapshots.of(stateCounters(), finishedCounters(), durationHistograms());
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(STATES, FINISHED, DURATION);
    }

    private CounterSnapshot stateCounters() {
        CounterSnapshot.Builder family = CounterSnapshot.builder().name(STATES).help(STATES_HELP);
        for (Map.Entry<StateSeries, Long> e : table.stateCounts().entrySet()) {
            StateSeries s = e.getKey();
            family.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(labels(s.labels(), "state_type", s.stateType().name(), "state", s.state()))
                    .value(e.getValue())
                    .build());
        }
        return family.build();
    }

    private CounterSnapshot finishedCounters() {
        CounterSnapshot.Builder family =
                CounterSnapshot.builder().name(FINISHED).help(FINISHED_HELP);
        for (Map.Entry<FinishedSeries, DurationHistogram> e :
                table.finishedHistograms().entrySet()) {
            family.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(labels(e.getKey()))
                    .value(e.getValue().count())
                    .build());
        }
        return family.build();
    }

    private HistogramSnapshot durationHistograms() {
        HistogramSnapshot.Builder family =
                HistogramSnapshot.builder().name(DURATION).help(DURATION_HELP).unit(Unit.SECONDS);
        for (Map.Entry<FinishedSeries, DurationHistogram> e :
                table.finishedHistograms().entrySet()) {
            DurationHistogram h = e.getValue();
            family.dataPoint(HistogramDataPointSnapshot.builder()
                    .labels(labels(e.getKey()))
                    // per-bucket counts, as in the record: the text writer accumulates them into le buckets
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(UPPER_BOUNDS, h.counts()))
                    .sum(h.sumSeconds())
                    .build());
        }
        return family.build();
    }

    private static Labels labels(FinishedSeries series) {
        return labels(series.labels(), "state_type", series.stateType().name());
    }

    /** The shared flow/deployment/work_pool labels plus extra name/value pairs; empty names stay {@code ""}. */
    private static Labels labels(SeriesLabels common, String... extra) {
        String[] namesAndValues = new String[6 + extra.length];
        namesAndValues[0] = "flow";
        namesAndValues[1] = common.flow();
        namesAndValues[2] = "deployment";
        namesAndValues[3] = common.deployment();
        namesAndValues[4] = "work_pool";
        namesAndValues[5] = common.workPool();
        System.arraycopy(extra, 0, namesAndValues, 6, extra.length);
        return Labels.of(namesAndValues);
    }

    private static double[] upperBounds() {
        List<Double> bounds = DurationHistogram.BOUNDS;
        double[] result = new double[bounds.size() + 1];
        for (int i = 0; i < bounds.size(); i++) {
            result[i] = bounds.get(i);
        }
        result[bounds.size()] = Double.POSITIVE_INFINITY;
        return result;
    }
}
