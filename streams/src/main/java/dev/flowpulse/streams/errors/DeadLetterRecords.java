package dev.flowpulse.streams.errors;

import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.HeaderNames;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Adds flowpulse's dead-letter headers (stage, reason, detail, source) to the dead-letter records
 * Kafka Streams builds for an unexpected exception (KIP-1034), so every record on the dead-letter
 * topic explains itself the same way, whoever set it aside. Kafka's own {@code __streams.errors.*}
 * headers stay as they are.
 */
final class DeadLetterRecords {

    static final String STAGE = "streams";

    private DeadLetterRecords() {}

    /** The detail is the exception class only: exception messages may quote the payload. */
    static void tag(
            List<ProducerRecord<byte[], byte[]>> records,
            String reason,
            ErrorHandlerContext context,
            Exception exception) {
        for (ProducerRecord<byte[], byte[]> record : records) {
            DeadLetters.put(record.headers(), HeaderNames.DLQ_STAGE, STAGE);
            DeadLetters.put(record.headers(), HeaderNames.DLQ_REASON, reason);
            DeadLetters.put(
                    record.headers(),
                    HeaderNames.DLQ_DETAIL,
                    exception.getClass().getName());
            DeadLetters.withSource(record.headers(), context.topic(), context.partition(), context.offset());
        }
    }
}
