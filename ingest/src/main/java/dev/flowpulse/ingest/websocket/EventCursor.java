package dev.flowpulse.ingest.websocket;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a (re)subscription resumes: the {@code occurred.since} of the next filter.
 *
 * <p>Like Prefect's Python subscriber, the cursor trails the newest handled event by one minute
 * ({@code max(cursor, occurred − 1 min)}), because live events arrive in arrival order, not
 * strictly by {@code occurred}. Unlike it, the cursor only moves on events Kafka acknowledged,
 * and a failed send sets a floor ({@code occurred − 1 min}) below which the next subscription
 * starts, so a replay re-delivers it. The floor is cleared once a subscription that started at or
 * below it succeeds. The server clamps {@code since} to its backfill window (15 min by default).
 *
 * <p>Thread safe: acknowledgements arrive on the Kafka producer's I/O thread.
 */
public final class EventCursor {

    public static final Duration SLACK = Duration.ofMinutes(1);

    private Instant cursor;
    private Instant floor;

    public EventCursor(Instant start) {
        this.cursor = start;
    }

    public synchronized void acknowledged(Instant occurred) {
        Instant candidate = occurred.minus(SLACK);
        if (candidate.isAfter(cursor)) {
            cursor = candidate;
        }
    }

    public synchronized void failed(Instant occurred) {
        Instant candidate = occurred.minus(SLACK);
        if (floor == null || candidate.isBefore(floor)) {
            floor = candidate;
        }
    }

    /** The {@code since} for the next subscription. */
    public synchronized Instant since() {
        return floor != null && floor.isBefore(cursor) ? floor : cursor;
    }

    /** A subscription from {@code since} succeeded: a floor at or above it is covered. */
    public synchronized void subscribed(Instant since) {
        if (floor != null && !floor.isBefore(since)) {
            floor = null;
        }
    }
}
