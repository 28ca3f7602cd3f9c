package dev.flowpulse.streams;

import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.InProgressRun;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.LateRecord;
import dev.flowpulse.contract.SeriesLabels;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.streams.parse.ParseResult;
import dev.flowpulse.streams.parse.RawEventProcessor;
import dev.flowpulse.streams.run.FlowRunStateProcessor;
import dev.flowpulse.streams.run.RunOutput;
import dev.flowpulse.streams.serde.InternalSerdes;
import dev.flowpulse.streams.state.CommitBatcher;
import dev.flowpulse.streams.state.CommitHooks;
import dev.flowpulse.streams.state.WriteBehindStore;
import dev.flowpulse.streams.window.WindowAggregator;
import dev.flowpulse.streams.window.WindowContribution;
import dev.flowpulse.streams.window.WindowContributions;
import dev.flowpulse.streams.window.WindowGroup;
import dev.flowpulse.streams.window.WindowOutput;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Prefect flow-run events, partitioned by flow-run id, into distinct transitions, finishes,
 * cumulative totals, in-progress runs and event-time window statistics. See
 * {@code streams/README.md} for the design.
 *
 * <p>Every processor, store and repartition topic has an explicit name (the constants below), so
 * a refactor cannot silently rename a changelog topic; built with the service's streams properties,
 * {@code ensure.explicit.internal.resource.naming} makes that a build-time check.
 *
 * <p>Each {@link #get()} builds a new, independent topology. Thread safe.
 */
public final class FlowRunTopology implements Supplier<Topology> {

    // Stores (their changelog topics are <application.id>-<store>-changelog).
    public static final String FLOW_RUN_STATE_STORE = "flow-run-state";
    /** Time-ordered index of the runs' settle, stuck and purge deadlines, plus the task's event time. */
    public static final String RUN_TIMERS_STORE = "run-timers";

    public static final String STATE_TOTALS_STORE = "state-totals";
    public static final String FINISHED_TOTALS_STORE = "finished-totals";
    /** Open windows, closed slices kept for hopping windows, hopping windows due, by window end. */
    public static final String WINDOW_AGGREGATES_STORE = "window-aggregates";
    /**
     * The window task's event time and close mark (named for what it also held before: the open windows
     * changed since their last update, now kept in memory; renaming it would orphan its changelog).
     */
    public static final String WINDOW_UPDATES_DUE_STORE = "window-updates-due";
    /**
     * Runs the batchers' forwards before each commit of a run task (no changelog: holds nothing).
     */
    public static final String COMMIT_HOOKS_STORE = "run-task-commit-hooks";
    // Repartitions (topics <application.id>-<name>-repartition).
    public static final String STATE_TOTALS_REPARTITION = "state-totals-by-series";
    public static final String FINISHED_TOTALS_REPARTITION = "finished-totals-by-series";
    public static final String WINDOW_REPARTITION = "window-contributions-by-group";
    // Processors.
    static final String SOURCE = "read-raw-events";
    static final String PARSE = "parse-prefect-events";
    static final String ROUTE = "route-parsed-";
    static final String DEAD_LETTER_BRANCH = ROUTE + "dead-letter";
    static final String STATE_CHANGE_BRANCH = ROUTE + "state-change";
    static final String TRACK_RUNS = "track-flow-run-state";
    static final String RUN_OUTPUT = "run-output-";
    static final String TRANSITION_BRANCH = RUN_OUTPUT + "transition";
    static final String FINISH_BRANCH = RUN_OUTPUT + "finish";
    static final String CURRENT_FINISH_BRANCH = RUN_OUTPUT + "current-finish";
    static final String IN_PROGRESS_BRANCH = RUN_OUTPUT + "in-progress";
    static final String BATCH_STATE_ENTRIES = "batch-state-entries";
    static final String BATCH_WINDOW_CONTRIBUTIONS = "batch-window-contributions";
    static final String AGGREGATE_WINDOWS = "aggregate-windows";
    static final String WINDOW_OUTPUT = "window-output-";
    static final String WINDOW_UPDATE_BRANCH = WINDOW_OUTPUT + "update";
    static final String WINDOW_FINAL_BRANCH = WINDOW_OUTPUT + "final";
    static final String WINDOW_LATE_BRANCH = WINDOW_OUTPUT + "late";

    private static final Serde<String> STRING = Serdes.String();
    private static final Serde<FlowRunTransition> TRANSITION = JsonSerde.of(FlowRunTransition.class);
    private static final Serde<FinishedFlowRun> FINISHED_RUN = JsonSerde.of(FinishedFlowRun.class);
    // Internal records (stores, changelogs, repartitions) are compact binary; outputs stay JSON.
    /**
     * Records a run task holds in its batches before the commit at most (then it forwards them all):
     * a few MB of memory.
     */
    static final int MAX_BATCHED = 10_000;

    private static final Serde<FinishedFlowRun> INTERNAL_FINISHED_RUN = InternalSerdes.FINISHED_RUN;
    private static final Serde<StateSeries> STATE_SERIES = JsonSerde.of(StateSeries.class);
    private static final Serde<FinishedSeries> FINISHED_SERIES = JsonSerde.of(FinishedSeries.class);
    private static final Serde<FinishedTotal> FINISHED_TOTAL = JsonSerde.of(FinishedTotal.class);
    private static final Serde<WindowKey> WINDOW_KEY = JsonSerde.of(WindowKey.class);
    private static final Serde<WindowStats> WINDOW_STATS = JsonSerde.of(WindowStats.class);

    private final Topics topics;
    private final TopologySettings settings;
    private final Properties streamsProperties;
    private final StreamsCounters counters;

    /**
     * @param streamsProperties the service's streams properties (application id and bootstrap
     *                          servers at least); topology-level settings such as explicit naming are read from them
     */
    public FlowRunTopology(
            Topics topics, TopologySettings settings, Properties streamsProperties, StreamsCounters counters) {
        this.topics = topics;
        this.settings = settings;
        this.streamsProperties = (Properties) streamsProperties.clone();
        this.counters = counters;
    }

    @Override
    public Topology get() {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsProperties)));
        // Record caches on every store: a key written several times between two commits reaches
        // RocksDB and its changelog once.
        // Write-behind (WriteBehindStore) in front of the cache for the two stores written on every
        // record: each key is serialized and cached once per commit, not once per write.
        builder.addStateStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(FLOW_RUN_STATE_STORE), STRING, InternalSerdes.RUN_HISTORY)
                .withCachingEnabled()));
        // Cached: the event time is rewritten on most records; the changelog sees it once per commit.
        builder.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RUN_TIMERS_STORE), STRING, STRING)
                        .withCachingEnabled());
        builder.addStateStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(WINDOW_AGGREGATES_STORE), STRING, InternalSerdes.WINDOW_STATS)
                .withCachingEnabled()));
        builder.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOW_UPDATES_DUE_STORE), STRING, STRING)
                        .withCachingEnabled());
        builder.addStateStore(CommitHooks.builder(COMMIT_HOOKS_STORE));

        // Parse: state changes go on in event time; rejects go to the dead-letter topic as they came.
        Map<String, KStream<String, ParseResult>> routes = builder.stream(
                        topics.rawEvents(),
                        Consumed.with(STRING, Serdes.ByteArray()).withName(SOURCE))
                .processValues(() -> new RawEventProcessor(counters), Named.as(PARSE))
                .split(Named.as(ROUTE))
                .branch((runId, parsed) -> parsed.isDeadLetter(), Branched.as("dead-letter"))
                .defaultBranch(Branched.as("state-change"));
        routes.get(DEAD_LETTER_BRANCH)
                .mapValues(ParseResult::original, Named.as("dead-letter-original-bytes"))
                .to(
                        topics.deadLetters(),
                        Produced.with(STRING, Serdes.ByteArray()).withName("write-dead-letters"));

        // Per run: drop redeliveries, order by occurred, replay total_run_time; one finish per terminal
        // state once the RUNNING time before it is known or its settle time passed (pipeline time).
        Map<String, KStream<String, RunOutput>> outputs = routes.get(STATE_CHANGE_BRANCH)
                .mapValues(ParseResult::event, Named.as("state-change-event"))
                .process(
                        () -> new FlowRunStateProcessor(FLOW_RUN_STATE_STORE, RUN_TIMERS_STORE, settings, counters),
                        Named.as(TRACK_RUNS),
                        FLOW_RUN_STATE_STORE,
                        RUN_TIMERS_STORE)
                .split(Named.as(RUN_OUTPUT))
                .branch((runId, output) -> output.is(RunOutput.Kind.TRANSITION), Branched.as("transition"))
                .branch((runId, output) -> output.is(RunOutput.Kind.FINISH), Branched.as("finish"))
                .branch((runId, output) -> output.is(RunOutput.Kind.CURRENT_FINISH), Branched.as("current-finish"))
                .defaultBranch(Branched.as("in-progress"));

        KStream<String, FlowRunTransition> transitions =
                outputs.get(TRANSITION_BRANCH).mapValues(RunOutput::transition, Named.as("transition"));
        transitions.to(topics.states(), Produced.with(STRING, TRANSITION).withName("write-transitions"));

        KStream<String, FinishedFlowRun> finishes =
                outputs.get(FINISH_BRANCH).mapValues(RunOutput::finish, Named.as("finish"));
        outputs.get(CURRENT_FINISH_BRANCH)
                .mapValues(RunOutput::finish, Named.as("current-finish"))
                .to(topics.finishedRuns(), Produced.with(STRING, FINISHED_RUN).withName("write-finished-runs"));
        outputs.get(IN_PROGRESS_BRANCH)
                .mapValues(RunOutput::inProgress, Named.as("in-progress-run"))
                .to(
                        topics.inProgressRuns(),
                        Produced.with(STRING, JsonSerde.of(InProgressRun.class)).withName("write-in-progress-runs"));

        countStateEntries(transitions);
        aggregateFinishes(finishes);
        windowStats(transitions, finishes);
        return builder.build();
    }

    /**
     * Cumulative distinct state entries per series: prefect_flow_run_states_total. Each run task
     * counts its entries per series between two commits and sends the count across the repartition
     * once per series per commit ({@link CommitBatcher}); the store adds the counts.
     */
    private void countStateEntries(KStream<String, FlowRunTransition> transitions) {
        transitions
                .map((runId, t) -> KeyValue.pair(stateSeries(t), 1L), Named.as("state-series"))
                .process(
                        () -> new CommitBatcher<StateSeries, Long, Long>(
                                COMMIT_HOOKS_STORE, n -> n, Long::sum, MAX_BATCHED),
                        Named.as(BATCH_STATE_ENTRIES),
                        COMMIT_HOOKS_STORE)
                .groupByKey(Grouped.with(STATE_TOTALS_REPARTITION, STATE_SERIES, InternalSerdes.STATE_ENTRY_COUNT))
                .aggregate(
                        () -> 0L,
                        (series, entries, total) -> total + entries,
                        Named.as("count-state-entries"),
                        Materialized.<StateSeries, Long, KeyValueStore<Bytes, byte[]>>as(STATE_TOTALS_STORE)
                                .withKeySerde(STATE_SERIES)
                                .withValueSerde(Serdes.Long()))
                .toStream(Named.as("state-totals-changes"))
                .mapValues(StateTotal::new, Named.as("state-total"))
                .to(
                        topics.stateTotals(),
                        Produced.with(STATE_SERIES, JsonSerde.of(StateTotal.class))
                                .withName("write-state-totals"));
    }

    /** Finishes per series with the histogram of known durations: prefect_flow_runs_finished_total & co. */
    private void aggregateFinishes(KStream<String, FinishedFlowRun> finishes) {
        finishes.groupBy(
                        (runId, run) -> finishedSeries(run),
                        Grouped.with(FINISHED_TOTALS_REPARTITION, FINISHED_SERIES, INTERNAL_FINISHED_RUN))
                .aggregate(
                        () -> null,
                        (series, run, total) -> addFinish(series, total, run),
                        Named.as("aggregate-finished-runs"),
                        Materialized.<FinishedSeries, FinishedTotal, KeyValueStore<Bytes, byte[]>>as(
                                        FINISHED_TOTALS_STORE)
                                .withKeySerde(FINISHED_SERIES)
                                .withValueSerde(FINISHED_TOTAL))
                .toStream(Named.as("finished-totals-changes"))
                .to(
                        topics.finishedTotals(),
                        Produced.with(FINISHED_SERIES, FINISHED_TOTAL).withName("write-finished-totals"));
    }

    /**
     * Event-time windows per group: each state entry and finish is fanned out to its groups, sent
     * through one repartition by group, and aggregated, closed and published by {@link WindowAggregator}.
     */
    private void windowStats(
            KStream<String, FlowRunTransition> transitions, KStream<String, FinishedFlowRun> finishes) {
        List<String> tagPrefixes = settings.tagPrefixes();
        KStream<WindowGroup, WindowContribution> contributions = transitions
                .flatMap(
                        (runId, t) -> contributions(
                                WindowGroup.of(t.event(), tagPrefixes), WindowContribution.ofState(t.event())),
                        Named.as("window-state-contributions"))
                .merge(
                        finishes.flatMap(
                                (runId, f) ->
                                        contributions(WindowGroup.of(f, tagPrefixes), WindowContribution.ofFinish(f)),
                                Named.as("window-finish-contributions")),
                        Named.as("window-contributions"));
        Map<String, KStream<String, WindowOutput>> windowOutputs = contributions
                .process(
                        () -> new CommitBatcher<WindowGroup, WindowContribution, WindowContributions>(
                                COMMIT_HOOKS_STORE, WindowContributions::of, WindowContributions::plus, MAX_BATCHED),
                        Named.as(BATCH_WINDOW_CONTRIBUTIONS),
                        COMMIT_HOOKS_STORE)
                .repartition(Repartitioned.<WindowGroup, WindowContributions>as(WINDOW_REPARTITION)
                        .withKeySerde(InternalSerdes.WINDOW_GROUP)
                        .withValueSerde(InternalSerdes.WINDOW_CONTRIBUTIONS))
                .flatMapValues(WindowContributions::values, Named.as("window-contributions-of-batch"))
                .process(
                        () -> new WindowAggregator(
                                WINDOW_AGGREGATES_STORE, WINDOW_UPDATES_DUE_STORE, settings, counters),
                        Named.as(AGGREGATE_WINDOWS),
                        WINDOW_AGGREGATES_STORE,
                        WINDOW_UPDATES_DUE_STORE)
                .split(Named.as(WINDOW_OUTPUT))
                .branch((k, out) -> out.is(WindowOutput.Kind.UPDATE), Branched.as("update"))
                .branch((k, out) -> out.is(WindowOutput.Kind.FINAL), Branched.as("final"))
                .defaultBranch(Branched.as("late"));
        windowOutputs
                .get(WINDOW_UPDATE_BRANCH)
                .map((k, out) -> KeyValue.pair(out.key(), out.stats()), Named.as("window-update"))
                .to(
                        topics.windowStats(),
                        Produced.with(WINDOW_KEY, WINDOW_STATS).withName("write-window-updates"));
        windowOutputs
                .get(WINDOW_FINAL_BRANCH)
                .map((k, out) -> KeyValue.pair(out.key(), out.stats()), Named.as("window-final"))
                .to(
                        topics.windowStatsFinal(),
                        Produced.with(WINDOW_KEY, WINDOW_STATS).withName("write-window-finals"));
        windowOutputs
                .get(WINDOW_LATE_BRANCH)
                .mapValues(WindowOutput::late, Named.as("late-record"))
                .to(
                        topics.lateRecords(),
                        Produced.with(STRING, JsonSerde.of(LateRecord.class)).withName("write-late-records"));
    }

    private static List<KeyValue<WindowGroup, WindowContribution>> contributions(
            List<WindowGroup> groups, WindowContribution contribution) {
        return groups.stream().map(g -> KeyValue.pair(g, contribution)).toList();
    }

    static StateSeries stateSeries(FlowRunTransition t) {
        return new StateSeries(
                SeriesLabels.of(t.event()), t.event().stateType(), t.event().stateName());
    }

    static FinishedSeries finishedSeries(FinishedFlowRun run) {
        return new FinishedSeries(
                new SeriesLabels(
                        run.workspace(),
                        run.flow().name(),
                        run.deployment().name(),
                        run.workPool().name()),
                run.stateType());
    }

    static FinishedTotal addFinish(FinishedSeries series, FinishedTotal total, FinishedFlowRun run) {
        FinishedTotal current = total == null ? new FinishedTotal(series, DurationHistogram.empty()) : total;
        return current.plus(run.totalRunTimeSeconds());
    }
}
