package dev.flowpulse.sink;

import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.StateSeries;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest total per series, as read from the compacted totals topics: what {@code /metrics}
 * serves. Values are absolute cumulative totals, not increments, so replaying a topic from the
 * beginning rebuilds the same table.
 *
 * <p>Monotonicity guard: a counter must never go backwards, so a record carrying a lower total than
 * the one held (which the topology never writes) is refused and the higher one kept; a histogram
 * is refused if its count, sum, any bucket or its count of unknown durations is lower. Series are never removed (tombstones are
 * refused by the decoder for the same reason).
 *
 * <p>Thread safe: one consumer thread writes, scrapes read concurrently. A scrape sees each series'
 * value atomically, but not necessarily all series from the same instant.
 */
public final class TotalsTable {

    /** What happened to an offered total. */
    public enum Outcome {
        APPLIED,
        NON_MONOTONIC
    }

    private final ConcurrentHashMap<StateSeries, Long> states = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<FinishedSeries, FinishedTotal> finished = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();

    public Outcome putStateCount(StateSeries series, long count) {
        boolean[] refused = {false};
        states.merge(series, count, (held, offered) -> {
            refused[0] = offered < held;
            return refused[0] ? held : offered;
        });
        changes.incrementAndGet();
        return refused[0] ? Outcome.NON_MONOTONIC : Outcome.APPLIED;
    }

    /** A total whose finishes all have a known duration (tests, and records of that kind). */
    public Outcome putFinished(FinishedSeries series, DurationHistogram histogram) {
        return putFinished(series, new FinishedTotal(series, histogram));
    }

    public Outcome putFinished(FinishedSeries series, FinishedTotal total) {
        boolean[] refused = {false};
        finished.merge(series, total, (held, offered) -> {
            refused[0] = goesBackwards(held, offered);
            return refused[0] ? held : offered;
        });
        changes.incrementAndGet();
        return refused[0] ? Outcome.NON_MONOTONIC : Outcome.APPLIED;
    }

    /** True if any of the Prometheus series derived from {@code next} would be lower than from {@code held}. */
    static boolean goesBackwards(FinishedTotal held, FinishedTotal next) {
        return next.unknownDurationCount() < held.unknownDurationCount()
                || goesBackwards(held.histogram(), next.histogram());
    }

    static boolean goesBackwards(DurationHistogram held, DurationHistogram next) {
        if (next.count() < held.count() || next.sumSeconds() < held.sumSeconds()) {
            return true;
        }
        for (int i = 0; i < held.counts().length; i++) {
            if (next.counts()[i] < held.counts()[i]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts the writes offered so far: it changes with (after) every change of the table, so a
     * scrape that reads it first and finds it unchanged can serve what it built before.
     */
    public long changes() {
        return changes.get();
    }

    /** A live, unmodifiable view (weakly consistent iteration). */
    public Map<StateSeries, Long> stateCounts() {
        return Collections.unmodifiableMap(states);
    }

    /** A live, unmodifiable view (weakly consistent iteration). */
    public Map<FinishedSeries, FinishedTotal> finishedTotals() {
        return Collections.unmodifiableMap(finished);
    }
}
