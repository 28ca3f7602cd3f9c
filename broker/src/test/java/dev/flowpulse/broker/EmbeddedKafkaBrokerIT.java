package dev.flowpulse.broker;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
@Timeout(value = 3, unit = MINUTES)
class EmbeddedKafkaBrokerIT {

    @Test
    void shouldKeepDataAcrossARestartOnTheSamePort() throws Exception {
        String topic = "restart-" + UUID.randomUUID();
        Path dir = Path.of("target", "broker-it-" + UUID.randomUUID());
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir)) {
            broker.createTopic(topic, 2, Map.of());
            produce(broker, topic, "before");
            String bootstrap = broker.bootstrapServers();

            broker.stop();
            broker.restart();

            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            produce(broker, topic, "after");
            assertThat(awaitValues(broker, topic, 2)).containsExactlyInAnyOrder("before", "after");
        }
    }

    /** Acknowledged by the broker (idempotent producer, acks=all) before it returns. */
    private static void produce(EmbeddedKafkaBroker broker, String topic, String value) throws Exception {
        Properties p = broker.clientProperties();
        p.put("enable.idempotence", "true");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        }
    }

    /** Reads both partitions from the beginning until {@code count} values are in; then checks none follow. */
    private static List<String> awaitValues(EmbeddedKafkaBroker broker, String topic, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(broker.clientProperties(), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().untilAsserted(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                assertThat(values).hasSizeGreaterThanOrEqualTo(count);
            });
            assertThat(consumer.endOffsets(tps).values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .as("records on the topic")
                    .isEqualTo(count);
        }
        return values;
    }
}
