package dev.flowpulse.streams.time;

/**
 * A task's pipeline time: how far its input has progressed. It is the largest event time
 * ({@code occurred}) the task has read, plus, while the task has nothing to read, the wall-clock
 * time since its last record. So a backlog (after a streams outage, a replay, a first start with a
 * lookback) moves it only as fast as the backlog's own event time, never by the wall-clock time
 * the outage took, while an idle, caught-up task still reaches deadlines when no event comes.
 *
 * <p>Only the event-time part is durable (the owner stores {@link #eventTimeMs()} with its state);
 * the idle part restarts from zero after a restart. Mutable; owned by one processor instance,
 * driven by its stream thread only.
 */
public final class PipelineClock {

    private long eventTimeMs;
    private long lastRecordWallMs;

    /**
     * @param eventTimeMs the durable event time restored from the store ({@link Long#MIN_VALUE} if none)
     * @param wallMs      the wall clock now: idle time counts from here
     */
    public PipelineClock(long eventTimeMs, long wallMs) {
        this.eventTimeMs = eventTimeMs;
        this.lastRecordWallMs = wallMs;
    }

    /** A record with this event time was read at {@code wallMs}; true if the event time advanced. */
    public boolean observe(long recordEventTimeMs, long wallMs) {
        lastRecordWallMs = wallMs;
        if (recordEventTimeMs > eventTimeMs) {
            eventTimeMs = recordEventTimeMs;
            return true;
        }
        return false;
    }

    /** The pipeline time at {@code wallMs}; {@link Long#MIN_VALUE} before the first record ever. */
    public long nowMs(long wallMs) {
        if (eventTimeMs == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return eventTimeMs + Math.max(0L, wallMs - lastRecordWallMs);
    }

    public long eventTimeMs() {
        return eventTimeMs;
    }
}
