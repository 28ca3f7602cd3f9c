package dev.flowpulse.testkit;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reader the pipeline's tests wait with: it sees a transaction's records once it commits, never before. */
@Tag("integration")
@Timeout(value = 3, unit = MINUTES)
class CommittedRecordsIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(Path.of("target", "committed-records-it-" + UUID.randomUUID()));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldShowATransactionsRecordsOnlyOnceItCommits() {
        String topic = "committed-" + UUID.randomUUID();
        broker.createTopic(topic, 2, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer();
                CommittedRecords<byte[], byte[]> reader = CommittedRecords.open(broker.clientProperties(), topic)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, bytes("a")));
            producer.send(new ProducerRecord<>(topic, 1, null, bytes("b")));
            producer.flush(); // on the broker, in an open transaction

            assertThatThrownBy(() -> reader.awaitSettled(Duration.ofSeconds(2)))
                    .isInstanceOf(ConditionTimeoutException.class)
                    .hasMessageContaining("not settled");
            assertThat(reader.records()).isEmpty();

            producer.commitTransaction();

            assertThat(reader.awaitSettled(Duration.ofSeconds(60)))
                    .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("a", "b");
        }
    }

    @Test
    void shouldReportTheLastAssertionFailureWhenTheConditionNeverHolds() {
        String topic = "empty-" + UUID.randomUUID();
        broker.createTopic(topic, 1, Map.of());
        try (CommittedRecords<byte[], byte[]> reader = CommittedRecords.open(broker.clientProperties(), topic)) {
            assertThatThrownBy(() -> reader.awaitUntil(
                            Duration.ofSeconds(1),
                            records -> assertThat(records)
                                    .as("records of %s", topic)
                                    .hasSize(1)))
                    .isInstanceOf(ConditionTimeoutException.class)
                    .hasMessageContaining("committed records of [" + topic + "]")
                    .hasMessageContaining("Expected size: 1 but was: 0");
        }
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer() {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "committed-records-it-" + UUID.randomUUID());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
