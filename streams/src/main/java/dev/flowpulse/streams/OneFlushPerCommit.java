package dev.flowpulse.streams;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

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
 * <p>Without a {@code transactional.id} (at-least-once) the flush is what makes the offsets safe to
 * commit, and is kept. Only {@code Producer.flush} is changed; {@code KafkaClientSupplier} and
 * {@code KafkaProducer} are public API, and {@code StreamsServiceIT}/{@code StreamsTakeoverIT}
 * exercise the commit on a real broker, through a crash.
 */
final class OneFlushPerCommit implements KafkaClientSupplier {

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        if (config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG) == null) {
            return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return new CommitFlushedProducer(config);
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

    /** A transactional producer whose records are flushed by {@link #commitTransaction()} only. */
    static final class CommitFlushedProducer extends KafkaProducer<byte[], byte[]> {

        CommitFlushedProducer(Map<String, Object> config) {
            super(config, new ByteArraySerializer(), new ByteArraySerializer());
        }

        /** Nothing: {@link #commitTransaction()} flushes (see the class comment). */
        @Override
        public void flush() {}
    }
}
