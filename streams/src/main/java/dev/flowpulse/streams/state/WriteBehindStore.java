package dev.flowpulse.streams.state;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store that keeps the values written since the last commit as objects, and hands them
 * to the store it wraps (serde, record cache, changelog, RocksDB) once per key per commit. A key
 * written a hundred times between two commits (an hour window in a replay) is serialized and
 * written to the record cache once, not a hundred times.
 *
 * <p>Exactly once is unchanged: Kafka Streams flushes every store's cache before it flushes the
 * producer and commits the transaction ({@code StreamTask.prepareCommit} → {@code
 * ProcessorStateManager.flushCache}, which calls {@link #flushCache()} on each registered store that
 * is a {@link CachedStateStore}); this store writes its pending values into the wrapped store there,
 * and the wrapped store's own cache flush then writes them to the changelog inside the same
 * transaction. A crash before the commit loses the pending values together with the input offsets
 * they came from, exactly as it loses the record cache. {@code CachedStateStore} is an interface of
 * Kafka Streams' internals: {@code WriteBehindStoreTest} checks on a real topology, with the version
 * the parent pom pins, that the changelog receives what was written.
 *
 * <p>Reads see pending values first. A range scan (punctuations only) first writes the pending
 * values through, so the wrapped store's iterators see everything. Values must not be changed after
 * {@link #put}. Not thread safe: a task's store, used by its stream thread only.
 */
public final class WriteBehindStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {

    private final KeyValueStore<K, V> inner;
    /** Written since the last flush, in write order; a null value is a delete. */
    private final Map<K, V> pending = new LinkedHashMap<>();

    WriteBehindStore(KeyValueStore<K, V> inner) {
        this.inner = inner;
    }

    /** Wraps the stores {@code builder} builds (keep its caching and logging settings). */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> builder) {
        return new Builder<>(builder);
    }

    /** Pending values written into the wrapped store (through its serdes and record cache). */
    private void writePending() {
        if (pending.isEmpty()) {
            return;
        }
        for (Map.Entry<K, V> entry : pending.entrySet()) {
            // A null value is a delete: put(key, null) deletes without reading the old value back.
            inner.put(entry.getKey(), entry.getValue());
        }
        pending.clear();
    }

    @Override
    public void put(K key, V value) {
        pending.put(key, value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        entries.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public V delete(K key) {
        V old = get(key);
        pending.put(key, null);
        return old;
    }

    @Override
    public V get(K key) {
        return pending.containsKey(key) ? pending.get(key) : inner.get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        writePending();
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        writePending();
        return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        writePending();
        return inner.all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        writePending();
        return inner.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        writePending();
        return inner.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries() + pending.size();
    }

    /** Before every commit: pending values into the wrapped store, then its cache to the changelog. */
    @Override
    public void flushCache() {
        writePending();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.flushCache();
        }
    }

    @Override
    public void clearCache() {
        pending.clear();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.clearCache();
        }
    }

    /** No listener: this store is a processor's own, nothing forwards its flushed values. */
    @Override
    public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return inner.name();
    }

    /** {@code root} is this store (the outermost): the wrapped store registers it, so commits reach it. */
    @Override
    public void init(StateStoreContext context, StateStore root) {
        pending.clear();
        inner.init(context, root);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
        writePending();
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        writePending();
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return inner.approximateNumUncommittedBytes();
    }

    /** Pending values die with the task (a dirty close): they were never committed. */
    @Override
    public void close() {
        pending.clear();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
        private final StoreBuilder<KeyValueStore<K, V>> inner;

        Builder(StoreBuilder<KeyValueStore<K, V>> inner) {
            this.inner = inner;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            inner.withCachingEnabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            inner.withCachingDisabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            inner.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<K, V> build() {
            return new WriteBehindStore<>(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
