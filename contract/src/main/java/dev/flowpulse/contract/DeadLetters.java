package dev.flowpulse.contract;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the headers of a dead-letter record. The value of a dead letter is always the original
 * bytes, untouched, so the record can be inspected and replayed; the why lives in headers.
 */
public final class DeadLetters {

    private DeadLetters() {}

    public static org.apache.kafka.common.header.Headers headers(String stage, String reason, String detail) {
        RecordHeaders h = new RecordHeaders();
        put(h, HeaderNames.DLQ_STAGE, stage);
        put(h, HeaderNames.DLQ_REASON, reason);
        put(h, HeaderNames.DLQ_DETAIL, detail);
        return h;
    }

    public static org.apache.kafka.common.header.Headers withSource(
            org.apache.kafka.common.header.Headers h, String topic, int partition, long offset) {
        put(h, HeaderNames.DLQ_SOURCE_TOPIC, topic);
        put(h, HeaderNames.DLQ_SOURCE_PARTITION, Integer.toString(partition));
        put(h, HeaderNames.DLQ_SOURCE_OFFSET, Long.toString(offset));
        return h;
    }

    public static void put(org.apache.kafka.common.header.Headers h, String key, String value) {
        h.remove(key);
        h.add(key, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }

    /** A header's value as a string, or null. */
    public static String get(org.apache.kafka.common.header.Headers h, String key) {
        var header = h == null ? null : h.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
