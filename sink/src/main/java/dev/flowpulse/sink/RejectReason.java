package dev.flowpulse.sink;

/**
 * Why the sink skipped a record of a totals topic; {@link #label()} is the {@code reason} label of
 * {@code flowpulse_sink_records_rejected_total}. None of these stops the sink.
 */
public enum RejectReason {
    /** The key is missing or is not the topic's series JSON. */
    UNREADABLE_KEY("unreadable_key"),
    /** The value is not the topic's total JSON. */
    UNREADABLE_VALUE("unreadable_value"),
    /** The value names a different series than its key. */
    KEY_VALUE_MISMATCH("key_value_mismatch"),
    /** A negative total, or a histogram whose count is not the sum of its buckets. */
    INVALID_VALUE("invalid_value"),
    /** A newer record carries a lower total than one already seen: the higher one is kept. */
    NON_MONOTONIC("non_monotonic"),
    /** A null value: ignored, because a Prometheus counter must never go backwards. */
    TOMBSTONE("tombstone"),
    /** The client could not read the record at all (corrupt batch); skipped by offset. */
    CORRUPT_RECORD("corrupt_record");

    private final String label;

    RejectReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
