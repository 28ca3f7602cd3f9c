package dev.flowpulse.streams.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.HeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** Unexpected exceptions: skipped, and the source record lands on the dead-letter topic explained. */
class DeadLetterHandlersTest {

    private static final byte[] KEY = "019df237-3ef6-7325-90c1-a510f37f3369".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "{\"event\":\"prefect.flow-run.Running\"}".getBytes(StandardCharsets.UTF_8);
    private static final Map<String, Object> CONFIG =
            Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "flowpulse.dead-letters");

    /** Where the failing record came from, as Kafka Streams describes it to a handler. */
    private record Source(String topic, int partition, long offset) implements ErrorHandlerContext {
        @Override
        public org.apache.kafka.common.header.Headers headers() {
            return new RecordHeaders().add(HeaderNames.WORKSPACE, "prod".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String processorNodeId() {
            return "track-flow-run-state";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return 1_777_885_509_874L;
        }

        @Override
        public byte[] sourceRawKey() {
            return KEY;
        }

        @Override
        public byte[] sourceRawValue() {
            return VALUE;
        }
    }

    @Test
    void shouldDeadLetterTheSourceRecordOfAProcessingErrorAndContinue() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(CONFIG);

        ProcessingExceptionHandler.Response response = handler.handleError(
                new Source("flowpulse.prefect-events.raw", 2, 41L),
                new Record<>("k", "v", 0L),
                new IllegalStateException("boom"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("flowpulse.dead-letters");
            assertThat(record.value()).isEqualTo(VALUE);
            assertThat(record.key()).isEqualTo(KEY);
            assertExplained(record, DeadLetterProcessingHandler.REASON, "2", "41");
            assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_DETAIL))
                    .isEqualTo("java.lang.IllegalStateException");
            assertThat(DeadLetters.get(record.headers(), HeaderNames.WORKSPACE)).isEqualTo("prod");
        });
    }

    @Test
    void shouldDeadLetterARecordThatCannotBeDeserializedAndContinue() {
        DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
        handler.configure(CONFIG);
        ConsumerRecord<byte[], byte[]> corrupt =
                new ConsumerRecord<>("flowpulse-streams-state-totals-by-series-repartition", 0, 7L, KEY, VALUE);

        DeserializationExceptionHandler.Response response = handler.handleError(
                new Source("flowpulse-streams-state-totals-by-series-repartition", 0, 7L),
                corrupt,
                new org.apache.kafka.common.errors.SerializationException("bad"));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords())
                .singleElement()
                .satisfies(record -> assertExplained(record, DeadLetterDeserializationHandler.REASON, "0", "7"));
    }

    private static void assertExplained(
            ProducerRecord<byte[], byte[]> record, String reason, String partition, String offset) {
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_STAGE)).isEqualTo("streams");
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_REASON)).isEqualTo(reason);
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_SOURCE_PARTITION))
                .isEqualTo(partition);
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_SOURCE_OFFSET))
                .isEqualTo(offset);
    }

    @Test
    void shouldCountWhatTheHandlersSetAsideInTheTopologysCounters() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        dev.flowpulse.streams.StreamsCounters counters = new dev.flowpulse.streams.StreamsCounters(registry);
        DeadLetterProcessingHandler processing = new DeadLetterProcessingHandler();
        processing.configure(Map.of(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                "flowpulse.dead-letters",
                dev.flowpulse.streams.StreamsCounters.CONFIG_KEY,
                counters));

        processing.handleError(new Source("t", 0, 1L), new Record<>("k", "v", 0L), new IllegalStateException("boom"));

        assertThat(registry.find("flowpulse.streams.dead.letters")
                        .tag("reason", DeadLetterProcessingHandler.REASON)
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }
}
