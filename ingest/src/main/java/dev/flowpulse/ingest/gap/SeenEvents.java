package dev.flowpulse.ingest.gap;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ids of the events this process saw (websocket or {@code /events/filter}, whatever happened to
 * them next), indexed by {@code occurred}, so the late-arrival check can compare how many events
 * Prefect stores in a span of {@code occurred} with how many of them ingest saw: Prefect answers
 * {@code /events/filter} with {@code total}, the count of every match, and a seen event is a stored
 * one (the websocket streams stored events), so {@code total > count} proves a miss.
 *
 * <p>Bounded by time ({@link #forgetBefore}) and by {@code capacity} (oldest {@code occurred} first).
 * Thread safe (synchronized).
 */
public final class SeenEvents {

    private final int capacity;
    private final TreeMap<Instant, Set<String>> byOccurred = new TreeMap<>();
    private final Map<String, Instant> occurredById = new HashMap<>();
    private Instant evictedUpTo = Instant.MIN;

    public SeenEvents(int capacity) {
        this.capacity = capacity;
    }

    /** Remembers {@code id} at {@code occurred}; a later sighting of the same id moves it (the store's copy wins). */
    public synchronized void seen(String id, Instant occurred) {
        Instant before = occurredById.put(id, occurred);
        if (before != null) {
            if (before.equals(occurred)) {
                return;
            }
            remove(before, id);
        }
        byOccurred.computeIfAbsent(occurred, k -> new HashSet<>()).add(id);
        while (occurredById.size() > capacity) {
            Map.Entry<Instant, Set<String>> oldest = byOccurred.pollFirstEntry();
            oldest.getValue().forEach(occurredById::remove);
            evictedUpTo = oldest.getKey().isAfter(evictedUpTo) ? oldest.getKey() : evictedUpTo;
        }
    }

    /** Seen events with {@code since ≤ occurred ≤ until}, as Prefect's filter counts. */
    public synchronized int count(Instant since, Instant until) {
        if (until.isBefore(since)) {
            return 0;
        }
        int n = 0;
        for (Set<String> ids : byOccurred.subMap(since, true, until, true).values()) {
            n += ids.size();
        }
        return n;
    }

    /** Forgets every event that occurred before {@code oldest}. */
    public synchronized void forgetBefore(Instant oldest) {
        NavigableMap<Instant, Set<String>> old = byOccurred.headMap(oldest, false);
        old.values().forEach(ids -> ids.forEach(occurredById::remove));
        old.clear();
    }

    /**
     * The oldest {@code occurred} from which every seen event is still here: after ids were
     * evicted for capacity, just after the newest evicted one; else {@link Instant#MIN}.
     */
    public synchronized Instant completeFrom() {
        return evictedUpTo.equals(Instant.MIN) ? Instant.MIN : evictedUpTo.plusNanos(1000);
    }

    public synchronized int size() {
        return occurredById.size();
    }

    private void remove(Instant occurred, String id) {
        Set<String> ids = byOccurred.get(occurred);
        if (ids != null && ids.remove(id) && ids.isEmpty()) {
            byOccurred.remove(occurred);
        }
    }
}
