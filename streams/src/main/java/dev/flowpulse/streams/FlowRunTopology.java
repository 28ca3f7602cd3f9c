package dev.flowpulse.streams;

import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.SeriesLabels;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.streams.parse.ParseResult;
import dev.flowpulse.streams.parse.RawEventProcessor;
import dev.flowpulse.streams.run.FlowRunStateProcessor;
import dev.flowpulse.streams.run.RunHistory;
import dev.flowpulse.streams.run.RunOutput;
import dev.flowpulse.streams.window.WindowContribution;
import dev.flowpulse.streams.window.WindowGroup;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
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
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Prefect flow-run events, partitioned by flow-run id, into distinct transitions, finished runs,
 * cumulative totals and event-time window statistics. See {@code streams/README.md} for the design.
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
    /** Index of held-back finishes: flow-run id → wall-clock ms they became pending. */
    public static final String PENDING_FINISHES_STORE = "pending-finishes";

    public static final String STATE_TOTALS_STORE = "state-totals";
    public static final String FINISHED_TOTALS_STORE = "finished-totals";
    public static final String FLOW_WINDOW_STATS_STORE = "flow-window-stats";
    public static final String DEPLOYMENT_WINDOW_STATS_STORE = "deployment-window-stats";
    // Repartitions (topics <application.id>-<name>-repartition).
    public static final String STATE_TOTALS_REPARTITION = "state-totals-by-series";
    public static final String FINISHED_TOTALS_REPARTITION = "finished-totals-by-series";
    public static final String FLOW_WINDOW_REPARTITION = "window-stats-by-flow";
    public static final String DEPLOYMENT_WINDOW_REPARTITION = "window-stats-by-deployment";
    // Processors.
    static final String SOURCE = "read-raw-events";
    static final String PARSE = "parse-prefect-events";
    static final String ROUTE = "route-parsed-";
    static final String DEAD_LETTER_BRANCH = ROUTE + "dead-letter";
    static final String STATE_CHANGE_BRANCH = ROUTE + "state-change";
    static final String TRACK_RUNS = "track-flow-run-state";
    static final String RUN_OUTPUT = "run-output-";
    static final String FINISH_BRANCH = RUN_OUTPUT + "finish";
    static final String TRANSITION_BRANCH = RUN_OUTPUT + "transition";

    private static final Serde<String> STRING = Serdes.String();
    private static final Serde<FlowRunEvent> EVENT = JsonSerde.of(FlowRunEvent.class);
    private static final Serde<FlowRunTransition> TRANSITION = JsonSerde.of(FlowRunTransition.class);
    private static final Serde<FinishedFlowRun> FINISHED_RUN = JsonSerde.of(FinishedFlowRun.class);
    private static final Serde<StateSeries> STATE_SERIES = JsonSerde.of(StateSeries.class);
    private static final Serde<FinishedSeries> FINISHED_SERIES = JsonSerde.of(FinishedSeries.class);
    private static final Serde<WindowGroup> WINDOW_GROUP = JsonSerde.of(WindowGroup.class);
    private static final Serde<WindowStats> WINDOW_STATS = JsonSerde.of(WindowStats.class);
    private static final Serde<WindowContribution> CONTRIBUTION = JsonSerde.of(WindowContribution.class);

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
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(FLOW_RUN_STATE_STORE), STRING, JsonSerde.of(RunHistory.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PENDING_FINISHES_STORE), STRING, Serdes.Long()));

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

        // Per run: drop redeliveries, order by occurred, replay total_run_time; finish once, when the
        // history is complete or the settle timeout forces it (so possibly after the terminal transition).
        Map<String, KStream<String, RunOutput>> outputs = routes.get(STATE_CHANGE_BRANCH)
                .mapValues(ParseResult::event, Named.as("state-change-event"))
                .process(
                        () -> new FlowRunStateProcessor(
                                FLOW_RUN_STATE_STORE, PENDING_FINISHES_STORE, settings, counters),
                        Named.as(TRACK_RUNS),
                        FLOW_RUN_STATE_STORE,
                        PENDING_FINISHES_STORE)
                .split(Named.as(RUN_OUTPUT))
                .branch((runId, output) -> output.isFinish(), Branched.as("finish"))
                .defaultBranch(Branched.as("transition"));

        KStream<String, FlowRunTransition> transitions =
                outputs.get(TRANSITION_BRANCH).mapValues(RunOutput::transition, Named.as("transition"));
        transitions.to(topics.states(), Produced.with(STRING, TRANSITION).withName("write-transitions"));

        KStream<String, FinishedFlowRun> finishedRuns =
                outputs.get(FINISH_BRANCH).mapValues(RunOutput::finished, Named.as("finished-run"));
        finishedRuns.to(
                topics.finishedRuns(), Produced.with(STRING, FINISHED_RUN).withName("write-finished-runs"));

        countStateEntries(transitions);
        aggregateFinishedRuns(finishedRuns);

        // Windows see state entries and finishes as one stream, each at its own event time.
        KStream<String, WindowContribution> contributions = transitions
                .mapValues(t -> WindowContribution.ofState(t.event()), Named.as("window-state-contribution"))
                .merge(
                        finishedRuns.mapValues(WindowContribution::ofFinish, Named.as("window-finish-contribution")),
                        Named.as("window-contributions"));
        windowStats(contributions, WindowGroup::byFlow, FLOW_WINDOW_REPARTITION, FLOW_WINDOW_STATS_STORE);
        windowStats(
                contributions.filter(
                        (runId, c) -> c.deployment().isPresent(), Named.as("window-contributions-with-deployment")),
                WindowGroup::byDeployment,
                DEPLOYMENT_WINDOW_REPARTITION,
                DEPLOYMENT_WINDOW_STATS_STORE);
        return builder.build();
    }

    /** Cumulative distinct state entries per series: prefect_flow_run_states_total. */
    private void countStateEntries(KStream<String, FlowRunTransition> transitions) {
        transitions
                .groupBy((runId, t) -> stateSeries(t), Grouped.with(STATE_TOTALS_REPARTITION, STATE_SERIES, TRANSITION))
                .count(
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

    /** Finished runs and their RUNNING-time histogram per series: prefect_flow_runs_finished_total & co. */
    private void aggregateFinishedRuns(KStream<String, FinishedFlowRun> finishedRuns) {
        finishedRuns
                .groupBy(
                        (runId, run) -> finishedSeries(run),
                        Grouped.with(FINISHED_TOTALS_REPARTITION, FINISHED_SERIES, FINISHED_RUN))
                .aggregate(
                        DurationHistogram::empty,
                        (series, run, histogram) -> addRunTime(histogram, run),
                        Named.as("aggregate-finished-runs"),
                        Materialized.<FinishedSeries, DurationHistogram, KeyValueStore<Bytes, byte[]>>as(
                                        FINISHED_TOTALS_STORE)
                                .withKeySerde(FINISHED_SERIES)
                                .withValueSerde(JsonSerde.of(DurationHistogram.class)))
                .toStream(Named.as("finished-totals-changes"))
                .mapValues(FinishedTotal::new, Named.as("finished-total"))
                .to(
                        topics.finishedTotals(),
                        Produced.with(FINISHED_SERIES, JsonSerde.of(FinishedTotal.class))
                                .withName("write-finished-totals"));
    }

    /** Event-time tumbling-window statistics of one dimension. */
    private void windowStats(
            KStream<String, WindowContribution> contributions,
            Function<WindowContribution, WindowGroup> grouping,
            String repartition,
            String store) {
        contributions
                .groupBy((runId, c) -> grouping.apply(c), Grouped.with(repartition, WINDOW_GROUP, CONTRIBUTION))
                .windowedBy(TimeWindows.ofSizeAndGrace(settings.windowSize(), settings.windowGrace()))
                .aggregate(
                        WindowStats::empty,
                        (group, c, stats) -> c.addTo(stats),
                        Named.as("aggregate-" + store),
                        Materialized.<WindowGroup, WindowStats, WindowStore<Bytes, byte[]>>as(store)
                                .withKeySerde(WINDOW_GROUP)
                                .withValueSerde(WINDOW_STATS))
                .toStream(Named.as(store + "-changes"))
                .map((window, stats) -> KeyValue.pair(windowKey(window), stats), Named.as(store + "-key"))
                .to(
                        topics.windowStats(),
                        Produced.with(JsonSerde.of(WindowKey.class), WINDOW_STATS)
                                .withName("write-" + store));
    }

    static StateSeries stateSeries(FlowRunTransition t) {
        return new StateSeries(
                SeriesLabels.of(t.event()), t.event().stateType(), t.event().stateName());
    }

    static FinishedSeries finishedSeries(FinishedFlowRun run) {
        return new FinishedSeries(
                new SeriesLabels(
                        run.flow().name(),
                        run.deployment().name(),
                        run.workPool().name()),
                run.stateType());
    }

    static DurationHistogram addRunTime(DurationHistogram histogram, FinishedFlowRun run) {
        return histogram.plus(run.totalRunTimeSeconds());
    }

    WindowKey windowKey(Windowed<WindowGroup> window) {
        return window.key().windowKey(window.window().startTime(), settings.windowSize());
    }
}
