package dev.flowpulse.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class EmbeddedKafkaBrokerIT {

    @Test
    void shouldKeepDataAcrossARestartOnTheSamePort() throws Exception {
        Path dir = Path.of("target", "broker-it-" + System.nanoTime());
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir)) {
            broker.createTopic("t", 2, Map.of());
            produce(broker, "before");
            String bootstrap = broker.bootstrapServers();

            broker.stop();
            broker.restart();

            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            produce(broker, "after");
            assertThat(consumeAll(broker)).containsExactlyInAnyOrder("before", "after");
        }
    }

    private static void produce(EmbeddedKafkaBroker broker, String value) throws Exception {
        Properties p = broker.clientProperties();
        p.put("enable.idempotence", "true");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("t", "k", value)).get();
        }
    }

    private static List<String> consumeAll(EmbeddedKafkaBroker broker) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(broker.clientProperties(), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = List.of(new TopicPartition("t", 0), new TopicPartition("t", 1));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < 2 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
