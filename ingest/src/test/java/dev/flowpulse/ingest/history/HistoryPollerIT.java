package dev.flowpulse.ingest.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.Secret;
import dev.flowpulse.ingest.prefect.PrefectEndpoints;
import dev.flowpulse.ingest.rest.PrefectRestClient;
import dev.flowpulse.ingest.rest.RestSettings;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import dev.flowpulse.testkit.BrokerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The poller against the simulator's {@code /flow_runs/history} and a real broker: read as a table
 * (latest value per key, tombstones delete), the topic matches Prefect's answer after every poll,
 * as runs move on and cells vanish.
 */
@Tag("integration")
@Timeout(120)
class HistoryPollerIT {

    private static final String AUTH = "admin:history-it-7d1e";

    @RegisterExtension
    static final BrokerExtension KAFKA = new BrokerExtension("history-it");

    /** count_runs per key, from the topic read as a table. */
    private static Map<String, Long> table(String topic) {
        Properties props = new Properties();
        props.putAll(KAFKA.broker().clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Long> table = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        table.remove(r.key());
                    } else {
                        table.put(r.key(), readCount(r.value()));
                    }
                }
            }
        }
        return table;
    }

    private static long readCount(byte[] value) {
        try {
            return Json.prefect().readTree(value).get("count_runs").asLong();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Long> expected(JsonNode answer, String workspace) {
        Map<String, Long> expected = new HashMap<>();
        HistoryResponse.parse(answer, workspace)
                .orElseThrow()
                .forEach((key, cell) -> expected.put(key.toJson(), cell.countRuns()));
        return expected;
    }

    @Test
    void shouldMirrorPrefectsHistoryAsUpsertsAndTombstones() throws Exception {
        String topic = "history-" + UUID.randomUUID();
        KAFKA.broker().createTopic(topic, 3, Map.of("cleanup.policy", "compact"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HistorySettings settings =
                new HistorySettings(true, Duration.ofHours(1), Duration.ofHours(3), Duration.ofMinutes(15), topic);
        List<ObjectNode> events = Scenario.generate(
                        51, 12, Instant.now().minus(Scenario.SPAN).minusSeconds(60))
                .events();
        Properties producerProps = new Properties();
        producerProps.putAll(KAFKA.broker().clientProperties());
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (PrefectSimulator simulator =
                        PrefectSimulator.builder().authString(AUTH).build().start();
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
            PrefectRestClient client = new PrefectRestClient(
                    new PrefectEndpoints(simulator.apiUrl(), null, Secret.ofNullable(AUTH)),
                    RestSettings.defaults(),
                    registry,
                    Clock.systemUTC(),
                    RandomGenerator.getDefault());
            String workspace = "127.0.0.1:" + simulator.apiUrl().getPort();
            Function<SimpleMeterRegistry, HistoryPoller> newPoller = meters -> new HistoryPoller(
                    client,
                    KAFKA.broker().clientProperties(),
                    producer,
                    settings,
                    workspace,
                    Clock.systemUTC(),
                    meters);
            HistoryPoller poller = newPoller.apply(registry);
            poller.loadPublished();

            // Half of the events: runs are mid-flight (Pending, Running, ...).
            simulator.publish(events.subList(0, events.size() / 2));
            assertThat(poller.poll()).isTrue();
            Map<String, Long> first = table(topic);
            JsonNode answer1 = client.post(
                    PrefectRestClient.FLOW_RUNS_HISTORY, "/flow_runs/history", poller.request(Instant.now()));
            assertThat(first).isEqualTo(expected(answer1, workspace)).isNotEmpty();

            // The rest, while ingest is restarted: runs finish, mid-flight cells vanish.
            simulator.publish(events.subList(events.size() / 2, events.size()));
            SimpleMeterRegistry restarted = new SimpleMeterRegistry();
            poller = newPoller.apply(restarted);
            poller.loadPublished();
            registry = restarted;
            assertThat(poller.poll()).isTrue();
            JsonNode answer2 = client.post(
                    PrefectRestClient.FLOW_RUNS_HISTORY, "/flow_runs/history", poller.request(Instant.now()));
            assertThat(table(topic)).isEqualTo(expected(answer2, workspace));
            assertThat(registry.get("flowpulse.ingest.history.records")
                            .tag("kind", "tombstone")
                            .counter()
                            .count())
                    .isPositive();

            // Polling again changes nothing but RUNNING cells (their run time grows).
            double tombstones = registry.get("flowpulse.ingest.history.records")
                    .tag("kind", "tombstone")
                    .counter()
                    .count();
            assertThat(poller.poll()).isTrue();
            assertThat(registry.get("flowpulse.ingest.history.records")
                            .tag("kind", "tombstone")
                            .counter()
                            .count())
                    .isEqualTo(tombstones);
        }
    }
}
