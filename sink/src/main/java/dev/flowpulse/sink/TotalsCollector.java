package dev.flowpulse.sink;

import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;

/**
 * Renders a {@link TotalsTable} as the Prometheus families flowpulse promises:
 * {@code prefect_flow_run_states_total}, {@code prefect_flow_runs_finished_total} (every finish,
 * {@code FinishedTotal.finished_count}), {@code prefect_flow_runs_finished_unknown_duration_total}
 * (those of them whose duration is unknown) and the {@code prefect_flow_run_duration_seconds}
 * histogram (the known durations only). Every series carries {@code workspace}. The samples are the absolute totals read
 * from Kafka, so the collector builds snapshots at scrape time rather than incrementing meters.
 *
 * <p>Nothing is served until the table is rebuilt (see the constructor). Every series passes the {@link CardinalityGuard} of its family ({@link SeriesLimits}): the
 * values of series folded together are summed, so totals add up exactly.
 *
 * <p>Register it on {@code PrometheusMeterRegistry.getPrometheusRegistry()}. Thread safe: it only
 * reads the table, and the guards are thread safe.
 */
public final class TotalsCollector implements MultiCollector {

    /** Names as client_java wants them: counters without {@code _total}, which the writer adds. */
    static final String STATES = "prefect_flow_run_states";

    static final String FINISHED = "prefect_flow_runs_finished";
    static final String UNKNOWN_DURATION = "prefect_flow_runs_finished_unknown_duration";
    static final String DURATION = "prefect_flow_run_duration_seconds";

    static final String STATES_HELP =
            "Flow-run state entries (distinct Prefect state-change events), by state type and state name";
    static final String FINISHED_HELP =
            "Flow-run finishes into a terminal state type (a run that finishes again after a retry counts again),"
                    + " with or without a known duration";
    static final String UNKNOWN_DURATION_HELP =
            "Flow-run finishes whose time spent RUNNING is unknown (states missing): counted in"
                    + " prefect_flow_runs_finished_total, left out of prefect_flow_run_duration_seconds";
    static final String DURATION_HELP =
            "Time finished flow runs spent RUNNING (Prefect's total_run_time), by terminal state type";

    /** {@link DurationHistogram#BOUNDS} plus {@code +Inf}: the {@code le} values of every histogram. */
    private static final double[] UPPER_BOUNDS = upperBounds();

    private final TotalsTable table;
    private final CardinalityGuard stateGuard;
    private final CardinalityGuard finishedGuard;
    private final BooleanSupplier rebuilt;
    private final SnapshotCache cache = new SnapshotCache();

    /** With {@link SeriesLimits#defaults()}, serving the table as it is at once. */
    public TotalsCollector(TotalsTable table) {
        this(table, SeriesLimits.defaults(), () -> true);
    }

    /**
     * @param rebuilt true once the table holds what the topics held when the sink started: until
     *                then the families are left out of {@code /metrics} (a scrape of a half-built
     *                table would show counters lower than before the restart, which Prometheus
     *                reads as resets). Once true it must stay true.
     */
    public TotalsCollector(TotalsTable table, SeriesLimits limits, BooleanSupplier rebuilt) {
        this.table = Objects.requireNonNull(table, "table");
        this.rebuilt = Objects.requireNonNull(rebuilt, "rebuilt");
        this.stateGuard = new CardinalityGuard(limits);
        // finished counters and duration histograms share their series, so one guard keeps them equal
        this.finishedGuard = new CardinalityGuard(limits);
    }

    @Override
    public MetricSnapshots collect() {
        if (!rebuilt.getAsBoolean()) {
            return MetricSnapshots.of();
        }
        return cache.get(table.changes(), this::build);
    }

    private MetricSnapshots build() {
        // one read of the finished series for both families: _count and _total stay equal in a scrape
        Map<Labels, FinishedTotal> finished = finishedSums();
        return MetricSnapshots.of(
                stateCounters(),
                counter(FINISHED, FINISHED_HELP, finished, FinishedTotal::count),
                counter(UNKNOWN_DURATION, UNKNOWN_DURATION_HELP, finished, FinishedTotal::unknownDurationCount),
                durationHistograms(finished));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(STATES, FINISHED, UNKNOWN_DURATION, DURATION);
    }

    /** Source series folded by the cardinality guard, per family (routes every series not routed yet). */
    long folded(String family) {
        routeAll();
        return guard(family).folded();
    }

