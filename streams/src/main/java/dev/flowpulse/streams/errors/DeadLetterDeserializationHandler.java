package dev.flowpulse.streams.errors;

import dev.flowpulse.streams.StreamsCounters;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * A record the topology cannot deserialize (raw input is read as bytes, so in practice a corrupt
 * repartition or changelog record) is logged, copied to the dead-letter topic with reason
 * {@code deserialization-error}, and skipped. Kafka counts it in {@code dropped-records}, flowpulse in
 * {@code flowpulse_streams_dead_letters_total{reason}}.
 *
 * <p>Instantiated by Kafka Streams from {@code deserialization.exception.handler}; stateless after configure.
 */
public final class DeadLetterDeserializationHandler extends LogAndContinueExceptionHandler {

    public static final String REASON = "deserialization-error";

    private StreamsCounters counters;

    /** Picks up the topology's counters from the streams config ({@link StreamsCounters#CONFIG_KEY}), if any. */
    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        counters = StreamsCounters.from(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        Response response = super.handleError(context, record, exception);
        DeadLetterRecords.tag(response.deadLetterQueueRecords(), REASON, context, exception);
        if (counters != null) {
            counters.deadLettered(REASON);
        }
        return response;
    }
}
