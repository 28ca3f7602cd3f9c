package dev.flowpulse.contract;

/** Kafka header names flowpulse writes. Values are UTF-8 strings. */
public final class HeaderNames {

    /** Where a raw record came from: {@code websocket}, {@code events-filter}, ... */
    public static final String SOURCE = "flowpulse.source";
    /** The Prefect workspace label the record belongs to. */
    public static final String WORKSPACE = "flowpulse.workspace";
    /** The Prefect event id (also inside the value), so consumers can dedupe without parsing. */
    public static final String EVENT_ID = "flowpulse.event-id";

    /** Dead letters: short machine-readable cause, e.g. {@code malformed-json}. */
    public static final String DLQ_REASON = "flowpulse.dlq.reason";
    /** Dead letters: one human-readable line. */
    public static final String DLQ_DETAIL = "flowpulse.dlq.detail";
    /** Dead letters: the service that set the record aside ({@code ingest}, {@code streams}, {@code sink}). */
    public static final String DLQ_STAGE = "flowpulse.dlq.stage";

    public static final String DLQ_SOURCE_TOPIC = "flowpulse.dlq.source-topic";
    public static final String DLQ_SOURCE_PARTITION = "flowpulse.dlq.source-partition";
    public static final String DLQ_SOURCE_OFFSET = "flowpulse.dlq.source-offset";

    private HeaderNames() {}
}
