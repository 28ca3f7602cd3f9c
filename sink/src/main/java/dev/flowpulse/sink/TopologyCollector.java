package dev.flowpulse.sink;

import dev.flowpulse.contract.InProgressRun;
import dev.flowpulse.contract.ResourceRef;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.sink.alert.WindowTable;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Serves what the alerting view holds from the topology's in-progress and window topics:
 * <ul>
 *   <li>{@code prefect_flow_runs_in_progress} (gauge): unfinished runs by {@code workspace}, flow,
 *       deployment, work pool and current {@code state_type};</li>
 *   <li>{@code prefect_flow_runs_stuck} (gauge): of those, the ones the topology flagged stuck;</li>
 *   <li>{@code prefect_flow_run_window_finished} (gauge): runs of a deployment that finished in the
 *       trailing {@code window} (each size of {@code FLOWPULSE_WINDOWS}), by terminal {@code state_type};</li>
 *   <li>{@code prefect_flow_run_window_failure_ratio} (gauge): FAILED + CRASHED over finished in that
 *       window; no sample when nothing finished (no ratio rather than a fake 0);</li>
 *   <li>{@code prefect_flow_run_window_states} (gauge): state entries of the deployment's runs in that
 *       window, by {@code state_type} (the types entered in the window).</li>
 * </ul>
 * The trailing window of size W is the W / s slices of the smallest size s that ends with the slice
 * holding now ({@link WindowTable#trailing}), so it moves every s. Every series passes the
 * {@link CardinalityGuard} of its family. Nothing is served until {@code caughtUp} holds.
 * Thread safe.
 */
public final class TopologyCollector implements MultiCollector {

    static final String IN_PROGRESS = "prefect_flow_runs_in_progress";
    static final String STUCK = "prefect_flow_runs_stuck";
    static final String WINDOW_FINISHED = "prefect_flow_run_window_finished";
    static final String WINDOW_FAILURE_RATIO = "prefect_flow_run_window_failure_ratio";
    static final String WINDOW_STATES = "prefect_flow_run_window_states";

    private static final List<StateType> TERMINAL =
            List.of(StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED);

    private final WindowTable table;
    private final List<Duration> windows;
    private final BooleanSupplier caughtUp;
    private final Clock clock;
    private final SnapshotCache cache = new SnapshotCache();
    private final CardinalityGuard inProgressGuard;
    private final CardinalityGuard stuckGuard;
    private final CardinalityGuard windowGuard;

    public TopologyCollector(
            WindowTable table, List<Duration> windows, SeriesLimits limits, BooleanSupplier caughtUp, Clock clock) {
        this.table = Objects.requireNonNull(table, "table");
        this.windows = List.copyOf(windows);
        this.caughtUp = Objects.requireNonNull(caughtUp, "caughtUp");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.inProgressGuard = new CardinalityGuard(limits);
        this.stuckGuard = new CardinalityGuard(limits);
        // the finished counts and the ratio share their series: one guard keeps them aligned
        this.windowGuard = new CardinalityGuard(limits);
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
        Map<Labels, Long> inProgress = new HashMap<>();
        Map<Labels, Long> stuck = new HashMap<>();
        for (InProgressRun run : table.inProgressRuns()) {
            String[] common = {
                "workspace", run.workspace(),
                "flow", name(run.flow()),
                "deployment", name(run.deployment()),
                "work_pool", name(run.workPool())
            };
            String type = run.stateType() == null ? "" : run.stateType().name();
            inProgress.merge(
                    inProgressGuard.route(List.of(List.of(common), type), with(common, "state_type", type)),
                    1L,
                    Long::sum);
            stuck.merge(stuckGuard.route(List.of(common), common), run.stuck() ? 1L : 0L, Long::sum);
        }
        Map<Labels, Long> finished = new HashMap<>();
        Map<Labels, Long> states = new HashMap<>();
        Map<Labels, long[]> ratio = new HashMap<>();
        for (Duration window : windows) {
            String w = window(window);
            table.trailing(WindowKey.DEPLOYMENT, now, window).forEach((group, stats) -> {
                String[] common = {
                    "workspace", group.workspace(),
                    "flow", group.labels().getOrDefault("flow", ""),
                    "deployment", group.labels().getOrDefault("deployment", ""),
                    "work_pool", group.labels().getOrDefault("work_pool", ""),
                    "window", w
                };
                for (StateType t : TERMINAL) {
                    Labels labels =
                            windowGuard.route(List.of(List.of(common), t), with(common, "state_type", t.name()));
                    finished.merge(labels, stats.finishedCounts().getOrDefault(t.name(), 0L), Long::sum);
                }
                stats.stateCounts()
                        .forEach((type, count) -> states.merge(
                                windowGuard.route(List.of(List.of(common), type), with(common, "state_type", type)),
                                count,
                                Long::sum));
                Labels labels = windowGuard.route(List.of(common), common);
                long[] sums = ratio.computeIfAbsent(labels, l -> new long[2]);
                sums[0] += stats.failedTotal();
                sums[1] += stats.finishedTotal();
            });
        }
        return MetricSnapshots.of(
                gauge(IN_PROGRESS, "Flow runs not finished yet, by their current state type", inProgress),
                gauge(
                        STUCK,
                        "Flow runs flagged stuck by the topology (RUNNING or PENDING longer than"
                                + " FLOWPULSE_STUCK_AFTER)",
                        stuck),
                gauge(
                        WINDOW_FINISHED,
                        "Flow runs of a deployment that finished in the trailing window, by terminal" + " state type",
                        finished),
                ratio(ratio),
                gauge(
                        WINDOW_STATES,
                        "Flow-run state entries of a deployment's runs in the trailing window, by state type",
                        states));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(IN_PROGRESS, STUCK, WINDOW_FINISHED, WINDOW_FAILURE_RATIO, WINDOW_STATES);
    }

    private static GaugeSnapshot gauge(String name, String help, Map<Labels, Long> values) {
        GaugeSnapshot.Builder family = GaugeSnapshot.builder().name(name).help(help);
        values.forEach((labels, v) -> family.dataPoint(
                GaugeDataPointSnapshot.builder().labels(labels).value(v).build()));
        return family.build();
    }

    private static GaugeSnapshot ratio(Map<Labels, long[]> sums) {
        GaugeSnapshot.Builder family = GaugeSnapshot.builder()
                .name(WINDOW_FAILURE_RATIO)
                .help("FAILED + CRASHED flow runs over finished flow runs of a deployment in the trailing window"
                        + " (no sample when none finished)");
        sums.forEach((labels, s) -> {
            if (s[1] > 0) {
                family.dataPoint(GaugeDataPointSnapshot.builder()
                        .labels(labels)
                        .value((double) s[0] / s[1])
                        .build());
            }
        });
        return family.build();
    }

    private static String[] with(String[] common, String name, String value) {
        String[] all = new String[common.length + 2];
        System.arraycopy(common, 0, all, 0, common.length);
        all[common.length] = name;
        all[common.length + 1] = value;
        return all;
    }

    /** {@code 1m}, {@code 5m}, {@code 1h}, {@code 90s}: the {@code window} label. */
    static String window(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    private static String name(ResourceRef ref) {
        return ref == null || ref.name() == null ? "" : ref.name();
    }
}
