package dev.flowpulse.streams;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flowpulse.testkit.BrokerExtension;
import dev.flowpulse.testkit.CommittedRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link OneFlushPerCommit}'s producers on a real broker. A linger of a minute keeps every record in
 * the producer until something flushes it, so what a call sent is visible in its futures the moment
 * it returns.
 */
@Tag("integration")
@Timeout(value = 3, unit = MINUTES)
class OneFlushPerCommitIT {

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension("one-flush-it");

    @Test
    void aTransactionalProducerSendsItsRecordsAtTheCommitNotAtAFlush() throws Exception {
        KAFKA.broker().createTopic("tx-out", 3, Map.of());
        Map<String, Object> config = producerConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "one-flush-it-tx");
        try (Producer<byte[], byte[]> producer = new OneFlushPerCommit().getProducer(config);
                CommittedRecords<byte[], byte[]> reader =
                        CommittedRecords.open(KAFKA.broker().clientProperties(), "tx-out")) {
            producer.initTransactions();
            producer.beginTransaction();
            List<Future<RecordMetadata>> sent = send(producer, "tx-out", "run-1", "run-2", "run-3");

            producer.flush();
            assertThat(sent).as("a task's flush waits for nothing").noneMatch(Future::isDone);

            producer.commitTransaction();
            assertThat(sent)
                    .as("the commit sent every record and had every acknowledgement")
                    .allMatch(OneFlushPerCommitIT::acknowledged);
            List<ConsumerRecord<byte[], byte[]>> read = reader.awaitSettled(Duration.ofSeconds(30));
            assertThat(keys(read)).containsExactlyInAnyOrder("run-1", "run-2", "run-3");
        }
    }

    /**
     * The broker is away while the transaction commits: the commit's wait times out (max.block.ms of
     * a second) again and again, and the call still waits, until the broker is back and the commit
     * completes. A commit given up with its outcome unknown could complete later anyway, after Kafka
     * Streams restored the tasks without it (see the class comment of {@link OneFlushPerCommit}).
     */
    @Test
    void aCommitTheBrokerDoesNotAnswerInTimeIsAwaitedUntilItDoes() throws Exception {
        KAFKA.broker().createTopic("tx-outage", 3, Map.of());
        Map<String, Object> config = impatient("one-flush-it-outage");
        AtomicInteger timeouts = new AtomicInteger();
        try (Producer<byte[], byte[]> producer =
                        new OneFlushPerCommit(timeouts::incrementAndGet, () -> false).getProducer(config);
                CommittedRecords<byte[], byte[]> reader =
                        CommittedRecords.open(KAFKA.broker().clientProperties(), "tx-outage")) {
            producer.initTransactions();
            producer.beginTransaction();
            List<Future<RecordMetadata>> sent = send(producer, "tx-outage", "run-1", "run-2");

            CompletableFuture<Void> commit;
            KAFKA.broker().stop();
            try {
                commit = CompletableFuture.runAsync(producer::commitTransaction);
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(timeouts)
                                .as("the commit's wait timed out twice")
                                .hasValueGreaterThanOrEqualTo(2));
                assertThat(commit).as("still waiting for the broker").isNotDone();
            } finally {
                KAFKA.broker().restart();
            }

            commit.get(1, TimeUnit.MINUTES);
            assertThat(sent).allMatch(OneFlushPerCommitIT::acknowledged);
            assertThat(keys(reader.awaitSettled(Duration.ofSeconds(30))))
                    .as("committed once the broker answered")
                    .containsExactlyInAnyOrder("run-1", "run-2");
        }
    }

    /** Closing: the service is stopping, and a commit the broker does not answer fails as Kafka's own does. */
    @Test
    void aCommitTheBrokerDoesNotAnswerInTimeFailsOnceTheServiceIsClosing() throws Exception {
        KAFKA.broker().createTopic("tx-closing", 3, Map.of());
        Map<String, Object> config = impatient("one-flush-it-closing");
        AtomicInteger timeouts = new AtomicInteger();
        try (Producer<byte[], byte[]> producer =
                new OneFlushPerCommit(timeouts::incrementAndGet, () -> true).getProducer(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            send(producer, "tx-closing", "run-1");
            KAFKA.broker().stop();
            try {
                assertThatThrownBy(producer::commitTransaction).isInstanceOf(TimeoutException.class);
                assertThat(timeouts).hasValue(1);
            } finally {
                KAFKA.broker().restart();
            }
        }
    }

    @Test
    void aProducerWithoutTransactionsStillFlushes() throws Exception {
        KAFKA.broker().createTopic("alos-out", 3, Map.of());
        try (Producer<byte[], byte[]> producer = new OneFlushPerCommit().getProducer(producerConfig())) {
            List<Future<RecordMetadata>> sent = send(producer, "alos-out", "run-1", "run-2");

            producer.flush();

            assertThat(sent)
                    .as("at-least-once commits offsets after the flush: it must wait for the acknowledgements")
                    .allMatch(OneFlushPerCommitIT::acknowledged);
        }
    }

    /** Transactional, waiting at most a second for the broker's answer to a commit. */
    private static Map<String, Object> impatient(String transactionalId) {
        Map<String, Object> config = producerConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        return config;
    }

    private static Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 60_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return config;
    }

    private static List<Future<RecordMetadata>> send(Producer<byte[], byte[]> producer, String topic, String... keys) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (String key : keys) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            sent.add(producer.send(new ProducerRecord<>(topic, bytes, bytes)));
        }
        return sent;
    }

    /** Done, and with an offset (not an error). Java 17's {@code Future} has no {@code state()}. */
    private static boolean acknowledged(Future<RecordMetadata> sent) {
        if (!sent.isDone()) {
            return false;
        }
        try {
            return sent.get().hasOffset();
        } catch (Exception e) {
            return false;
        }
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
    }
}
