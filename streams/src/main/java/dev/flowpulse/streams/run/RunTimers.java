package dev.flowpulse.streams.run;

/**
 * The pipeline-time deadlines a run has registered in the {@code run-timers} index, so the
 * processor can replace or delete exactly those entries. {@link #NONE} ({@code -1}) means no timer.
 *
 * @param settleDueMs when the earliest unpublished finish is forced
 * @param stuckDueMs  when the run's current RUNNING/PENDING state makes it stuck
 * @param purgeDueMs  when a finished run is forgotten
 */
public record RunTimers(long settleDueMs, long stuckDueMs, long purgeDueMs) {

    public static final long NONE = -1L;
    public static final RunTimers EMPTY = new RunTimers(NONE, NONE, NONE);

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
