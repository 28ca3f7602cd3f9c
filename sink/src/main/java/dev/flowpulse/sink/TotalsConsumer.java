package dev.flowpulse.sink;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the totals topics into the {@link TotalsTable} with a {@link CompactedTopicReader}: decodes
 * each record ({@link TotalsRecordDecoder}), applies it, and counts what it consumed and rejected
 * in {@link SinkMetrics}.
 *
 * <p>Lifecycle: {@link #run} on one dedicated thread until {@link #stop} (see
 * {@link CompactedTopicReader}). {@link #caughtUp()}, {@link #lagRecords()} and {@link #failure()}
 * may be read from any thread.
 */
final class TotalsConsumer implements Runnable, CompactedTopicReader.Handler {

    private final SinkDeadLetters deadLetters;
    private final TotalsRecordDecoder decoder;
    private final TotalsTable table;
    private final SinkMetrics metrics;
    private final CompactedTopicReader reader;

    TotalsConsumer(
            Consumer<byte[], byte[]> consumer,
            List<String> topics,
            Duration pollTimeout,
            Duration partitionCheckInterval,
            TotalsRecordDecoder decoder,
            TotalsTable table,
            SinkMetrics metrics,
            SinkDeadLetters deadLetters) {
        this.deadLetters = deadLetters;
        this.decoder = decoder;
        this.table = table;
        this.metrics = metrics;
        this.reader = new CompactedTopicReader("totals", consumer, topics, pollTimeout, partitionCheckInterval, this);
    }

    @Override
    public void run() {
        reader.run();
    }

    /** Ends the loop; safe from any thread, returns at once. */
    void stop() {
        reader.stop();
    }

    boolean caughtUp() {
        return reader.caughtUp();
    }

    double lagRecords() {
        return reader.lagRecords();
    }

    Throwable failure() {
        return reader.failure();
    }

    @Override
    public void apply(ConsumerRecord<byte[], byte[]> record) {
        metrics.consumed(record.topic());
        TotalsUpdate update = decoder.decode(record.topic(), record.key(), record.value());
        TotalsTable.Outcome outcome;
        if (update instanceof TotalsUpdate.StateCount s) {
            outcome = table.putStateCount(s.series(), s.count());
        } else if (update instanceof TotalsUpdate.Finished f) {
            outcome = table.putFinished(f.series(), f.total());
        } else {
            TotalsUpdate.Rejected r = (TotalsUpdate.Rejected) update;
            metrics.rejected(record.topic(), record.partition(), record.offset(), r.reason(), r.detail());
            if (r.reason() != RejectReason.TOMBSTONE) { // a deletion, not bad input: nothing to set aside
                deadLetters.send(record, r.reason().dlqReason(), r.reason().description());
            }
            return;
        }
        if (outcome == TotalsTable.Outcome.NON_MONOTONIC) {
            metrics.rejected(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    RejectReason.NON_MONOTONIC,
                    "a total went down; keeping the higher one");
            deadLetters.send(record, RejectReason.NON_MONOTONIC.dlqReason(), RejectReason.NON_MONOTONIC.description());
        }
    }

    @Override
    public void corrupt(TopicPartition tp, long offset, String detail) {
        metrics.consumed(tp.topic());
        metrics.rejected(tp.topic(), tp.partition(), offset, RejectReason.CORRUPT_RECORD, detail);
        deadLetters.sendCorrupt(tp, offset);
    }

    @Override
    public String caughtUpSummary() {
        return ": serving " + table.stateCounts().size() + " state series and "
                + table.finishedTotals().size() + " finished series";
    }
}
