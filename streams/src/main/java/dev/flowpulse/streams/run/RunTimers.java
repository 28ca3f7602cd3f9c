package dev.flowpulse.streams.run;

/**
 * The entries a run has in the {@code run-timers} index, one due time per kind: the earliest
 * entry of that kind the processor wrote and has not yet seen fire. Timers are lazy: an entry only
 * has to fire no later than the run's actual deadline ({@link RunHistory#dueTimers}), so a deadline
 * that moves later keeps its entry (which then fires early, as a no-op that registers the deadline
 * again), and only a deadline earlier than the registered entry writes a new one. {@link #NONE}
 * ({@code -1}) means no entry of that kind. Immutable.
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

        /** The kind of an index key part, or null if none has it. */
        static Kind ofKey(String key) {
            for (Kind kind : values()) {
                if (kind.key.equals(key)) {
                    return kind;
                }
            }
            return null;
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
     * True if the registered entry of this kind fires no later than {@code actualDueMs}, or there is
     * nothing to fire: no new entry is needed.
     */
    public boolean covers(Kind kind, long actualDueMs) {
        long registered = due(kind);
        return actualDueMs == NONE || (registered != NONE && registered <= actualDueMs);
    }

    /**
     * Without the entry of this kind whose index key holds {@code keyDueMs} (it fired; the key holds
     * the due time clamped at 0); unchanged if that entry is not the registered one.
     */
    public RunTimers fired(Kind kind, long keyDueMs) {
        long registered = due(kind);
        return registered != NONE && Math.max(0L, registered) == keyDueMs ? with(kind, NONE) : this;
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
