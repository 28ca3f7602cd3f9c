package dev.flowpulse.simulator.events;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The simulator's event table: events ordered by {@code occurred} (arrival order among equal
 * timestamps), one row per event id like Prefect's primary key, capped in size so a long local run
 * stays in bounded memory (the oldest events are evicted first).
 *
 * <p>Thread safe (all methods synchronized).
 */
public final class EventStore {

    private final int capacity;
    private final List<StoredEvent> events = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();

    public EventStore(int capacity) {
        this.capacity = capacity;
    }

    /** Stores an event; false (and nothing stored) when its id is already present. */
    public synchronized boolean add(StoredEvent event) {
        if (!ids.add(event.id())) {
            return false;
        }
        int at = events.size();
        while (at > 0 && events.get(at - 1).occurred().isAfter(event.occurred())) {
            at--; // late arrivals are rare and usually close to the end
        }
        events.add(at, event);
        if (events.size() > capacity) {
            ids.remove(events.remove(0).id());
        }
        return true;
    }

    /** Matching events, ascending by occurred. */
    public synchronized List<StoredEvent> query(Predicate<StoredEvent> filter) {
        List<StoredEvent> matches = new ArrayList<>();
        for (StoredEvent e : events) {
            if (filter.test(e)) {
                matches.add(e);
            }
        }
        return matches;
    }

    public synchronized List<StoredEvent> all() {
        return new ArrayList<>(events);
    }

    public synchronized int size() {
        return events.size();
    }
}
