package dev.flowpulse.ingest.history;

import dev.flowpulse.contract.EnvReader;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code /flow_runs/history} poll.
 *
 * @param enabled  {@code FLOWPULSE_HISTORY_ENABLED}, default true
 * @param interval {@code FLOWPULSE_HISTORY_POLL_INTERVAL}, default 60s
 * @param range    {@code FLOWPULSE_HISTORY_RANGE}, default 24h: how far back the buckets reach
 * @param bucket   {@code FLOWPULSE_HISTORY_BUCKET}, default 1h: {@code history_interval_seconds}; at most 500 buckets per range
 * @param topic    {@code FLOWPULSE_TOPIC_FLOW_RUN_HISTORY}, default {@value #DEFAULT_TOPIC} (compacted)
 */
public record HistorySettings(boolean enabled, Duration interval, Duration range, Duration bucket, String topic) {

    public static final String DEFAULT_TOPIC = "flowpulse.flow-run-history";
    /** Prefect answers at most 500 buckets (reference §3.2). */
    public static final int MAX_BUCKETS = 500;

    public HistorySettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(topic, "topic");
    }

    public static HistorySettings fromEnv(EnvReader env) {
        Duration bucket = env.positiveDuration("FLOWPULSE_HISTORY_BUCKET", Duration.ofHours(1));
        Duration range = env.positiveDuration("FLOWPULSE_HISTORY_RANGE", Duration.ofHours(24));
        if (bucket.getSeconds() < 1) {
            env.problem("FLOWPULSE_HISTORY_BUCKET must be at least 1s (Prefect's minimum), got " + bucket);
        } else if (range.toMillis() / bucket.toMillis() + 1 > MAX_BUCKETS) {
            env.problem("FLOWPULSE_HISTORY_RANGE / FLOWPULSE_HISTORY_BUCKET must stay below " + MAX_BUCKETS
                    + " buckets (Prefect's limit), got " + range + " / " + bucket);
        }
        return new HistorySettings(
                env.bool("FLOWPULSE_HISTORY_ENABLED", true),
                env.positiveDuration("FLOWPULSE_HISTORY_POLL_INTERVAL", Duration.ofSeconds(60)),
                range,
                bucket,
                env.string("FLOWPULSE_TOPIC_FLOW_RUN_HISTORY", DEFAULT_TOPIC));
    }
}
