package dev.flowpulse.streams.errors;

import dev.flowpulse.streams.StreamsCounters;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * An exception thrown while processing a record (a bug, not bad input: bad input is dead-lettered
 * by the parse step) is logged, the source record goes to the dead-letter topic with reason
 * {@code processing-error}, and processing continues. Kafka counts it in {@code dropped-records}, flowpulse in
 * {@code flowpulse_streams_dead_letters_total{reason}}.
 *
 * <p>Instantiated by Kafka Streams from {@code processing.exception.handler}; stateless after configure.
 */
public final class DeadLetterProcessingHandler extends LogAndContinueProcessingExceptionHandler {

    public static final String REASON = "processing-error";

    private StreamsCounters counters;

    /** Picks up the topology's counters from the streams config ({@link StreamsCounters#CONFIG_KEY}), if any. */
    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        counters = StreamsCounters.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Response response = super.handleError(context, record, exception);
        DeadLetterRecords.tag(response.deadLetterQueueRecords(), REASON, context, exception);
        if (counters != null) {
            counters.deadLettered(REASON);
        }
        return response;
    }
}
