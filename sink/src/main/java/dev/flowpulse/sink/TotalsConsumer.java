package dev.flowpulse.sink;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's one consumer loop: assigns every partition of the totals topics (no consumer group),
 * reads them from the beginning, and applies each record to the {@link TotalsTable}. It is caught
 * up once its positions reach the end offsets seen at start; every {@code partitionCheckInterval}
 * it looks for partitions added since and reads those from the beginning too.
 *
 * <p>Lifecycle: {@link #run} on one dedicated thread until {@link #stop}; it closes the consumer
 * on the way out. A failure ends the loop and is kept for {@link #failure()}. {@link #caughtUp()},
 * {@link #lagRecords()} and {@link #failure()} may be read from any thread.
 */
final class TotalsConsumer implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TotalsConsumer.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final Duration pollTimeout;
    private final Duration partitionCheckInterval;
    private final TotalsRecordDecoder decoder;
    private final TotalsTable table;
    private final SinkMetrics metrics;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> missingTopicsLogged = new HashSet<>();
    private final Map<TopicPartition, Long> catchUpTargets = new HashMap<>();
    private volatile boolean caughtUp;
    private volatile double lagRecords = Double.NaN;
    private volatile Throwable failure;

    TotalsConsumer(
            Consumer<byte[], byte[]> consumer,
            List<String> topics,
            Duration pollTimeout,
            Duration partitionCheckInterval,
            TotalsRecordDecoder decoder,
            TotalsTable table,
            SinkMetrics metrics) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.pollTimeout = pollTimeout;
        this.partitionCheckInterval = partitionCheckInterval;
        this.decoder = decoder;
        this.table = table;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        long startedNanos = System.nanoTime();
        try {
            startReading();
            long nextPartitionCheck = System.nanoTime() + partitionCheckInterval.toNanos();
            while (running.get()) {
                checkCaughtUp(startedNanos);
                poll().forEach(this::apply);
                updateLag();
                if (System.nanoTime() - nextPartitionCheck >= 0) {
                    checkForNewPartitions();
                    nextPartitionCheck = System.nanoTime() + partitionCheckInterval.toNanos();
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                fail(e);
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            log.info("Totals consumer stopped");
        }
    }

    /** Ends the loop; safe from any thread, returns at once. */
    void stop() {
        running.set(false);
        consumer.wakeup();
    }

    boolean caughtUp() {
        return caughtUp;
    }

    double lagRecords() {
        return lagRecords;
    }

    Throwable failure() {
        return failure;
    }

    /** Assigns and rewinds all partitions and records the end offsets to catch up to; retries while the broker is unreachable. */
    private void startReading() {
        while (running.get()) {
            try {
                Set<TopicPartition> partitions = assignNewPartitions();
                catchUpTargets.putAll(consumer.endOffsets(partitions, METADATA_TIMEOUT));
                log.info(
                        "Reading {} partitions of {} from the beginning, up to end offsets {}",
                        partitions.size(),
                        topics,
                        catchUpTargets);
                return;
            } catch (TimeoutException e) {
                log.warn("Kafka did not answer within {} ({}); retrying", METADATA_TIMEOUT, e.getMessage());
            }
        }
    }

    private void checkForNewPartitions() {
        try {
            assignNewPartitions();
        } catch (TimeoutException e) {
            log.warn("Could not check the totals topics for new partitions ({}); trying again later", e.getMessage());
        }
    }

    /**
     * Assigns partitions not assigned yet (all of them on the first call), reading them from the
     * beginning. Uses {@code listTopics}, which always asks the broker: {@code partitionsFor}
     * answers from the client's metadata cache, which for assigned topics can be minutes old.
     */
    private Set<TopicPartition> assignNewPartitions() {
        Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
        Set<TopicPartition> added = new HashSet<>();
        Map<String, List<PartitionInfo>> cluster = consumer.listTopics(METADATA_TIMEOUT);
        for (String topic : topics) {
            List<PartitionInfo> infos = cluster.get(topic);
            if ((infos == null || infos.isEmpty()) && missingTopicsLogged.add(topic)) {
                log.warn("Topic {} does not exist (yet); checking again every {}", topic, partitionCheckInterval);
            }
            for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
                TopicPartition tp = new TopicPartition(info.topic(), info.partition());
                if (assigned.add(tp)) {
                    added.add(tp);
                }
            }
        }
        if (!added.isEmpty()) {
            consumer.assign(assigned); // keeps the positions of partitions already assigned
            consumer.seekToBeginning(added);
            if (!catchUpTargets.isEmpty() || caughtUp) {
                log.info("Found {} new partitions {}; reading them from the beginning", added.size(), added);
            }
        }
        return added;
    }

    private ConsumerRecords<byte[], byte[]> poll() {
        try {
            return consumer.poll(pollTimeout);
        } catch (RecordDeserializationException e) {
            TopicPartition tp = e.topicPartition();
            metrics.consumed(tp.topic());
            metrics.rejected(tp.topic(), tp.partition(), e.offset(), RejectReason.CORRUPT_RECORD, e.getMessage());
            consumer.seek(tp, e.offset() + 1);
            return ConsumerRecords.empty();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        metrics.consumed(record.topic());
        TotalsUpdate update = decoder.decode(record.topic(), record.key(), record.value());
        TotalsTable.Outcome outcome;
        if (update instanceof TotalsUpdate.StateCount s) {
            outcome = table.putStateCount(s.series(), s.count());
        } else if (update instanceof TotalsUpdate.FinishedHistogram f) {
            outcome = table.putFinished(f.series(), f.histogram());
        } else {
            TotalsUpdate.Rejected r = (TotalsUpdate.Rejected) update;
            metrics.rejected(record.topic(), record.partition(), record.offset(), r.reason(), r.detail());
            return;
        }
        if (outcome == TotalsTable.Outcome.NON_MONOTONIC) {
            metrics.rejected(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    RejectReason.NON_MONOTONIC,
                    "a total went down; keeping the higher one");
        }
    }

    private void checkCaughtUp(long startedNanos) {
        if (caughtUp) {
            return;
        }
        catchUpTargets.entrySet().removeIf(target -> consumer.position(target.getKey()) >= target.getValue());
        if (catchUpTargets.isEmpty()) {
            caughtUp = true;
            log.info(
                    "Caught up in {} ms: serving {} state series and {} finished series",
                    Duration.ofNanos(System.nanoTime() - startedNanos).toMillis(),
                    table.stateCounts().size(),
                    table.finishedHistograms().size());
        }
    }

    private void updateLag() {
        long total = 0;
        boolean known = false;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                total += lag.getAsLong();
                known = true;
            }
        }
        if (known) {
            lagRecords = total;
        }
    }

    private void fail(Throwable e) {
        failure = e;
        log.error("Totals consumer failed; /health reports DOWN until restart", e);
    }
}
