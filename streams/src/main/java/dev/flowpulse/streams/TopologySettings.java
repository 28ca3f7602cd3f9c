package dev.flowpulse.streams;

import java.time.Duration;

/**
 * The durations and limits that shape {@link FlowRunTopology}.
 *
 * @param windowSize        size of the event-time windows of the window stats
 * @param windowGrace       how late an event may arrive and still update its window
 * @param runStateRetention how long a run is remembered after its last event (dedupe horizon)
 * @param purgeInterval     how often (wall clock) the run-state store is swept for expired runs
 * @param maxStatesPerRun   cap on the states remembered per run; older ones are folded away
 */
public record TopologySettings(Duration windowSize, Duration windowGrace, Duration runStateRetention,
        Duration purgeInterval, int maxStatesPerRun) {

    public static final Duration DEFAULT_WINDOW_SIZE = Duration.ofMinutes(5);
    /** Prefect's websocket backfills up to 15 minutes after a reconnect. */
    public static final Duration DEFAULT_WINDOW_GRACE = Duration.ofMinutes(15);
    /** Prefect's own event retention. */
    public static final Duration DEFAULT_RUN_STATE_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_STATES_PER_RUN = 200;

    public static TopologySettings defaults() {
        return new TopologySettings(DEFAULT_WINDOW_SIZE, DEFAULT_WINDOW_GRACE, DEFAULT_RUN_STATE_RETENTION,
                DEFAULT_PURGE_INTERVAL, DEFAULT_MAX_STATES_PER_RUN);
    }
}
