package dev.flowpulse.streams;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The durations and limits that shape {@link FlowRunTopology}. Every "how long" here is measured
 * in <em>pipeline time</em> (see {@code streams/README.md}, §Time): the event time the task has
 * read up to, plus wall-clock time only while the task has nothing to read.
 *
 * @param windowSizes         sizes of the tumbling event-time windows ({@code FLOWPULSE_WINDOWS})
 * @param hopSize             size of the hopping window view ({@code FLOWPULSE_HOPPING_WINDOW}); zero: none
 * @param hopAdvance          how far it advances ({@code FLOWPULSE_HOPPING_WINDOW_ADVANCE}); divides {@code hopSize}
 * @param windowGrace         how long after its end a window still accepts records before it closes
 * @param tagPrefixes         tags that get their own {@code tag} dimension ({@code *} alone: every tag)
 * @param windowUpdateInterval how often (wall clock) changed open windows are published as updates
 * @param runStateRetention   how long a finished run is remembered after its last state (dedupe horizon)
 * @param maxStatesPerRun     cap on the states remembered per run; older ones are folded away
 * @param finishSettleTimeout how long a finish waits for the states its history proves missing
 * @param stuckAfter          a run RUNNING or PENDING for longer is flagged stuck
 * @param stuckAfterOverrides per deployment name, instead of {@code stuckAfter}
 * @param timerInterval       how often (wall clock) due timers (settle, stuck, purge) are checked
 */
public record TopologySettings(
        List<Duration> windowSizes,
        Duration hopSize,
        Duration hopAdvance,
        Duration windowGrace,
        List<String> tagPrefixes,
        Duration windowUpdateInterval,
        Duration runStateRetention,
        int maxStatesPerRun,
        Duration finishSettleTimeout,
        Duration stuckAfter,
        Map<String, Duration> stuckAfterOverrides,
        Duration timerInterval) {

    public static final List<Duration> DEFAULT_WINDOW_SIZES =
            List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1));
    public static final Duration DEFAULT_HOP_SIZE = Duration.ofMinutes(15);
    public static final Duration DEFAULT_HOP_ADVANCE = Duration.ofMinutes(1);
    /** Covers a first start's 2-hour lookback and gap fills after outages of up to 2 hours. */
    public static final Duration DEFAULT_WINDOW_GRACE = Duration.ofHours(2);

    public static final List<String> DEFAULT_TAG_PREFIXES = List.of("team:");
    public static final Duration DEFAULT_WINDOW_UPDATE_INTERVAL = Duration.ofSeconds(1);
    /** Prefect's own event retention. */
    public static final Duration DEFAULT_RUN_STATE_RETENTION = Duration.ofDays(7);

    public static final int DEFAULT_MAX_STATES_PER_RUN = 200;
    /** Prefect's websocket backfills up to 15 minutes after a reconnect. */
    public static final Duration DEFAULT_FINISH_SETTLE_TIMEOUT = Duration.ofMinutes(15);

    public static final Duration DEFAULT_STUCK_AFTER = Duration.ofHours(1);
    public static final Duration DEFAULT_TIMER_INTERVAL = Duration.ofSeconds(1);

    public TopologySettings {
        windowSizes = List.copyOf(windowSizes);
        tagPrefixes = List.copyOf(tagPrefixes);
        stuckAfterOverrides = Map.copyOf(stuckAfterOverrides);
        if (!hopSize.isZero() && (hopAdvance.isZero() || hopSize.toMillis() % hopAdvance.toMillis() != 0)) {
            throw new IllegalArgumentException("the hopping window size must be a multiple of its advance");
        }
    }

    public static TopologySettings defaults() {
        return new TopologySettings(
                DEFAULT_WINDOW_SIZES,
                DEFAULT_HOP_SIZE,
                DEFAULT_HOP_ADVANCE,
                DEFAULT_WINDOW_GRACE,
                DEFAULT_TAG_PREFIXES,
                DEFAULT_WINDOW_UPDATE_INTERVAL,
                DEFAULT_RUN_STATE_RETENTION,
                DEFAULT_MAX_STATES_PER_RUN,
                DEFAULT_FINISH_SETTLE_TIMEOUT,
                DEFAULT_STUCK_AFTER,
                Map.of(),
                DEFAULT_TIMER_INTERVAL);
    }

    /** The threshold for a run of this deployment (name; empty for runs without one). */
    public Duration stuckAfter(String deploymentName) {
        return stuckAfterOverrides.getOrDefault(deploymentName, stuckAfter);
    }

    public boolean hopping() {
        return !hopSize.isZero();
    }

    public TopologySettings withWindowGrace(Duration grace) {
        return new TopologySettings(
                windowSizes,
                hopSize,
                hopAdvance,
                grace,
                tagPrefixes,
                windowUpdateInterval,
                runStateRetention,
                maxStatesPerRun,
                finishSettleTimeout,
                stuckAfter,
                stuckAfterOverrides,
                timerInterval);
    }

    public TopologySettings withStuckAfter(Duration after, Map<String, Duration> overrides) {
        return new TopologySettings(
                windowSizes,
                hopSize,
                hopAdvance,
                windowGrace,
                tagPrefixes,
                windowUpdateInterval,
                runStateRetention,
                maxStatesPerRun,
                finishSettleTimeout,
                after,
                overrides,
                timerInterval);
    }
}
