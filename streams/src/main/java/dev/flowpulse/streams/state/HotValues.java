package dev.flowpulse.streams.state;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A write-through cache of deserialized values in front of a processor's own key-value store: the
 * latest values of the most recently used keys (LRU, at most {@code capacity}), so a hot key (an
 * open window, a run in flight) is not deserialized again on every record. Every write goes to the
 * store as well, so the store, its changelog and exactly-once are exactly as without it.
 *
 * <p>It also remembers the keys the store lately did not hold (LRU, at most four times {@code capacity}): a
 * lookup of a key known absent costs no store read. Such misses are frequent (a hopping window's
 * slices that had no data, a window or a run seen for the first time) and expensive: the read goes
 * through the record cache to RocksDB, where a miss is slower than a hit.
 *
 * <p>Only correct while the owning processor is the store's only writer, which it is for a
 * processor's own store. {@link #clear()} must be called from the processor's {@code init}: Kafka
 * Streams initializes the processor again after its task was revived (restored from the
 * changelog), and the cache must not outlive that. Values must be immutable.
 *
 * <p>Not thread safe: one instance per processor, driven by its task's stream thread.
 */
public final class HotValues<K, V> {

    private final KeyValueStore<K, V> store;
    private final Map<K, V> hot;
    /** Keys the store does not hold (a value of {@code TRUE}: a set with LRU eviction). */
    private final Map<K, Boolean> absent;

    public HotValues(KeyValueStore<K, V> store, int capacity) {
        this.store = store;
        this.hot = lru(capacity);
        this.absent = lru(4 * capacity);
    }

    private static <K, T> Map<K, T> lru(int capacity) {
        return new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, T> eldest) {
                return size() > capacity;
            }
        };
    }

    public V get(K key) {
        V value = hot.get(key);
        if (value == null && absent.get(key) == null) {
            value = store.get(key);
            if (value != null) {
                hot.put(key, value);
            } else {
                absent.put(key, Boolean.TRUE);
            }
        }
        return value;
    }

    public void put(K key, V value) {
        store.put(key, value);
        if (value == null) {
            hot.remove(key);
            absent.put(key, Boolean.TRUE);
        } else {
            hot.put(key, value);
            absent.remove(key);
        }
    }

    /**
     * Deletes {@code key}: as {@code put(key, null)}, which a Kafka Streams store takes as a delete
     * without reading the old value (its {@code delete} reads it, through the cache to RocksDB, to
     * return it).
     */
    public void delete(K key) {
        store.put(key, null);
        hot.remove(key);
        absent.put(key, Boolean.TRUE);
    }

    /** Forgets every cached value and absence (the store keeps its values). */
    public void clear() {
        hot.clear();
        absent.clear();
    }
}
