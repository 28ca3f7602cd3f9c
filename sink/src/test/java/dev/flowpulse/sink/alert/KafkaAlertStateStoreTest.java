package dev.flowpulse.sink.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowpulse.contract.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link KafkaAlertStateStore} with Kafka's mock clients: {@code load} reads to the end offsets,
 * skips and counts what it cannot read, then keeps following the topic; {@code changes} reports
 * other writers' records but not this store's own (nor anything at or before an own write).
 */
class KafkaAlertStateStoreTest {

    private static final String TOPIC = "alerts";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final Instant T0 = Instant.parse("2026-05-04T10:00:00Z");

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

    @Test
    void shouldLoadSkipUnreadableRecordsAndThenReportOnlyOtherWritersChanges() throws IOException {
        AlertState x = state("X");
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), null, null)));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.updateEndOffsets(Map.of(P0, 2L));
        ConsumerRecord<byte[], byte[]> first = record(0, x.labels(), value(x));
        ConsumerRecord<byte[], byte[]> unreadable =
                record(1, state("Y").labels(), "{not json".getBytes(StandardCharsets.UTF_8));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(first);
            consumer.addRecord(unreadable);
        });

        try (KafkaAlertStateStore store =
                new KafkaAlertStateStore(TOPIC, new Properties(), p -> consumer, p -> producer)) {
            assertThat(store.load()).containsOnlyKeys(x.labels()).containsEntry(x.labels(), x);
            assertThat(store.unreadable()).isEqualTo(1);

            store.put(state("A"));
            store.put(state("B")); // MockProducer offsets 0 and 1
            AlertState z = state("Z");
            store.put(z); // offset 2
            AlertState xResolved = x.resolved(T0.plusSeconds(60));
            consumer.addRecord(record(2, z.labels(), value(z))); // the echo of our own write
            consumer.addRecord(record(3, x.labels(), value(xResolved))); // another replica resolves X
            consumer.addRecord(record(4, x.labels(), "[]".getBytes(StandardCharsets.UTF_8)));
            consumer.addRecord(record(5, state("W").labels(), null)); // another replica's tombstone

            List<AlertStateStore.Change> seen = new CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                seen.addAll(store.changes());
                assertThat(seen)
                        .containsExactly(
                                new AlertStateStore.Change(x.labels(), xResolved),
                                new AlertStateStore.Change(state("W").labels(), null));
            });
            assertThat(store.unreadable()).isEqualTo(2);
        }
        assertThat(consumer.closed())
                .as("close() stops the follower, which closes its consumer")
                .isTrue();
    }

    private static AlertState state(String alertname) {
        return new AlertState(
                new Alert(Map.of("alertname", alertname, "severity", "page"), Map.of("summary", "s"), ""), T0, null);
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, Map<String, String> labels, byte[] value)
            throws IOException {
        return new ConsumerRecord<>(TOPIC, 0, offset, Json.mapper().writeValueAsBytes(new TreeMap<>(labels)), value);
    }

    private static byte[] value(AlertState s) throws IOException {
        return Json.mapper().writeValueAsBytes(KafkaAlertStateStore.StoredState.of(s));
    }
}
