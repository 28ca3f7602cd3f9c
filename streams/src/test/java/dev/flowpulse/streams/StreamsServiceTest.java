package dev.flowpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Lifecycle edges that need no broker; the running service is covered by StreamsServiceIT. */
class StreamsServiceTest {

    private static StreamsService service() {
        return new StreamsService(
                StreamsServiceConfig.fromEnv(Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9",
                        "FLOWPULSE_STATE_DIR", "target/streams-service-test")),
                new SimpleMeterRegistry());
    }

    @Test
    void shouldBeDownBeforeStart() {
        try (StreamsService service = service()) {
            assertThat(service.health().up()).isFalse();
            assertThat(service.health().detail()).contains("NOT_STARTED");
            assertThat(service.state()).isEmpty();
        }
    }

    @Test
    void shouldCloseIdempotentlyAndRefuseToStartAfterwards() throws Exception {
        StreamsService service = service();
        service.close();
        service.close();

        assertThat(service.awaitTermination(Duration.ZERO)).isTrue();
        assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class);
    }

    /** The three ways a broker outage beyond the delivery timeout failed the stream thread on the real broker. */
    @Test
    void shouldReplaceTheThreadWhenTheBrokerDidNotAnswerInTime() {
        TimeoutException expired = new TimeoutException(
                "Expiring 3 record(s) for x-window-aggregates-changelog-0:15876 ms has passed since batch creation.");
        StreamsException atCommit = new StreamsException(
                "Error encountered trying to commit a transaction",
                new KafkaException(
                        "Cannot execute transactional method because we are in an error state",
                        new TransactionAbortableException(
                                "Transaction Request was aborted after exhausting retries.", expired)));
        StreamsException unacknowledged = new StreamsException(
                "Error encountered trying to commit a transaction",
                new KafkaException("The client hasn't received acknowledgment for some previously sent messages and "
                        + "can no longer retry them. It is safe to abort the transaction and continue."));
        StreamsException atSend = new StreamsException("Error encountered trying to send record to topic x", expired);

        assertThat(List.of(atCommit, unacknowledged, atSend)).allMatch(StreamsService::brokerAway);
    }

    @Test
    void shouldStopOnAnErrorAboutARecordOrTheCode() {
        assertThat(List.of(
                        new StreamsException(
                                "Error encountered trying to commit a transaction",
                                new KafkaException(
                                        "Cannot execute transactional method because we are in an error state",
                                        new RecordTooLargeException(
                                                "The request included a message larger than the max"))),
                        new StreamsException("failed to process", new SerializationException("bad bytes")),
                        new StreamsException("a bug", new IllegalStateException("oops"))))
                .noneMatch(StreamsService::brokerAway);
    }

    @Test
    void shouldReplaceAtMostFiveThreadsInTenMinutes() {
        StreamsService.Replacements replacements = new StreamsService.Replacements();
        long start = 1_000_000L;
        for (int i = 0; i < StreamsService.MAX_REPLACEMENTS; i++) {
            assertThat(replacements.tryAcquire(start + i))
                    .as("replacement %d", i + 1)
                    .isTrue();
        }
        assertThat(replacements.tryAcquire(start + 10))
                .as("one more within the window")
                .isFalse();
        long later = start + StreamsService.REPLACEMENT_WINDOW.toNanos() + 1;
        assertThat(replacements.tryAcquire(later)).as("after the window").isTrue();
    }
}
