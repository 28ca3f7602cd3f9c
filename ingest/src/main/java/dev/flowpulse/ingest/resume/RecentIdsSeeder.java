package dev.flowpulse.ingest.resume;

import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.ingest.websocket.RecentEventIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dedup across restarts: before the first subscription, the ids of this workspace's raw records
 * with {@code occurred ≥ since} (the record timestamp is {@code occurred}) are read back from the
 * raw topic into the recent-ids cache, so the replay of the resume window does not republish what
 * the previous process already wrote. Bounded: at most {@code maxIds} ids, oldest first; the cache
 * itself is time-aware (its TTL). Downstream still dedupes by event id. Stateless.
 */
public final class RecentIdsSeeder {

    private static final Logger log = LoggerFactory.getLogger(RecentIdsSeeder.class);

    private RecentIdsSeeder() {}

    /**
     * Returns how many ids were added, or -1 when the raw topic could not be read; {@code seen} is
     * told every id read with its record timestamp ({@code occurred}).
     */
    public static int seed(
            Properties kafka,
            String rawTopic,
            String workspace,
            Instant since,
            RecentEventIds ids,
            int maxIds,
            BiConsumer<String, Instant> seen) {
        Duration timeout = ResumePointStore.LOAD_TIMEOUT;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(ResumePointStore.consumerProperties(kafka))) {
            List<PartitionInfo> infos = consumer.partitionsFor(rawTopic, timeout);
            if (infos == null || infos.isEmpty()) {
                return 0;
            }
            List<TopicPartition> partitions = new ArrayList<>();
            Map<TopicPartition, Long> query = new HashMap<>();
            for (PartitionInfo i : infos) {
                TopicPartition tp = new TopicPartition(rawTopic, i.partition());
                partitions.add(tp);
                query.put(tp, since.toEpochMilli());
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, timeout);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp start = starts.get(tp);
                consumer.seek(tp, start == null ? end.get(tp) : start.offset());
            }
            int added = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (added < maxIds && !reachedEnd(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String id = DeadLetters.get(r.headers(), HeaderNames.EVENT_ID);
                    if (id != null
                            && workspace.equals(DeadLetters.get(r.headers(), HeaderNames.WORKSPACE))
                            && r.timestamp() >= since.toEpochMilli()) {
                        seen.accept(id, Instant.ofEpochMilli(r.timestamp()));
                        if (ids.add(id)) {
                            added++;
                        }
                    }
                }
            }
            log.info("Remembered {} event ids already on {} since {}", added, rawTopic, since);
            return added;
        } catch (RuntimeException e) {
            log.warn(
                    "Could not read recent event ids back from {} ({}): the replay may republish some",
                    rawTopic,
                    e.toString());
            return -1;
        }
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
