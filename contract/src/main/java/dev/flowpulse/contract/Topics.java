package dev.flowpulse.contract;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every topic flowpulse reads or writes, with defaults overridable from the environment, and the
 * configs each must have ({@link #descriptors()}). See {@code docs/topics.md} for keys, values,
 * partitioning and cleanup policies.
 *
 * @param rawEvents        Prefect events as received; key flow-run id; delete
 * @param deadLetters      records set aside with the reason in headers; delete
 * @param states           distinct flow-run state changes ({@link FlowRunTransition}); key flow-run id; delete
 * @param finishedRuns     {@link FinishedFlowRun}, the run's current finish; key flow-run id; compact,delete
 * @param stateTotals      {@link StateSeries} → {@link StateTotal}; compact (bounded segments)
 * @param finishedTotals   {@link FinishedSeries} → {@link FinishedTotal}; compact (bounded segments)
 * @param windowStats      {@link WindowKey} → {@link WindowStats}, eager updates of open windows; compact,delete
 * @param windowStatsFinal {@link WindowKey} → {@link WindowStats}, one final result per closed window; compact,delete
 * @param inProgressRuns   flow-run id → {@link InProgressRun}, tombstoned when the run finishes; compact (bounded segments)
 * @param lateRecords      flow-run id → {@link LateRecord}, what an output dropped as too late; delete
 * @param alertState       the sink's alert state: alert labels (sorted JSON) → state JSON, tombstoned when
 *                         resolved everywhere; compact (bounded segments)
 */
public record Topics(
        String rawEvents,
        String deadLetters,
        String states,
        String finishedRuns,
        String stateTotals,
        String finishedTotals,
        String windowStats,
        String windowStatsFinal,
        String inProgressRuns,
        String lateRecords,
        String alertState) {

    public static final String RAW_EVENTS = "flowpulse.prefect-events.raw";
    public static final String DEAD_LETTERS = "flowpulse.dead-letters";
    public static final String STATES = "flowpulse.flow-run-states";
    public static final String FINISHED_RUNS = "flowpulse.flow-runs-finished";
    public static final String STATE_TOTALS = "flowpulse.state-totals";
    public static final String FINISHED_TOTALS = "flowpulse.finished-totals";
    public static final String WINDOW_STATS = "flowpulse.window-stats";
    public static final String WINDOW_STATS_FINAL = "flowpulse.window-stats-final";
    public static final String IN_PROGRESS_RUNS = "flowpulse.flow-runs-in-progress";
    public static final String LATE_RECORDS = "flowpulse.late-records";
    public static final String ALERT_STATE = "flowpulse.alert-state";

    /** Retention of event-like topics (raw, dead letters, transitions, late records): Prefect's own event retention. */
    public static final Duration EVENT_RETENTION = Duration.ofDays(7);
    /** Eager window updates serve live views; a day covers any dashboard lookback of open windows. */
    public static final Duration WINDOW_UPDATES_RETENTION = Duration.ofDays(1);
    /** Final window results and finished runs: a table that forgets keys untouched for this long. */
    public static final Duration TABLE_RETENTION = Duration.ofDays(30);
    /** Segments of compacted topics roll at least this often, so compaction keeps a rebuild O(keys). */
    public static final Duration COMPACTED_SEGMENT_TIME = Duration.ofHours(1);

    public static final int COMPACTED_SEGMENT_BYTES = 64 * 1024 * 1024;

    public static Topics defaults() {
        return new Topics(
                RAW_EVENTS,
                DEAD_LETTERS,
                STATES,
                FINISHED_RUNS,
                STATE_TOTALS,
                FINISHED_TOTALS,
                WINDOW_STATS,
                WINDOW_STATS_FINAL,
                IN_PROGRESS_RUNS,
                LATE_RECORDS,
                ALERT_STATE);
    }

    /** Reads {@code FLOWPULSE_TOPIC_*} variables, falling back to the defaults. */
    public static Topics fromEnv(EnvReader env) {
        return new Topics(
                env.string("FLOWPULSE_TOPIC_RAW_EVENTS", RAW_EVENTS),
                env.string("FLOWPULSE_TOPIC_DEAD_LETTERS", DEAD_LETTERS),
                env.string("FLOWPULSE_TOPIC_STATES", STATES),
                env.string("FLOWPULSE_TOPIC_FINISHED_RUNS", FINISHED_RUNS),
                env.string("FLOWPULSE_TOPIC_STATE_TOTALS", STATE_TOTALS),
                env.string("FLOWPULSE_TOPIC_FINISHED_TOTALS", FINISHED_TOTALS),
                env.string("FLOWPULSE_TOPIC_WINDOW_STATS", WINDOW_STATS),
                env.string("FLOWPULSE_TOPIC_WINDOW_STATS_FINAL", WINDOW_STATS_FINAL),
                env.string("FLOWPULSE_TOPIC_IN_PROGRESS_RUNS", IN_PROGRESS_RUNS),
                env.string("FLOWPULSE_TOPIC_LATE_RECORDS", LATE_RECORDS),
                env.string("FLOWPULSE_TOPIC_ALERT_STATE", ALERT_STATE));
    }

    /**
     * Every topic with the configs it must be created with. {@code rawRetention} is the operator's
     * {@code FLOWPULSE_RAW_RETENTION} for the raw topic (the replay horizon); the others are fixed here.
     */
    public List<TopicDescriptor> descriptors(Duration rawRetention) {
        return List.of(
                delete(rawEvents, rawRetention),
                delete(deadLetters, EVENT_RETENTION),
                delete(states, EVENT_RETENTION),
                table(finishedRuns, TABLE_RETENTION),
                compact(stateTotals),
                compact(finishedTotals),
                table(windowStats, WINDOW_UPDATES_RETENTION),
                table(windowStatsFinal, TABLE_RETENTION),
                compact(inProgressRuns),
                delete(lateRecords, EVENT_RETENTION),
                compact(alertState));
    }

    public List<TopicDescriptor> descriptors() {
        return descriptors(EVENT_RETENTION);
    }

    /** Topics whose cleanup policy includes compaction (tables: the latest record per key is the truth). */
    public List<String> compacted() {
        return descriptors().stream()
                .filter(TopicDescriptor::compacted)
                .map(TopicDescriptor::name)
                .toList();
    }

    public List<String> all() {
        return descriptors().stream().map(TopicDescriptor::name).toList();
    }

    private static TopicDescriptor delete(String name, Duration retention) {
        return new TopicDescriptor(
                name,
                Map.of(
                        TopicDescriptor.CLEANUP_POLICY,
                        "delete",
                        TopicDescriptor.RETENTION_MS,
                        Long.toString(retention.toMillis())));
    }

    /** Cumulative tables (totals, in-progress runs, alert state): every live key is current; never expire by age. */
    private static TopicDescriptor compact(String name) {
        return new TopicDescriptor(
                name,
                Map.of(
                        TopicDescriptor.CLEANUP_POLICY, "compact",
                        TopicDescriptor.SEGMENT_MS, Long.toString(COMPACTED_SEGMENT_TIME.toMillis()),
                        TopicDescriptor.SEGMENT_BYTES, Integer.toString(COMPACTED_SEGMENT_BYTES),
                        TopicDescriptor.MIN_CLEANABLE_DIRTY_RATIO, "0.1",
                        TopicDescriptor.DELETE_RETENTION_MS,
                                Long.toString(Duration.ofDays(1).toMillis())));
    }

    /** Tables of keys that stop changing (closed windows, finished runs): compacted, then deleted by age. */
    private static TopicDescriptor table(String name, Duration retention) {
        return new TopicDescriptor(
                name,
                Map.of(
                        TopicDescriptor.CLEANUP_POLICY, "compact,delete",
                        TopicDescriptor.RETENTION_MS, Long.toString(retention.toMillis()),
                        TopicDescriptor.SEGMENT_MS, Long.toString(COMPACTED_SEGMENT_TIME.toMillis()),
                        TopicDescriptor.SEGMENT_BYTES, Integer.toString(COMPACTED_SEGMENT_BYTES),
                        TopicDescriptor.MIN_CLEANABLE_DIRTY_RATIO, "0.1"));
    }
}
