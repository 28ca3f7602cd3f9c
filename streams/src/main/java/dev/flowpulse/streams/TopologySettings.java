package dev.flowpulse.streams;

import java.time.Duration;

/**
 * The durations and limits that shape {@link FlowRunTopology}.
 *
 * @param windowSize          size of the event-time windows of the window stats
 * @param windowGrace         how late an event may arrive and still update its window
 * @param runStateRetention   how long a run is remembered after its last event (dedupe horizon)
 * @param purgeInterval       how often (wall clock) the run-state store is swept for expired runs
 * @param maxStatesPerRun     cap on the states remembered per run; older ones are folded away
 * @param finishSettleTimeout how long (wall clock) a run's finish is held back while its terminal
 *                            event proves earlier states missing, before it is forced with what is known
 */
public record TopologySettings(
        Duration windowSize,
        Duration windowGrace,
        Duration runStateRetention,
        Duration purgeInterval,
        int maxStatesPerRun,
        Duration finishSettleTimeout) {

    public static final Duration DEFAULT_WINDOW_SIZE = Duration.ofMinutes(5);
    /** Prefect's websocket backfills up to 15 minutes after a reconnect. */
    public static final Duration DEFAULT_WINDOW_GRACE = Duration.ofMinutes(15);
    /** Prefect's own event retention. */
    public static final Duration DEFAULT_RUN_STATE_RETENTION = Duration.ofDays(7);

    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_STATES_PER_RUN = 200;
    /** Long enough for a reconnect's backfill or a gap fill to deliver the missing states. */
    public static final Duration DEFAULT_FINISH_SETTLE_TIMEOUT = Duration.ofMinutes(2);
    /** Upper bound of the settle check interval: a forced finish is at most this much later than the timeout. */
    static final Duration MAX_SETTLE_CHECK_INTERVAL = Duration.ofSeconds(10);

    public static TopologySettings defaults() {
        return new TopologySettings(
                DEFAULT_WINDOW_SIZE,
                DEFAULT_WINDOW_GRACE,
                DEFAULT_RUN_STATE_RETENTION,
                DEFAULT_PURGE_INTERVAL,
                DEFAULT_MAX_STATES_PER_RUN,
                DEFAULT_FINISH_SETTLE_TIMEOUT);
    }

    /**
     * How often (wall clock) pending finishes are checked against the settle timeout:
     * min(timeout / 4, 10 s), at least 1 ms. It scans only the pending-finish index, so it may be frequent.
     */
    public Duration settleCheckInterval() {
        Duration quarter = finishSettleTimeout.dividedBy(4);
        Duration interval = quarter.compareTo(MAX_SETTLE_CHECK_INTERVAL) < 0 ? quarter : MAX_SETTLE_CHECK_INTERVAL;
        return interval.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : interval;
    }
}
