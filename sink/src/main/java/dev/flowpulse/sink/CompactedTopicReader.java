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
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's one way of reading a table from Kafka: assigns every partition of its topics (no
 * consumer group, nothing committed), reads them from the beginning and hands each record to a
 * {@link Handler}. It is {@linkplain #caughtUp() caught up} once its positions reach the end offsets
 * seen at start (the rebuild gate: until then what the handler built is incomplete and must not be
 * served); every {@code partitionCheckInterval} it looks for partitions added since (also of topics
 * missing at start) and reads those from the beginning too, and runs the handler's
 * {@link Handler#periodic()} task.
 *
 * <p>Lifecycle: {@link #run} on one dedicated thread until {@link #stop}; it closes the consumer
 * on the way out. A failure ends the loop and is kept for {@link #failure()}. {@link #caughtUp()},
 * {@link #lagRecords()} and {@link #failure()} may be read from any thread.
 */
public final class CompactedTopicReader implements Runnable {

    /** What the reader does with what it reads; called on the reader's thread only. */
    public interface Handler {

        /** One record, in partition order. Must not throw for bad input. */
        void apply(ConsumerRecord<byte[], byte[]> record);

        /** A record the Kafka client could not read at all; the reader skips it by offset. */
        void corrupt(TopicPartition partition, long offset, String detail);

        /** Once the end offsets seen at start are reached: a line for the log. */
        default String caughtUpSummary() {
            return "";
        }

        /** Every partition check interval (pruning, ...). */
        default void periodic() {}
    }

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicReader.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final Duration pollTimeout;
    private final Duration partitionCheckInterval;
    private final Handler handler;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> missingTopicsLogged = new HashSet<>();
    private final Map<TopicPartition, Long> catchUpTargets = new HashMap<>();
    private volatile boolean caughtUp;
    private volatile double lagRecords = Double.NaN;
    private volatile Throwable failure;

    /** @param name what it reads, for the log ({@code totals}, {@code window}, ...) */
    public CompactedTopicReader(
            String name,
            Consumer<byte[], byte[]> consumer,
            List<String> topics,
            Duration pollTimeout,
            Duration partitionCheckInterval,
            Handler handler) {
        this.name = name;
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.pollTimeout = pollTimeout;
        this.partitionCheckInterval = partitionCheckInterval;
        this.handler = handler;
    }

    @Override
    public void run() {
        long startedNanos = System.nanoTime();
        try {
            startReading();
            long nextPartitionCheck = System.nanoTime() + partitionCheckInterval.toNanos();
            while (running.get()) {
                checkCaughtUp(startedNanos);
                poll();
                updateLag();
                if (System.nanoTime() - nextPartitionCheck >= 0) {
                    checkForNewPartitions();
                    handler.periodic();
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
            log.info("Consumer of the {} topics stopped", name);
        }
    }

    /** Ends the loop; safe from any thread, returns at once. */
    public void stop() {
        running.set(false);
        consumer.wakeup();
    }

    /** True once every partition was read up to the end offset it had when the reader started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Records not read yet, as last reported by the broker with the fetch responses (NaN before the first). */
    public double lagRecords() {
        return lagRecords;
    }

    /** Why the loop ended, or null while it runs (or after a clean stop). */
    public Throwable failure() {
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
            log.warn("Could not check the {} topics for new partitions ({}); trying again later", name, e.getMessage());
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

    private void poll() {
        if (consumer.assignment().isEmpty()) {
            idle(); // none of the topics exists yet: poll() refuses an empty assignment
            return;
        }
        try {
            consumer.poll(pollTimeout).forEach(handler::apply);
        } catch (RecordDeserializationException e) {
            TopicPartition tp = e.topicPartition();
            handler.corrupt(tp, e.offset(), e.getMessage());
            consumer.seek(tp, e.offset() + 1);
        }
    }

    private void idle() {
        try {
            Thread.sleep(pollTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
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
                    "Caught up on the {} topics in {} ms{}",
                    name,
                    Duration.ofNanos(System.nanoTime() - startedNanos).toMillis(),
                    handler.caughtUpSummary());
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
        log.error("Consumer of the {} topics failed; it stays down until the sink restarts", name, e);
    }
}