    /** Series served per family after the cardinality guard. */
    int servedSeries(String family) {
        routeAll();
        return guard(family).servedSeries();
    }

    private CardinalityGuard guard(String family) {
        return family.startsWith(STATES) ? stateGuard : finishedGuard;
    }

    private void routeAll() {
        table.stateCounts().keySet().forEach(this::route);
        table.finishedTotals().keySet().forEach(this::route);
    }

    private CounterSnapshot stateCounters() {
        Map<Labels, Long> sums = new HashMap<>();
        for (Map.Entry<StateSeries, Long> e : table.stateCounts().entrySet()) {
            sums.merge(route(e.getKey()), e.getValue(), Long::sum);
        }
        CounterSnapshot.Builder family = CounterSnapshot.builder().name(STATES).help(STATES_HELP);
        sums.forEach((labels, count) -> family.dataPoint(
                CounterDataPointSnapshot.builder().labels(labels).value(count).build()));
        return family.build();
    }

    private Map<Labels, FinishedTotal> finishedSums() {
        Map<Labels, FinishedTotal> sums = new HashMap<>();
        for (Map.Entry<FinishedSeries, FinishedTotal> e : table.finishedTotals().entrySet()) {
            sums.merge(route(e.getKey()), e.getValue(), TotalsCollector::add);
        }
        return sums;
    }

    private static CounterSnapshot counter(
            String name, String help, Map<Labels, FinishedTotal> finished, ToLongFunction<FinishedTotal> value) {
        CounterSnapshot.Builder family = CounterSnapshot.builder().name(name).help(help);
        finished.forEach((labels, t) -> family.dataPoint(CounterDataPointSnapshot.builder()
                .labels(labels)
                .value(value.applyAsLong(t))
                .build()));
        return family.build();
    }

    private static HistogramSnapshot durationHistograms(Map<Labels, FinishedTotal> finished) {
        HistogramSnapshot.Builder family =
                HistogramSnapshot.builder().name(DURATION).help(DURATION_HELP).unit(Unit.SECONDS);
        finished.forEach((labels, t) -> family.dataPoint(histogramPoint(labels, t.histogram())));
        return family.build();
    }

    /** One classic histogram sample set: {@link DurationHistogram#BOUNDS} plus {@code +Inf}. */
    static HistogramDataPointSnapshot histogramPoint(Labels labels, DurationHistogram h) {
        return HistogramDataPointSnapshot.builder()
                .labels(labels)
                // per-bucket counts, as in the record: the text writer accumulates them into le buckets
                .classicHistogramBuckets(ClassicHistogramBuckets.of(UPPER_BOUNDS, h.counts()))
                .sum(h.sumSeconds())
                .build();
    }

    private Labels route(StateSeries s) {
        return stateGuard.route(
                s, labels(s.labels(), "state_type", s.stateType().name(), "state", s.state()));
    }

    private Labels route(FinishedSeries s) {
        return finishedGuard.route(
                s, labels(s.labels(), "state_type", s.stateType().name()));
    }

    static FinishedTotal add(FinishedTotal a, FinishedTotal b) {
        return new FinishedTotal(
                a.series(), add(a.histogram(), b.histogram()), a.unknownDurationCount() + b.unknownDurationCount());
    }

    static DurationHistogram add(DurationHistogram a, DurationHistogram b) {
        long[] counts = a.counts().clone();
        for (int i = 0; i < counts.length; i++) {
            counts[i] += b.counts()[i];
        }
        return new DurationHistogram(a.count() + b.count(), a.sumSeconds() + b.sumSeconds(), counts);
    }

    /** The shared workspace/flow/deployment/work_pool labels plus extra name/value pairs; empty names stay {@code ""}. */
    private static String[] labels(SeriesLabels common, String... extra) {
        String[] namesAndValues = new String[8 + extra.length];
        namesAndValues[0] = "workspace";
        namesAndValues[1] = common.workspace();
        namesAndValues[2] = "flow";
        namesAndValues[3] = common.flow();
        namesAndValues[4] = "deployment";
        namesAndValues[5] = common.deployment();
        namesAndValues[6] = "work_pool";
        namesAndValues[7] = common.workPool();
        System.arraycopy(extra, 0, namesAndValues, 8, extra.length);
        return namesAndValues;
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
