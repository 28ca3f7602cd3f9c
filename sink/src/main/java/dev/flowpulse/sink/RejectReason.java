package dev.flowpulse.sink;

/**
 * Why the sink skipped a record of a totals topic; {@link #label()} is the {@code reason} label of
 * {@code flowpulse_sink_records_rejected_total}. None of these stops the sink.
 */
public enum RejectReason {
    /** The key is missing or is not the topic's series JSON. */
    UNREADABLE_KEY("unreadable_key", "the key is not the topic's series JSON or lacks a field"),
    /** The value is not the topic's total JSON. */
    UNREADABLE_VALUE("unreadable_value", "the value is not the topic's total JSON"),
    /** The value names a different series than its key. */
    KEY_VALUE_MISMATCH("key_value_mismatch", "the value names another series than its key"),
    /** A negative total, or a histogram whose count is not the sum of its buckets. */
    INVALID_VALUE(
            "invalid_value", "a negative count, a histogram whose count is not the sum of its buckets, or a bad sum"),
    /** A newer record carries a lower total than one already seen: the higher one is kept. */
    NON_MONOTONIC("non_monotonic", "a total lower than one already read: the higher one is kept"),
    /** A null value: ignored, because a Prometheus counter must never go backwards. */
    TOMBSTONE("tombstone", "a tombstone: counters never go backwards"),
    /** The client could not read the record at all (corrupt batch); skipped by offset. */
    CORRUPT_RECORD("corrupt_record", "the Kafka client could not read the record (corrupt batch)");

    private final String label;
    private final String description;

    RejectReason(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** The {@code flowpulse.dlq.reason} of the record's dead letter: the label in kebab-case. */
    public String dlqReason() {
        return label.replace('_', '-');
    }

    /** A fixed line for the dead letter's {@code flowpulse.dlq.detail} (never the payload). */
    public String description() {
        return description;
    }

    public String label() {
        return label;
    }
}
