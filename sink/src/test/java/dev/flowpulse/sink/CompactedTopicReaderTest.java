package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The one reader of every topic the sink reads, with Kafka's {@link MockConsumer}. */
class CompactedTopicReaderTest {

    private static final String TOPIC = "history";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    private final List<Long> applied = new CopyOnWriteArrayList<>();
    private final CompactedTopicReader.Handler handler = new CompactedTopicReader.Handler() {
        @Override
        public void apply(ConsumerRecord<byte[], byte[]> record) {
            applied.add(record.offset());
        }

        @Override
        public void corrupt(TopicPartition partition, long offset, String detail) {}
    };

    @Test
    void shouldTreatAMissingTopicAsEmptyAndReadItFromTheBeginningOnceItAppears() throws InterruptedException {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        CompactedTopicReader reader = new CompactedTopicReader(
                "test", consumer, List.of(TOPIC), Duration.ofMillis(10), Duration.ofMillis(50), handler);
        Thread thread = new Thread(reader, "reader-test");
        thread.start();
        try {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(reader.caughtUp()).isTrue());

            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            consumer.updateEndOffsets(Map.of(P0, 2L));
            consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), null, null)));
            consumer.schedulePollTask(() -> {
                consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, new byte[0], new byte[0]));
                consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, new byte[0], null));
            });

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(applied).containsExactly(0L, 1L));
            assertThat(reader.failure()).isNull();
        } finally {
            reader.stop();
            thread.join(10_000);
        }
        assertThat(thread.isAlive()).isFalse();
        assertThat(reader.failure()).isNull();
    }
}
