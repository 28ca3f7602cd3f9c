package dev.flowpulse.ingest.gap;

import dev.flowpulse.contract.EnvReader;
import java.time.Duration;
import java.util.Objects;

/**
 * How ingest recovers what the websocket cannot deliver, and where it keeps its resume point.
 *
 * @param cursorTopic     {@code FLOWPULSE_TOPIC_INGEST_CURSOR}, default {@value #DEFAULT_CURSOR_TOPIC} (compacted)
 * @param commitInterval  {@code FLOWPULSE_INGEST_CURSOR_COMMIT_INTERVAL}, default 5s: how often the resume point is written
 * @param queryWindow     {@code FLOWPULSE_INGEST_QUERY_WINDOW}, default 14d: oldest {@code occurred} Prefect answers for (Cloud's limit)
 * @param firstEventWait  {@code FLOWPULSE_INGEST_GAP_FIRST_EVENT_WAIT}, default 5s: after subscribing, how long to wait
 *                        for the first event (it marks where the server's backfill starts) before filling up to now
 * @param rereadInterval  {@code FLOWPULSE_INGEST_REREAD_INTERVAL}, default 60s: one {@code /events/filter} page per interval
 *                        re-reads the recent past for events the websocket dropped (0 = off)
 * @param rereadLag       {@code FLOWPULSE_INGEST_REREAD_LAG}, default 15s: the re-read stays this far behind now
 *                        (Prefect persists events in batches, up to 5 s)
 * @param rereadMaxLag    {@code FLOWPULSE_INGEST_REREAD_MAX_LAG}, default 5m: a re-read further behind skips ahead
 * @param lateness        {@code FLOWPULSE_INGEST_LATENESS}, default 15m: every re-read interval, the stored events of
 *                        the trailing {@code [now − lateness, now − rereadLag]} are counted against the ones ingest saw,
 *                        so a dropped event arriving late (its {@code occurred} already behind the re-read) is found
 *                        (0 = off; at most {@value #MAX_LATENESS_HOURS} h)
 * @param createTopics    {@code FLOWPULSE_CREATE_TOPICS}, default true: create the cursor and history topics when missing
 * @param partitions      {@code FLOWPULSE_TOPIC_PARTITIONS}, default 3 (the history topic; the cursor topic has 1)
 * @param replication     {@code FLOWPULSE_TOPIC_REPLICATION}, default 1
 */
public record RecoverySettings(
        String cursorTopic,
        Duration commitInterval,
        Duration queryWindow,
        Duration firstEventWait,
        Duration rereadInterval,
        Duration rereadLag,
        Duration rereadMaxLag,
        Duration lateness,
        boolean createTopics,
        int partitions,
        short replication) {

    public static final String DEFAULT_CURSOR_TOPIC = "flowpulse.ingest-cursor";
    public static final Duration DEFAULT_LATENESS = Duration.ofMinutes(15);
    static final int MAX_LATENESS_HOURS = 6;

    public RecoverySettings {
        Objects.requireNonNull(cursorTopic, "cursorTopic");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(queryWindow, "queryWindow");
        Objects.requireNonNull(firstEventWait, "firstEventWait");
        Objects.requireNonNull(rereadInterval, "rereadInterval");
        Objects.requireNonNull(rereadLag, "rereadLag");
        Objects.requireNonNull(rereadMaxLag, "rereadMaxLag");
        Objects.requireNonNull(lateness, "lateness");
    }

    public static RecoverySettings fromEnv(EnvReader env) {
        return new RecoverySettings(
                env.string("FLOWPULSE_TOPIC_INGEST_CURSOR", DEFAULT_CURSOR_TOPIC),
                env.positiveDuration("FLOWPULSE_INGEST_CURSOR_COMMIT_INTERVAL", Duration.ofSeconds(5)),
                env.positiveDuration("FLOWPULSE_INGEST_QUERY_WINDOW", Duration.ofDays(14)),
                env.duration("FLOWPULSE_INGEST_GAP_FIRST_EVENT_WAIT", Duration.ofSeconds(5)),
                env.duration("FLOWPULSE_INGEST_REREAD_INTERVAL", Duration.ofSeconds(60)),
                env.duration("FLOWPULSE_INGEST_REREAD_LAG", Duration.ofSeconds(15)),
                env.positiveDuration("FLOWPULSE_INGEST_REREAD_MAX_LAG", Duration.ofMinutes(5)),
                lateness(env),
                env.bool("FLOWPULSE_CREATE_TOPICS", true),
                env.integer("FLOWPULSE_TOPIC_PARTITIONS", 3, 1),
                (short) env.integer("FLOWPULSE_TOPIC_REPLICATION", 1, 1));
    }

    private static Duration lateness(EnvReader env) {
        Duration lateness = env.duration("FLOWPULSE_INGEST_LATENESS", DEFAULT_LATENESS);
        if (lateness.compareTo(Duration.ofHours(MAX_LATENESS_HOURS)) > 0) {
            // The ids seen in the window are kept in memory, and so is the dedupe cache that spans it.
            env.problem("FLOWPULSE_INGEST_LATENESS must be at most " + MAX_LATENESS_HOURS + "h");
            return DEFAULT_LATENESS;
        }
        return lateness;
    }
}
