package dev.flowpulse.streams.state;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Folds the records of each key into one batch and forwards each key's batch once per commit,
 * before the commit (through {@link CommitHooks}): in front of a repartition, a hundred
 * contributions of one group between two commits cross it as one record instead of a hundred.
 * Forwarding at the commit, in the transaction of the input offsets the batch came from, keeps
 * exactly once: a crash loses the unsent batches with those offsets, and the records are read again.
 * Within a key, the batch keeps the order of its records; a batch's timestamp is the latest of its
 * records'. When {@code maxPending} records wait, every batch is forwarded at once (bounded memory).
 *
 * <p>The forward at the commit runs outside record processing: like Kafka Streams' own record
 * cache, it sets this processor as the current node and the last record's context, and restores
 * both ({@code InternalProcessorContext}, an internal interface: {@code CommitBatcherTest} checks
 * it with the version the parent pom pins). One instance per task; not thread safe.
 *
 * @param <K> the key (kept)
 * @param <V> a record's value
 * @param <B> a batch: {@code start} makes one from a key's first value, {@code add} folds in the next
 */
public final class CommitBatcher<K, V, B> implements Processor<K, V, K, B> {

    private final String hooksStore;
    private final Function<V, B> start;
    private final BiFunction<B, V, B> add;
    private final int maxPending;
    private final Map<K, Pending<B>> pending = new LinkedHashMap<>();
    private int pendingRecords;
    private InternalProcessorContext<K, B> context;
    private ProcessorNode<?, ?, ?, ?> node;
    private ProcessorRecordContext lastRecordContext;

    private static final class Pending<B> {
        B batch;
        long timestamp;

        Pending(B batch, long timestamp) {
            this.batch = batch;
            this.timestamp = timestamp;
        }
    }

    public CommitBatcher(String hooksStore, Function<V, B> start, BiFunction<B, V, B> add, int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("at least one pending record");
        }
        this.hooksStore = hooksStore;
        this.start = start;
        this.add = add;
        this.maxPending = maxPending;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void init(ProcessorContext<K, B> context) {
        this.context = (InternalProcessorContext<K, B>) context;
        this.node = this.context.currentNode();
        pending.clear();
        pendingRecords = 0;
        lastRecordContext = null;
        CommitHooks hooks = context.getStateStore(hooksStore);
        hooks.onCommit(this::forwardAll);
    }

    @Override
    public void process(Record<K, V> record) {
        Pending<B> p = pending.get(record.key());
        if (p == null) {
            pending.put(record.key(), new Pending<>(start.apply(record.value()), record.timestamp()));
        } else {
            p.batch = add.apply(p.batch, record.value());
            p.timestamp = Math.max(p.timestamp, record.timestamp());
        }
        lastRecordContext = context.recordContext();
        if (++pendingRecords >= maxPending) {
            forwardAll();
        }
    }

    /** Every batch, in the order of the keys' first records; then none is pending. */
    private void forwardAll() {
        if (pending.isEmpty()) {
            return;
        }
        ProcessorNode<?, ?, ?, ?> previousNode = context.currentNode();
        ProcessorRecordContext previousContext = context.recordContext();
        context.setCurrentNode(node);
        if (lastRecordContext != null) {
            context.setRecordContext(lastRecordContext);
        }
        try {
            for (Map.Entry<K, Pending<B>> entry : pending.entrySet()) {
                Pending<B> p = entry.getValue();
                context.forward(new Record<>(entry.getKey(), p.batch, p.timestamp));
            }
        } finally {
            pending.clear();
            pendingRecords = 0;
            context.setCurrentNode(previousNode);
            context.setRecordContext(previousContext);
        }
    }

    /** What was not forwarded dies with the task: it was never committed. */
    @Override
    public void close() {
        pending.clear();
        pendingRecords = 0;
    }
}
