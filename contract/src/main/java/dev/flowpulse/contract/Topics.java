package dev.flowpulse.contract;

import java.util.List;

/**
 * Every topic flowpulse reads or writes, with defaults overridable from the environment. See
 * {@code docs/topics.md} for keys, values, partitioning and cleanup policies.
 *
 * @param rawEvents     Prefect events as received; key flow-run id; delete policy
 * @param deadLetters   records set aside with the reason in headers; delete policy
 * @param states        distinct flow-run state changes ({@link FlowRunTransition}); key flow-run id
 * @param finishedRuns  one {@link FinishedFlowRun} per run; key flow-run id; compacted
 * @param stateTotals   {@link StateSeries} → {@link StateTotal}; compacted
 * @param finishedTotals {@link FinishedSeries} → {@link FinishedTotal}; compacted
 * @param windowStats   {@link WindowKey} → {@link WindowStats}; compacted
 */
public record Topics(
        String rawEvents,
        String deadLetters,
        String states,
        String finishedRuns,
        String stateTotals,
        String finishedTotals,
        String windowStats) {

    public static final String RAW_EVENTS = "flowpulse.prefect-events.raw";
    public static final String DEAD_LETTERS = "flowpulse.dead-letters";
    public static final String STATES = "flowpulse.flow-run-states";
    public static final String FINISHED_RUNS = "flowpulse.flow-runs-finished";
    public static final String STATE_TOTALS = "flowpulse.state-totals";
    public static final String FINISHED_TOTALS = "flowpulse.finished-totals";
    public static final String WINDOW_STATS = "flowpulse.window-stats";

    public static Topics defaults() {
        return new Topics(RAW_EVENTS, DEAD_LETTERS, STATES, FINISHED_RUNS, STATE_TOTALS, FINISHED_TOTALS, WINDOW_STATS);
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
                env.string("FLOWPULSE_TOPIC_WINDOW_STATS", WINDOW_STATS));
    }

    /** Topics that are tables: the latest record per key is the truth, so they are compacted. */
    public List<String> compacted() {
        return List.of(finishedRuns, stateTotals, finishedTotals, windowStats);
    }

    public List<String> all() {
        return List.of(rawEvents, deadLetters, states, finishedRuns, stateTotals, finishedTotals, windowStats);
    }
}
