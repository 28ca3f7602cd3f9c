package dev.flowpulse.broker;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
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

    @Test
    void shouldReopenAClosedBrokerWithItsClusterIdDataAndPorts() throws Exception {
        String topic = "reopen-" + UUID.randomUUID();
        Path dir = Path.of("target", "broker-it-" + UUID.randomUUID());
        String bootstrap;
        String clusterId;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOrReopen(dir)) {
            broker.createTopic(topic, 2, Map.of());
            produce(broker, topic, "before");
            bootstrap = broker.bootstrapServers();
            clusterId = clusterId(broker);
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOrReopen(dir)) {
            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(clusterId(broker)).isEqualTo(clusterId);
            produce(broker, topic, "after");
            assertThat(awaitValues(broker, topic, 2)).containsExactlyInAnyOrder("before", "after");
        }
    }

    @Test
    void shouldReopenADirectoryMovedSinceWithItsOwnData() throws Exception {
        String topic = "relocated-" + UUID.randomUUID();
        Path dir = Path.of("target", "broker-it-" + UUID.randomUUID());
        Path moved = Path.of("target", "broker-it-moved-" + UUID.randomUUID());
        String clusterId;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOrReopen(dir)) {
            broker.createTopic(topic, 2, Map.of());
            produce(broker, topic, "before");
            clusterId = clusterId(broker);
        }
        Files.move(dir, moved); // server.properties still names the old, now missing, log directory

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOrReopen(moved)) {
            assertThat(clusterId(broker)).isEqualTo(clusterId);
            produce(broker, topic, "after");
            assertThat(awaitValues(broker, topic, 2)).containsExactlyInAnyOrder("before", "after");
        }
        assertThat(dir).as("nothing written where it was").doesNotExist();
    }

    @Test
    void shouldReopenOnNewPortsWhenItsOldOnesAreTaken() throws Exception {
        String topic = "moved-" + UUID.randomUUID();
        Path dir = Path.of("target", "broker-it-" + UUID.randomUUID());
        Path props = dir.resolve("attempt-1").resolve("server.properties");
        String clusterId;
        List<Integer> ports = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir)) {
            broker.createTopic(topic, 2, Map.of());
            produce(broker, topic, "before");
            clusterId = clusterId(broker);
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(props)) {
                p.load(in);
            }
            for (String listener : p.getProperty("listeners").split(",")) {
                ports.add(Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1)));
            }
        }
        assertThat(ports).hasSize(2);
        // Both the broker's and the controller's port are now held by someone else.
        try (ServerSocket a = new ServerSocket(ports.get(0), 1, InetAddress.getLoopbackAddress());
                ServerSocket b = new ServerSocket(ports.get(1), 1, InetAddress.getLoopbackAddress());
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOrReopen(dir)) {
            assertThat(a.isBound() && b.isBound()).as("old ports held").isTrue();
            assertThat(broker.bootstrapServers()).doesNotEndWith(":" + ports.get(0));
            assertThat(clusterId(broker)).isEqualTo(clusterId);
            produce(broker, topic, "after");
            assertThat(awaitValues(broker, topic, 2)).containsExactlyInAnyOrder("before", "after");
        }
    }

    private static String clusterId(EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
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
