package dev.flowpulse.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a consumer group through the Admin client until it has committed the end offset of
 * every partition of the input topic ({@code listConsumerGroupOffsets} against {@code listOffsets}
 * latest, read once: the corpus is complete before a run starts), then of every repartition
 * topic of the app (the downstream sub-topologies). Polls every 50 ms, so a run's
 * end is known to within about 50 ms. Not thread safe.
 */
final class CommitWatcher implements AutoCloseable {

    private static final Duration REPORT_EVERY = Duration.ofSeconds(15);
    private static final Logger log = LoggerFactory.getLogger(CommitWatcher.class);

    private final Admin admin;
    private final String groupId;
    private final Map<TopicPartition, Long> endOffsets = new HashMap<>();
    private Map<TopicPartition, Long> repartitionEnds;

    CommitWatcher(String bootstrap, String topic, String groupId) throws Exception {
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "client.id", "benchmark-commit-watcher"));
        this.groupId = groupId;
        var partitions = admin.describeTopics(java.util.List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic)
                .partitions();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        admin.listOffsets(request)
                .all()
                .get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> endOffsets.put(tp, info.offset()));
    }

    long endOffsetTotal() {
        return endOffsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Returns the epoch millis at which every end offset was seen committed; fails when the app
     * failed or no offset moved for {@code stallTimeout}.
     */
    long awaitAllCommitted(Duration stallTimeout, BooleanSupplier failed) throws Exception {
        long deadline = System.nanoTime() + stallTimeout.toNanos();
        long nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
        long committedTotal = 0;
        while (System.nanoTime() < deadline) {
            if (failed.getAsBoolean()) {
                throw new IllegalStateException("The measured Streams app failed; see its log");
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            long now = System.currentTimeMillis();
            boolean all = endOffsets.entrySet().stream().allMatch(e -> {
                OffsetAndMetadata c = committed.get(e.getKey());
                return e.getValue() == 0 || (c != null && c.offset() >= e.getValue());
            });
            if (all && internalTopicsCommitted(committed)) {
                return now;
            }
            long total = endOffsets.keySet().stream()
                    .mapToLong(
                            tp -> committed.containsKey(tp) ? committed.get(tp).offset() : 0)
                    .sum();
            if (total > committedTotal) {
                committedTotal = total;
                deadline = System.nanoTime() + stallTimeout.toNanos();
            }
            if (System.nanoTime() > nextReport) {
                log.info("{}: {} of {} input offsets committed", groupId, committedTotal, endOffsetTotal());
                nextReport += REPORT_EVERY.toNanos();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(
                "No input offset committed for " + stallTimeout + ": " + committedTotal + " of " + endOffsetTotal());
    }

    /**
     * Once the raw topic is fully committed, its last transaction has written every repartition
     * record the run will ever write: the run is done when the group has also consumed the
     * repartition topics to their end (the downstream sub-topologies caught up). The end offset of
     * a partition is counted reached at end − 1: its last entry can be a transaction marker, which
     * a committed position may not have passed yet.
     */
    private boolean internalTopicsCommitted(Map<TopicPartition, OffsetAndMetadata> committed) throws Exception {
        if (repartitionEnds == null) {
            repartitionEnds = repartitionEndOffsets();
        }
        return repartitionEnds.entrySet().stream().allMatch(e -> {
            OffsetAndMetadata c = committed.get(e.getKey());
            return e.getValue() == 0 || (c != null && c.offset() >= e.getValue() - 1);
        });
    }

    private Map<TopicPartition, Long> repartitionEndOffsets() throws Exception {
        java.util.Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        java.util.List<String> repartitions = names.stream()
                .filter(n -> n.startsWith(groupId + "-") && n.endsWith("-repartition"))
                .toList();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(repartitions)
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .forEach((name, description) -> description
                        .partitions()
                        .forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        log.info("{}: raw topic committed; waiting for {} repartition partitions", groupId, ends.size());
        return ends;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
