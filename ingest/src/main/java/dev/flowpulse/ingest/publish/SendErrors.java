package dev.flowpulse.ingest.publish;

import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/** Classifies a failed Kafka send. Pure. */
public final class SendErrors {

    private SendErrors() {}

    /** Errors a retry or replay cannot fix (the same rule as the websocket handler's). */
    public static boolean isPermanent(Exception error) {
        return error instanceof RecordTooLargeException
                || error instanceof InvalidTimestampException
                || error instanceof SerializationException
                || error instanceof com.fasterxml.jackson.core.JsonProcessingException;
    }
}
