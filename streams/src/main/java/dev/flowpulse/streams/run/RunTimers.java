package dev.flowpulse.streams.run;

/**
 * The entries a run has in the {@code run-timers} index: per kind, the due time of the entry the
 * processor last wrote ({@link #NONE}, {@code -1}: none). One due no later than the index's
 * fired-through time may have fired since; only a later one is {@linkplain #pending certainly there}.
 * Timers are lazy: an entry only has to fire no later than the run's actual deadline
 * ({@link RunHistory#dueTimers}), so a deadline that moves later keeps its entry (which then fires
 * early, as a no-op that registers the deadline again), and only a deadline earlier than the pending
 * entry, or one without a pending entry, writes a new one. Immutable.
 *
 * @param settleDueMs when the earliest unpublished finish is forced
 * @param stuckDueMs  when the run's current RUNNING/PENDING state makes it stuck
 * @param purgeDueMs  when a finished run is forgotten
 */
public record RunTimers(long settleDueMs, long stuckDueMs, long purgeDueMs) {

    public static final long NONE = -1L;
    public static final RunTimers EMPTY = new RunTimers(NONE, NONE, NONE);

    /** A timer kind; {@link #key()} is its part of the index key. */
    public enum Kind {
        SETTLE("settle"),
        STUCK("stuck"),
        PURGE("purge");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public long due(Kind kind) {
        return switch (kind) {
            case SETTLE -> settleDueMs;
            case STUCK -> stuckDueMs;
            case PURGE -> purgeDueMs;
        };
    }

    public RunTimers with(Kind kind, long dueMs) {
        return switch (kind) {
            case SETTLE -> new RunTimers(dueMs, stuckDueMs, purgeDueMs);
            case STUCK -> new RunTimers(settleDueMs, dueMs, purgeDueMs);
            case PURGE -> new RunTimers(settleDueMs, stuckDueMs, dueMs);
        };
    }

    /**
     * True if the entry of this kind is certainly still in the index: registered and due after
     * {@code firedThroughMs}, the due time up to which entries have fired (an entry due at or before
     * it may be gone; the processor then treats it as absent).
     */
    public boolean pending(Kind kind, long firedThroughMs) {
        long registered = due(kind);
        return registered != NONE && Math.max(0L, registered) > firedThroughMs;
    }

    /**
     * True if no new entry is needed for a deadline of this kind at {@code actualDueMs}: there is
     * none, or a {@linkplain #pending pending} entry fires no later than it.
     */
    public boolean covers(Kind kind, long actualDueMs, long firedThroughMs) {
        return actualDueMs == NONE || (pending(kind, firedThroughMs) && due(kind) <= actualDueMs);
    }

    /** The earliest deadline, or {@link #NONE}. */
    public long earliest() {
        long earliest = NONE;
        for (long due : new long[] {settleDueMs, stuckDueMs, purgeDueMs}) {
            if (due != NONE && (earliest == NONE || due < earliest)) {
                earliest = due;
            }
        }
        return earliest;
    }
}
