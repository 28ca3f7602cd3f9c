package dev.flowpulse.streams.errors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * A record the topology cannot deserialize (raw input is read as bytes, so in practice a corrupt
 * repartition or changelog record) is logged, copied to the dead-letter topic with reason
 * {@code deserialization-error}, and skipped. Kafka counts it in {@code dropped-records}.
 *
 * <p>Instantiated by Kafka Streams from {@code deserialization.exception.handler}; stateless after configure.
 */
public final class DeadLetterDeserializationHandler extends LogAndContinueExceptionHandler {

    public static final String REASON = "deserialization-error";

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        Response response = super.handleError(context, record, exception);
        DeadLetterRecords.tag(response.deadLetterQueueRecords(), REASON, context, exception);
        return response;
    }
}
