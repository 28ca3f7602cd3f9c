package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Value of the finished-totals topic: finishes of runs of this series into this terminal state
 * type (each finish once; a run retried after a terminal state and finishing again counts again,
 * see {@link FinishedFlowRun#finishNumber()}), with the histogram of the known durations.
 * Finishes whose duration is unknown are counted in {@code unknownDurationCount} and are not in
 * the histogram: {@link #count()} = {@code histogram.count + unknownDurationCount}.
 */
public record FinishedTotal(FinishedSeries series, DurationHistogram histogram, long unknownDurationCount) {

    public FinishedTotal(FinishedSeries series, DurationHistogram histogram) {
        this(series, histogram, 0L);
    }

    /** All finishes of the series, with and without a known duration. */
    @JsonProperty(value = "finished_count", access = JsonProperty.Access.READ_ONLY)
    public long count() {
        return histogram.count() + unknownDurationCount;
    }

    /** The next total after one more finish ({@code seconds} null: unknown duration). */
    public FinishedTotal plus(Double seconds) {
        return seconds == null
                ? new FinishedTotal(series, histogram, unknownDurationCount + 1)
                : new FinishedTotal(series, histogram.plus(seconds), unknownDurationCount);
    }

    @JsonProperty(value = "schema_version", access = JsonProperty.Access.READ_ONLY)
    public int schemaVersion() {
        return SchemaVersion.CURRENT;
    }
}
