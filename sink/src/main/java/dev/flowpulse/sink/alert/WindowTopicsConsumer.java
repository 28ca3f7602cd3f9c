package dev.flowpulse.sink.alert;

import dev.flowpulse.contract.InProgressRun;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * Follows the topology's window-stats topics (updates and final results) and its in-progress-runs
 * topic into a {@link WindowTable}: assigns every partition (no consumer group), reads from the
 * beginning, {@code read_committed}. {@link #caughtUp()} once the positions reach the end offsets
 * seen at start: before that a view would be half built, and alerting evaluates nothing. Partitions
 * of topics missing at start are picked up every {@code partitionCheckInterval}.
 *
 * <p>Lifecycle: {@link #run} on one thread until {@link #stop}; a failure ends the loop and is
 * kept in {@link #failure()}. Unreadable records are counted ({@link #rejected()}) and skipped.
 */
public final class WindowTopicsConsumer implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(WindowTopicsConsumer.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final Consumer<byte[], byte[]> consumer;
    private final List<String> windowTopics;
    private final String inProgressTopic;
    private final Duration pollTimeout;
    private final Duration partitionCheckInterval;
    private final Duration keep;
    private final WindowTable table;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<TopicPartition, Long> catchUpTargets = new HashMap<>();
    private final Set<String> missingLogged = new HashSet<>();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean caughtUp;
    private volatile double lagRecords = Double.NaN;
    private volatile long lastUpdateMillis = -1;
    private volatile Throwable failure;
    private boolean rejectLogged;

    /**
     * @param keep how far back windows are kept (the longest rule window plus the largest slice);
     *             older ones are pruned
     */
    public WindowTopicsConsumer(
            Consumer<byte[], byte[]> consumer,
            List<String> windowTopics,
            String inProgressTopic,
            Duration pollTimeout,
            Duration partitionCheckInterval,
            Duration keep,
            WindowTable table,
            Clock clock) {
        this.consumer = consumer;
        this.windowTopics = List.copyOf(windowTopics);
        this.inProgressTopic = inProgressTopic;
        this.pollTimeout = pollTimeout;
        this.partitionCheckInterval = partitionCheckInterval;
        this.keep = keep;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            startReading();
            long nextCheck = System.nanoTime() + partitionCheckInterval.toNanos();
            while (running.get()) {
                checkCaughtUp();
                try {
                    if (consumer.assignment().isEmpty()) {
                        idle(); // none of the topics exists yet: poll() refuses an empty assignment
                    } else {
                        consumer.poll(pollTimeout).forEach(this::apply);
                    }
                } catch (RecordDeserializationException e) {
                    reject(e.topicPartition().topic(), e.offset(), "corrupt record");
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
                updateLag();
                if (System.nanoTime() - nextCheck >= 0) {
                    assignNewPartitions();
                    table.pruneBefore(clock.instant().minus(keep));
                    nextCheck = System.nanoTime() + partitionCheckInterval.toNanos();
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
            log.info("Window topics consumer stopped");
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

    public void stop() {
        running.set(false);
        consumer.wakeup();
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    /** Records not read yet, as last reported by the broker with the fetch responses (NaN before). */
    public double lagRecords() {
        return lagRecords;
    }

    public long applied() {
        return applied.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** Wall-clock millis of the last record applied, or -1 if none yet. */
    public long lastUpdateMillis() {
        return lastUpdateMillis;
    }

    public Throwable failure() {
        return failure;
    }

    private List<String> topics() {
        return java.util.stream.Stream.concat(windowTopics.stream(), java.util.stream.Stream.of(inProgressTopic))
                .toList();
    }

    private void startReading() {
        while (running.get()) {
            try {
                Set<TopicPartition> partitions = assignNewPartitions();
                catchUpTargets.putAll(consumer.endOffsets(partitions, METADATA_TIMEOUT));
                log.info("Reading {} partitions of {} from the beginning", partitions.size(), topics());
                return;
            } catch (TimeoutException e) {
                log.warn("Kafka did not answer within {} ({}); retrying", METADATA_TIMEOUT, e.getMessage());
            }
        }
    }

    private Set<TopicPartition> assignNewPartitions() {
        Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
        Set<TopicPartition> added = new HashSet<>();
        Map<String, List<PartitionInfo>> cluster;
        try {
            cluster = consumer.listTopics(METADATA_TIMEOUT);
        } catch (TimeoutException e) {
            if (catchUpTargets.isEmpty() && !caughtUp) {
                throw e;
            }
            log.warn("Could not check the window topics for new partitions ({})", e.getMessage());
            return added;
        }
        for (String topic : topics()) {
            List<PartitionInfo> infos = cluster.getOrDefault(topic, List.of());
            if (infos.isEmpty() && missingLogged.add(topic)) {
                log.warn("Topic {} does not exist (yet); checking again every {}", topic, partitionCheckInterval);
            }
            for (PartitionInfo info : infos) {
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
        return added;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        try {
            if (record.topic().equals(inProgressTopic)) {
                if (record.key() == null) {
                    reject(record.topic(), record.offset(), "no key");
                    return;
                }
                String runId = new String(record.key(), StandardCharsets.UTF_8);
                table.putInProgress(
                        runId,
                        record.value() == null ? null : Json.mapper().readValue(record.value(), InProgressRun.class));
            } else {
                if (record.key() == null || record.value() == null) {
                    return; // a tombstone of a window table: the window is forgotten by age anyway
                }
                WindowKey key = Json.mapper().readValue(record.key(), WindowKey.class);
                WindowStats stats = Json.mapper().readValue(record.value(), WindowStats.class);
                if (key.dimension() == null || key.windowStart() == null || key.windowEnd() == null) {
                    reject(record.topic(), record.offset(), "window key lacks a field");
                    return;
                }
                table.putWindow(key, stats);
            }
            applied.incrementAndGet();
            lastUpdateMillis = clock.millis();
        } catch (IOException | RuntimeException e) {
            reject(record.topic(), record.offset(), e.getClass().getSimpleName());
        }
    }

    private void reject(String topic, long offset, String why) {
        rejected.incrementAndGet();
        if (!rejectLogged) {
            rejectLogged = true;
            log.warn(
                    "Skipping an unreadable record of {} at offset {} ({}); later ones are only counted",
                    topic,
                    offset,
                    why);
        }
    }

    private void checkCaughtUp() {
        if (caughtUp) {
            return;
        }
        catchUpTargets.entrySet().removeIf(t -> consumer.position(t.getKey()) >= t.getValue());
        if (catchUpTargets.isEmpty()) {
            caughtUp = true;
            log.info(
                    "Caught up on the window topics: {} windows, {} runs in progress",
                    table.windowCount(),
                    table.inProgressCount());
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
        log.error("Window topics consumer failed; alerts are not evaluated until restart", e);
    }
}
