package dev.flowpulse.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads topics as a downstream consumer of an exactly-once application does: {@code
 * isolation.level=read_committed}, no consumer group, every partition assigned and read from the
 * beginning. A record written in a transaction shows up here only once the transaction commits,
 * which is later than the producing application's counters, logs or health move: wait on this,
 * not on those.
 *
 * <p>{@link #awaitUntil} polls until an assertion on everything read so far passes (a timeout
 * reports the last assertion failure); {@link #awaitSettled} polls until every partition is read up
 * to its last stable offset and no transaction is open on it, i.e. everything committed so far and
 * nothing in flight. Topics must exist (the reader never auto-creates them).
 *
 * <p>Not thread safe (one {@link KafkaConsumer}); the waits poll in the calling thread.
 */
public final class CommittedRecords<K, V> implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final List<String> topics;
    private final KafkaConsumer<K, V> consumer;
    private final Admin admin;
    private final Set<TopicPartition> assigned = new LinkedHashSet<>();
    private final List<ConsumerRecord<K, V>> records = new ArrayList<>();

    private CommittedRecords(
            Properties clientProperties, Deserializer<K> keys, Deserializer<V> values, List<String> topics) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("no topics to read");
        }
        this.topics = List.copyOf(topics);
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, keys, values);
        this.admin = Admin.create(clientProperties);
    }

    /** A reader of raw bytes. {@code clientProperties}: {@code bootstrap.servers} and any security settings. */
    public static CommittedRecords<byte[], byte[]> open(Properties clientProperties, String... topics) {
        return open(clientProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics);
    }

    public static <K, V> CommittedRecords<K, V> open(
            Properties clientProperties, Deserializer<K> keys, Deserializer<V> values, String... topics) {
        return new CommittedRecords<>(clientProperties, keys, values, List.of(topics));
    }

    /** One fetch: assigns partitions not assigned yet (from their beginning), polls once; returns everything read so far. */
    public List<ConsumerRecord<K, V>> poll() {
        assignNewPartitions();
        if (!assigned.isEmpty()) {
            consumer.poll(POLL).forEach(records::add);
        }
        return records();
    }

    /** Everything read so far, in the order read (per partition: offset order; across partitions: no order). */
    public List<ConsumerRecord<K, V>> records() {
        return List.copyOf(records);
    }

    /**
     * Polls until {@code assertion} accepts everything read so far; returns those records. On timeout
     * the exception names this reader and carries the assertion's last failure.
     */
    public List<ConsumerRecord<K, V>> awaitUntil(Duration atMost, Consumer<List<ConsumerRecord<K, V>>> assertion) {
        await("committed records of " + topics)
                .atMost(atMost)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertion.accept(poll()));
        return records();
    }

    /**
     * Polls until every partition of the topics is read up to its last stable offset and that equals
     * its high watermark (no transaction open); returns everything read. What a read_committed
     * consumer can ever see of the writes so far is then in hand.
     */
    public List<ConsumerRecord<K, V>> awaitSettled(Duration atMost) {
        return awaitUntil(atMost, read -> assertSettled());
    }

    private void assertSettled() {
        if (assigned.isEmpty()) {
            throw new AssertionError("no partitions found for " + topics);
        }
        Map<TopicPartition, Long> stable = consumer.endOffsets(assigned, METADATA_TIMEOUT);
        Map<TopicPartition, Long> high = highWatermarks();
        Map<String, String> unsettled = new TreeMap<>();
        for (TopicPartition tp : assigned) {
            long position = consumer.position(tp, METADATA_TIMEOUT);
            long lso = stable.get(tp);
            long hw = high.get(tp);
            if (position < lso || lso != hw) {
                unsettled.put(
                        tp.toString(),
                        "position " + position + ", last stable offset " + lso + ", high watermark " + hw);
            }
        }
        if (!unsettled.isEmpty()) {
            throw new AssertionError("not settled (read up to the last stable offset, no open transaction): "
                    + unsettled + "; " + records.size() + " records read");
        }
    }

    private Map<TopicPartition, Long> highWatermarks() {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        assigned.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        try {
            Map<TopicPartition, ListOffsetsResultInfo> infos = admin.listOffsets(
                            latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                    .all()
                    .get(METADATA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> offsets = new HashMap<>();
            infos.forEach((tp, info) -> offsets.put(tp, info.offset()));
            return offsets;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot list the high watermarks of " + assigned, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void assignNewPartitions() {
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
                TopicPartition tp = new TopicPartition(info.topic(), info.partition());
                if (assigned.add(tp)) {
                    added.add(tp);
                }
            }
        }
        if (!added.isEmpty()) {
            consumer.assign(assigned);
            consumer.seekToBeginning(added);
        }
    }

    @Override
    public void close() {
        try {
            consumer.close();
        } finally {
            admin.close();
        }
    }
}
