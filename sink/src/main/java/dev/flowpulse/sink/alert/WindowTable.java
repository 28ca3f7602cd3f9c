package dev.flowpulse.sink.alert;

import dev.flowpulse.contract.InProgressRun;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's copy of the topology's window aggregates and in-progress runs, the source of every
 * {@link WindowView}: the latest {@link WindowStats} per tumbling {@link WindowKey} (a final,
 * {@code closed} result wins over an update of the same window), the latest {@link InProgressRun}
 * per flow-run id (removed by its tombstone), and per scope when it was first seen and when a run
 * last finished COMPLETED in it.
 *
 * <p>Scopes: {@code flow}, {@code deployment} and {@code work_pool} windows map to the alert
 * scopes of the same name; a {@code tag} window is a {@code tag} scope with the full tag, and, when
 * the tag starts with {@code teamPrefix} (default {@code team:}), also a {@code team} scope named by
 * the rest of the tag. The topology's deployment windows are grouped by flow, deployment and work
 * pool, so a deployment scope carries its runs' {@code work_pool} ({@code ""} without one), from a
 * window or an in-progress run alike: a rule's {@code match: {work_pool: ...}} applies to it.
 *
 * <p>Scope ids (for {@code generatorURL} links to the Prefect UI) are not in the window topics;
 * they are learned from in-progress runs ({@code flow.id}, {@code deployment.id} by name) and kept
 * after the run's tombstone, so a flow or deployment has a link once any of its runs was seen in
 * progress since the sink started.
 *
 * <p>Hopping windows are not kept: a rule's window is answered by summing tumbling slices of one
 * size ({@link #sliceFor}). Written by one consumer thread, read by the alerting thread; thread safe.
 */
public final class WindowTable {

    private final List<Duration> sliceSizes;
    private final String teamPrefix;
    private final Map<WindowKey, WindowStats> windows = new ConcurrentHashMap<>();
    private final Map<String, InProgressRun> inProgress = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();
    private final Map<ScopeKey, Instant> firstSeen = new ConcurrentHashMap<>();
    private final Map<ScopeKey, Instant> lastCompleted = new ConcurrentHashMap<>();
    private final Map<ScopeKey, String> ids = new ConcurrentHashMap<>();

    /**
     * @param sliceSizes the topology's tumbling window sizes ({@code FLOWPULSE_WINDOWS})
     * @param teamPrefix the tag prefix that names a team
     */
    public WindowTable(List<Duration> sliceSizes, String teamPrefix) {
        if (sliceSizes.isEmpty()) {
            throw new IllegalArgumentException("need at least one window size");
        }
        this.sliceSizes = sliceSizes.stream().sorted().toList();
        this.teamPrefix = Objects.requireNonNull(teamPrefix, "teamPrefix");
    }

    /** Applies one record of a window-stats topic; hopping windows are ignored. */
    public void putWindow(WindowKey key, WindowStats stats) {
        if (key.windowAdvanceSeconds() != key.windowSizeSeconds() || stats == null) {
            return;
        }
        windows.merge(key, stats, (held, next) -> held.closed() && !next.closed() ? held : next);
        changes.incrementAndGet();
        for (ScopeKey scope : scopesOf(key)) {
            firstSeen.merge(scope, key.windowStart(), (a, b) -> a.isBefore(b) ? a : b);
            if (stats.finishedCounts().getOrDefault(StateType.COMPLETED.name(), 0L) > 0) {
                lastCompleted.merge(scope, key.windowEnd(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
    }

    /** Applies one record of the in-progress topic; {@code run} null is a tombstone. */
    public void putInProgress(String flowRunId, InProgressRun run) {
        if (run == null) {
            inProgress.remove(flowRunId);
            changes.incrementAndGet();
            return;
        }
        inProgress.put(flowRunId, run);
        changes.incrementAndGet();
        String flowId =
                run.flow() == null || run.flow().id() == null ? "" : run.flow().id();
        String deploymentId = run.deployment() == null || run.deployment().id() == null
                ? ""
                : run.deployment().id();
        if (!flowId.isEmpty() && !name(run.flow()).isEmpty()) {
            ids.put(ScopeKey.of(ScopeDimension.FLOW, run.workspace(), "flow", name(run.flow())), flowId);
        }
        if (!deploymentId.isEmpty() && !name(run.deployment()).isEmpty()) {
            ids.put(
                    deployment(run.workspace(), name(run.flow()), name(run.deployment()), name(run.workPool())),
                    deploymentId);
        }
        for (ScopeKey scope : scopesOf(run)) {
            firstSeen.merge(scope, run.stateSince(), (a, b) -> a.isBefore(b) ? a : b);
        }
    }

    /** Forgets windows that ended before {@code before}: no rule window reaches back that far. */
    public void pruneBefore(Instant before) {
        if (windows.keySet().removeIf(k -> k.windowEnd().isBefore(before))) {
            changes.incrementAndGet();
        }
    }

    /**
     * Counts the changes of the windows and runs held: read before a scrape builds from the table,
     * an unchanged count (with unchanged {@link #slicesHolding}) means the same metrics.
     */
    public long changes() {
        return changes.get();
    }

    /** The index of the slice holding {@code asOf}, per slice size: what {@link #trailing} depends on in time. */
    public List<Long> slicesHolding(Instant asOf) {
        return sliceSizes.stream()
                .map(size -> Math.floorDiv(asOf.toEpochMilli(), size.toMillis()))
                .toList();
    }

    public int windowCount() {
        return windows.size();
    }

    public int inProgressCount() {
        return inProgress.size();
    }

    /** The tumbling size whose slices tile {@code window}: the largest that divides it, else the smallest. */
    public Duration sliceFor(Duration window) {
        for (int i = sliceSizes.size() - 1; i >= 0; i--) {
            Duration size = sliceSizes.get(i);
            if (window.toMillis() % size.toMillis() == 0) {
                return size;
            }
        }
        return sliceSizes.get(0);
    }

    /** The runs in progress now, in any order. */
    public List<InProgressRun> inProgressRuns() {
        return List.copyOf(inProgress.values());
    }

    /** A window group of the topology: its workspace and group labels ({@code {flow, deployment, work_pool}}, ...). */
    public record Group(String workspace, Map<String, String> labels) {}

    /**
     * Per group of {@code dimension}, the sum of the slices of the <em>smallest</em> size that
     * divides {@code window} (else the smallest size, rounded up) ending with the slice holding
     * {@code asOf}: the trailing window the metrics serve. Groups without such a slice are absent.
     */
    public Map<Group, WindowStats> trailing(String dimension, Instant asOf, Duration window) {
        Duration size = sliceSizes.stream()
                .filter(s -> window.toMillis() % s.toMillis() == 0)
                .findFirst()
                .orElse(sliceSizes.get(0));
        long sizeMs = size.toMillis();
        long slices = (window.toMillis() + sizeMs - 1) / sizeMs;
        long end = Math.floorDiv(asOf.toEpochMilli(), sizeMs) * sizeMs + sizeMs;
        long start = end - slices * sizeMs;
        Map<Group, WindowStats> sums = new HashMap<>();
        for (Map.Entry<WindowKey, WindowStats> e : windows.entrySet()) {
            WindowKey k = e.getKey();
            long ws = k.windowStart().toEpochMilli();
            if (k.dimension().equals(dimension) && k.windowSizeSeconds() * 1000 == sizeMs && ws >= start && ws < end) {
                sums.merge(new Group(k.workspace(), k.group()), e.getValue(), WindowStats::plus);
            }
        }
        return sums;
    }

    /** An immutable snapshot as of {@code asOf} (wall-clock time: windows end there, ages are measured to there). */
    public WindowView snapshot(Instant asOf) {
        Map<ScopeKey, List<Map.Entry<WindowKey, WindowStats>>> byScope = new HashMap<>();
        for (Map.Entry<WindowKey, WindowStats> e : windows.entrySet()) {
            for (ScopeKey scope : scopesOf(e.getKey())) {
                byScope.computeIfAbsent(scope, s -> new ArrayList<>()).add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        Map<ScopeKey, List<RunningRun>> running = new HashMap<>();
        for (InProgressRun run : inProgress.values()) {
            List<ScopeKey> scopes = scopesOf(run);
            for (ScopeKey scope : scopes) {
                byScope.computeIfAbsent(scope, s -> new ArrayList<>());
                if (run.stateType() == StateType.RUNNING) {
                    running.computeIfAbsent(scope, s -> new ArrayList<>())
                            .add(new RunningRun(run.flowRunId(), run.flowRunName(), run.stateSince()));
                }
            }
        }
        return new Snapshot(
                asOf,
                byScope,
                running,
                new HashMap<>(firstSeen),
                new HashMap<>(lastCompleted),
                new HashMap<>(ids),
                this::sliceFor);
    }

    private List<ScopeKey> scopesOf(WindowKey key) {
        Map<String, String> g = key.group();
        String ws = key.workspace();
        return switch (key.dimension()) {
            case WindowKey.FLOW -> List.of(ScopeKey.of(ScopeDimension.FLOW, ws, "flow", g.getOrDefault("flow", "")));
            case WindowKey.DEPLOYMENT ->
                List.of(deployment(
                        ws,
                        g.getOrDefault("flow", ""),
                        g.getOrDefault("deployment", ""),
                        g.getOrDefault("work_pool", "")));
            case WindowKey.WORK_POOL ->
                List.of(ScopeKey.of(ScopeDimension.WORK_POOL, ws, "work_pool", g.getOrDefault("work_pool", "")));
            case WindowKey.TAG -> tagScopes(ws, List.of(g.getOrDefault("tag", "")));
            default -> List.of();
        };
    }

    private List<ScopeKey> scopesOf(InProgressRun run) {
        String ws = run.workspace();
        List<ScopeKey> scopes = new ArrayList<>();
        scopes.add(ScopeKey.of(ScopeDimension.FLOW, ws, "flow", name(run.flow())));
        if (!name(run.deployment()).isEmpty()) {
            scopes.add(deployment(ws, name(run.flow()), name(run.deployment()), name(run.workPool())));
        }
        if (!name(run.workPool()).isEmpty()) {
            scopes.add(ScopeKey.of(ScopeDimension.WORK_POOL, ws, "work_pool", name(run.workPool())));
        }
        scopes.addAll(tagScopes(ws, run.tags()));
        return scopes;
    }

    private List<ScopeKey> tagScopes(String ws, Collection<String> tags) {
        List<ScopeKey> scopes = new ArrayList<>();
        for (String tag : tags) {
            scopes.add(ScopeKey.of(ScopeDimension.TAG, ws, "tag", tag));
            if (!teamPrefix.isEmpty() && tag.startsWith(teamPrefix) && tag.length() > teamPrefix.length()) {
                scopes.add(ScopeKey.of(ScopeDimension.TEAM, ws, "team", tag.substring(teamPrefix.length())));
            }
        }
        return scopes;
    }

    private static ScopeKey deployment(String ws, String flow, String deployment, String workPool) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("flow", flow);
        labels.put("deployment", deployment);
        labels.put("work_pool", workPool);
        return new ScopeKey(ScopeDimension.DEPLOYMENT, ws, labels);
    }

    private static String name(dev.flowpulse.contract.ResourceRef ref) {
        return ref == null || ref.name() == null ? "" : ref.name();
    }

    /** A scope by its labels only (ids are not part of its identity). */
    record ScopeKey(ScopeDimension dimension, String workspace, Map<String, String> labels) {
        static ScopeKey of(ScopeDimension dimension, String workspace, String label, String value) {
            return new ScopeKey(dimension, workspace == null ? "" : workspace, Map.of(label, value));
        }

        static ScopeKey of(Scope scope) {
            return new ScopeKey(scope.dimension(), scope.workspace(), Map.copyOf(scope.labels()));
        }

        /** The scope with the ids known for it ({@code ids}: flow and deployment scope keys → id). */
        Scope toScope(Map<ScopeKey, String> ids) {
            return switch (dimension) {
                case FLOW -> new Scope(dimension, workspace, labels, ids.getOrDefault(this, ""), "");
                case DEPLOYMENT ->
                    new Scope(
                            dimension,
                            workspace,
                            labels,
                            ids.getOrDefault(of(ScopeDimension.FLOW, workspace, "flow", labels.get("flow")), ""),
                            ids.getOrDefault(this, ""));
                default -> new Scope(dimension, workspace, labels, "", "");
            };
        }
    }

    private record Snapshot(
            Instant asOf,
            Map<ScopeKey, List<Map.Entry<WindowKey, WindowStats>>> byScope,
            Map<ScopeKey, List<RunningRun>> runningByScope,
            Map<ScopeKey, Instant> firstSeenByScope,
            Map<ScopeKey, Instant> lastCompletedByScope,
            Map<ScopeKey, String> ids,
            java.util.function.Function<Duration, Duration> slices)
            implements WindowView {

        @Override
        public Collection<Scope> scopes(ScopeDimension dimension) {
            return byScope.keySet().stream()
                    .filter(k -> k.dimension() == dimension)
                    .map(k -> k.toScope(ids))
                    .toList();
        }

        /**
         * Sums the slices of {@link #sliceFor} size that start in {@code [end - window, end)}, where
         * {@code end} is the end of the slice holding {@code asOf}: the window ending with the current
         * slice (when no size divides {@code window}, the smallest one and a window rounded up).
         */
        @Override
        public WindowAggregate window(Scope scope, Duration window) {
            Duration size = slices.apply(window);
            long sizeMs = size.toMillis();
            long slicesNeeded = (window.toMillis() + sizeMs - 1) / sizeMs;
            long end = Math.floorDiv(asOf.toEpochMilli(), sizeMs) * sizeMs + sizeMs;
            long start = end - slicesNeeded * sizeMs;
            WindowStats sum = WindowStats.empty();
            for (Map.Entry<WindowKey, WindowStats> e : byScope.getOrDefault(ScopeKey.of(scope), List.of())) {
                WindowKey k = e.getKey();
                long ws = k.windowStart().toEpochMilli();
                if (k.windowSizeSeconds() * 1000 == sizeMs && ws >= start && ws < end) {
                    sum = sum.plus(e.getValue());
                }
            }
            return new WindowAggregate(
                    sum.finishedTotal(),
                    sum.failedTotal(),
                    sum.durations(),
                    sum.maxDurationSeconds() == null ? 0 : sum.maxDurationSeconds());
        }

        @Override
        public List<RunningRun> running(Scope scope) {
            return List.copyOf(runningByScope.getOrDefault(ScopeKey.of(scope), List.of()));
        }

        @Override
        public Optional<Instant> lastCompleted(Scope scope) {
            return Optional.ofNullable(lastCompletedByScope.get(ScopeKey.of(scope)))
                    .map(t -> t.isAfter(asOf) ? asOf : t);
        }

        @Override
        public Instant firstSeen(Scope scope) {
            Instant t = firstSeenByScope.get(ScopeKey.of(scope));
            return t == null || t.isAfter(asOf) ? asOf : t;
        }
    }
}
