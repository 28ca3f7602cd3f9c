package dev.flowpulse.sink.alert;

import dev.flowpulse.contract.InProgressRun;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.sink.CompactedTopicReader;
import dev.flowpulse.sink.SinkDeadLetters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the topology's window-stats topics (updates and final results) and its in-progress-runs
 * topic into a {@link WindowTable} with a {@link CompactedTopicReader} (every partition, no
 * consumer group, from the beginning, {@code read_committed}). {@link #caughtUp()} once the
 * positions reach the end offsets seen at start: before that a view would be half built, and
 * alerting evaluates nothing. Windows older than {@code keep} are pruned every partition check.
 *
 * <p>Lifecycle: {@link #run} on one thread until {@link #stop}; a failure ends the loop and is
 * kept in {@link #failure()}. Unreadable records are counted ({@link #rejected()}) and skipped.
 */
public final class WindowTopicsConsumer implements Runnable, CompactedTopicReader.Handler {

    private static final Logger log = LoggerFactory.getLogger(WindowTopicsConsumer.class);

    private final String inProgressTopic;
    private final Duration keep;
    private final WindowTable table;
    private final Clock clock;
    private final CompactedTopicReader reader;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile long lastUpdateMillis = -1;
    private boolean rejectLogged;
    private final SinkDeadLetters deadLetters;

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
            Clock clock,
            SinkDeadLetters deadLetters) {
        this.deadLetters = deadLetters;
        this.inProgressTopic = inProgressTopic;
        this.keep = keep;
        this.table = table;
        this.clock = clock;
        List<String> topics =
                Stream.concat(windowTopics.stream(), Stream.of(inProgressTopic)).toList();
        this.reader = new CompactedTopicReader("window", consumer, topics, pollTimeout, partitionCheckInterval, this);
    }

    @Override
    public void run() {
        reader.run();
    }

    public void stop() {
        reader.stop();
    }

    public boolean caughtUp() {
        return reader.caughtUp();
    }

    /** Records not read yet, as last reported by the broker with the fetch responses (NaN before). */
    public double lagRecords() {
        return reader.lagRecords();
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
        return reader.failure();
    }

    @Override
    public void corrupt(TopicPartition partition, long offset, String detail) {
        reject(partition.topic(), offset, "corrupt record");
        deadLetters.sendCorrupt(partition, offset);
    }

    @Override
    public void periodic() {
        table.pruneBefore(clock.instant().minus(keep));
    }

    @Override
    public String caughtUpSummary() {
        return ": " + table.windowCount() + " windows, " + table.inProgressCount() + " runs in progress";
    }

    @Override
    public void apply(ConsumerRecord<byte[], byte[]> record) {
        try {
            if (record.topic().equals(inProgressTopic)) {
                if (record.key() == null) {
                    reject(record, "missing-field", "an in-progress run without a key (flow-run id)");
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
                    reject(record, "missing-field", "the window key lacks dimension, window_start or window_end");
                    return;
                }
                table.putWindow(key, stats);
            }
            applied.incrementAndGet();
            lastUpdateMillis = clock.millis();
        } catch (IOException | RuntimeException e) {
            reject(record.topic(), record.offset(), e.getClass().getSimpleName());
            deadLetters.send(record, "unreadable-record", "the key or value is not the topic's JSON record");
        }
    }

    private void reject(ConsumerRecord<byte[], byte[]> record, String reason, String detail) {
        reject(record.topic(), record.offset(), detail);
        deadLetters.send(record, reason, detail);
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
}
