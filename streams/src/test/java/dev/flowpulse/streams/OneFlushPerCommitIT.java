package dev.flowpulse.streams;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.testkit.BrokerExtension;
import dev.flowpulse.testkit.CommittedRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
