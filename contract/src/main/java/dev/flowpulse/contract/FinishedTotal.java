package dev.flowpulse.contract;

/**
 * Value of the finished-totals topic: runs of this series that reached this terminal state type,
 * each counted once, with the histogram of their time spent RUNNING. {@code histogram.count()} is
 * the finished-runs total.
 */
public record FinishedTotal(FinishedSeries series, DurationHistogram histogram) {

    public long count() {
        return histogram.count();
    }
}
