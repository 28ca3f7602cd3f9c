package dev.flowpulse.ingest.websocket;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Event ids handed to Kafka recently, so a backfill after a reconnect does not republish what
 * the previous connection already delivered. An optimisation only: entries expire after a TTL and
 * the oldest go when the set is full, and downstream dedupes by event id anyway.
 *
 * <p>Thread safe (synchronized): added on the frame thread, removed on the producer's I/O thread
 * when a send fails, so the replay can publish the event again.
 */
public final class RecentEventIds {

    private final long ttlMillis;
    private final int maxSize;
    private final Clock clock;
    private final LinkedHashMap<String, Long> addedAt;

    public RecentEventIds(Duration ttl, int maxSize, Clock clock) {
        this.ttlMillis = ttl.toMillis();
        this.maxSize = maxSize;
        this.clock = clock;
        this.addedAt = new LinkedHashMap<>(1024) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > RecentEventIds.this.maxSize;
            }
        };
    }

    /** Remembers {@code id}; false when it was already there (a duplicate). */
    public synchronized boolean add(String id) {
        long now = clock.millis();
        evictExpired(now);
        if (addedAt.containsKey(id)) {
            return false;
        }
        addedAt.put(id, now);
        return true;
    }

    public synchronized void remove(String id) {
        addedAt.remove(id);
    }

    public synchronized int size() {
        evictExpired(clock.millis());
        return addedAt.size();
    }

    private void evictExpired(long now) {
        Iterator<Long> oldestFirst = addedAt.values().iterator();
        while (oldestFirst.hasNext() && now - oldestFirst.next() >= ttlMillis) {
            oldestFirst.remove();
        }
    }
}
