package dev.flowpulse.sink;

import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.StateSeries;

/** What one record of a totals topic means to the sink: a new total for a series, or a rejection. */
public sealed interface TotalsUpdate {

    /** The absolute number of entries into a state for one series. */
    record StateCount(StateSeries series, long count) implements TotalsUpdate {}

    /** The absolute finished-runs total of one series: every finish, and the histogram of the known durations. */
    record Finished(FinishedSeries series, FinishedTotal total) implements TotalsUpdate {}

    /** Nothing to apply; {@code detail} says why, for the log (never payload bytes). */
    record Rejected(RejectReason reason, String detail) implements TotalsUpdate {}
}
