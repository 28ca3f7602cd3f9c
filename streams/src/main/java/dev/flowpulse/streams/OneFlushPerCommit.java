package dev.flowpulse.streams;

import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' clients, except that a transactional producer's {@code flush()} does nothing: under
 * exactly-once the transaction's commit is the one flush.
 *
 * <p>Why: when a stream thread commits, Kafka Streams prepares every task in turn ({@code
 * StreamTask.prepareCommit}: the task's stores write their changelog records, then {@code
 * RecordCollector.flush} → {@code Producer.flush}), and only then commits the transaction. With
 * exactly-once v2 all tasks of a thread share one producer, so each task's flush waits a broker
 * round trip for what that task has just written, one task after the other: 4–7 flushes per commit,
 * 14–18 % of the stream thread at 1,000 events/s (benchmarks/README.md). {@link
 * KafkaProducer#commitTransaction()} sends everything unsent and waits until every record of the
 * transaction is acknowledged, and its callbacks have run, before it ends the transaction, so the
 * per-task flushes add waits, not safety: a record that fails makes the transaction fail to commit
 * (the producer is then in an abortable error state), the transaction is aborted, and nothing is
 * lost or counted twice. The error surfaces at the commit instead of at a task's flush: the
 * producer then throws a plain {@code KafkaException} (its abortable error state), which Kafka
 * Streams treats as fatal for the thread, where a retriable error at a flush re-initialized the task.
 * Measured on a broker stopped for longer than the delivery timeout, the thread failed with Kafka
 * Streams' own flushes as well, one step later; {@link StreamsService} replaces such a thread
 * (streams/README.md, "One flush per commit"). A send error that has already arrived is still
 * thrown at the task's flush ({@code RecordCollector.flush} checks it after the producer's flush).
 *
 * <p>And a commit whose outcome is unknown is never given up. When the broker does not answer
 * {@code sendOffsetsToTransaction} or {@code commitTransaction} within {@code max.block.ms}, the
 * producer throws a {@code TimeoutException}, and Kafka Streams 4.4 then marks the tasks corrupted:
 * it closes them dirty, wipes their stores and restores them from their changelogs. But the timed-out
 * commit is still pending in the producer, which sends it again once the broker is back, and Kafka
 * Streams' own next commit completes it: the transaction commits, input offsets included, while
 * the revived tasks may already have restored their stores up to the last stable offset before it.
 * Those stores then lack the transaction's changes for good (measured: a 15 s outage with a 2 s
 * {@code max.block.ms} left the state totals 4 to 5 of 180 short in 2 of 3 runs; {@code StreamsTakeoverIT}). So this
 * producer waits again, as the producer's contract allows (a timed-out {@code commitTransaction} may be
 * retried and awaits the same result), until the broker answers: committed, or refused (fenced,
 * aborted by its timeout), which Kafka Streams handles without a pending commit. Each wait that
 * times out logs a WARN and counts in {@code flowpulse_streams_commit_timeouts_total}. Once the
 * service is closing, the timeout is thrown as before.
 *
 * <p>Without a {@code transactional.id} (at-least-once) the flush is what makes the offsets safe to
 * commit, and is kept. Only {@code flush}, {@code sendOffsetsToTransaction} and {@code
 * commitTransaction} are changed; {@code KafkaClientSupplier} and {@code KafkaProducer} are public
 * API, and {@code StreamsServiceIT}/{@code StreamsTakeoverIT} exercise the commit on a real broker,
 * through a crash and broker outages.
 */
final class OneFlushPerCommit implements KafkaClientSupplier {

    private static final Logger log = LoggerFactory.getLogger(OneFlushPerCommit.class);

    private final Runnable onTimeout;
    private final BooleanSupplier closing;

    /**
     * @param onTimeout run on each wait for the broker that timed out (a counter)
     * @param closing   true once the service is closing: a timeout is then thrown, not waited out
     */
    OneFlushPerCommit(Runnable onTimeout, BooleanSupplier closing) {
        this.onTimeout = onTimeout;
        this.closing = closing;
    }

    /** Counts nothing, never closing (tests of the producer alone). */
    OneFlushPerCommit() {
        this(() -> {}, () -> false);
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        if (config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG) == null) {
            return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return new CommitFlushedProducer(config, onTimeout, closing);
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return getConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return getConsumer(config);
    }

    /**
     * A transactional producer whose records are flushed by {@link #commitTransaction()} only, and
     * whose commit is awaited until the broker answers (see the class comment).
     */
    static final class CommitFlushedProducer extends KafkaProducer<byte[], byte[]> {

        private final Runnable onTimeout;
        private final BooleanSupplier closing;

        CommitFlushedProducer(Map<String, Object> config, Runnable onTimeout, BooleanSupplier closing) {
            super(config, new ByteArraySerializer(), new ByteArraySerializer());
            this.onTimeout = onTimeout;
            this.closing = closing;
        }

        /** Nothing: {@link #commitTransaction()} flushes (see the class comment). */
        @Override
        public void flush() {}

        @Override
        public void sendOffsetsToTransaction(
                Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
            // Sending the same offsets again is harmless: the transaction keeps the last ones per partition.
            untilAnswered(
                    "adding the consumed offsets to the transaction",
                    () -> super.sendOffsetsToTransaction(offsets, groupMetadata));
        }

        @Override
        public void commitTransaction() {
            untilAnswered("committing the transaction", super::commitTransaction);
        }

        private void untilAnswered(String what, Runnable call) {
            for (int attempt = 1; ; attempt++) {
                try {
                    call.run();
                    return;
                } catch (TimeoutException e) {
                    onTimeout.run();
                    if (closing.getAsBoolean()) {
                        throw e;
                    }
                    log.warn(
                            "The broker did not answer {} in time (attempt {}: {}); waiting for it again, "
                                    + "because a commit whose outcome is unknown can still complete",
                            what,
                            attempt,
                            e.getMessage());
                }
            }
        }
    }
}
